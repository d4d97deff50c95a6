"""Who sees which case, checked over every route of the app, found automatically.

Two partnerships: the demo's part2 (cases 1–7) and a second one with its own school and
case, made through the service here. Accounts for every role of part2, the contact of
demo school 1 (Het Noordik), the second partnership's coordinator and an administrator.

Every route whose path holds ``{case_id}`` (pages and API, including routes added later) is
requested for each case a person must not see, with a session (CSRF token in form and
header) and with an API token, and with a well-formed body for POST/PUT. The answer must be
404 (or 403) and exactly the answer for a case that does not exist, without the school's
name. Every plain GET route (lists, overview, agenda, …) must not name a school the person
may not see. The other direction is checked on a curated list of core routes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from toetreding.calendar import Region
from toetreding.clock import FixedClock
from toetreding.definition.model import Sector
from toetreding.demo import seed_demo
from toetreding.files import sample_pdf
from toetreding.settings import Settings
from toetreding.store import Uploader
from toetreding.store.tables import SchoolCreate
from toetreding.web import create_app

from .conftest import PROTOCOLS
from .web_helpers import NOW, PASSWORD, csrf_of, sign_in

try:  # FastAPI ≥ 0.13x keeps included routers as a tree; this walks it
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI: app.routes is flat
    iter_route_contexts = None

DEMO_CASES = range(1, 8)
UNKNOWN = 987654  # no case has this number
OTHER_SCHOOL = "Elderschool Zuid"
AUDITED = (2, 5, 6)  # demo cases with an audit (and reports)
# Values for path parameters other than the case; unknown names get "1".
PATH_SAMPLES = {
    "trigger": "stoppen",
    "criterion_id": "2.1",
    "correction_id": "1",
    "version": "1",
    "fmt": "html",
    "format": "html",
    "file_id": "1",
}
# A well-formed body for the API's changes (each route reads the fields it declares).
API_BODY = {
    "inputs": {},
    "note": "Een toelichting.",
    "role": None,
    "level": "goed",
    "evidence": "Gelezen en gehoord.",
    "answer": "Een antwoord.",
}
# Values for form fields of the pages, by field name; others get a short text.
FORM_SAMPLES = {
    "datum": "2026-12-07",
    "score": "goed",
    "niveau": "goed",
    "besluit": "overnemen",
    "rol": "lid",
    "email": "audit@part2.example",
    "wachtwoord": PASSWORD,
}


@dataclass
class Someone:
    key: str
    email: str
    sees: frozenset[int]
    session: TestClient
    csrf: str = ""
    bearer: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    app: FastAPI
    anonymous: TestClient
    people: dict[str, Someone]
    school_of: dict[int, str]  # case -> school name
    elders_case: int

    @property
    def cases(self) -> list[int]:
        return sorted(self.school_of)

    def hidden_from(self, person: Someone) -> list[int]:
        return [case for case in self.cases if case not in person.sees]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("authorization")
    settings = Settings(database_url=f"sqlite:///{folder / 'web.db'}", protocols_dir=PROTOCOLS)
    app = create_app(settings, FixedClock(NOW), secret="test-secret")
    service, accounts = app.state.ctx.service, app.state.ctx.accounts
    seed_demo(service, datetime(2025, 5, 1, 9, 0), PROTOCOLS)
    # The second partnership, its school, coordinator and case.
    elders = service.store.add_partnership("elders", "Opleidingsschool Elders", service.clock.now())
    service.store.add_school(
        SchoolCreate(
            partnership_id=elders.id or 0,
            name=OTHER_SCHOOL,
            sector=Sector.VO,
            region=Region.ZUID,
            brin="ELD01",
            board="Stichting Elders",
        ),
        service.clock.now(),
    )
    service.add_person(
        "Edith Elders",
        "coordinator@elders.example",
        partnership_ref="elders",
        roles=("coordinator",),
    )
    elders_case = service.open_case(
        school_ref="ELD01",
        protocol_id="partnerschap2",
        actor_ref="coordinator@elders.example",
        partnership_ref="elders",
    )
    service.add_person("Beheerder", "beheer@toetreding.example")
    school_of = {case.id: school for case, school in service.store.cases()}
    assert school_of[elders_case] == OTHER_SCHOOL and len(school_of) == 8
    part2 = frozenset(DEMO_CASES)
    who = {
        "coordinator": ("coordinator@part2.example", part2),
        "stuurgroep": ("stuurgroep@part2.example", part2),
        "kerngroep": ("kerngroep@part2.example", part2),
        "auditcommissie": ("audit@part2.example", part2),
        "school": ("contact@demo01.example", frozenset({1})),
        "elders": ("coordinator@elders.example", frozenset({elders_case})),
        "admin": ("beheer@toetreding.example", frozenset(school_of)),
    }
    people = {}
    for key, (email, sees) in who.items():
        person = service.store.person(email)
        accounts.set_password(person.id, PASSWORD, service.clock.now(), admin=key == "admin")
        session = TestClient(app)
        sign_in(session, email)
        people[key] = Someone(
            key=key,
            email=email,
            sees=sees,
            session=session,
            csrf=csrf_of(session.get("/overzicht").text),
            bearer={"Authorization": f"Bearer {accounts.issue_token(person.id, 'api')}"},
        )
    with TestClient(app) as anonymous:
        yield World(app, anonymous, people, school_of, elders_case)
    for person in people.values():
        person.session.close()


PEOPLE = ["coordinator", "stuurgroep", "kerngroep", "auditcommissie", "school", "elders", "admin"]
RESTRICTED = [key for key in PEOPLE if key != "admin"]


# --- the routes of the app --------------------------------------------------------------------


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    route: Any  # the APIRoute (for its form fields), or a plain Starlette route


def app_routes(app: FastAPI) -> list[RouteInfo]:
    """Every route of the app with its full path, also inside included routers."""
    found = []
    if iter_route_contexts is not None:
        for context in iter_route_contexts(app.routes):
            path = context.path_format or context.path
            if path and context.methods:
                found.append(RouteInfo(path, frozenset(context.methods), context.original_route))
    else:  # pragma: no cover
        for route in app.routes:
            methods = getattr(route, "methods", None)
            path = getattr(route, "path_format", None)
            if path and methods:
                found.append(RouteInfo(path, frozenset(methods), route))
    return found


def case_routes(app: FastAPI) -> list[tuple[str, str, Any]]:
    """(method, path, route) of every route about one case."""
    return sorted(
        (method, info.path, info.route)
        for info in app_routes(app)
        if "{case_id" in info.path
        for method in info.methods - {"HEAD", "OPTIONS"}
    )


def plain_gets(app: FastAPI) -> list[str]:
    """Every GET route without path parameters (lists, overview, agenda, schema, …)."""
    return sorted(
        {info.path for info in app_routes(app) if "GET" in info.methods and "{" not in info.path}
    )


def fill(path: str, case_id: int) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1]
        return str(case_id) if name == "case_id" else PATH_SAMPLES.get(name, "1")

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


def form_of(route: Any, csrf: str) -> dict[str, str]:
    """A filled-in form for a page's POST: every declared form field, and the CSRF token."""
    fields = {"csrf_token": csrf, "toelichting": "Een toelichting."}
    dependant = getattr(route, "dependant", None)
    for param in getattr(dependant, "body_params", []):
        name = getattr(param, "alias", None) or param.name
        if name != "csrf_token":
            fields[name] = FORM_SAMPLES.get(name, "tekst")
    return fields


def request(
    world: World, person: Someone, method: str, path: str, route: Any, case_id: int, via: str
) -> Response:
    """One well-formed request as ``person`` with a session (and CSRF token) or a token."""
    url = fill(path, case_id)
    if via == "session":
        client, headers = person.session, {"X-CSRF-Token": person.csrf}
    else:
        client, headers = world.anonymous, person.bearer
    if method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    if url.startswith("/api/"):
        return client.request(method, url, json=API_BODY, headers=headers, follow_redirects=False)
    csrf = person.csrf if via == "session" else ""
    return client.request(
        method, url, data=form_of(route, csrf), headers=headers, follow_redirects=False
    )


def same_as_unknown(response: Response, case_id: int, unknown: Response) -> bool:
    """The same status, and the unknown case's body with this case's number put in."""
    expected = unknown.text.replace(str(UNKNOWN), str(case_id))
    return response.status_code == unknown.status_code and response.text == expected


# --- must not see -----------------------------------------------------------------------------


def test_the_routes_about_one_case_are_found(world: World) -> None:
    found = {(method, path) for method, path, _ in case_routes(world.app)}
    assert {
        ("GET", "/dossiers/{case_id}"),
        ("POST", "/dossiers/{case_id}/handelingen/{trigger}"),
        ("GET", "/api/dossiers/{case_id}"),
        ("POST", "/api/dossiers/{case_id}/handelingen/{trigger}"),
        ("GET", "/api/dossiers/{case_id}/audit"),
        ("PUT", "/api/dossiers/{case_id}/audit/scores/{criterion_id}"),
        ("GET", "/dossiers/{case_id}/gesprekskader"),
        ("POST", "/dossiers/{case_id}/gesprekskader"),
        ("GET", "/api/dossiers/{case_id}/gesprekskader"),
        ("PUT", "/api/dossiers/{case_id}/gesprekskader/antwoorden/{question_id}"),
        ("GET", "/dossiers/{case_id}/bestanden/{file_id}"),
        ("POST", "/dossiers/{case_id}/bestanden"),
        ("GET", "/api/dossiers/{case_id}/bestanden"),
        ("POST", "/api/dossiers/{case_id}/bestanden"),
        ("GET", "/api/dossiers/{case_id}/bestanden/{file_id}"),
    } <= found


@pytest.mark.parametrize("key", RESTRICTED)
def test_a_case_someone_may_not_see_answers_like_an_unknown_case_everywhere(
    world: World, key: str
) -> None:
    person = world.people[key]
    hidden = world.hidden_from(person)
    assert hidden, "everyone but the administrator has cases they may not see"
    if key == "school":  # another school of the same partnership, and another partnership
        assert 2 in hidden and world.elders_case in hidden
    states = {case: world.app.state.ctx.service.store.case(case).revision for case in hidden}
    problems = []
    for method, path, route in case_routes(world.app):
        for via in ("session", "bearer"):
            unknown = request(world, person, method, path, route, UNKNOWN, via)
            for case_id in hidden:
                response = request(world, person, method, path, route, case_id, via)
                where = f"{method} {fill(path, case_id)} ({via}) as {key}"
                if response.status_code not in (403, 404):
                    problems.append(f"{where}: {response.status_code} {response.text[:200]}")
                elif not same_as_unknown(response, case_id, unknown):
                    problems.append(f"{where}: differs from an unknown case: {response.text[:200]}")
                if world.school_of[case_id] in response.text:
                    problems.append(f"{where}: names the school {world.school_of[case_id]!r}")
    assert not problems, "\n".join(problems)
    store = world.app.state.ctx.service.store
    assert {case: store.case(case).revision for case in hidden} == states, "a case was changed"


@pytest.mark.parametrize("key", RESTRICTED)
def test_no_list_page_or_api_names_a_school_someone_may_not_see(world: World, key: str) -> None:
    person = world.people[key]
    hidden_names = {world.school_of[case] for case in world.hidden_from(person)}
    problems = []
    for path in plain_gets(world.app):
        for via in ("session", "bearer"):
            client = person.session if via == "session" else world.anonymous
            headers = {} if via == "session" else person.bearer
            response = client.get(path, headers=headers, follow_redirects=False)
            problems += [
                f"GET {path} ({via}) names {name!r}"
                for name in hidden_names
                if name in response.text
            ]
    assert not problems, "\n".join(problems)


def test_the_csrf_token_of_each_session_is_accepted(world: World) -> None:
    """So that a 403 above is never a CSRF refusal hiding what the route would do."""
    for person in world.people.values():
        case_id = min(person.sees)
        response = person.session.post(
            f"/api/dossiers/{case_id}/handelingen/bestaat_niet",
            json={},
            headers={"X-CSRF-Token": person.csrf},
        )
        assert response.status_code == 422, (person.key, response.text)
        assert "bestaat_niet" in response.json()["reason"]


# --- must see ---------------------------------------------------------------------------------

CORE = ["/dossiers/{case_id}", "/api/dossiers/{case_id}"]
CORE_AUDIT = ["/api/dossiers/{case_id}/audit", "/dossiers/{case_id}/audit"]
CORE_OPTIONAL = ["/dossiers/{case_id}/protocol", "/dossiers/{case_id}/documenten"]


@pytest.mark.parametrize("key", PEOPLE)
def test_people_read_the_cases_they_may_see(world: World, key: str) -> None:
    person = world.people[key]
    present = {info.path for info in app_routes(world.app) if "GET" in info.methods}
    problems = []
    for case_id in sorted(person.sees):
        paths = [*CORE, *(p for p in CORE_OPTIONAL if p in present)]
        if case_id in AUDITED:
            paths += [p for p in CORE_AUDIT if p in present]
        for path in paths:
            for via in ("session", "bearer"):
                response = request(world, person, "GET", path, None, case_id, via)
                where = f"GET {fill(path, case_id)} ({via}) as {key}"
                if response.status_code != 200:
                    problems.append(f"{where}: {response.status_code} {response.text[:200]}")
                elif path in CORE and world.school_of[case_id] not in response.text:
                    problems.append(f"{where}: does not name the school")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", PEOPLE)
def test_the_case_list_holds_exactly_the_visible_cases(world: World, key: str) -> None:
    person = world.people[key]
    listed = person.session.get("/api/dossiers").json()
    assert {case["id"] for case in listed} == set(person.sees)


# --- the calendar feed ------------------------------------------------------------------------


def test_a_calendar_feed_holds_only_deadlines_of_visible_cases(world: World) -> None:
    if not any(info.path.startswith("/kalender/") for info in app_routes(world.app)):
        pytest.skip("the route /kalender/{token}.ics does not exist (yet) in this app")
    accounts, store = world.app.state.ctx.accounts, world.app.state.ctx.service.store
    feeds = {}
    for key in ("coordinator", "school", "elders"):
        person = world.people[key]
        secret = accounts.issue_token(store.person(person.email).id, "calendar")
        response = world.anonymous.get(f"/kalender/{secret}.ics")
        assert response.status_code == 200, response.text
        feeds[key] = response.text.replace("\r\n ", "").replace("\\,", ",")  # unfold lines
        hidden = {world.school_of[case] for case in world.hidden_from(person)}
        assert not [name for name in hidden if name in feeds[key]], key
    # Not vacuous: the demo's running deadlines (cases 5 and 6) are in the coordinator's feed.
    assert world.school_of[6] in feeds["coordinator"]
    assert world.anonymous.get("/kalender/geraden.ics").status_code == 404


# --- uploaded files ---------------------------------------------------------------------------

FILE_ROUTES = [
    "/dossiers/{case_id}/bestanden/{file_id}",
    "/api/dossiers/{case_id}/bestanden/{file_id}",
]


@pytest.fixture(scope="module")
def committee_file(world: World) -> int:
    """A working file the audit committee added to case 1 on its own (not with a step): the
    school of case 1 must not read it, the partnership's people may."""
    service = world.app.state.ctx.service
    chair = service.store.person("audit@part2.example")
    staged = service.stage_bytes("werkaantekeningen.pdf", sample_pdf("Werkaantekeningen"))
    who = Uploader(chair.id, "auditcommissie", service.clock.now())
    [record] = service.store.add_files(1, "vervolgzelfevaluatie", [staged], who)
    return record.id


def files_by_case(world: World) -> dict[int, list[int]]:
    service = world.app.state.ctx.service
    return {case: [f.id for f in service.case_files(case)] for case in world.cases}


def test_every_file_of_every_case_answers_only_under_its_own_case_to_those_who_may_read_it(
    world: World, committee_file: int
) -> None:
    """Every file id under every case id, for every person, by session and by token, on the
    page URL and the API: 200 with the bytes exactly where the file belongs to that case and
    the person may read it; anywhere else the answer of a file that does not exist."""
    owned = files_by_case(world)
    assert all(owned[case] for case in DEMO_CASES if case != 4), owned  # the demo has files
    every = sorted(f for files in owned.values() for f in files)
    service = world.app.state.ctx.service
    problems = []
    for key, person in world.people.items():
        for case_id in world.cases:
            for path in FILE_ROUTES:
                for via in ("session", "bearer"):
                    url_of = path.replace("{case_id}", str(case_id)).replace
                    client = person.session if via == "session" else world.anonymous
                    headers = {} if via == "session" else person.bearer
                    unknown = client.get(url_of("{file_id}", str(UNKNOWN)), headers=headers)
                    for file_id in every:
                        response = client.get(url_of("{file_id}", str(file_id)), headers=headers)
                        readable = (
                            case_id in person.sees
                            and file_id in owned[case_id]
                            and not (key == "school" and file_id == committee_file)
                        )
                        where = f"{path} case {case_id} file {file_id} ({via}) as {key}"
                        if readable:
                            record = service.case_file(case_id, file_id)
                            if response.status_code != 200:
                                problems.append(f"{where}: {response.status_code}")
                            elif hashlib.sha256(response.content).hexdigest() != record.sha256:
                                problems.append(f"{where}: other bytes")
                        elif response.status_code != 404 or response.text != unknown.text.replace(
                            str(UNKNOWN), str(file_id)
                        ):
                            problems.append(f"{where}: {response.status_code} {response.text[:80]}")
    assert not problems, "\n".join(problems[:30])


def test_the_file_lists_hold_exactly_the_files_a_person_may_read(
    world: World, committee_file: int
) -> None:
    owned = files_by_case(world)
    for key, person in world.people.items():
        for case_id in sorted(person.sees):
            listed = person.session.get(f"/api/dossiers/{case_id}/bestanden").json()
            expected = set(owned[case_id]) - ({committee_file} if key == "school" else set())
            assert {f["id"] for f in listed} == expected, (key, case_id)
            page = person.session.get(f"/dossiers/{case_id}/documenten").text
            shown = {
                int(n) for n in re.findall(rf'href="/dossiers/{case_id}/bestanden/(\d+)"', page)
            }
            assert shown == expected, (key, case_id)
    audit_page = world.people["coordinator"].session.get("/dossiers/1/audit").text
    assert "werkaantekeningen.pdf" in audit_page  # the committee reads its own files
