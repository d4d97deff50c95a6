"""Helpers for the web app tests: a demo database behind FastAPI's test client, sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from toetreding.calendar import Region
from toetreding.clock import FixedClock
from toetreding.definition import Sector
from toetreding.demo import seed_demo
from toetreding.files import sample_pdf
from toetreding.settings import Settings
from toetreding.store.tables import SchoolCreate
from toetreding.web import create_app

from .conftest import PROTOCOLS

PASSWORD = "correct-horse-battery"
COORDINATOR = "coordinator@part2.example"
STUURGROEP = "stuurgroep@part2.example"
AUDIT_CHAIR = "audit@part2.example"
KERNGROEP = "kerngroep@part2.example"
NOW = datetime(2026, 11, 23, 10, 0)
# Demo cases (seed_demo): 1 Het Noordik (samenwerkingsschool), 2 ROC Twente (partner),
# 3 De Esch (zelfevaluatie), 4 Lyceum Wierden (orientatie), 5 Vakcollege Hengelo
# (volgschool), 6 Twents Carmel (concept_rapport), 7 Bornerbroek (bespreking_stuurgroep).
# Each school's contact is contact@demo0N.example (N = the case number's school).


def demo_client(
    tmp_path: Path, max_upload_mb: int = 25, **settings_given: Any
) -> Iterator[TestClient]:
    """The demo partnership in a SQLite file, every demo person with PASSWORD; more
    ``Settings`` (a mail server) as given."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        protocols_dir=PROTOCOLS,
        max_upload_mb=max_upload_mb,
        **settings_given,
    )
    app = create_app(settings, FixedClock(NOW), secret="test-secret")
    service = app.state.ctx.service
    seed_demo(service, datetime(2025, 5, 1, 9, 0), PROTOCOLS)
    accounts = service.accounts
    for person, _ in service.store.people():
        accounts.set_password(person.id, PASSWORD, service.clock.now())
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from demo_client(tmp_path)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found[1]


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    form = client.get("/inloggen")
    response = client.post(
        "/inloggen",
        data={"email": email, "wachtwoord": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def token(client: TestClient, email: str) -> dict[str, str]:
    """The ``Authorization`` header with a fresh API token of this person."""
    context = client.app.state.ctx  # type: ignore[attr-defined]
    person = context.service.store.person(email)
    return {"Authorization": f"Bearer {context.accounts.issue_token(person.id, 'api')}"}


def add_cases(client: TestClient, count: int, prefix: str, version: int | None = None) -> list[int]:
    """``count`` more mbo schools of the demo partnership ("{prefix} 01", ...), each with a
    Partnerschap 2 case (on ``version``, else the newest) at the orientation talk; their
    case ids."""
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    partnership = service.store.partnership("part2")
    ids = []
    for number in range(1, count + 1):
        school = service.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id or 0,
                name=f"{prefix} {number:02d}",
                sector=Sector.MBO,
                region=Region.NOORD,
            ),
            service.clock.now(),
        )
        case: int = service.open_case(
            school_ref=school.id or 0,
            protocol_id="partnerschap2",
            actor_ref=COORDINATOR,
            version=version,
        )
        ids.append(case)
    return ids


def pdf_upload(name: str, text: str | None = None) -> tuple[str, bytes, str]:
    """A real PDF as a form's file field (``files=`` of the test client)."""
    return (name, sample_pdf(text or name), "application/pdf")


def main_of(page: str) -> str:
    """The page's own content: what lies in <main>, without the menu (which names the
    signed-in person)."""
    assert "<main" in page and "</main>" in page, "not a page with a <main>"
    return page.split("<main", 1)[1].split("</main>", 1)[0]
