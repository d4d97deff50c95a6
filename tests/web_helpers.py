"""Helpers for the web app tests: a demo database behind FastAPI's test client, sign-in."""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
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
DEMO_DATABASE = "web.db"
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
    ``Settings`` (a mail server) as given.

    The demo is seeded once per test session (``_demo_template``) and each client gets its own
    copy of that database and its files: seeding and hashing the passwords took about 5 s a
    test, more than half of the suite's time."""
    settings = _demo_settings(tmp_path, max_upload_mb=max_upload_mb, **settings_given)
    if settings.file_store == "disk":
        _copy_demo(_demo_template(), tmp_path)
        app = create_app(settings, FixedClock(NOW), secret="test-secret")
    else:
        app = _seeded_app(settings)
    with TestClient(app) as test_client:
        yield test_client


def _demo_settings(folder: Path, **settings_given: Any) -> Settings:
    return Settings(
        database_url=f"sqlite:///{folder / DEMO_DATABASE}",
        protocols_dir=PROTOCOLS,
        **settings_given,
    )


def _seeded_app(settings: Settings) -> FastAPI:
    """A new app on ``settings``' database, with the demo seeded and every password set."""
    app = create_app(settings, FixedClock(NOW), secret="test-secret")
    service = app.state.ctx.service
    seed_demo(service, datetime(2025, 5, 1, 9, 0), PROTOCOLS)
    accounts = service.accounts
    for person, _ in service.store.people():
        accounts.set_password(person.id, PASSWORD, service.clock.now())
    return app


@functools.cache
def _demo_template() -> Path:
    """The session's seeded demo folder, made on first use."""
    folder = Path(tempfile.mkdtemp(prefix="toetreding-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _seeded_app(_demo_settings(folder))
    return folder


def _copy_demo(template: Path, folder: Path) -> None:
    """The template's database (through SQLite's backup, consistent while its app is open)
    and everything beside it (the uploaded files' folder)."""
    shutil.copytree(
        template, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns(f"{DEMO_DATABASE}*")
    )
    source_path, copy_path = template / DEMO_DATABASE, folder / DEMO_DATABASE
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(copy_path)) as to:
        source.backup(to)


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
