"""Web pages over 10,000 cases: how long the overview board and a case page take.

Run as ``.venv/bin/python bench/web_pages.py [--cases N]`` (default 10,000).

A real SQLite file (WAL) holds one partnership with N schools, each with a Partnerschap 2
(v2) case somewhere along the protocol's path, with the history rows that path leaves
(``openen`` and one row per step taken) and open deadlines: every case waiting for the
school's corrections has its 10-working-day window (half of them passed: late cases on the
board), every volgschool its re-audit year. The rows are inserted in bulk; the workflow
itself is benchmarked in engine_throughput.py.

An administrator (who is also the partnership's coordinator, so the case page offers
actions) signs in through the login form of the app built by ``create_app``; FastAPI's
TestClient then times, in process (no network, no browser):

* ``GET /overzicht``: the board of all N cases (the median of 20); target < 100 ms;
* ``GET /dossiers/{id}``: the page of a case with a long history (the median of 50);
* ``GET /overzicht?sector=mbo``: the board filtered to about a third of the schools;
* ``GET /dossiers``: the first page (50) of the case list, and a search by school name.

Setup and the first (warm-up) request are not measured.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from _setup import PROTOCOLS, arguments
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import ProtocolSpec
from toetreding.demo import FULL_PATH, OUTCOME
from toetreding.settings import Settings
from toetreding.store.tables import Case, Deadline, Event, Membership, Partnership, Person, School
from toetreding.web import create_app

PROTOCOL, VERSION = "partnerschap2", 2
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LOCAL_TZ)
TODAY = NOW.date()
ADMIN = "admin@bench.example"
PASSWORD = "bench-password-123"
TARGET_MS = 100.0
# How many steps of the path a case has taken, by case number modulo len(SPREAD), and
# the outcome after the last one: most cases early in the protocol, some decided.
SPREAD: list[tuple[int, str | None]] = [
    (0, None),
    (0, None),
    (1, None),
    (1, None),
    (2, None),
    (3, None),
    (4, None),
    (5, None),
    (5, None),
    (6, None),
    (7, None),
    (8, None),  # concept_rapport: the correction window runs
    (8, None),
    (9, None),
    (10, None),
    (10, "partner"),
    (10, "volgschool"),
]


def main() -> None:
    args = arguments(__doc__, cases=10_000).parse_args()
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'web.db'}",
            protocols_dir=PROTOCOLS,
        )
        app = create_app(settings, FixedClock(NOW), secret="bench-secret")
        context = app.state.ctx
        service = context.service
        spec = service.registry.get(PROTOCOL, VERSION)
        began = time.perf_counter()
        service.store.pin_protocol(spec, NOW)
        counts = _populate(service.store.engine, spec, args.cases)
        context.accounts.set_password(1, PASSWORD, NOW, admin=True)
        print(
            f"setup: {args.cases:,} cases, {counts['events']:,} history rows, "
            f"{counts['deadlines']:,} open deadlines ({counts['late']:,} passed) "
            f"in {time.perf_counter() - began:.1f} s"
        )
        with TestClient(app) as client:
            _sign_in(client)
            board = client.get("/overzicht")
            assert board.status_code == 200, board.status_code
            assert "te laat" in board.text or not counts["late"]
            longest = counts["longest"]
            case_page = client.get(f"/dossiers/{longest}")
            assert case_page.status_code == 200, case_page.status_code
            overview = _report("GET /overzicht", lambda: client.get("/overzicht"), runs=20)
            _report(f"GET /dossiers/{longest}", lambda: client.get(f"/dossiers/{longest}"), 50)
            _report(
                "GET /overzicht?sector=mbo", lambda: client.get("/overzicht?sector=mbo"), runs=20
            )
            _report("GET /dossiers (first page)", lambda: client.get("/dossiers"), runs=20)
            _report("GET /dossiers?zoek=0001", lambda: client.get("/dossiers?zoek=0001"), runs=20)
        verdict = "meets" if overview < TARGET_MS else "MISSES"
        print(f"\noverview: median {overview:.1f} ms {verdict} the target of < {TARGET_MS:.0f} ms")


def _sign_in(client: TestClient) -> None:
    form = client.get("/inloggen")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "no CSRF token on the login form"
    response = client.post(
        "/inloggen",
        data={"email": ADMIN, "wachtwoord": PASSWORD, "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.status_code


def _report(label: str, request: Callable[[], Any], runs: int) -> float:
    """Time ``runs`` requests; print and return the median in milliseconds."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    median = statistics.median(times)
    print(
        f"{label:<28} median {median:7.1f} ms   min {min(times):7.1f} ms   "
        f"max {max(times):7.1f} ms   ({runs} requests, {len(response.content):,} bytes)"
    )
    return median


def _path(spec: ProtocolSpec, steps: int, outcome: str | None) -> list[tuple[str, str, str]]:
    """(trigger, from state, to state) of the first ``steps`` steps of the demo's path."""
    triggers = [step[0] for step in FULL_PATH[:steps]]
    if outcome is not None:
        triggers.append(OUTCOME[outcome][0])
    state, result = spec.initial, []
    for trigger in triggers:
        transition = next(t for t in spec.transitions_from(state) if t.trigger == trigger)
        result.append((trigger, state, transition.dest))
        state = transition.dest
    return result


def _populate(engine: Engine, spec: ProtocolSpec, count: int) -> dict[str, int]:
    """Partnership, the administrator, N schools with a case each, their history rows and
    open deadlines, in a few bulk inserts."""
    created = datetime(2024, 9, 2, 9, 0, tzinfo=UTC)
    paths = [_path(spec, steps, outcome) for steps, outcome in SPREAD]
    schools, cases, events, deadlines = [], [], [], []
    late = 0
    for n in range(1, count + 1):
        path = paths[n % len(paths)]
        sector = ("vo", "vo", "mbo")[n % 3]
        schools.append(
            {
                "id": n,
                "partnership_id": 1,
                "name": f"School {n:05d}",
                "sector": sector,
                "region": ("noord", "midden", "zuid")[n % 3],
                "brin": f"B{n:06d}",
                "board": f"Bestuur {n % 400}",
                "created_at": created,
            }
        )
        opened = created + timedelta(hours=n % 5000)
        at = opened
        events.append(
            {
                "case_id": n,
                "seq": 1,
                "trigger": "openen",
                "from_state": None,
                "to_state": spec.initial,
                "actor_id": 1,
                "role": "coordinator",
                "at": at,
                "note": None,
                "payload": {},
            }
        )
        for seq, (trigger, source, dest) in enumerate(path, start=2):
            at += timedelta(days=18)
            step = next((s for s in [*FULL_PATH, *OUTCOME.values()] if s[0] == trigger), None)
            given = {k: str(v) for k, v in (step[2] if step else {}).items() if v is not None}
            events.append(
                {
                    "case_id": n,
                    "seq": seq,
                    "trigger": trigger,
                    "from_state": source,
                    "to_state": dest,
                    "actor_id": 1,
                    "role": step[1] if step else "coordinator",
                    "at": at,
                    "note": step[3] if step else None,
                    "payload": given,
                }
            )
        state = path[-1][2] if path else spec.initial
        final = spec.states[state].final
        cases.append(
            {
                "id": n,
                "partnership_id": 1,
                "school_id": n,
                "protocol_id": spec.id,
                "protocol_version": spec.version,
                "state": state,
                "revision": len(path) + 1,
                "opened_at": opened,
                "updated_at": at,
                "closed_at": at if final else None,
            }
        )
        due = _open_deadline(state, n)
        if due is not None:
            name, due_date = due
            late += due_date < TODAY
            deadlines.append(
                {
                    "case_id": n,
                    "state": state,
                    "name": name,
                    "due_date": due_date,
                    "original_due_date": due_date,
                    "status": "open",
                    "created_at": at,
                    "next_reminder_on": max(due_date - timedelta(days=3), TODAY),
                }
            )
    with engine.begin() as connection:
        connection.execute(
            insert(Partnership).values(
                id=1, code="bench", name="Bench-partnerschap", created_at=created
            )
        )
        connection.execute(
            insert(Person).values(id=1, name="Beheerder", email=ADMIN, created_at=created)
        )
        connection.execute(
            insert(Membership).values(person_id=1, partnership_id=1, role="coordinator")
        )
        connection.execute(insert(School), schools)
        connection.execute(insert(Case), cases)
        connection.execute(insert(Event), events)
        if deadlines:
            connection.execute(insert(Deadline), deadlines)
    # the first case with the longest history
    longest = max(range(1, min(count, len(paths)) + 1), key=lambda n: len(paths[n % len(paths)]))
    return {"events": len(events), "deadlines": len(deadlines), "late": late, "longest": longest}


def _open_deadline(state: str, n: int) -> tuple[str, date] | None:
    """The deadline that runs in ``state``: half of the correction windows have passed."""
    if state == "concept_rapport":
        return "correctievenster", TODAY + timedelta(days=(-5 if n % 2 else 7))
    if state == "volgschool":
        return "heraudit_binnen_een_jaar", TODAY + timedelta(days=30 + n % 300)
    return None


if __name__ == "__main__":
    main()
