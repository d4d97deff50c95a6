"""A partnership's days off are no working days: deadlines counted in working days skip them,
and adding or removing one moves that partnership's open deadlines in the same transaction,
with a history row and their reminders planned for the new date (each rung once)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding import Toetreding
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.reminders import KEY_HEADER, SmtpChannel
from toetreding.reminders.sweep import ReminderSweep
from toetreding.service import history_heading, history_note
from toetreding.settings import Settings
from toetreding.store import MOVED_BY_DAY_OFF, HistoryEntry, Store
from toetreding.store.tables import SchoolCreate
from toetreding.web import create_app

from .conftest import SmtpServer
from .helpers import run
from .web_helpers import PASSWORD, csrf_of, sign_in

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
        roles = ("coordinator", "admin")  # the partnership's administrator: its days off
        app.add_person(f"Coco {code}", f"c@{code}.nl", partnership_ref=code, roles=roles)
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
    # why it moved; the deadline and its dates are the row's payload, not said twice
    assert last.note == "vrije dag 07-05-2027 toegevoegd"
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


def test_a_row_written_before_shows_only_why_its_date_moved() -> None:
    # history rows never change: one written with the old note still reads as the new ones
    old_note = (
        "Reageren binnen 10 werkdagen: uiterlijk 11-05-2027, was uiterlijk 10-05-2027 "
        "(vrije dag 07-05-2027 toegevoegd)"
    )
    row = HistoryEntry(
        2, MOVED_BY_DAY_OFF, "aanmelding", "aanmelding", None, None, None, OPENED, old_note, {}
    )
    assert history_note(row) == "vrije dag 07-05-2027 toegevoegd"
    by_hand = HistoryEntry(
        2, "termijn_verlengen", "aanmelding", "aanmelding", 1, "C", None, OPENED, "ziek (lang)", {}
    )
    assert history_note(by_hand) == "ziek (lang)"  # a person's reason is shown as written


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
    assert "Vrije dag 07-05-2027 van Partnerschap po opgeslagen; 1 termijn verschoven." in out
    assert f"dossier {case_id}: Reageren binnen 10 werkdagen 10-05-2027 → 11-05-2027" in out
    assert "Vrije dagen van Partnerschap po: 07-05-2027 Studiedag" in run("calendar", "show")
    history = run("case", "show", str(case_id)).split("Geschiedenis")[1]
    row = history[history.index("Termijn verschoven (vrije dag)") :]
    # an event in the step, not a move "Aanmelding → Aanmelding"; each fact said once
    assert row.splitlines()[0] == "Termijn verschoven (vrije dag)"
    assert "toelichting: vrije dag 07-05-2027 toegevoegd" in row
    assert "termijn: Reageren binnen 10 werkdagen" in row and "termijn: reageren" not in row
    assert "oude datum: 10-05-2027" in row and "nieuwe datum: 11-05-2027" in row
    assert row.count("11-05-2027") == 1
    out = run(*day_off, "--remove")
    assert "verwijderd; 1 termijn verschoven" in out and "11-05-2027 → 10-05-2027" in out
    refused = run(*day_off, "--remove", code=1)
    assert "po heeft geen vrije dag op 07-05-2027" in refused and "Traceback" not in refused
    app.close()


def test_an_administrator_adds_and_removes_a_day_off_on_the_page(tmp_path: Path) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    registry(folder)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=folder)
    web = create_app(settings, FixedClock(OPENED), secret="test-secret")
    app = partnerships(web.state.ctx.service)
    admin = app.add_person("Beheerder", "beheer@po.nl")
    app.accounts.set_password(admin.id, PASSWORD, admin=True)
    app.accounts.set_password(app.store.person("c@po.nl").id or 0, PASSWORD)
    case_id = open_case(app, "WILG")
    page = "/beheer/schoolkalender"
    with TestClient(web) as client:
        sign_in(client, "c@po.nl")  # a coordinator: not for them, and no form to post to
        csrf = csrf_of(client.get("/overzicht").text)
        fields = {"partnerschap": "po", "dag": "2027-05-07", "naam": "Studiedag", "bron": SOURCE}
        assert (
            client.post(f"{page}/vrije-dagen", data={**fields, "csrf_token": csrf}).status_code
            == 404
        )
        client.post("/uitloggen", data={"csrf_token": csrf})
        sign_in(client, "beheer@po.nl")
        csrf = csrf_of(client.get(page).text)
        assert client.post(f"{page}/vrije-dagen", data=fields).status_code == 403  # no CSRF
        refused = client.post(
            f"{page}/vrije-dagen", data={**fields, "dag": "7 mei", "csrf_token": csrf}
        )
        assert refused.status_code == 422
        assert "Niet opgeslagen: &#39;7 mei&#39; bij de dag is geen datum" in refused.text
        assert 'value="Studiedag"' in refused.text and SOURCE in refused.text  # kept
        assert due(app, case_id) == DUE

        added = client.post(f"{page}/vrije-dagen", data={**fields, "csrf_token": csrf})
        assert added.status_code == 200
        said = added.text.split('id="vrije-dagen"')[1]
        assert "Vrije dag 7 mei 2027 van Partnerschap po opgeslagen; 1 termijn verschoven:" in said
        assert (
            f"Dossier {case_id}</a>: Reageren binnen 10 werkdagen, 10 mei 2027 → 11 mei 2027"
            in said
        )
        assert "Partnerschap po" in said and "Studiedag" in said  # the list shows it
        assert due(app, case_id) == date(2027, 5, 11)
        # the case's history shows a deadline event: no "step → same step", dates said once
        timeline = client.get(f"/dossiers/{case_id}").text.split('class="timeline"')[1]
        newest = timeline.split("</ol>")[0].split("rij 1<")[0]  # newest first; not the opening
        row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", newest))
        assert "Termijn verschoven (vrije dag) door de schoolkalender" in row
        assert "→" not in row and row.count("11-05-2027") == 1
        assert "vrije dag 07-05-2027 toegevoegd" in row
        log = added.text.split('id="logboek"')[1]
        assert "Beheerder" in log and "vrije dag po 07-05-2027" in log

        gone = client.post(
            f"{page}/vrije-dagen",
            data={**fields, "naam": "", "verwijderen": "1", "csrf_token": csrf},
        )
        assert (
            "Vrije dag 7 mei 2027 van Partnerschap po verwijderd; 1 termijn verschoven:"
            in gone.text
        )
        assert "Nog geen vrije dagen." in gone.text and due(app, case_id) == DUE
        again = client.post(
            f"{page}/vrije-dagen",
            data={**fields, "verwijderen": "1", "csrf_token": csrf},
        )
        assert again.status_code == 404 and "po heeft geen vrije dag op 07-05-2027" in again.text
