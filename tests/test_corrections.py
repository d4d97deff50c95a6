"""Correcting a mistaken step: a coordinator takes back the newest standing step with a
reason, then the one before it; the case returns to the state before it, its deadlines and
their reminders follow (the real sweep), both rows stay in the history and the case walks on.
Taking back the opening withdraws a case opened by mistake. Refused for other roles.
Service (SQLite; PostgreSQL where the store's SQL differs), CLI, web and API."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding._exceptions import (
    ConflictError,
    InvalidInputError,
    RoleNotAllowed,
    TriggerNotAvailable,
)
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.reminders import KEY_HEADER, SmtpChannel
from toetreding.reminders.sweep import ReminderSweep
from toetreding.service import (
    Toetreding,
    corrected_rows,
    deadline_status,
    history_heading,
    state_words,
)
from toetreding.store import CaseFilter, Ledger, Store

from .conftest import SmtpServer
from .helpers import part2_with_noordik, run, run_json, summer_2026_entered
from .web_helpers import COORDINATOR, STUURGROEP, csrf_of, sign_in, token

PROTOCOL = """\
id: termijnen
version: 1
title: Twee termijnen
sectors: [vo]
roles: {coordinator: Coördinator, school: School}
initial: wacht
states:
  wacht:
    label: Wacht op reactie
    deadlines:
      - name: reactie
        label: Reactie geven
        met_by: [reageren]
        due: {after: 10 werkdagen}
        remind:
          - {before: 3 werkdagen, to: [school]}
          - {on_due: true, to: [school]}
  beoordeling:
    label: Beoordeling
    deadlines:
      - name: besluit
        label: Besluit nemen
        met_by: [besluiten]
        due: {after: 5 werkdagen}
        remind: [{before: 2 werkdagen, to: [coordinator]}]
  klaar: {label: Klaar, final: true}
transitions:
  - {trigger: reageren, label: Reageren, from: wacht, to: beoordeling, roles: [school]}
  - trigger: aanvullen
    label: Gegevens aanvullen
    from: wacht
    to: wacht
    roles: [school]
    inputs: [{name: contactpersoon, kind: text, label: Contactpersoon}]
  - {trigger: besluiten, label: Besluiten, from: beoordeling, to: klaar, roles: [coordinator]}
"""
CARLA, SAM = "carla@p2.nl", "sam@noordik.nl"


@pytest.fixture
def protocols(tmp_path: Path) -> Path:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "termijnen.yaml").write_text(PROTOCOL, encoding="utf-8")
    return folder


@pytest.fixture
def app_(store: Store, protocols: Path, clock: FixedClock) -> Toetreding:
    # its deadlines in working days count from 1 September 2026, just after that summer
    return summer_2026_entered(Toetreding(store, ProtocolRegistry.from_directory(protocols), clock))


def opened(app: Toetreding, clock: FixedClock) -> int:
    part2_with_noordik(app, SAM)
    app.add_person("Carla", CARLA, partnership_ref="part2", roles=("coordinator",))
    case_id = app.open_case(school_ref="NOORD1", protocol_id="termijnen", actor_ref=CARLA)
    clock.advance(timedelta(days=1))
    return case_id


def deadlines(app: Toetreding, case_id: int) -> dict[str, str]:
    return {d.name: d.status for d in app.case_deadlines(case_id)}


def test_a_mistaken_step_is_taken_back_with_its_deadlines_and_the_case_walks_on(
    app_: Toetreding, clock: FixedClock
) -> None:
    case_id = opened(app_, clock)
    app_.fire(case_id, "reageren", actor_ref=SAM)
    assert deadlines(app_, case_id) == {"reactie": "met", "besluit": "open"}
    clock.advance(timedelta(hours=2))

    seq = app_.correct_step(case_id, actor_ref=CARLA, reason="Reactie was van een andere school")
    assert seq == 3
    assert app_.case(case_id).state == "wacht"
    assert deadlines(app_, case_id) == {"reactie": "open", "besluit": "cancelled"}
    [withdrawn] = [d for d in app_.case_deadlines(case_id) if d.name == "besluit"]
    assert withdrawn.reason == "ingetrokken: stap 2 gecorrigeerd"
    history = app_.history(case_id)
    assert [(h.seq, h.trigger, h.to_state) for h in history] == [
        (1, "openen", "wacht"),
        (2, "reageren", "beoordeling"),  # the mistaken row stays
        (3, "correctie", "wacht"),
    ]
    assert history[2].note == "Reactie was van een andere school"
    assert corrected_rows(history) == {2: 3}

    clock.advance(timedelta(days=1))
    app_.fire(case_id, "reageren", actor_ref=SAM)  # walks on
    assert app_.case(case_id).state == "beoordeling"
    assert sorted(d.status for d in app_.case_deadlines(case_id)) == ["cancelled", "met", "open"]
    assert app_.verify_history().broken is None


def test_a_step_that_closed_the_case_opens_it_again(app_: Toetreding, clock: FixedClock) -> None:
    case_id = opened(app_, clock)
    app_.fire(case_id, "reageren", actor_ref=SAM)
    app_.fire(case_id, "besluiten", actor_ref=CARLA)
    assert app_.case(case_id).closed_at is not None
    app_.correct_step(case_id, actor_ref=CARLA, reason="Besluit nog niet genomen", seq=3)
    case = app_.case(case_id)
    assert (case.state, case.closed_at) == ("beoordeling", None)
    assert deadlines(app_, case_id) == {"reactie": "met", "besluit": "open"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_steps_are_taken_back_one_after_another(app_: Toetreding, clock: FixedClock) -> None:
    case_id = opened(app_, clock)
    app_.fire(case_id, "reageren", actor_ref=SAM)
    clock.advance(timedelta(days=1))
    app_.fire(case_id, "besluiten", actor_ref=CARLA)
    clock.advance(timedelta(hours=1))
    app_.correct_step(case_id, actor_ref=CARLA, reason="Besluit was voorbarig", seq=3)
    offered = app_.correctable_row(case_id, app_.person_id(CARLA))
    assert offered is not None and offered.seq == 2  # the step before is next
    with pytest.raises(ConflictError, match=r"rij 3 is niet de nieuwste stap .* rij 2"):
        app_.correct_step(case_id, actor_ref=CARLA, reason="x", seq=3)

    assert app_.correct_step(case_id, actor_ref=CARLA, reason="Reactie hoorde elders", seq=2) == 5
    case = app_.case(case_id)
    assert (case.state, case.closed_at, case.revision) == ("wacht", None, 5)
    assert deadlines(app_, case_id) == {"reactie": "open", "besluit": "cancelled"}
    [besluit] = [d for d in app_.case_deadlines(case_id) if d.name == "besluit"]
    assert besluit.reason == "ingetrokken: stap 2 gecorrigeerd"
    assert corrected_rows(app_.history(case_id)) == {3: 4, 2: 5}
    assert [h.to_state for h in app_.history(case_id)][-2:] == ["beoordeling", "wacht"]

    clock.advance(timedelta(hours=1))
    app_.fire(case_id, "reageren", actor_ref=SAM)  # walks on
    assert app_.case(case_id).state == "beoordeling"
    assert app_.verify_history().broken is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_step_that_stays_in_its_state_is_taken_back_with_its_new_deadline(
    app_: Toetreding, clock: FixedClock
) -> None:
    case_id = opened(app_, clock)
    [first] = app_.case_deadlines(case_id)
    app_.fire(case_id, "aanvullen", actor_ref=SAM, inputs={"contactpersoon": "Piet"})
    assert [(d.status, d.due_date > first.due_date) for d in app_.case_deadlines(case_id)] == [
        ("cancelled", False),
        ("open", True),  # the state was entered again: a new term from today
    ]
    clock.advance(timedelta(hours=1))
    app_.correct_step(case_id, actor_ref=CARLA, reason="Aanvulling hoorde bij een ander dossier")
    assert app_.case(case_id).state == "wacht"
    assert [(d.status, d.due_date) for d in app_.case_deadlines(case_id)] == [
        ("open", first.due_date),  # the first term again, with its date
        ("cancelled", app_.case_deadlines(case_id)[1].due_date),
    ]
    assert corrected_rows(app_.history(case_id)) == {2: 3}


def test_reminders_follow_the_deadlines_a_correction_opens_and_withdraws(
    app_: Toetreding, clock: FixedClock, smtp_server: SmtpServer
) -> None:
    """The real sweep: a rung is sent once; one dropped because the step met its deadline
    goes out when the correction opens the deadline again; a withdrawn deadline's waiting
    reminder is never sent."""
    channel = SmtpChannel(smtp_server.host, smtp_server.port, security="none")
    sweep = ReminderSweep(app_, channel, sender="p2 <noreply@p2.nl>", base_url="https://t.nl")

    def beat(moment: datetime) -> None:
        clock.set(moment)
        sweep.run(clock.now())

    def sent() -> list[tuple[str, str]]:  # (to, rung)
        return [
            (m["To"].addresses[0].addr_spec, str(m[KEY_HEADER]).split("/")[1])
            for m in smtp_server.messages
            if str(m[KEY_HEADER]).startswith("deadline-")
        ]

    case_id = opened(app_, clock)  # 'reactie' due Tuesday 15 September 2026
    smtp_server.refuse_recipient(SAM, "451 mailbox busy, try later")
    beat(datetime(2026, 9, 10, 7, 0))  # 3 working days before: fails
    clock.set(datetime(2026, 9, 10, 10, 0))
    app_.fire(case_id, "reageren", actor_ref=SAM)  # meets it
    beat(datetime(2026, 9, 10, 11, 0))  # the failed reminder is dropped
    smtp_server.accept_recipient(SAM)
    clock.set(datetime(2026, 9, 11, 9, 0))
    app_.correct_step(case_id, actor_ref=CARLA, reason="Reactie van een andere school")
    beat(datetime(2026, 9, 11, 10, 0))
    assert sent() == [(SAM, "rung-0")]  # now it goes out, once
    for day in (14, 15, 15):
        beat(datetime(2026, 9, day, 7, 0))
    assert sent() == [
        (SAM, "rung-0"),
        (SAM, "rung-1"),  # on the day (15 September), once
    ]

    clock.set(datetime(2026, 9, 15, 10, 0))
    app_.fire(case_id, "reageren", actor_ref=SAM)  # 'besluit' due Tuesday 22 September
    smtp_server.refuse_recipient(CARLA, "451 mailbox busy, try later")
    beat(datetime(2026, 9, 18, 7, 0))  # 2 working days before: fails
    clock.set(datetime(2026, 9, 18, 9, 0))
    app_.correct_step(case_id, actor_ref=CARLA, reason="Toch nog niet")
    smtp_server.accept_recipient(CARLA)
    for day in (18, 21, 22):
        beat(datetime(2026, 9, day, 10, 0))
    assert [to for to, _ in sent()] == [SAM, SAM]  # the withdrawn one's reminder: never
    [withdrawn] = [row for row in Ledger(app_.store.engine).rows(["skipped"]) if row["deadline_id"]]
    assert withdrawn["skip_reason"] == "de termijn is ingetrokken: stap 4 gecorrigeerd"


def test_who_and_what_may_not_be_corrected_changes_nothing(
    app_: Toetreding, clock: FixedClock
) -> None:
    case_id = opened(app_, clock)
    app_.fire(case_id, "reageren", actor_ref=SAM)
    before = (app_.case(case_id), app_.history(case_id), deadlines(app_, case_id))
    with pytest.raises(RoleNotAllowed, match="alleen een coördinator mag een stap corrigeren"):
        app_.correct_step(case_id, actor_ref=SAM, reason="Foutje")
    with pytest.raises(InvalidInputError, match="geef een reden"):
        app_.correct_step(case_id, actor_ref=CARLA, reason="  ")
    with pytest.raises(ConflictError, match="rij 1 is niet de nieuwste stap"):
        app_.correct_step(case_id, actor_ref=CARLA, reason="x", seq=1)
    assert (app_.case(case_id), app_.history(case_id), deadlines(app_, case_id)) == before
    app_.correct_step(case_id, actor_ref=CARLA, reason="Foutje")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_case_opened_by_mistake_is_withdrawn_and_the_school_can_start_again(
    app_: Toetreding, clock: FixedClock
) -> None:
    case_id = opened(app_, clock)
    app_.fire(case_id, "reageren", actor_ref=SAM)
    app_.correct_step(case_id, actor_ref=CARLA, reason="Reactie hoorde elders")
    offered = app_.correctable_row(case_id, app_.person_id(CARLA))
    assert offered is not None and offered.seq == 1  # only the opening stands
    with pytest.raises(RoleNotAllowed):
        app_.correct_step(case_id, actor_ref=SAM, reason="Weg ermee")

    assert app_.correct_step(case_id, actor_ref=CARLA, reason="Verkeerde school gekozen") == 4
    view = app_.view(case_id)
    assert view.withdrawn and view.case.closed_at is not None and view.allowed == []
    assert state_words(view.spec, view.case) == "Ingetrokken (ten onrechte geopend)"
    assert {(d.name, d.status, d.reason) for d in view.deadlines if d.status != "met"} == {
        ("reactie", "cancelled", "ingetrokken: dossier ten onrechte geopend"),
        ("besluit", "cancelled", "ingetrokken: stap 2 gecorrigeerd"),
    }
    assert sorted(deadline_status(d, view.case.updated_at.date()) for d in view.deadlines) == [
        "ingetrokken (dossier ten onrechte geopend)",
        "ingetrokken (stap 2 gecorrigeerd)",
    ]
    assert history_heading(view.spec, view.history[-1]) == (
        "Dossier ingetrokken (ten onrechte geopend)"
    )
    assert corrected_rows(view.history) == {2: 3, 1: 4}
    with pytest.raises(TriggerNotAvailable, match="het dossier is ingetrokken"):
        app_.fire(case_id, "reageren", actor_ref=SAM)
    with pytest.raises(ConflictError, match="al ingetrokken"):
        app_.correct_step(case_id, actor_ref=CARLA, reason="Nog eens")
    assert app_.correctable_row(case_id, app_.person_id(CARLA)) is None
    assert len(app_.history(case_id)) == 4  # the refusals wrote nothing

    again = app_.open_case(school_ref="NOORD1", protocol_id="termijnen", actor_ref=CARLA)
    assert again != case_id and app_.case(again).closed_at is None
    assert app_.verify_history().broken is None


def test_correct_on_the_command_line(
    db: Path, protocols: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOETREDING_PROTOCOLS_DIR", str(protocols))
    monkeypatch.setenv("TOETREDING_NOW", "2027-01-10T12:00")
    run("partnership", "add", "part2", "Partnerschap 2")
    run(
        *("school", "add", "-p", "part2", "--name", "Het Noordik", "--sector", "vo"),
        *("--region", "midden", "--brin", "20AB"),
    )
    run(
        "person", "add", "--name", "Carla", "--email", CARLA, "-p", "part2", "--role", "coordinator"
    )
    run(
        *("person", "add", "--name", "Sam", "--email", SAM, "-p", "part2"),
        *("--role", "school", "--school", "20AB"),
    )
    run(
        "case",
        "open",
        "--school",
        "20AB",
        "--protocol",
        "termijnen",
        "--as",
        CARLA,
        "--at",
        "2027-01-08",
    )
    run("case", "fire", "1", "reageren", "--as", SAM, "--at", "2027-01-09")
    run("case", "fire", "1", "besluiten", "--as", CARLA, "--at", "2027-01-09T12:00")
    refused = run("case", "correct", "1", "--reden", "Foutje", "--as", SAM, code=1)
    assert "alleen een coördinator mag een stap corrigeren" in refused
    assert "Sam heeft: School" in refused  # the protocol's name of the role, not 'school'
    out = run("case", "correct", "1", "--reden", "Te vroeg besloten", "--as", CARLA)
    assert "rij 3 gecorrigeerd (rij 4); weer in Beoordeling" in out
    out = run("case", "correct", "1", "--reden", "Verkeerde school", "--as", CARLA)
    assert "rij 2 gecorrigeerd (rij 5); weer in Wacht op reactie" in out
    shown = run("case", "show", "1")
    assert "gecorrigeerd (zie rij 5)" in shown and "gecorrigeerd (zie rij 4)" in shown
    assert "stap in rij 2 gecorrigeerd: terug naar 'Wacht op reactie'" in shown
    assert "toelichting: Verkeerde school" in shown
    history = run_json("case", "show", "1")["history"]
    assert [h["corrected_by"] for h in history] == [None, 5, 4, None, None]
    out = run("case", "correct", "1", "--reden", "Ten onrechte geopend", "--as", CARLA)
    assert "Dossier 1 ingetrokken (rij 6): ten onrechte geopend" in out
    assert "dossier ingetrokken (ten onrechte geopend)" in run("case", "show", "1")
    shown = run_json("case", "show", "1")
    assert (shown["state_label"], shown["withdrawn"]) == (
        "Ingetrokken (ten onrechte geopend)",
        True,
    )
    refused = run("case", "fire", "1", "reageren", "--as", SAM, code=1)
    assert "het dossier is ingetrokken" in refused and "Traceback" not in refused
    refused = run("case", "correct", "1", "--reden", "Nog eens", "--as", CARLA, code=1)
    assert "dossier 1 is al ingetrokken" in refused


def test_correct_through_the_api_once_per_idempotency_key(client: TestClient) -> None:
    app: Toetreding = client.app.state.ctx.service  # type: ignore[attr-defined]
    case_id = next(
        case.id
        for case, _ in app.find_cases(CaseFilter(running=True))
        if (newest := app.history(case.id)[-1]).from_state is not None
        and newest.trigger in {t.trigger for t in app.spec_of(case).transitions}
    )
    newest = app.history(case_id)[-1]
    url = f"/api/dossiers/{case_id}/correctie"
    body = {"reden": "Verkeerd dossier", "rij": newest.seq}
    refused = client.post(url, json=body, headers=token(client, STUURGROEP))
    assert refused.status_code == 422, refused.text
    assert "alleen een coördinator" in refused.text
    headers = {**token(client, COORDINATOR), "Idempotency-Key": "correctie-1"}
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["state"]["name"] == newest.from_state
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    triggers = [h.trigger for h in app.history(case_id)]
    assert triggers[-2:] == [newest.trigger, "correctie"]  # corrected once


def test_the_case_page_offers_the_correction_to_a_coordinator_with_a_confirmation(
    client: TestClient,
) -> None:
    app: Toetreding = client.app.state.ctx.service  # type: ignore[attr-defined]
    case_id = next(
        case.id
        for case, _ in app.find_cases(CaseFilter(running=True))
        if app.correctable_row(case.id, app.person_id(COORDINATOR)) is not None
    )
    newest = app.history(case_id)[-1]
    sign_in(client, STUURGROEP)
    assert "Stap corrigeren" not in client.get(f"/dossiers/{case_id}").text
    client.post("/uitloggen", data={"csrf_token": csrf_of(client.get("/").text)})
    sign_in(client, COORDINATOR)
    page = client.get(f"/dossiers/{case_id}").text
    assert "Stap corrigeren" in page and f"De nieuwste stap (rij {newest.seq}" in page
    named = page.split("De nieuwste stap")[1].split("wordt teruggenomen")[0]
    assert newest.trigger.replace("_", " ") not in named  # the step's label, not its id
    url = f"/dossiers/{case_id}/correctie"
    form = {"csrf_token": csrf_of(page), "reden": "Verkeerd dossier", "rij": str(newest.seq)}
    unconfirmed = client.post(url, data=form, follow_redirects=False)
    assert unconfirmed.status_code == 422
    assert "vink aan dat u de stap wilt terugnemen" in unconfirmed.text
    assert "Verkeerd dossier" in unconfirmed.text  # the reason is kept in the form
    assert app.history(case_id)[-1] == newest
    done = client.post(url, data={**form, "bevestigd": "ja"}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(f"/dossiers/{case_id}").text
    assert f"gecorrigeerd (zie rij {newest.seq + 1})" in shown
    assert app.case(case_id).state == newest.from_state


def test_a_case_opened_by_mistake_is_withdrawn_on_the_case_page_and_the_api_says_so(
    client: TestClient,
) -> None:
    app: Toetreding = client.app.state.ctx.service  # type: ignore[attr-defined]
    carla = app.person_id(COORDINATOR)
    for case, _ in app.find_cases(CaseFilter(running=True)):
        while (row := app.correctable_row(case.id, carla)) is not None and row.from_state:
            app.correct_step(case.id, actor_ref=carla, reason="Terug naar het begin")
        if row is not None:
            case_id = case.id
            break
    sign_in(client, COORDINATOR)
    page = client.get(f"/dossiers/{case_id}").text
    assert "Dossier intrekken (ten onrechte geopend)" in page
    url = f"/dossiers/{case_id}/correctie"
    form = {"csrf_token": csrf_of(page), "reden": "Verkeerde school", "rij": "1"}
    assert client.post(url, data=form).status_code == 422  # not confirmed: nothing happens
    assert app.case(case_id).closed_at is None
    done = client.post(url, data={**form, "bevestigd": "ja"}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert "Nu: Ingetrokken (ten onrechte geopend)" in shown
    assert "Gelukt: Dossier ingetrokken (ten onrechte geopend)" in shown
    assert "Dossier ingetrokken (ten onrechte geopend)</strong>\n      → Ingetrokken" in shown
    assert "U hoeft in deze stap niets te doen" in shown  # no steps offered any more
    assert "Dossier intrekken" not in shown and "Stap corrigeren" not in shown
    assert "gecorrigeerd: " not in shown  # the correction rows say which row in their heading
    assert "Wat er in deze stap wordt verwacht" not in shown
    assert "Ingetrokken (ten onrechte geopend)" in client.get("/dossiers").text  # the list

    rows_after = len(app.history(case_id))
    detail = client.get(f"/api/dossiers/{case_id}", headers=token(client, COORDINATOR)).json()
    api = detail["case"]
    assert (api["state_label"], api["withdrawn"]) == ("Ingetrokken (ten onrechte geopend)", True)
    assert detail["actions"] == [] and detail["allowed"] == []
    again = client.post(
        f"/api/dossiers/{case_id}/correctie",
        json={"reden": "Nog eens"},
        headers=token(client, COORDINATOR),
    )
    assert again.status_code == 409 and "al ingetrokken" in again.text
    trigger = app.spec_of(app.case(case_id)).transitions_from(app.case(case_id).state)[0].trigger
    step = client.post(
        f"/api/dossiers/{case_id}/handelingen/{trigger}",
        json={"note": "toch"},
        headers=token(client, COORDINATOR),
    )
    assert step.status_code == 422 and "het dossier is ingetrokken" in step.text
    assert len(app.history(case_id)) == rows_after


GESPREK = """\
id: gesprekken
version: 1
title: Termijn na het gesprek
sectors: [vo]
roles: {coordinator: Coördinator, school: School}
initial: wacht
states:
  wacht: {label: Wacht op een gesprek}
  beoordeling:
    label: Beoordeling
    deadlines:
      - name: besluit
        label: Besluit nemen
        met_by: [besluiten]
        due: {after: 5 werkdagen, counted_from: gesprek}
  klaar: {label: Klaar, final: true}
transitions:
  - trigger: plannen
    label: Gesprek plannen
    from: wacht
    to: beoordeling
    roles: [coordinator]
    inputs: [{name: gesprek, kind: date, label: Datum van het gesprek}]
  - trigger: verzetten
    label: Gesprek verzetten
    from: beoordeling
    to: beoordeling
    roles: [coordinator]
    inputs: [{name: gesprek, kind: date, label: Datum van het gesprek}]
  - {trigger: besluiten, label: Besluiten, from: beoordeling, to: klaar, roles: [coordinator]}
"""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_date_given_in_a_step_taken_back_no_longer_counts_when_a_day_off_moves_the_term(
    app_: Toetreding, clock: FixedClock, protocols: Path
) -> None:
    (protocols / "gesprekken.yaml").write_text(GESPREK, encoding="utf-8")
    app = Toetreding(app_.store, ProtocolRegistry.from_directory(protocols), clock)
    part2_with_noordik(app, SAM)
    app.add_person("Carla", CARLA, partnership_ref="part2", roles=("coordinator",))
    case_id = app.open_case(school_ref="NOORD1", protocol_id="gesprekken", actor_ref=CARLA)
    app.fire(case_id, "plannen", actor_ref=CARLA, inputs={"gesprek": "2026-09-10"})
    app.fire(case_id, "verzetten", actor_ref=CARLA, inputs={"gesprek": "2026-09-24"})
    app.correct_step(case_id, actor_ref=CARLA, reason="Gesprek blijft op 10 september")
    [besluit] = [d for d in app.case_deadlines(case_id) if d.status == "open"]
    assert besluit.due_date == date(2026, 9, 17)  # 5 working days after 10 September

    app.set_day_off("part2", date(2026, 9, 14), label="Studiedag", source="jaarplan", by=None)
    [besluit] = [d for d in app.case_deadlines(case_id) if d.status == "open"]
    assert besluit.due_date == date(2026, 9, 18)  # one day on; not counted from the 24th
