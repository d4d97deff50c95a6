"""Reminders on a virtual clock: the right days, the right people, exactly once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from toetreding import ConfigurationError, Toetreding
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.reminders import KEY_HEADER, SmtpChannel
from toetreding.reminders.scheduler import single_scheduler
from toetreding.reminders.sweep import ReminderSweep
from toetreding.store import Ledger, make_engine
from toetreding.store.tables import SchoolCreate

from .conftest import SmtpServer
from .helpers import run, run_json, with_pdfs

SCHOOL = "directie@wilg.example"
COORDINATOR = "coordinator@po.example"
STUURGROEP = "stuurgroep@po.example"
SENDER = "Po-partnerschap <noreply@po.example>"


@pytest.fixture
def case_id(app: Toetreding) -> int:
    """A po school at its own decision since 16 November 2027: due before 1 April 2028, so
    on 31 March 2028 at the latest."""
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2027, 11, 16, 10, 0))
    partnership = app.store.add_partnership("groningen", "Po Groningen", app.clock.now())
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id or 0,
            name="OBS De Wilg",
            sector="po",
            region="noord",
            brin="WILG",
            board="SOOG",
        ),
        app.clock.now(),
    )
    for email, role in [(COORDINATOR, "coordinator"), (STUURGROEP, "stuurgroep")]:
        app.add_person(role.title(), email, partnership_ref="groningen", roles=(role,))
    app.add_person(
        "Directie De Wilg",
        SCHOOL,
        partnership_ref="groningen",
        roles=("school",),
        school_ref="WILG",
    )
    case = app.open_case(school_ref="WILG", protocol_id="po-groningen", actor_ref=COORDINATOR)
    app.fire(case, "bestuur_al_betrokken", actor_ref=COORDINATOR, note="al partner")
    app.fire(
        case,
        "directeursgesprek_gevoerd",
        actor_ref=COORDINATOR,
        inputs=with_pdfs(
            app, case, "directeursgesprek_gevoerd", {"verslag_directeursgesprek": "v.pdf"}
        ),
    )
    return case


def sweep(app: Toetreding, smtp_server: SmtpServer, *, exclusive: bool = True) -> ReminderSweep:
    channel = SmtpChannel(smtp_server.host, smtp_server.port, security="none")
    return ReminderSweep(
        app, channel, sender=SENDER, base_url="https://toetreding.example", exclusive=exclusive
    )


def morning(day: date) -> datetime:
    return datetime.combine(day, time(7, 0), tzinfo=LOCAL_TZ)


def reminders(smtp_server: SmtpServer) -> list[Any]:
    """The reminders among the messages received (not the hand-overs, see test_handovers)."""
    return [m for m in smtp_server.messages if str(m[KEY_HEADER]).startswith("deadline-")]


def received(smtp_server: SmtpServer) -> list[tuple[str, str]]:
    return [
        (str(m["To"]).split("<")[-1].rstrip(">"), str(m["Subject"])) for m in smtp_server.messages
    ]


def test_the_ladder_goes_out_on_its_days_to_its_people(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    heartbeat = sweep(app, smtp_server)
    days: dict[date, list[str]] = {}
    day = date(2027, 11, 16)
    while day <= date(2028, 4, 10):
        before = len(smtp_server.messages)
        for _ in range(2):  # a second beat on the same day sends nothing more
            heartbeat.run(morning(day))
        new = smtp_server.messages[before:]
        if new:
            days[day] = sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in new)
        day += timedelta(days=1)

    # "Vóór 1 april": the last day is Friday 31 March 2028.
    assert days == {
        date(2027, 11, 16): [SCHOOL],  # the hand-over: the decision is the school's now
        date(2028, 3, 1): [COORDINATOR, SCHOOL],  # 30 days before 31 March
        date(2028, 3, 24): [SCHOOL],  # a week before
        date(2028, 3, 30): [SCHOOL],  # the day before
        date(2028, 3, 31): [SCHOOL],  # on the last day
        date(2028, 4, 5): [STUURGROEP],  # three working days after (Mon 3 - Wed 5 April)
    }
    assert str(smtp_server.messages[0]["Subject"]).startswith("Aan de beurt: ")
    subjects = [str(m["Subject"]) for m in reminders(smtp_server)]
    assert subjects[0].startswith("Herinnering: Besluit over aansluiten doorgeven")
    assert "nog 30 dagen (uiterlijk 31 maart 2028)" in subjects[0]
    assert subjects[-1].startswith("Escalatie: ")
    assert (
        "https://toetreding.example/dossiers/"
        in reminders(smtp_server)[0].get_body(("plain",)).get_content()
    )
    assert Ledger(app.store.engine).counts() == {"sent": 7}


def test_the_reminder_list_names_deadlines_and_steps_in_the_protocols_words(
    app: Toetreding, smtp_server: SmtpServer, case_id: int, database_url: str
) -> None:
    heartbeat = sweep(app, smtp_server)
    for day in (date(2027, 11, 16), date(2028, 3, 1)):
        heartbeat.run(morning(day))
    table = run("--db", database_url, "reminders", "list")
    assert "besluit_voor_1_april" not in table  # never the deadline's internal name
    assert {r["about"] for r in run_json("--db", database_url, "reminders", "list")} == {
        "Besluit over aansluiten doorgeven",
        "overdracht (aan de beurt): School beslist over aansluiten (vóór 1 april)",
    }


def test_a_met_deadline_sends_no_more_reminders(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    heartbeat = sweep(app, smtp_server)
    heartbeat.run(morning(date(2028, 3, 1)))
    assert len(smtp_server.messages) == 2
    app.fire(
        case_id,
        "aansluiten_melden",
        actor_ref=SCHOOL,
        inputs=with_pdfs(
            app,
            case_id,
            "aansluiten_melden",
            {
                "aanmelding": "a.pdf",
                "schooljaar_aansluiting": "2028-2029",
                "directeur_akkoord": "ja",
                "team_akkoord": "ja",
            },
        ),
        at=morning(date(2028, 3, 2)),
    )
    for offset in range(40):
        heartbeat.run(morning(date(2028, 3, 2) + timedelta(days=offset)))
    assert len(reminders(smtp_server)) == 2
    # The step handed the case on: its next actors were told once, nobody was reminded.
    assert [str(m["Subject"]) for m in smtp_server.messages[2:]] == [
        "Aan de beurt: Voorbereiding in de stuurgroep — OBS De Wilg"
    ] * 2


def test_after_downtime_only_what_is_still_relevant_goes_out(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    heartbeat = sweep(app, smtp_server)
    heartbeat.run(morning(date(2028, 1, 10)))  # then nothing runs until 30 March
    report = heartbeat.run(morning(date(2028, 3, 30)))
    assert received(smtp_server) == [
        (SCHOOL, smtp_server.messages[0]["Subject"]),
    ]
    assert "nog 1 dag" in str(smtp_server.messages[0]["Subject"])
    assert (report.sent, report.skipped) == (1, 3)  # 30 days (2 people) and 7 days overtaken
    skipped = Ledger(app.store.engine).rows(["skipped"])
    assert {row["skip_reason"] for row in skipped} == {
        "ingehaald door een latere herinnering (was voor 01-03-2028)",
        "ingehaald door een latere herinnering (was voor 24-03-2028)",
    }


def test_a_refusing_server_leaves_the_reminder_pending_until_it_accepts(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    smtp_server.refuse_recipient(SCHOOL, "451 mailbox busy, try later")
    heartbeat = sweep(app, smtp_server)
    first = heartbeat.run(morning(date(2028, 3, 1)))
    assert first.sent == 1 and len(first.failed) == 1  # the coordinator's went out
    failed = Ledger(app.store.engine).rows(["failed"])
    assert len(failed) == 1 and failed[0]["email"] == SCHOOL
    assert "451 mailbox busy" in failed[0]["last_error"]
    assert Ledger(app.store.engine).counts()["failed"] == 1

    smtp_server.accept_recipient(SCHOOL)
    too_soon = heartbeat.run(morning(date(2028, 3, 1)) + timedelta(seconds=30))
    assert too_soon.sent == 0  # waits for its back-off
    later = heartbeat.run(morning(date(2028, 3, 1)) + timedelta(minutes=3))
    assert later.sent == 1
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == [COORDINATOR, SCHOOL]
    assert Ledger(app.store.engine).counts() == {"sent": 2}


def test_a_failed_reminder_is_dropped_when_the_deadline_is_met_before_its_retry(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    smtp_server.refuse_recipient(SCHOOL, "451 mailbox busy, try later")
    heartbeat = sweep(app, smtp_server)
    heartbeat.run(morning(date(2028, 3, 1)))  # the coordinator's goes out, the school's fails
    assert Ledger(app.store.engine).counts() == {"sent": 1, "failed": 1}

    app.fire(  # the school meets the deadline before the reminder's next try
        case_id,
        "aansluiten_melden",
        actor_ref=SCHOOL,
        inputs=with_pdfs(
            app,
            case_id,
            "aansluiten_melden",
            {
                "aanmelding": "a.pdf",
                "schooljaar_aansluiting": "2028-2029",
                "directeur_akkoord": "ja",
                "team_akkoord": "ja",
            },
        ),
        at=morning(date(2028, 3, 1)) + timedelta(minutes=1),
    )
    smtp_server.accept_recipient(SCHOOL)
    report = heartbeat.run(morning(date(2028, 3, 1)) + timedelta(minutes=10))
    assert (report.sent, report.skipped) == (2, 1)  # sent: the step's hand-overs
    [dropped] = Ledger(app.store.engine).rows(["skipped"])
    assert (dropped["email"], dropped["attempts"], dropped["skip_reason"]) == (
        SCHOOL,
        1,
        "de termijn is intussen gehaald of vervallen",
    )
    heartbeat.run(morning(date(2028, 3, 2)))
    assert [m["To"].addresses[0].addr_spec for m in reminders(smtp_server)] == [COORDINATOR]
    assert Ledger(app.store.engine).counts() == {"sent": 3, "skipped": 1}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_reminder_another_process_sent_is_not_claimed_from_a_stale_candidate_list(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    """The claim's UPDATE checks the status it read: on SQLite nothing locks the candidates,
    so another process may retry and send a failed reminder between this process reading
    its candidates and claiming them. (PostgreSQL locks them ``FOR UPDATE SKIP LOCKED``.)"""
    smtp_server.refuse_recipient(SCHOOL, "451 mailbox busy, try later")
    first = sweep(app, smtp_server)
    first.run(morning(date(2028, 3, 2)))  # the school's fails, claimed by `first`
    smtp_server.accept_recipient(SCHOOL)
    retry = morning(date(2028, 3, 2)) + timedelta(minutes=5)

    other = make_engine(str(app.store.engine.url))  # a second process on the same file
    interleaved: list[int] = []

    def after_reading(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if not interleaved and statement.lstrip().startswith("SELECT reminders.id"):
            interleaved.append(first.run(retry).sent)  # `first` retries and sends it now

    event.listen(other, "after_cursor_execute", after_reading)
    try:
        claimed = Ledger(other).claim(retry, "other", timedelta(minutes=5), 10, reclaim_all=False)
    finally:
        other.dispose()

    assert interleaved == [1]  # the retry went out in between
    assert claimed == []  # the candidate read as 'failed' is 'sent' now: not claimed again
    [row] = [r for r in Ledger(app.store.engine).rows() if r["email"] == SCHOOL]
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert row["claimed_by"].startswith(f"{first.owner}/")  # sent under the first one's claim
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == [COORDINATOR, SCHOOL]


def test_an_extended_deadline_starts_its_ladder_again(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    heartbeat = sweep(app, smtp_server)
    heartbeat.run(morning(date(2028, 3, 24)))
    app.extend_deadline(
        case_id,
        "besluit_voor_1_april",
        new_due=date(2028, 4, 15),
        reason="Teamvergadering verschoven",
        actor_ref=COORDINATOR,
        at=morning(date(2028, 3, 25)),
    )
    for offset in range(25):
        heartbeat.run(morning(date(2028, 3, 25) + timedelta(days=offset)))
    subjects = [str(m["Subject"]) for m in smtp_server.messages]
    assert "15 april 2028" in subjects[-1] and len(subjects) == 4
    # 24 March (a week before the old due date), then 8, 14 and 15 April for the new one
    assert [m["Date"].datetime.date() for m in smtp_server.messages] == [
        date(2028, 3, 24),
        date(2028, 4, 8),
        date(2028, 4, 14),
        date(2028, 4, 15),
    ]


def test_a_second_scheduler_on_one_sqlite_database_is_refused(sqlite_url: str) -> None:
    with single_scheduler(sqlite_url) as exclusive:
        assert exclusive
        refused = pytest.raises(ConfigurationError, match="er draait al een planner voor deze")
        with refused, single_scheduler(sqlite_url):
            pass
    with single_scheduler(sqlite_url) as again:  # free once the first stopped
        assert again
