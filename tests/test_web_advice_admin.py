"""Adviesbeheer: an administrator of a partnership publishes its own advice rules from text;
a problem comes back on its line and nothing is published; others are refused."""

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
from .test_advice_rules_app import STRICT
from .web_helpers import NOW, PASSWORD, STUURGROEP, csrf_of, sign_in

ADMIN = "beheer@part2.example"  # an administrator of part2 only (no administrator account)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=PROTOCOLS)
    app = create_app(settings, FixedClock(NOW), secret="test-secret")
    service = app.state.ctx.service
    service.store.add_partnership("part2", "Partnerschap 2", service.clock.now())
    service.store.add_partnership("part3", "Partnerschap 3", service.clock.now())
    for email, role in ((ADMIN, "admin"), (STUURGROEP, "stuurgroep")):
        person = service.add_person(email, email, partnership_ref="part2", roles=(role,))
        service.accounts.set_password(person.id, PASSWORD, service.clock.now())
    with TestClient(app) as test_client:
        yield test_client


def test_only_an_administrator_of_a_partnership_publishes_advice_rules(
    client: TestClient,
) -> None:
    sign_in(client, STUURGROEP)
    assert 'href="/adviesbeheer"' not in client.get("/kaders").text
    refused = client.get("/adviesbeheer")
    assert refused.status_code == 403
    assert "alleen een beheerder mag adviesregels publiceren" in refused.text


def test_rules_are_refused_on_their_line_then_published_once_for_that_partnership(
    client: TestClient,
) -> None:
    sign_in(client, ADMIN)
    assert 'href="/adviesbeheer"' in client.get("/kaders").text  # where the page is found
    editor = client.get("/adviesbeheer")
    # Only the partnership this person administers is offered.
    assert "Partnerschap 2" in editor.text and "Partnerschap 3" not in editor.text
    started = client.get("/adviesbeheer?partnerschap=1&regels=nvao-toetredingsadvies")
    assert "version: 2" in started.text and "all_at_least: voldoende" in started.text
    form = {"csrf_token": csrf_of(editor.text), "partnerschap": "1", "actie": "publiceren"}

    broken = edit(STRICT, "all_at_least: goed", "all_at_least: geweldig")
    refused = client.post("/adviesbeheer", data={**form, "tekst": broken})
    assert refused.status_code == 422 and "Niet gepubliceerd: 1 probleem" in refused.text
    assert f"Regel {line_of(broken, 'geweldig')}" in refused.text
    assert "niveau &#39;geweldig&#39; staat niet in de schaal" in refused.text
    assert "Strenger advies" not in client.get("/adviesbeheer").text

    checked = client.post("/adviesbeheer", data={**form, "tekst": STRICT, "actie": "controleren"})
    assert "De tekst is in orde" in checked.text and "Nog niet gepubliceerd" in checked.text
    published = client.post("/adviesbeheer", data={**form, "tekst": STRICT})
    assert published.status_code == 200
    assert "Gepubliceerd voor Partnerschap 2: Strenger advies, versie 2." in published.text
    assert "Strenger advies, versie 2 (eigen regels)" in published.text

    other = client.post("/adviesbeheer", data={**form, "partnerschap": "2", "tekst": STRICT})
    assert other.status_code == 422 and "kies het partnerschap" in other.text
    no_csrf = client.post("/adviesbeheer", data={**form, "csrf_token": "x", "tekst": STRICT})
    assert no_csrf.status_code == 403


def test_rules_over_the_limit_are_refused_whole_not_cut_and_published(client: TestClient) -> None:
    sign_in(client, ADMIN)
    form = {"csrf_token": csrf_of(client.get("/adviesbeheer").text), "partnerschap": "1"}
    padded = STRICT + "\n# " + "x" * MAX_TEXT
    refused = client.post("/adviesbeheer", data={**form, "tekst": padded, "actie": "publiceren"})
    assert refused.status_code == 413 and "de tekst is te lang" in refused.text
    assert "Strenger advies" not in client.get("/adviesbeheer").text


def test_checking_refuses_a_version_number_publishing_would_refuse(client: TestClient) -> None:
    """Controleren says the version is wrong, on its line, as Publiceren then does."""
    sign_in(client, ADMIN)
    editor = client.get("/adviesbeheer")
    wrong = edit(STRICT, "version: 2", "version: 7")
    form = {"csrf_token": csrf_of(editor.text), "partnerschap": "1", "tekst": wrong}
    for action in ("controleren", "publiceren"):
        answer = client.post("/adviesbeheer", data={**form, "actie": action})
        assert answer.status_code == 422 and "De tekst is in orde" not in answer.text
        assert f"Regel {line_of(wrong, 'version: 7')}</strong>" in answer.text
        assert "<code>version</code>: moet 2 zijn (de nieuwste is 1)" in answer.text
    assert "Strenger advies" not in client.get("/adviesbeheer").text
