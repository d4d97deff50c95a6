"""Dossiers overzetten on the web: the plan page (labels, not identifiers), applying it after
a confirmation with CSRF, a case that changed since the plan refused while the others move,
and the case page reading each history row in its own version's words."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding.clock import FixedClock
from toetreding.service import Toetreding
from toetreding.settings import Settings
from toetreding.web import create_app

from .version_move_helpers import (
    COORDINATOR,
    SCHOOL_CONTACT,
    cases_in_every_state,
    protocols_folder,
)
from .web_helpers import PASSWORD, csrf_of, sign_in, token

PAGE = "/protocolbeheer/overgang/overzetten"


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, Toetreding, dict[str, int], FixedClock]]:
    clock = FixedClock(datetime(2026, 9, 1, 9, 0))
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=protocols_folder(tmp_path)
    )
    app = create_app(settings, clock, secret="test-secret")
    service: Toetreding = app.state.ctx.service
    cases = cases_in_every_state(service, clock)
    for email in (COORDINATOR, SCHOOL_CONTACT):
        service.accounts.set_password(service.store.person(email).id, PASSWORD, clock.now())
    with TestClient(app) as client:
        yield client, service, cases, clock


def test_the_plan_page_shows_each_case_in_words_and_applying_it_moves_the_movable_ones(
    web: tuple[TestClient, Toetreding, dict[str, int], FixedClock],
) -> None:
    client, service, cases, clock = web
    sign_in(client, COORDINATOR)
    page = client.get(PAGE)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Plan: van versie 1 naar versie 2" in text
    assert "4 van 5 lopende dossiers kunnen over; 1 blijft op versie 1" in text
    assert "Gesprek met het bestuur" in text and "Gesprekken met school en bestuur" in text
    assert "Kan niet over: stap 'Oriëntatie' vervalt in versie 2" in text
    assert "Besluit voor de zomer: <strong>nieuw</strong> (datum volgt" in text
    assert "gesprek_bestuur" not in text.replace('name="dossiers"', "")  # no identifiers
    csrf = csrf_of(page.text)
    form = {
        "csrf_token": csrf,
        "van": "1",
        "naar": "2",
        "dossiers": _field(page.text),
    }
    # without the confirmation nothing moves
    refused = client.post(PAGE, data=form)
    assert refused.status_code == 422 and "vink aan" in refused.text
    assert service.case(cases["aanmelding"]).protocol_version == 1
    # without the page's CSRF token nothing moves
    assert client.post(PAGE, data={**form, "csrf_token": "x", "bevestigd": "ja"}).status_code == 403
    # a case that changed since the plan is refused; the others move
    clock.advance(timedelta(minutes=5))
    service.fire(cases["aanmelding"], "aanmelden", actor_ref=COORDINATOR)
    done = client.post(PAGE, data={**form, "bevestigd": "ja"})
    assert done.status_code == 200
    result = html.unescape(done.text)
    assert "3 dossiers overgezet naar versie 2; 2 niet" in result
    changed = cases["aanmelding"]
    assert f"Dossier {changed} (School 1): dossier {changed} is gewijzigd sinds het plan" in result
    assert f"Dossier {cases['orientatie']} (School 4): stap 'Oriëntatie' vervalt" in result
    assert service.case(cases["aanmelding"]).protocol_version == 1
    assert service.case(cases["gesprek_bestuur"]).protocol_version == 2
    # the case page: the old rows in version 1's words, the move naming both versions
    case_page = html.unescape(client.get(f"/dossiers/{cases['gesprek_bestuur']}").text)
    assert "Overgezet van versie 1 naar versie 2" in case_page
    assert "Schoolgesprek voeren</strong>\n      → Gesprek met het bestuur" in case_page
    assert "van versie:" not in case_page  # the heading says it


def test_a_school_contact_may_not_move_cases(
    web: tuple[TestClient, Toetreding, dict[str, int], FixedClock],
) -> None:
    client, _, _, _ = web
    sign_in(client, SCHOOL_CONTACT)
    page = client.get(PAGE)
    assert page.status_code == 403
    assert "mogen de coördinator en de beheerder" in html.unescape(page.text)


def _field(page: str) -> str:
    start = page.index('name="dossiers" value="') + len('name="dossiers" value="')
    return page[start : page.index('"', start)]


def test_the_api_gives_the_plan_and_moves_the_cases_it_saw(
    web: tuple[TestClient, Toetreding, dict[str, int], FixedClock],
) -> None:
    client, service, cases, clock = web
    headers = token(client, COORDINATOR)
    url = "/api/protocollen/overgang/overzetten"
    plan = client.get(url, params={"van": 1, "naar": 2}, headers=headers)
    assert plan.status_code == 200, plan.text
    listed = {row["dossier"]: row for row in plan.json()["dossiers"]}
    assert set(listed) == {
        cases[s]
        for s in ("aanmelding", "gesprek_school", "gesprek_bestuur", "orientatie", "besluit")
    }
    assert listed[cases["gesprek_bestuur"]]["wordt"] == "Gesprekken met school en bestuur"
    assert listed[cases["orientatie"]]["kan_over"] is False
    assert {"wijziging": "nieuw", "termijn": "Gesprekken voeren"}.items() <= listed[
        cases["gesprek_school"]
    ]["termijnen"][0].items()
    clock.advance(timedelta(minutes=5))
    service.fire(cases["besluit"], "toelaten", actor_ref=COORDINATOR)  # closed after the plan
    seen = [
        {"dossier": d, "revisie": row["revisie"]} for d, row in listed.items() if row["kan_over"]
    ]
    moved = client.post(url, json={"van": 1, "naar": 2, "dossiers": seen}, headers=headers)
    assert moved.status_code == 200
    outcome = {row["dossier"]: row for row in moved.json()}
    assert outcome[cases["gesprek_school"]]["overgezet"] is True
    assert outcome[cases["besluit"]]["overgezet"] is False
    assert "loopt niet meer op deze versie" in outcome[cases["besluit"]]["reden"]
    assert service.case(cases["besluit"]).protocol_version == 1
    # a school contact may not
    refused = client.get(url, params={"van": 1, "naar": 2}, headers=token(client, SCHOOL_CONTACT))
    assert refused.status_code == 403
    assert "mogen de coördinator en de beheerder" in refused.json()["detail"]


def test_the_protocol_page_shows_how_the_earlier_version_maps_onto_it(
    web: tuple[TestClient, Toetreding, dict[str, int], FixedClock],
) -> None:
    client, _, _, _ = web
    sign_in(client, COORDINATOR)
    text = html.unescape(client.get("/protocollen/overgang/2").text)
    assert "Overgang van versie 1" in text
    assert '">Gesprek met het bestuur</td><td data-label="Stap in versie 2">Gesprekken met' in text
    assert '">Aanmelding ontvangen</td><td data-label="Stap in versie 2">Intake</td>' in text
    assert "Kan niet over: stap 'Oriëntatie' vervalt in versie 2" in text
    assert "Overgang van versie" not in client.get("/protocollen/overgang/1").text
