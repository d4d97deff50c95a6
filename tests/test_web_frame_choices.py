"""Gesprekskaders: an administrator picks, per partnership, the framework used where a step
names a conversation frame; the choice is logged; a refused choice changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding.clock import FixedClock
from toetreding.frameworks import load_framework_text
from toetreding.settings import Settings
from toetreding.web import create_app

from .conftest import PROTOCOLS
from .test_frames import OWN_FRAME
from .web_helpers import NOW, PASSWORD, STUURGROEP, csrf_of, sign_in

ADMIN = "beheer@part2.example"
NVAO = "nvao-opleidingsschool-2009"  # a scored framework, for an audit


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=PROTOCOLS)
    app = create_app(settings, FixedClock(NOW), secret="test-secret")
    context = app.state.ctx
    service = context.service
    part2 = service.store.add_partnership("part2", "Partnerschap 2", service.clock.now())
    own = load_framework_text(OWN_FRAME, "eigen")
    context.desk.frameworks.load(part2.id, own, service.clock.now())
    for email, admin in ((ADMIN, True), (STUURGROEP, False)):
        person = service.add_person(email, email, partnership_ref="part2", roles=("stuurgroep",))
        service.accounts.set_password(person.id, PASSWORD, service.clock.now(), admin=admin)
    with TestClient(app) as test_client:
        yield test_client


def test_an_administrator_chooses_the_partnerships_intake_frame(client: TestClient) -> None:
    sign_in(client, STUURGROEP)
    assert client.get("/gesprekskaders").status_code == 403
    sign_in(client, ADMIN)
    shown = client.get("/gesprekskaders?partnerschap=1")
    assert shown.status_code == 200
    assert "Gesprekskader toetreding tot de FROSK (2017)" in shown.text
    assert "het kader van het protocol" in shown.text and "Nog niets gekozen" in shown.text
    assert "Intakegesprek Partnerschap 2 (eigen kader)" in shown.text  # offered

    form = {"csrf_token": csrf_of(shown.text), "partnerschap": "1"}
    refused = client.post(
        "/gesprekskaders", data={**form, "gesprekskader": "frosk-intakegesprek", "kader": "x"}
    )
    assert refused.status_code == 422 and "Niet gekozen" in refused.text
    assert "Nog niets gekozen" in refused.text  # nothing recorded
    unpicked = client.post(
        "/gesprekskaders",
        data={**form, "partnerschap": "", "gesprekskader": "frosk-intakegesprek", "kader": "x"},
    )
    assert unpicked.status_code == 422 and "Niet gekozen:</strong> kies het partnerschap" in (
        unpicked.text
    )
    assert f'value="{NVAO}"' not in shown.text  # a scored one: not offered
    scored = client.post(
        "/gesprekskaders",
        data={**form, "gesprekskader": "frosk-intakegesprek", "kader": NVAO},
    )
    assert scored.status_code == 422
    assert "is een kader met scores voor een audit, geen gesprekskader" in unescape(scored.text)
    assert "Nog niets gekozen" in scored.text

    chosen = client.post(
        "/gesprekskaders",
        data={**form, "gesprekskader": "frosk-intakegesprek", "kader": "intake-partnerschap2"},
    )
    assert chosen.status_code == 200
    assert "gebruikt dit partnerschap nu 'Intakegesprek Partnerschap 2'" in unescape(chosen.text)
    log = chosen.text.split('id="logboek"')[1]
    assert ADMIN in log and "Intakegesprek Partnerschap 2" in log
    assert "intake-partnerschap2" not in log  # titles, not identifiers
    no_token = client.post(
        "/gesprekskaders", data={**form, "csrf_token": "", "gesprekskader": "x", "kader": "y"}
    )
    assert no_token.status_code in (400, 403)
