"""A partnership's days off are no working days: deadlines counted in working days skip them,
and adding or removing one moves that partnership's open deadlines in the same transaction,
with a history row and their reminders planned for the new date (each rung once)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from toetreding import Toetreding
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.reminders import KEY_HEADER, SmtpChannel
from toetreding.reminders.sweep import ReminderSweep
from toetreding.service import history_heading
from toetreding.store import Store
from toetreding.store.tables import SchoolCreate

from .conftest import SmtpServer
from .helpers import run

PROTOCOL = """\
id: vrijedagen
version: 1
title: Vrije dagen
sectors: [po]
roles: {coordinator: Coördinator, school: School}
initial: reactie
states:
  reactie:
    label: Reactie van de school
    deadlines:
      - name: reageren
        label: Reageren binnen 10 werkdagen
        met_by: [reageren]
        due: {after: 10 werkdagen}
        remind:
          - {before: "2 days", to: [school]}
          - {on_due: true, to: [school]}
      - {name: besluit, label: Besluit doorgeven, met_by: [reageren], due: {before: 1 juni}}
  klaar: {label: Klaar, final: true, outcome: partner}
transitions:
  - {trigger: reageren, label: Reageren, from: reactie, to: klaar, roles: [school]}
"""
OPENED = datetime(2027, 4, 22, 10, 0, tzinfo=LOCAL_TZ)  # a Thursday, before Koningsdag
DUE = date(2027, 5, 10)  # 10 working days: Koningsdag and Hemelvaart (6 May) skipped
STUDIEDAG = date(2027, 5, 7)  # the Friday between Hemelvaart and the due date
SOURCE = "besluit stuurgroep 12-04-2027"


def registry(folder: Path) -> ProtocolRegistry:
    (folder / "vrijedagen.yaml").write_text(PROTOCOL, encoding="utf-8")
    return ProtocolRegistry.from_directory(folder)


@pytest.fixture
def app(store: Store, tmp_path: Path) -> Toetreding:
    return partnerships(Toetreding(store, registry(tmp_path), FixedClock(OPENED)))


def partnerships(app: Toetreding) -> Toetreding:
    """Partnership po with schools WILG, ES and EIK, partnership ander with BEUK."""
    clock = app.clock
    for code, schools in [("po", ["WILG", "ES", "EIK"]), ("ander", ["BEUK"])]:
        partnership = app.store.add_partnership(code, f"Partnerschap {code}", clock.now())
        app.add_person(f"Coco {code}", f"c@{code}.nl", partnership_ref=code, roles=("coordinator",))
        for brin in schools:
            app.store.add_school(
                SchoolCreate(
                    partnership_id=partnership.id or 0,
                    name=f"School {brin}",
                    sector="po",
                    region="midden",
                    brin=brin,
                ),
                clock.now(),
            )
            email = f"{brin.lower()}@school.nl"
            app.add_person(brin, email, partnership_ref=code, roles=("school",), school_ref=brin)
    return app


def open_case(app: Toetreding, brin: str, coordinator: str = "c@po.nl") -> int:
    return app.open_case(school_ref=brin, protocol_id="vrijedagen", actor_ref=coordinator)


def due(app: Toetreding, case_id: int, name: str = "reageren") -> date | None:
    return next(d for d in app.store.deadlines(case_id=case_id) if d.name == name).due_date


def test_a_day_off_moves_the_working_day_deadlines_of_its_partnership_only(
    app: Toetreding,
) -> None:
    wilg = open_case(app, "WILG")
    extended = open_case(app, "EIK")
    app.extend_deadline(
        extended, "reageren", new_due=date(2027, 5, 20), reason="ziekte", actor_ref="c@po.nl"
    )
    other = open_case(app, "BEUK", "c@ander.nl")
    assert due(app, wilg) == due(app, other) == DUE

    moved = app.set_day_off(
        "po", STUDIEDAG, label="Studiedag", source=SOURCE, by="c@po.nl", at=OPENED
    )

    # the working-day deadline of this partnership's case moves one working day on
    assert [(m.case_id, m.label, m.old, m.new) for m in moved] == [
        (wilg, "Reageren binnen 10 werkdagen", DUE, date(2027, 5, 11))
    ]
    assert due(app, wilg) == date(2027, 5, 11)
    assert due(app, wilg, "besluit") == date(2027, 5, 31)  # "vóór 1 juni" stays
    assert due(app, extended) == date(2027, 5, 20)  # a date set by hand stays
    assert due(app, other) == DUE  # another partnership's case is not touched
    # a case opened afterwards counts the day off from the start
    later = open_case(app, "ES")
    assert due(app, later) == date(2027, 5, 11)

    last = app.store.history(wilg)[-1]
    spec = app.protocol("vrijedagen", 1)
    assert history_heading(spec, last) == "Termijn verschoven (vrije dag)"
    assert last.actor_name == "Coco po"
    assert last.note == (
        "Reageren binnen 10 werkdagen: uiterlijk 11-05-2027, was uiterlijk 10-05-2027 "
        "(vrije dag 07-05-2027 toegevoegd)"
    )
    assert app.verify_history().broken is None  # chained like every history row
    [change] = [c for c in app.calendar_changes() if c.subject.startswith("vrije dag")]
    assert (change.subject, change.new_value, change.source) == (
        "vrije dag po 07-05-2027",
        "Studiedag",
        SOURCE,
    )

    # renaming the day off moves nothing; removing it moves the deadline back
    assert (
        app.set_day_off("po", STUDIEDAG, label="Studiedag (middag)", source=SOURCE, by=None) == []
    )
    back = app.set_day_off("po", STUDIEDAG, label=None, source=SOURCE, by="c@po.nl")
    assert {(m.case_id, m.new) for m in back} == {(wilg, DUE), (later, DUE)}
    assert "vrije dag 07-05-2027 geschrapt" in (app.store.history(wilg)[-1].note or "")


def test_reminders_follow_the_moved_date_and_each_rung_goes_out_once(
    app: Toetreding, smtp_server: SmtpServer
) -> None:
    case_id = open_case(app, "WILG")
    channel = SmtpChannel(smtp_server.host, smtp_server.port, security="none")
    heartbeat = ReminderSweep(app, channel, sender="po <noreply@po.nl>", base_url="https://t.nl")

    def beat(day: date) -> list[str]:
        before = len(smtp_server.messages)
        heartbeat.run(datetime.combine(day, time(7, 0), tzinfo=LOCAL_TZ))
        return [
            str(m[KEY_HEADER])
            for m in smtp_server.messages[before:]
            if str(m[KEY_HEADER]).startswith("deadline-")
        ]

    assert len(beat(date(2027, 5, 8))) == 1  # two days before 10 May: rung 0, due 10 May
    app.set_day_off(
        "po",
        STUDIEDAG,
        label="Studiedag",
        source=SOURCE,
        by="c@po.nl",
        at=datetime(2027, 5, 8, 12, 0, tzinfo=LOCAL_TZ),
    )
    assert due(app, case_id) == date(2027, 5, 11)
    # rung 0 for the new date would be 9 May: it went out already, not again
    assert beat(date(2027, 5, 9)) == []
    assert beat(date(2027, 5, 10)) == []  # the old due date: nothing
    [on_due] = beat(date(2027, 5, 11))  # the new due date: the on_due rung, once
    assert "rung-1" in on_due and "due-20270511" in on_due
    assert beat(date(2027, 5, 11)) == []


def test_the_cli_says_which_deadlines_moved(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    app = partnerships(Toetreding.open(f"sqlite:///{db}", registry(folder), FixedClock(OPENED)))
    monkeypatch.setenv("TOETREDING_PROTOCOLS_DIR", str(folder))
    case_id = open_case(app, "WILG")
    day_off = ("calendar", "day-off", "po", "2027-05-07", "--source", SOURCE)
    out = run(*day_off, "--label", "Studiedag", "--by", "c@po.nl")
    assert "Vrije dag 07-05-2027 van po opgeslagen; 1 termijn verschoven." in out
    assert f"dossier {case_id}: Reageren binnen 10 werkdagen 10-05-2027 → 11-05-2027" in out
    out = run(*day_off, "--remove")
    assert "verwijderd; 1 termijn verschoven" in out and "11-05-2027 → 10-05-2027" in out
    refused = run(*day_off, "--remove", code=1)
    assert "po heeft geen vrije dag op 07-05-2027" in refused and "Traceback" not in refused
    app.close()
