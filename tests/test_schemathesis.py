"""Property-based tests of the JSON API from its own OpenAPI schema (schemathesis).

Schemathesis reads ``/api/openapi.json`` from the app (no server), generates requests for
every API operation (valid ones and, in its coverage phase, deliberately invalid ones) and
sends them as the demo's coordinator with an API token, to the app on SQLite and on the local
PostgreSQL server (skipped when none answers). Every answer must be no server error, have a
documented status code and content type, and match the documented schema. (Schemathesis's
check that invalid data is refused is left out: a one-element array in a query parameter goes
over the wire exactly as a valid single value, and the requests carry our own Authorization
header in place of a generated invalid one, so it reports requests that were valid as sent.
test_api.py tests the refusal of malformed requests, repeated parameters and out-of-range
values directly.) A bounded number of examples per operation keeps the run short,
and a fixed seed makes it repeatable: CI fails on a defect, not on a lucky draw. To explore
further, set ``TOETREDING_EXPLORE=<examples per operation>`` (random draws each run).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from toetreding.clock import FixedClock
from toetreding.demo import seed_demo
from toetreding.files import sample_pdf
from toetreding.settings import Settings
from toetreding.web import create_app

from .conftest import PROTOCOLS, postgres_schema
from .web_helpers import AUDIT_CHAIR, COORDINATOR, NOW

ADMIN = "beheer@part2.example"
ZE = -1  # stands for the number of De Esch's uploaded self-evaluation (Target.ze)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The schema is read when pytest collects this file (one parametrized test per operation), so
# an app exists then, on an empty database; the requests go to ``target``'s app.
# (``schemathesis.pytest.from_fixture`` would defer this, but it fails on pytest 9.2: it sets
# ``Function._nodeid``, which pytest no longer has.)
_FOLDER = tempfile.TemporaryDirectory(prefix="toetreding-schemathesis-")
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json",
    create_app(
        Settings(database_url=f"sqlite:///{_FOLDER.name}/schema.db", protocols_dir=PROTOCOLS),
        FixedClock(NOW),
        secret="test-secret",
    ),
)


@dataclass(frozen=True)
class Target:
    app: FastAPI
    coordinator: dict[str, str]  # ``Authorization`` headers
    chair: dict[str, str]
    admin: dict[str, str]  # an administrator's (the school calendar)
    ze: int  # the file De Esch uploaded before taking its step


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """The demo on SQLite or on the local PostgreSQL server (a schema of its own), with case 1
    taken to the audit day and an open audit; API tokens of the coordinator and the chair."""
    with _database(request.param, tmp_path_factory) as url:
        files = tmp_path_factory.mktemp("bestanden")  # with PostgreSQL: not ./bestanden
        settings = Settings(database_url=url, protocols_dir=PROTOCOLS, files_dir=files)
        app = create_app(settings, FixedClock(NOW), secret="s")
        service, accounts, desk = app.state.ctx.service, app.state.ctx.accounts, app.state.ctx.desk
        seed_demo(service, datetime(2025, 5, 1, 9, 0), PROTOCOLS)
        school, stuurgroep = "contact@demo01.example", "stuurgroep@part2.example"
        follow_up = service.stage_bytes("v.pdf", sample_pdf("Vervolgzelfevaluatie"))
        service.fire(
            1, "audit_aanvragen", actor_ref=school, inputs={"vervolgzelfevaluatie": follow_up}
        )
        service.fire(
            1, "audit_inplannen", actor_ref=stuurgroep, inputs={"auditdatum": "2026-12-07"}
        )
        desk.open(1, actor_ref=stuurgroep)
        desk.add_member(1, person_ref=AUDIT_CHAIR, partner="Saxion", actor_ref=stuurgroep)
        # De Esch (case 3) uploaded its self-evaluation before taking the step: file 'ZE'.
        staged = service.stage_bytes("ze.pdf", sample_pdf("Zelfevaluatie De Esch"))
        [uploaded] = service.add_version(
            3, "zelfevaluatie", [staged], actor_ref="contact@demo03.example"
        )
        # A stuurgroep meeting on the day (meeting 1), with its proposed agenda.
        service.create_meeting(
            partnership_ref="part2",
            body="stuurgroep",
            day=service.today(),
            starts_at=time(14, 0),
            place="Almelo",
            actor_ref=COORDINATOR,
        )
        service.add_person("Beheerder", ADMIN)
        tokens = {}
        for email in (COORDINATOR, AUDIT_CHAIR, ADMIN):
            person = service.store.person(email)
            accounts.set_password(
                person.id, "correct-horse-battery", service.clock.now(), admin=email == ADMIN
            )
            tokens[email] = {"Authorization": f"Bearer {accounts.issue_token(person.id, 'api')}"}
        with TestClient(app):  # runs the app's startup and shutdown, as a server would
            yield Target(app, tokens[COORDINATOR], tokens[AUDIT_CHAIR], tokens[ADMIN], uploaded.id)
        service.store.engine.dispose()


@contextmanager
def _database(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'web.db'}"
        return
    with postgres_schema() as url:
        yield url


# Requests that succeed, so every answer model is checked on real data, not only errors:
# (method, path, path parameters, query, body, as the chair instead of the coordinator).
SUCCESSES: list[tuple[str, str, dict[str, Any], dict[str, Any], Any, bool]] = [
    ("GET", "/api/ik", {}, {}, None, False),
    ("GET", "/api/overzicht", {}, {"sector": "vo"}, None, False),
    ("GET", "/api/dossiers", {}, {"open": True}, None, False),
    ("GET", "/api/dossiers/{case_id}", {"case_id": 6}, {}, None, False),
    ("GET", "/api/agenda", {}, {"binnen_dagen": 365}, None, False),
    ("GET", "/api/dossiers/{case_id}/audit", {"case_id": 6}, {}, None, False),
    ("GET", "/api/protocollen", {}, {}, None, False),
    ("GET", "/api/vergaderingen", {}, {}, None, False),
    ("GET", "/api/vergaderingen/{meeting_id}", {"meeting_id": 1}, {}, None, False),
    (
        "GET",
        "/api/protocollen/{protocol_id}/{version}",
        {"protocol_id": "partnerschap2", "version": 2},
        {},
        None,
        False,
    ),
    (
        "POST",
        "/api/dossiers/{case_id}/handelingen/{trigger}",
        {"case_id": 3, "trigger": "zelfevaluatie_indienen"},
        {},
        {"inputs": {"zelfevaluatie": ZE, "paginas": 9}, "note": "Op tijd."},
        False,
    ),
    ("GET", "/api/dossiers/{case_id}/bestanden", {"case_id": 3}, {}, None, False),
    (
        "GET",
        "/api/dossiers/{case_id}/bestanden/{file_id}",
        {"case_id": 3, "file_id": ZE},
        {},
        None,
        False,
    ),
    (
        "POST",
        "/api/dossiers/{case_id}/bestanden",
        {"case_id": 1},
        {},
        {"artefact": "verslag_orientatie", "bestand": [sample_pdf("Verslag, versie 2")]},
        False,
    ),
    (
        "PUT",
        "/api/dossiers/{case_id}/audit/scores/{criterion_id}",
        {"case_id": 1, "criterion_id": "2.1"},
        {},
        {"level": "goed", "evidence": "Vijf getrainde begeleiders.", "strengths": None},
        True,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "parameters", "query", "body", "as_chair"),
    SUCCESSES,
    ids=[f"{method} {path}" for method, path, *_ in SUCCESSES],
)
def test_a_successful_answer_matches_its_schema(
    target: Target,
    method: str,
    path: str,
    parameters: dict[str, Any],
    query: dict[str, Any],
    body: Any,
    as_chair: bool,
) -> None:
    operation = schema[path][method]
    parameters = {k: target.ze if v == ZE else v for k, v in parameters.items()}
    if isinstance(body, dict) and body.get("inputs", {}).get("zelfevaluatie") == ZE:
        body = {**body, "inputs": {**body["inputs"], "zelfevaluatie": target.ze}}
    media = "multipart/form-data" if path.endswith("/bestanden") else "application/json"
    given = {} if body is None else {"body": body, "media_type": media}
    case = operation.Case(path_parameters=parameters, query=query, **given)
    headers = target.chair if as_chair else target.coordinator
    response = case.call_and_validate(app=target.app, headers=headers, checks=CHECKS)
    assert response.status_code in (200, 201), response.text


# The school calendar is for administrators: its answers, as one.
CALENDAR: list[tuple[str, str, dict[str, Any], dict[str, Any], Any]] = [
    ("GET", "/api/kalender", {}, {}, None),
    (
        "PUT",
        "/api/kalender/{schooljaar}",
        {"schooljaar": "2026-2027"},
        {},
        {"zomervakanties": {"noord": {"begin": "2027-07-10", "eind": "2027-08-22"}}, "bron": "https://t.invalid/b"},
    ),
    (
        "POST",
        "/api/kalender/vrije-dagen",
        {},
        {},
        {"partnerschap": "part2", "dag": "2026-12-14", "naam": "Studiedag", "bron": "besluit"},
    ),
    (
        "DELETE",
        "/api/kalender/vrije-dagen/{partnerschap}/{dag}",
        {"partnerschap": "part2", "dag": "2026-12-14"},
        {"bron": "besluit"},
        None,
    ),
]  # fmt: skip


def test_the_calendar_answers_match_their_schema(target: Target) -> None:
    for method, path, parameters, query, body in CALENDAR:
        given = {} if body is None else {"body": body, "media_type": "application/json"}
        case = schema[path][method].Case(path_parameters=parameters, query=query, **given)
        response = case.call_and_validate(app=target.app, headers=target.admin, checks=CHECKS)
        assert response.status_code in (200, 201), response.text


@schema.include(path_regex="/kalender").parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
def test_the_calendar_keeps_to_its_schema_for_an_administrator(
    case: schemathesis.Case, target: Target
) -> None:
    case.call_and_validate(app=target.app, headers=target.admin, checks=CHECKS)


_EXPLORE = int(os.environ.get("TOETREDING_EXPLORE", "0"))


@schema.parametrize()
@settings(
    max_examples=_EXPLORE or 25,
    derandomize=not _EXPLORE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
def test_the_api_keeps_to_its_schema(case: schemathesis.Case, target: Target) -> None:
    case.call_and_validate(app=target.app, headers=target.coordinator, checks=CHECKS)


def test_every_api_operation_is_tested() -> None:
    """The parametrized test above runs once per operation: all of them, none skipped."""
    operations = {
        f"{result.ok().method.upper()} {result.ok().path}" for result in schema.get_all_operations()
    }
    assert len(operations) == 28
    assert "PUT /api/dossiers/{case_id}/gesprekskader/antwoorden/{question_id}" in operations
    assert "DELETE /api/kalender/vrije-dagen/{partnerschap}/{dag}" in operations
    assert "POST /api/protocollen/{protocol_id}/overzetten" in operations
    assert "POST /api/dossiers/{case_id}/correctie" in operations
    assert "POST /api/protocollen" in operations  # as the coordinator: 403 or 422
    assert "POST /api/adviesregels" in operations  # as the coordinator: 403, 404 or 422
    assert "GET /api/vergaderingen/{meeting_id}" in operations
    assert "POST /api/dossiers/{case_id}/handelingen/{trigger}" in operations
    assert "PUT /api/dossiers/{case_id}/audit/scores/{criterion_id}" in operations
    assert "POST /api/dossiers/{case_id}/bestanden" in operations
