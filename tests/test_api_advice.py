"""Advice rules in the JSON API: a partnership's administrator publishes its own version;
errors come back by line and publish nothing; others are refused; lists are per partnership."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding import Toetreding
from toetreding.clock import FixedClock
from toetreding.settings import Settings
from toetreding.web import create_app

from .conftest import PROTOCOLS
from .helpers import edit, line_of
from .test_advice_rules_app import STRICT
from .test_api_calendar import token
from .web_helpers import NOW

ADMIN = "beheer@part2.example"  # role admin in part2
COORDINATOR = "co@part2.example"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, Toetreding]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=PROTOCOLS)
    web = create_app(settings, FixedClock(NOW), secret="test-secret")
    app = web.state.ctx.service
    app.store.add_partnership("part2", "Partnerschap 2", app.clock.now())
    app.store.add_partnership("part3", "Partnerschap 3", app.clock.now())
    for email, role in ((ADMIN, "admin"), (COORDINATOR, "coordinator")):
        person = app.add_person(email, email, partnership_ref="part2", roles=(role,))
        app.accounts.set_password(person.id, "correct-horse-battery")
    with TestClient(web) as client:
        yield client, app


def test_a_partnerships_administrator_publishes_its_rules_and_only_it_sees_them(
    api: tuple[TestClient, Toetreding],
) -> None:
    client, app = api
    admin = token(app, ADMIN)
    wrong = edit(STRICT, "all_at_least: goed", "all_at_least: geweldig")
    refused = client.post(
        "/api/adviesregels", json={"partnerschap": "part2", "tekst": wrong}, headers=admin
    )
    assert refused.status_code == 422
    [problem] = refused.json()["problems"]
    assert problem["line"] == line_of(wrong, "geweldig")
    assert "niveau 'geweldig' staat niet in de schaal" in problem["message"]

    body = {"partnerschap": "part2", "tekst": STRICT}
    published = client.post("/api/adviesregels", json=body, headers=admin)
    assert published.status_code == 201, published.text
    assert published.json()["nieuw"] is True
    assert published.json()["regels"]["title"] == "Strenger advies"
    again = client.post("/api/adviesregels", json=body, headers=admin)
    assert again.status_code == 201 and again.json()["nieuw"] is False

    listed = client.get("/api/adviesregels?partnerschap=part2", headers=admin).json()
    assert [(r["version"], r["partnership_id"] is None) for r in listed] == [(1, True), (2, False)]
    assert [r["version"] for r in client.get("/api/adviesregels", headers=admin).json()] == [1]
    rules = client.get(
        "/api/adviesregels/nvao-toetredingsadvies/2?partnerschap=part2", headers=admin
    )
    assert rules.json()["outcomes"][0]["when"]["all_at_least"] == "goed"
    # Another partnership's rules are not there for someone who does not work for it.
    hidden = client.get("/api/adviesregels?partnerschap=part3", headers=admin)
    assert hidden.status_code == 404


def test_anyone_but_the_partnerships_administrator_is_refused(
    api: tuple[TestClient, Toetreding],
) -> None:
    client, app = api
    body = {"partnerschap": "part2", "tekst": STRICT}
    refused = client.post("/api/adviesregels", json=body, headers=token(app, COORDINATOR))
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "alleen een beheerder van het partnerschap mag adviesregels publiceren"
    )
    other = client.post(
        "/api/adviesregels", json={**body, "partnerschap": "part3"}, headers=token(app, ADMIN)
    )
    assert other.status_code == 404
    listed = client.get("/api/adviesregels?partnerschap=part2", headers=token(app, ADMIN))
    assert [r["version"] for r in listed.json()] == [1]
