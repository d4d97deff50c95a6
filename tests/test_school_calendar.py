"""The school calendar in the database: missing vacation data never stops a case; the
deadline says "datum volgt" until an administrator enters the dates (service and CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from toetreding import InvalidInputError, Toetreding
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.settings import Settings
from toetreding.store import VacationEntry
from toetreding.web import create_app

from .conftest import PROTOCOLS
from .helpers import run
from .test_po_groningen import (
    COORDINATOR,
    add_school,
    admit,
    at,
    deadline,
    decide,
    form_cluster,
    to_decision,
)
from .web_helpers import PASSWORD, csrf_of, sign_in

# Not official data: made-up dates of the right shape, for the tests only.
NOORD_2026 = (date(2026, 7, 4), date(2026, 8, 16))  # Sat 4 July: last school day Fri 3 July
NOORD_2027 = (date(2027, 7, 10), date(2027, 8, 22))  # Sat 10 July: last school day Fri 9 July
SOURCE = "https://testdata.invalid/zomervakanties-niet-officieel"


def groningen(app: Toetreding) -> Toetreding:
    app.store.add_partnership("groningen", "Po-partnerschap Groningen", app.clock.now())
    for role in ("coordinator", "stuurgroep", "bestuurdersnetwerk"):
        app.add_person(role, f"{role}@po.nl", partnership_ref="groningen", roles=(role,))
    return app


def at_cluster_step(app: Toetreding, name: str, day: str, joins: str) -> int:
    """A noord school's case walked through the cluster step on ``day``."""
    brin = add_school(app, name)
    case_id = to_decision(app, brin, day)
    decide(app, case_id, brin, joins)
    admit(app, case_id)
    form_cluster(app, case_id, f"Cluster {name}")
    assert app.store.case(case_id).state == "schoolopleider_aanstellen"
    return case_id


def due_words(app: Toetreding, case_id: int) -> str:
    [line] = [line for line in app.view(case_id).deadline_lines if line.deadline.status == "open"]
    return line.due


def test_the_cluster_step_is_taken_without_vacation_data_and_dated_when_entered(
    app: Toetreding,
) -> None:
    groningen(app)
    early = at_cluster_step(app, "OBS De Wilg", "2025-10-01", "2026-2027")
    later = at_cluster_step(app, "OBS De Es", "2026-10-01", "2027-2028")

    missing = "datum volgt (zomervakantie {} van regio noord ontbreekt)"
    assert due_words(app, early) == missing.format("2025-2026")
    assert due_words(app, later) == missing.format("2026-2027")
    # the agenda lists them too, without a date, never as overdue
    agenda = {item.deadline.case_id: item for item in app.agenda(today=date(2026, 10, 2))}
    assert agenda[early].due.startswith("datum volgt") and not agenda[early].overdue
    # the health check says what to do, for each missing year
    problems = [finding.problem for finding in app.doctor(date(2026, 10, 2))]
    assert problems == [
        "1 termijn wacht op de zomervakantie 2025-2026 van regio noord (datum volgt)",
        "1 termijn wacht op de zomervakantie 2026-2027 van regio noord (datum volgt)",
        # one region waiting does not hide that the others of that year are missing too
        "de zomervakantie 2026-2027 ontbreekt voor regio midden, zuid",
    ]

    at(app, "2026-10-05")
    coordinator = app.store.person("coordinator@po.nl").id or 0
    app.accounts.set_password(coordinator, "beheer-wachtwoord-2026", admin=True)  # the calendar
    saved = app.set_summer_vacations(
        "2025-2026", {"noord": NOORD_2026}, source=SOURCE, by="coordinator@po.nl"
    )
    assert (saved.changed, saved.dated) == (1, 1)  # only the deadline that waited for it
    waited = deadline(app, early, "schoolopleider_voor_zomervakantie")
    assert waited.due_date == date(2026, 7, 3)  # the last school day before the vacation
    assert waited.next_reminder_on == date(2026, 10, 5)  # its reminders are planned from now
    assert due_words(app, early) == "uiterlijk 03-07-2026"
    assert due_words(app, later).startswith("datum volgt")
    last = app.store.history(early)[-1]
    assert (last.trigger, last.actor_name) == ("termijn_gedateerd", "coordinator")
    assert "zomervakantie 2025-2026 van regio noord is ingevoerd" in (last.note or "")
    assert app.verify_history().broken is None  # the history row is chained like any other
    [change] = [c for c in app.calendar_changes() if "2025-2026" in c.subject]
    assert (change.person, change.old_value, change.new_value, change.source) == (
        "coordinator",
        None,
        "04-07-2026 t/m 16-08-2026",
        SOURCE,
    )


def test_wrong_calendar_input_is_refused_in_dutch_and_nothing_changes(app: Toetreding) -> None:
    groningen(app)
    before = app.calendar_changes()
    for year, periods, source, words in [
        ("2026-2028", {"noord": NOORD_2027}, SOURCE, "opeenvolgend"),
        ("2026-2027", {"oost": NOORD_2027}, SOURCE, "onbekende regio 'oost'"),
        ("2026-2027", {"noord": (NOORD_2027[1], NOORD_2027[0])}, SOURCE, "vóór het begin"),
        ("2026-2027", {"noord": NOORD_2026}, SOURCE, "ligt niet in juli 2027"),
        ("2026-2027", {"noord": NOORD_2027}, " ", "bron"),
        # a source is the official page, as every shipped year cites one
        ("2026-2027", {"noord": NOORD_2027}, "niet een url", "geef de bron als webadres"),
        ("2026-2027", {"noord": NOORD_2027}, "rijksoverheid.nl", "geef de bron als webadres"),
        ("2026-2027", {"noord": NOORD_2027}, "ftp://rijksoverheid.nl/x", "als webadres"),
    ]:
        with pytest.raises(InvalidInputError, match=words):
            app.set_summer_vacations(year, periods, source=source, by=None)
    assert app.calendar_changes() == before


def test_an_administrator_enters_the_year_with_the_cli_and_doctor_agrees(
    db: Path, registry: ProtocolRegistry
) -> None:
    app = groningen(Toetreding.open(f"sqlite:///{db}", registry, FixedClock(datetime(2026, 9, 1))))
    case_id = at_cluster_step(app, "OBS De Es", "2026-10-01", "2027-2028")
    assert due_words(app, case_id).startswith("datum volgt")

    out = run("doctor", "--at", "2026-10-02", code=1)
    assert "1 termijn wacht op de zomervakantie 2026-2027 van regio noord" in out
    assert "zomervakantie 2026-2027 ontbreekt voor regio midden, zuid" in out
    assert "toetreding calendar set 2026-2027" in out
    refused = run("calendar", "set", "2026-2027", "--noord", "10-07-2027", "--source", "x", code=1)
    assert "Fout:" in refused and "geen periode" in refused and "Traceback" not in refused
    refused = run(
        "calendar", "set", "2026-2027", "--noord", "2027-07-10:2027-08-22",
        "--source", "niet een url", code=1,
    )  # fmt: skip
    assert "geef de bron als webadres, bijv. https://www.rijksoverheid.nl/" in refused
    assert "Traceback" not in refused

    refused = run(
        "calendar", "set", "2026-2027", "--noord", "2027-07-10:2027-08-22",
        "--source", SOURCE, "--by", COORDINATOR, code=1,
    )  # fmt: skip
    assert "coordinator mag niet de schoolkalender wijzigen" in refused  # no administrator
    run("user", "add", COORDINATOR, "--admin")
    out = run(
        "calendar", "set", "2026-2027", "--noord", "2027-07-10:2027-08-22",
        "--source", SOURCE, "--by", COORDINATOR,
    )  # fmt: skip
    assert "1 wachtende termijn(en) kregen hun datum" in out
    assert due_words(app, case_id) == "uiterlijk 09-07-2027"
    history = run("case", "show", str(case_id)).split("Geschiedenis")[1]
    assert "Termijn kreeg zijn datum" in history and "termijn: Schoolopleider aangesteld" in history
    assert "nieuwe datum: 09-07-2027" in history and "2027-07-09" not in history
    # a deadline event, not "step → same step", its new date said once, and why
    assert "Termijn kreeg zijn datum:" not in history and history.count("09-07-2027") == 1
    assert "toelichting: de zomervakantie 2026-2027 van regio noord is ingevoerd" in history
    assert "door de schoolkalender (ingevoerd door coordinator)" in history
    assert "schoolopleider_voor_zomervakantie" not in history and "(—)" not in history
    shown = run("calendar", "show", "--at", "2026-10-02")
    assert "10-07-2027 t/m 22-08-2027" in shown and "ontbreekt" in shown  # midden, zuid
    assert "coordinator" in run("calendar", "changes")
    # the shipped year is there from the start; midden and zuid of 2026-2027 still lack
    out = run("doctor", "--at", "2026-10-02", code=1)
    assert "zomervakantie 2026-2027 ontbreekt voor regio midden, zuid" in out
    run(
        "calendar", "set", "2026-2027", "--midden", "2027-07-17:2027-08-29",
        "--zuid", "2027-07-03:2027-08-15", "--source", SOURCE,
    )  # fmt: skip
    assert "Alles in orde" in run("doctor", "--at", "2026-10-02")
    app.close()


# --- the administrator's page ---------------------------------------------------------------


@pytest.fixture
def web(tmp_path: Path, registry: ProtocolRegistry) -> Iterator[tuple[TestClient, Toetreding]]:
    """The web app on an empty SQLite file with the po partnership and an administrator."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=PROTOCOLS)
    app = create_app(settings, FixedClock(datetime(2026, 9, 1, 9, 0)), secret="test-secret")
    service: Toetreding = app.state.ctx.service
    groningen(service)
    admin = service.add_person("Beheerder", "beheer@po.nl")
    service.accounts.set_password(admin.id, PASSWORD, admin=True)
    coordinator = service.store.person(COORDINATOR)
    service.accounts.set_password(coordinator.id or 0, PASSWORD)
    with TestClient(app) as client:
        yield client, service


def test_an_administrator_enters_a_school_year_on_the_page(
    web: tuple[TestClient, Toetreding],
) -> None:
    client, service = web
    case_id = at_cluster_step(service, "OBS De Es", "2026-10-01", "2027-2028")
    sign_in(client, COORDINATOR)
    case_page = client.get(f"/dossiers/{case_id}").text
    assert "datum volgt (zomervakantie 2026-2027 van regio noord ontbreekt)" in case_page
    overview = client.get("/overzicht").text
    assert "1 termijn wacht op de zomervakantie 2026-2027 van regio noord" in overview
    # its card on the board and its row in the case list say the date follows
    card = overview[overview.index(">OBS De Es</a>") :]
    assert 'Schoolopleider aangesteld <span class="due">datum volgt</span>' in card[:600]
    listed = client.get("/dossiers").text
    assert 'Schoolopleider aangesteld: <span class="due">datum volgt</span>' in listed
    assert client.get("/beheer/schoolkalender").status_code == 404  # administrators only
    assert "/beheer/schoolkalender" not in overview  # nor in the menu

    client.post("/uitloggen", data={"csrf_token": csrf_of(overview)})
    sign_in(client, "beheer@po.nl")
    form = client.get("/beheer/schoolkalender").text
    assert "Schoolkalender" in form and "ontbreekt" in form
    fields = {
        "csrf_token": csrf_of(form),
        "schooljaar": "2026-2027",
        "noord_begin": "2027-07-10",
        "noord_eind": "2027-07-01",  # before its start: refused, the form comes back filled in
        "bron": SOURCE,
    }
    refused = client.post("/beheer/schoolkalender", data=fields)
    assert refused.status_code == 422
    assert "Niet opgeslagen" in refused.text and "vóór het begin" in refused.text
    assert 'value="2027-07-10"' in refused.text and SOURCE in refused.text
    assert due_words(service, case_id).startswith("datum volgt")
    no_source = client.post(
        "/beheer/schoolkalender",
        data={**fields, "noord_eind": "2027-08-22", "bron": "niet een url"},
    )
    assert no_source.status_code == 422 and "geef de bron als webadres" in no_source.text
    assert due_words(service, case_id).startswith("datum volgt")

    saved = client.post("/beheer/schoolkalender", data={**fields, "noord_eind": "2027-08-22"})
    assert "1 wachtende termijn kreeg zijn datum" in saved.text
    assert due_words(service, case_id) == "uiterlijk 09-07-2027"
    history = client.get(f"/dossiers/{case_id}").text.split('id="geschiedenis"')[1]
    assert "uiterlijk 09-07-2027" in client.get(f"/dossiers/{case_id}").text
    # the history row in words: the deadline's label, the date as on every page, who did it
    assert "termijn: Schoolopleider aangesteld" in history
    assert "nieuwe datum: 09-07-2027" in history and "2027-07-09" not in history
    # a deadline event, not "step → same step", its new date said once, and why
    row = history.split("</li>\n  \n    <li>")[0]  # newest first
    assert "Termijn kreeg zijn datum" in row and "→" not in row and row.count("09-07-2027") == 1
    assert "<p>de zomervakantie 2026-2027 van regio noord is ingevoerd</p>" in row
    assert "door de schoolkalender (ingevoerd door Beheerder)" in history
    assert "schoolopleider_voor_zomervakantie" not in history
    log = saved.text.split('id="logboek"')[1]
    assert "Beheerder" in log and "zomervakantie 2026-2027 noord" in log
    assert "10-07-2027 t/m 22-08-2027" in log


def test_doctor_warns_a_school_year_ahead_when_the_next_years_vacations_are_missing(
    app: Toetreding,
) -> None:
    # Only 2027-2028 is shipped. On 1 September 2027 nothing waits yet, but 2028-2029,
    # the next school year, has no data: warned about ten months before it is needed.
    [finding] = app.doctor(date(2027, 9, 1))
    assert finding.problem == "de zomervakantie 2028-2029 ontbreekt voor regio noord, midden, zuid"
    assert "toetreding calendar set 2028-2029" in finding.action
    app.set_summer_vacations(
        "2028-2029",
        {region: (date(2029, 7, 7), date(2029, 8, 19)) for region in ("noord", "midden", "zuid")},
        source=SOURCE,
        by=None,
    )
    assert app.doctor(date(2027, 9, 1)) == []


def test_doctor_lists_every_missing_school_year_from_the_current_one_on(app: Toetreding) -> None:
    # February 2026: this school year's July vacation is what "vóór de zomervakantie"
    # deadlines need now, so it is named, not only the next year's (2027-2028 is shipped).
    everywhere = "noord, midden, zuid"
    assert [f.problem for f in app.doctor(date(2026, 2, 2))] == [
        f"de zomervakantie 2025-2026 ontbreekt voor regio {everywhere}",
        f"de zomervakantie 2026-2027 ontbreekt voor regio {everywhere}",
    ]
    groningen(app)
    at_cluster_step(app, "OBS De Wilg", "2025-10-01", "2026-2027")  # waits on 2025-2026 noord
    assert [f.problem for f in app.doctor(date(2026, 2, 2))] == [
        "1 termijn wacht op de zomervakantie 2025-2026 van regio noord (datum volgt)",
        "de zomervakantie 2025-2026 ontbreekt voor regio midden, zuid",
        f"de zomervakantie 2026-2027 ontbreekt voor regio {everywhere}",
    ]


def test_doctor_reads_what_a_deadline_waits_for_from_its_data_not_its_words(
    app: Toetreding,
) -> None:
    groningen(app)
    case_id = at_cluster_step(app, "OBS De Wilg", "2025-10-01", "2026-2027")
    with app.store.engine.begin() as connection:  # the words as another version wrote them
        connection.execute(
            text("UPDATE deadlines SET waiting_for = :words WHERE case_id = :case_id"),
            {"words": "de vakantiedata van het noorden voor 2025/26", "case_id": case_id},
        )
    assert "de vakantiedata van het noorden voor 2025/26" in due_words(app, case_id)
    [waiting, *_] = app.doctor(date(2026, 2, 2))
    assert waiting.problem == (
        "1 termijn wacht op de zomervakantie 2025-2026 van regio noord (datum volgt)"
    )
    assert "toetreding calendar set 2025-2026 --noord BEGIN:EIND --source" in waiting.action
    assert "--midden" not in waiting.action


def test_doctors_hint_names_the_real_menu_item_and_only_the_missing_regions(
    web: tuple[TestClient, Toetreding],
) -> None:
    client, service = web
    service.set_summer_vacations("2026-2027", {"noord": NOORD_2027}, source=SOURCE, by=None)
    [finding] = service.doctor(date(2026, 9, 1))
    assert finding.problem == "de zomervakantie 2026-2027 ontbreekt voor regio midden, zuid"
    assert "calendar set 2026-2027 --midden BEGIN:EIND --zuid BEGIN:EIND --source" in (
        finding.action
    )
    assert "--noord" not in finding.action and "noord" not in finding.action
    # the hint's way on the web is the menu item an administrator really sees
    assert "menu Schoolkalender (/beheer/schoolkalender)" in finding.action
    sign_in(client, "beheer@po.nl")
    assert '<a href="/beheer/schoolkalender">Schoolkalender</a>' in client.get("/overzicht").text


def test_a_source_kept_before_web_addresses_were_required_stays_readable(app: Toetreding) -> None:
    # Only new input is checked: a vacation saved earlier with a worded source is still shown,
    # and doctor does not ask for it again.
    entries = [
        VacationEntry("2026-2027", region, *NOORD_2027, "Regeling schoolvakanties")
        for region in ("noord", "midden", "zuid")
    ]
    app.store.save_vacations(
        entries,
        person_id=None,
        at=app.clock.now(),
        redate=lambda vacations, days_off, waiting: {},
        recount=lambda vacations, days_off, dated: {},
        replan=lambda before, after, days_off, ladders: {},
    )
    [row] = [row for row in app.calendar_years(date(2026, 9, 1)) if row.school_year == "2026-2027"]
    assert row.complete and {v.source for v in row.regions.values() if v} == {
        "Regeling schoolvakanties"
    }
    assert app.doctor(date(2026, 9, 1)) == []


def test_a_calendar_file_whose_source_is_no_web_address_is_refused_whole(
    app: Toetreding, tmp_path: Path
) -> None:
    path = tmp_path / "kalender.yaml"
    year = '  "2028-2029":\n    source: "{}"\n    noord: {{start: 2029-07-07, end: 2029-08-19}}\n'
    path.write_text("format: 1\nschool_years:\n" + year.format("bron"), encoding="utf-8")
    before = app.calendar_changes()
    with pytest.raises(InvalidInputError, match="geef de bron als webadres"):
        app.import_calendar(path, by=None)
    assert app.calendar_changes() == before
    path.write_text("format: 1\nschool_years:\n" + year.format(SOURCE), encoding="utf-8")
    assert app.import_calendar(path, by=None).changed == 1
