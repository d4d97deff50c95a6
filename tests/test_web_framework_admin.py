"""Kaderbeheer: an administrator loads a partnership's own quality framework from text; a
problem comes back on its line and nothing is loaded; a loaded version never changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding.clock import FixedClock
from toetreding.settings import Settings
from toetreding.web import create_app
from toetreding.web.pages._editor import MAX_TEXT

from .conftest import PROTOCOLS
from .helpers import edit, line_of
from .test_frameworks import WAARBORGEN
from .web_helpers import NOW, PASSWORD, STUURGROEP, csrf_of, sign_in

ADMIN = "beheer@part2.example"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=PROTOCOLS)
    app = create_app(settings, FixedClock(NOW), secret="test-secret")
    service = app.state.ctx.service
    service.store.add_partnership("part2", "Partnerschap 2", service.clock.now())
    for email, admin in ((ADMIN, True), (STUURGROEP, False)):
        person = service.add_person(email, email, partnership_ref="part2", roles=("stuurgroep",))
        service.accounts.set_password(person.id, PASSWORD, service.clock.now(), admin=admin)
    with TestClient(app) as test_client:
        yield test_client


def test_only_an_administrator_loads_frameworks(client: TestClient) -> None:
    sign_in(client, STUURGROEP)
    assert client.get("/kaderbeheer").status_code == 403


def test_a_framework_is_refused_on_its_line_then_loaded_once(client: TestClient) -> None:
    sign_in(client, ADMIN)
    editor = client.get("/kaderbeheer")
    assert editor.status_code == 200 and "Partnerschap 2" in editor.text
    form = {"csrf_token": csrf_of(editor.text), "partnerschap": "1", "actie": "laden"}
    broken = edit(WAARBORGEN, "scored: true\n", "scored: true\ngescoord: ja\n")
    refused = client.post("/kaderbeheer", data={**form, "tekst": broken})
    assert refused.status_code == 422
    assert f"Regel {line_of(broken, 'gescoord')}" in refused.text
    assert "onbekende sleutel" in refused.text and "Niet geladen" in refused.text
    assert "vier-waarborgen" not in client.get("/kaders").text

    checked = client.post(
        "/kaderbeheer", data={**form, "tekst": WAARBORGEN, "actie": "controleren"}
    )
    assert "De tekst is in orde" in checked.text and "4 criteria" in checked.text
    assert "Vier waarborgen" not in client.get("/kaders").text  # checked, not loaded
    loaded = client.post("/kaderbeheer", data={**form, "tekst": WAARBORGEN})
    assert loaded.status_code == 200 and "Geladen: Vier waarborgen" in loaded.text
    assert "Vier waarborgen" in client.get("/kaders").text
    changed = WAARBORGEN.replace("Waarborg A", "Waarborg Een")
    again = client.post("/kaderbeheer", data={**form, "tekst": changed})
    assert again.status_code == 409 and "verhoog het versienummer" in again.text
    no_partnership = client.post(
        "/kaderbeheer", data={**form, "partnerschap": "", "tekst": WAARBORGEN}
    )
    assert no_partnership.status_code == 422 and "kies het partnerschap" in no_partnership.text


def test_a_text_over_the_limit_is_refused_whole_never_cut_and_loaded(client: TestClient) -> None:
    """A text cut at the limit could still be a valid framework and be loaded without what was
    cut; it is refused as a whole and the editor keeps the text."""
    sign_in(client, ADMIN)
    form = {"csrf_token": csrf_of(client.get("/kaderbeheer").text), "partnerschap": "1"}
    padded = WAARBORGEN + "\n# " + "x" * MAX_TEXT  # valid if cut anywhere in the comment
    refused = client.post("/kaderbeheer", data={**form, "tekst": padded, "actie": "laden"})
    assert refused.status_code == 413 and "de tekst is te lang" in refused.text
    assert "hoogstens 500.000" in refused.text and "Waarborg A" in refused.text
    assert "Vier waarborgen" not in client.get("/kaders").text
