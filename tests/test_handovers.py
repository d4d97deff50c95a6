"""Whoever acts next is told: one e-mail per person when a step hands a case to their role,
through the reminder ledger (exactly once, the same channels), and off on request."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from toetreding import Toetreding
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.reminders import KEY_HEADER, SmtpChannel
from toetreding.reminders.sweep import ReminderSweep
from toetreding.store import Ledger
from toetreding.store.tables import SchoolCreate

from .conftest import SmtpServer
from .helpers import with_pdfs
from .web_helpers import COORDINATOR as DEMO_COORDINATOR
from .web_helpers import csrf_of, demo_client, sign_in

SCHOOL = "directie@wilg.example"
COORDINATOR = "coordinator@po.example"
STUURGROEP = "stuurgroep@po.example"
SECRETARIS = "secretaris@po.example"  # also stuurgroep
STEP_AT = datetime(2027, 11, 16, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def case_id(app: Toetreding) -> int:
    """A po school's case the coordinator took to the school's own decision (two steps)."""
    assert isinstance(app.clock, FixedClock)
    app.clock.set(STEP_AT)
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
    people = [
        ("Coördinator", COORDINATOR, "coordinator"),
        ("Stuurgroep", STUURGROEP, "stuurgroep"),
        ("Secretaris", SECRETARIS, "stuurgroep"),
    ]
    for name, email, role in people:
        app.add_person(name, email, partnership_ref="groningen", roles=(role,))
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


def sweep(app: Toetreding, smtp_server: SmtpServer) -> ReminderSweep:
    channel = SmtpChannel(smtp_server.host, smtp_server.port, security="none")
    return ReminderSweep(
        app, channel, sender="Po <noreply@po.example>", base_url="https://po.example/app"
    )


def school_decides(app: Toetreding, case_id: int, at: datetime) -> None:
    inputs: dict[str, Any] = {
        "aanmelding": "a.pdf",
        "schooljaar_aansluiting": "2028-2029",
        "directeur_akkoord": "ja",
        "team_akkoord": "ja",
    }
    app.fire(
        case_id,
        "aansluiten_melden",
        actor_ref=SCHOOL,
        inputs=with_pdfs(app, case_id, "aansluiten_melden", inputs),
        at=at,
    )


def to(message: EmailMessage) -> str:
    return str(message["To"].addresses[0].addr_spec)


def plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content()).replace("\r\n", "\n")


def test_the_role_a_step_hands_the_case_to_is_told_once_and_the_actor_is_not(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    heartbeat = sweep(app, smtp_server)
    for minutes in (1, 2, 60):  # later heartbeats send nothing more
        heartbeat.run(STEP_AT + timedelta(minutes=minutes))
    [told] = smtp_server.messages
    assert to(told) == SCHOOL  # the coordinator took the step: not told
    assert told["Subject"] == (
        "Aan de beurt: School beslist over aansluiten (vóór 1 april) — OBS De Wilg"
    )
    assert told[KEY_HEADER].startswith("handover-")
    text = plain(told)
    assert "Het dossier van OBS De Wilg is nu aan u als Aanvragende school / schoolbestuur" in text
    assert (
        "Wat u in deze stap kunt doen:\n"
        "  - School meldt dat zij aansluit als partnerschool\n"
        "  - School of bestuur besluit niet aan te sluiten\n"
    ) in text
    assert (
        "\n\nTermijn:    Besluit over aansluiten doorgeven, uiterlijk 31 maart 2028\n\nSchool:"
        in text
    )
    assert f"https://po.example/app/dossiers/{case_id}" in text
    assert "https://po.example/app/account" in text  # where to turn these off
    for word in ("aansluiten_melden", "besluit_school", "_"):
        assert word not in text  # labels, never the protocol's identifiers

    school_decides(app, case_id, STEP_AT + timedelta(days=1))
    heartbeat.run(STEP_AT + timedelta(days=1, minutes=1))
    heartbeat.run(STEP_AT + timedelta(days=1, minutes=2))
    onward = smtp_server.messages[1:]
    assert sorted(to(m) for m in onward) == [COORDINATOR, SECRETARIS, STUURGROEP]
    assert {str(m["Subject"]) for m in onward} == {
        "Aan de beurt: Voorbereiding in de stuurgroep — OBS De Wilg"
    }
    assert Ledger(app.store.engine).counts() == {"sent": 4}


def test_a_person_who_turned_them_off_is_not_told_and_the_others_are(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    secretary = app.store.person(SECRETARIS).id or 0
    app.accounts.set_password(secretary, "een-lang-wachtwoord-1")
    app.accounts.set_handover_mail(secretary, False)
    school_decides(app, case_id, STEP_AT + timedelta(hours=1))
    sweep(app, smtp_server).run(STEP_AT + timedelta(hours=2))
    assert sorted(to(m) for m in smtp_server.messages) == [COORDINATOR, STUURGROEP]


def test_a_step_older_than_three_days_when_first_seen_is_not_announced(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    heartbeat = sweep(app, smtp_server)
    heartbeat.run(STEP_AT + timedelta(days=3, hours=1))  # the scheduler was off for days
    assert smtp_server.messages == []
    assert Ledger(app.store.engine).counts() == {}
    school_decides(app, case_id, STEP_AT + timedelta(days=4))  # a new step is told again
    heartbeat.run(STEP_AT + timedelta(days=4, minutes=1))
    assert len(smtp_server.messages) == 3


def test_a_hand_over_the_case_moved_on_from_before_it_went_out_is_skipped(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    smtp_server.refuse_recipient(SCHOOL, "451 mailbox busy, try later")
    heartbeat = sweep(app, smtp_server)
    heartbeat.run(STEP_AT + timedelta(minutes=1))
    assert Ledger(app.store.engine).counts() == {"failed": 1}
    smtp_server.accept_recipient(SCHOOL)
    school_decides(app, case_id, STEP_AT + timedelta(minutes=2))  # before the retry
    heartbeat.run(STEP_AT + timedelta(minutes=10))
    assert SCHOOL not in [to(m) for m in smtp_server.messages]
    [skipped] = Ledger(app.store.engine).rows(["skipped"])
    assert (skipped["email"], skipped["skip_reason"]) == (
        SCHOOL,
        "het dossier is intussen een stap verder",
    )
    assert Ledger(app.store.engine).counts() == {"sent": 3, "skipped": 1}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_case_without_its_last_steps_history_row_is_looked_at_once(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    """Rows written in bulk outside the service (the reminder benchmark's) may lack the
    history row of their last step: nothing is handed over, and no heartbeat reads them again."""
    waiting = text("SELECT count(*) FROM cases WHERE revision > handover_seq")
    with app.store.engine.begin() as connection:
        connection.execute(
            text(
                "DELETE FROM events WHERE case_id = :c "
                "AND seq = (SELECT revision FROM cases WHERE id = :c)"
            ),
            {"c": case_id},
        )
        assert connection.execute(waiting).scalar() == 1
    sweep(app, smtp_server).run(STEP_AT + timedelta(minutes=1))
    assert smtp_server.messages == []
    with app.store.engine.connect() as connection:
        assert connection.execute(waiting).scalar() == 0
    school_decides(app, case_id, STEP_AT + timedelta(minutes=2))  # its next step is told
    sweep(app, smtp_server).run(STEP_AT + timedelta(minutes=3))
    assert len(smtp_server.messages) == 3


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_two_schedulers_plan_each_hand_over_once(
    app: Toetreding, smtp_server: SmtpServer, case_id: int
) -> None:
    first, second = sweep(app, smtp_server), sweep(app, smtp_server)
    with app.reminder_ledger.handovers() as batch:  # both look at the same steps
        stepped = batch.stepped_cases(10)
    assert [c.case_id for c in stepped] == [case_id]
    first.run(STEP_AT + timedelta(minutes=1))
    second.run(STEP_AT + timedelta(minutes=1))
    assert [to(m) for m in smtp_server.messages] == [SCHOOL]


def test_the_account_page_turns_hand_over_mail_off_and_on(tmp_path: Path) -> None:
    client: TestClient
    for client in demo_client(tmp_path):
        sign_in(client, DEMO_COORDINATOR)
        page = client.get("/account").text
        assert "E-mail als u aan de beurt bent" in page
        assert 'name="aan" value="ja" checked' in page
        off = client.post("/account/overdrachtsmail", data={"csrf_token": csrf_of(page)})
        assert off.status_code == 200
        assert "u krijgt deze e-mails niet meer" in off.text
        assert 'name="aan" value="ja" checked' not in off.text
        service = client.app.state.ctx.service  # type: ignore[attr-defined]
        person = service.store.person(DEMO_COORDINATOR).id
        assert service.accounts.account(person).handover_mail is False
        again = client.post(
            "/account/overdrachtsmail", data={"csrf_token": csrf_of(off.text), "aan": "ja"}
        )
        assert "u krijgt deze e-mails weer" in again.text
        assert service.accounts.account(person).handover_mail is True
        forged = client.post("/account/overdrachtsmail", data={"csrf_token": "x"})
        assert forged.status_code == 403
        assert service.accounts.account(person).handover_mail is True
