"""Events per second of the hot path beside the database's own speed and an anchor engine.

Run as ``.venv/bin/python bench/engine_events.py [--cases N]`` (default 2,000; about a
minute on a 2-core machine).

Every case walks the first seven steps of Partnerschap 2 (``protocols/partnerschap2.yaml``,
from the orientation to the planned audit), one request per event, on SQLite (WAL,
``synchronous=NORMAL``, which isolates the CPU cost). Document inputs are given by name
only (no file is written: that cost is ``engine_throughput.py``'s). Four drivers walk the
same cases, each on its own copy of the database, in alternating rounds: each step is fired
for every case (shuffled) by each driver in turn, the order of the drivers rotating per
step, so all see the same background load and the ratios are steadier than the rates.

* **toetreding**: ``Toetreding.fire`` (load the case with the actor's roles, check inputs
  and guards through the shared machine, the guarded update, the history row and the
  deadline plan in one transaction);
* **sqlite3, same schema**: plain ``sqlite3`` on the project's schema (its indexes and
  foreign keys) doing the same statements: read the case with the actor's roles, check the
  role, the guarded update, the history row with the same payload and its hash chained to
  the case's previous row and its chain's head, commit;
* **raw loop**: the minimal work on a minimal schema (a case table and an event table, no
  indexes or foreign keys): read the state, guarded update, insert, commit;
* **transitions**: the raw loop deciding through one shared ``transitions.Machine`` (the
  library toetreding builds on), the case as its model for the event, the role as a
  condition: the anchor engine.

Targets (issue 15): toetreding >= 0.8x plain sqlite3 on the same schema, >= 3x transitions;
``open_case`` at most 2x a fire (timed for up to 500 cases opened on a copy).
"""

from __future__ import annotations

import gc
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from transitions import Machine

from _partnerschap2 import (
    PATH,
    PROTOCOL,
    STAFF,
    START,
    Fixture,
    build_fixture,
    copy_of,
    documents,
    files_folder,
    moment,
    schedule,
    source,
)
from _setup import arguments, protocols, sqlite_engine
from _walk import append_chained, same_rows, stored
from toetreding.clock import FixedClock
from toetreding.files import sample_pdf
from toetreding.service import Toetreding
from toetreding.store import DiskFileStore, SchoolCreate, Store

WALK = PATH[:7]  # up to the planned audit: no audit desk, no deadlines
TARGETS = {"sqlite3, same schema": 0.8, "raw loop": None, "transitions": 3.0}
OPEN_TARGET = 2.0
Order = list[tuple[int, int]]
Files = dict[tuple[int, str], int]  # (case id, document input) -> number of its file


def attach_files(fixture: Fixture) -> Files:
    """Each case gets, before the walk, a file for every document input of the walk, which
    the steps then give by number (a file already in the dossier): the walk measures the
    steps, not writing files (that is ``engine_throughput.py``'s)."""
    store = Store(sqlite_engine(fixture.db, durable=False), DiskFileStore(files_folder(fixture.db)))
    files = attach(Toetreding(store, protocols(), FixedClock(START)), fixture.people, fixture.cases)
    store.engine.dispose()
    return files


def attach(app: Toetreding, people: dict[str, int], cases: Order) -> Files:
    """The files of ``attach_files`` through ``app`` (any database)."""
    data = sample_pdf("Benchmark", ["Een stuk in het dossier."])
    files: Files = {}
    for index, step in enumerate(WALK):
        for name in documents(index):
            for case_id, contact in cases:
                actor = contact if step.actor == "school" else people[step.actor]
                staged = app.stage_bytes(str(step.inputs[name]), data)
                kept = app.add_version(case_id, name, [staged], actor_ref=actor)
                files[case_id, name] = kept[0].id
    return files


def fire_step(
    app: Toetreding, people: dict[str, int], files: Files, index: int, order: Order
) -> None:
    """Step ``index`` of the walk for the cases of ``order``, one ``fire`` (request) each."""
    step, fire = WALK[index], app.fire
    for case_id, contact in order:
        actor = contact if step.actor == "school" else people[step.actor]
        inputs = {k: files.get((case_id, k), v) for k, v in step.inputs.items()}
        fire(case_id, step.trigger, actor_ref=actor, inputs=inputs, note=step.note)


def _stored(index: int) -> str:
    return stored(moment(index))


def _allowed(trigger: str, from_state: str) -> frozenset[str]:
    spec = protocols().get(PROTOCOL)
    found = next(t for t in spec.transitions if t.trigger == trigger and from_state in t.source)
    return frozenset(found.roles)


class ServiceDriver:
    name = "toetreding"

    def __init__(self, fixture: Fixture, files: Files) -> None:
        self.fixture, self.files, self.clock = fixture, files, FixedClock(START)
        engine = sqlite_engine(fixture.db, durable=False)
        store = Store(engine, DiskFileStore(files_folder(fixture.db)))
        self.app = Toetreding(store, protocols(), self.clock)

    def round(self, index: int, order: Order) -> None:
        self.clock.set(moment(index))
        fire_step(self.app, self.fixture.people, self.files, index, order)

    def close(self) -> None:
        self.app.store.engine.dispose()


class _Sqlite:
    """A plain ``sqlite3`` connection with the PRAGMAs the engine sets."""

    def __init__(self, db: Path) -> None:
        self.connection = sqlite3.connect(db)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.connection.execute("PRAGMA busy_timeout=5000")

    def close(self) -> None:
        self.connection.close()


class SameSchema(_Sqlite):
    name = "sqlite3, same schema"
    READ = (
        "SELECT c.state, c.revision, m.role FROM cases c LEFT JOIN memberships m "
        "ON m.person_id = ? AND m.partnership_id = c.partnership_id "
        "AND (m.school_id IS NULL OR m.school_id = c.school_id) WHERE c.id = ?"
    )
    UPDATE = (
        "UPDATE cases SET state=?, revision=?, updated_at=?, closed_at=? WHERE id=? AND revision=?"
    )
    FILE = (
        "SELECT id, artefact, version, name, media_type, size, sha256 FROM case_files "
        "WHERE id = ? AND case_id = ?"
    )
    ENTRY = ("file_id", "artefact", "version", "name", "media_type", "size", "sha256")

    def __init__(self, fixture: Fixture, files: Files) -> None:
        super().__init__(fixture.db)
        self.fixture, self.files = fixture, files

    def round(self, index: int, order: Order) -> None:
        step, people, execute = WALK[index], self.fixture.people, self.connection.execute
        from_state, allowed = source(index), _allowed(step.trigger, source(index))
        stamp, names = _stored(index), documents(index)
        for case_id, contact in order:
            actor = contact if step.actor == "school" else people[step.actor]
            given: dict[str, Any] = {}
            for key, value in step.inputs.items():  # as the machine stores them
                if key in names:
                    row = execute(self.FILE, (self.files[case_id, key], case_id)).fetchone()
                    given[key] = [dict(zip(self.ENTRY, row, strict=True))]
                else:
                    given[key] = True if value == "ja" else value
            rows = execute(self.READ, (actor, case_id)).fetchall()
            state, revision = rows[0][0], rows[0][1]
            role = next(r[2] for r in rows if r[2] in allowed)
            if state != from_state:
                raise RuntimeError(f"case {case_id} is in {state}")
            moved = execute(
                self.UPDATE, (step.to_state, revision + 1, stamp, None, case_id, revision)
            )
            if moved.rowcount != 1:
                raise RuntimeError(f"case {case_id} moved meanwhile")
            row = (case_id, revision + 1, step.trigger, from_state, step.to_state, actor, role)
            append_chained(self.connection, (*row, stamp, step.note, given))
            self.connection.commit()


MINIMAL = (
    "CREATE TABLE cases (id INTEGER PRIMARY KEY, state TEXT NOT NULL, revision INT NOT NULL)",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, case_id INT NOT NULL, seq INT NOT NULL, "
    "trigger TEXT NOT NULL, from_state TEXT, to_state TEXT, at TEXT, payload TEXT)",
)


class RawLoop(_Sqlite):
    name = "raw loop"

    def __init__(self, db: Path, fixture: Fixture, payloads: list[str]) -> None:
        super().__init__(db)
        for statement in MINIMAL:
            self.connection.execute(statement)
        cases = [(case_id, "orientatie", 1) for case_id, _ in fixture.cases]
        self.connection.executemany("INSERT INTO cases VALUES (?, ?, ?)", cases)
        self.connection.commit()
        self.payloads = payloads

    def move(self, case_id: int, trigger: str, to_state: str, index: int) -> None:
        execute = self.connection.execute
        state, revision = execute(
            "SELECT state, revision FROM cases WHERE id = ?", (case_id,)
        ).fetchone()
        execute(
            "UPDATE cases SET state = ?, revision = ? WHERE id = ? AND revision = ?",
            (to_state, revision + 1, case_id, revision),
        )
        execute(
            "INSERT INTO events (case_id, seq, trigger, from_state, to_state, at, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_id, revision + 1, trigger, state, to_state, _stored(index), self.payloads[index]),
        )
        self.connection.commit()

    def round(self, index: int, order: Order) -> None:
        step = WALK[index]
        for case_id, _ in order:
            self.move(case_id, step.trigger, step.to_state, index)


class Transitions(RawLoop):
    """The raw loop deciding through one shared ``transitions.Machine``."""

    name = "transitions"

    def __init__(self, db: Path, fixture: Fixture, payloads: list[str]) -> None:
        super().__init__(db, fixture, payloads)
        self.people = fixture.people
        self.machine = Machine(
            model=None,
            states=sorted({source(0), *(step.to_state for step in WALK)}),
            transitions=[
                {
                    "trigger": step.trigger,
                    "source": source(index),
                    "dest": step.to_state,
                    "conditions": [self._may(_allowed(step.trigger, source(index)))],
                }
                for index, step in enumerate(WALK)
            ],
            initial=source(0),
            send_event=True,
            auto_transitions=False,
        )

    @staticmethod
    def _may(allowed: frozenset[str]) -> Callable[[Any], bool]:
        return lambda event: event.kwargs["role"] in allowed

    def round(self, index: int, order: Order) -> None:
        step, execute = WALK[index], self.connection.execute
        role = STAFF.get(step.actor, step.actor)
        for case_id, _ in order:
            state, revision = execute(
                "SELECT state, revision FROM cases WHERE id = ?", (case_id,)
            ).fetchone()
            case = SimpleNamespace()
            self.machine.add_model(case, initial=state)
            try:
                if not case.trigger(step.trigger, role=role):
                    raise RuntimeError(f"{step.trigger} refused for case {case_id}")
            finally:
                self.machine.remove_model(case)
            execute(
                "UPDATE cases SET state = ?, revision = ? WHERE id = ? AND revision = ?",
                (case.state, revision + 1, case_id, revision),
            )
            execute(
                "INSERT INTO events (case_id, seq, trigger, from_state, to_state, at, payload) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (case_id, revision + 1, step.trigger, state, case.state, _stored(index), "{}"),
            )
            self.connection.commit()


def probe(directory: Path) -> list[str]:
    """One case through the walk (fails in seconds if it broke): the payload toetreding
    stored at each step, which the plain drivers write as they are."""
    fixture = build_fixture(directory / "probe.db", 1)
    driver = ServiceDriver(fixture, attach_files(fixture))
    for index, order in enumerate(schedule(fixture)[: len(WALK)]):
        driver.round(index, order)
    driver.close()
    connection = sqlite3.connect(fixture.db)
    rows = connection.execute("SELECT payload FROM events WHERE seq > 1 ORDER BY seq").fetchall()
    open_deadlines = connection.execute("SELECT count(*) FROM deadlines").fetchone()[0]
    connection.close()
    if len(rows) != len(WALK) or open_deadlines:
        raise SystemExit(f"the walk changed: {len(rows)} steps, {open_deadlines} deadlines")
    return [row[0] for row in rows]


def time_opens(fixture: Fixture, directory: Path, count: int) -> float:
    """Seconds per ``open_case`` for ``count`` new schools (their setup is not timed)."""
    copy = copy_of(fixture, directory / "opens.db")
    clock = FixedClock(START)
    app = Toetreding(Store(sqlite_engine(copy.db, durable=False)), protocols(), clock)
    partnership = app.store.partnership("part2")
    schools = []
    for i in range(count):
        school = app.store.add_school(
            SchoolCreate(
                name=f"Nieuw {i:05d}",
                sector="vo",
                brin=f"{i:05d}N",
                region="midden",
                partnership_id=partnership.id or 0,
            ),
            clock.now(),
        )
        schools.append(school.id or 0)
    gc.collect()
    coordinator = fixture.people["coordinator"]
    started = time.perf_counter()
    for school_id in schools:
        app.open_case(school_ref=school_id, protocol_id=PROTOCOL, actor_ref=coordinator)
    spent = time.perf_counter() - started
    app.store.engine.dispose()
    return spent / count


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, cases=2_000).parse_args(argv)
    n = args.cases
    print(
        f"toetreding events: {n} cases x {len(WALK)} steps of '{PROTOCOL}' "
        f"(version {protocols().get(PROTOCOL).version}), one request per event\n"
        f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL), Python "
        f"{sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as tmp:
        directory = Path(tmp)
        payloads = probe(directory)
        full = build_fixture(directory / "template.db", n)
        files = attach_files(full)
        drivers: list[Any] = [
            ServiceDriver(copy_of(full, directory / "toetreding.db"), files),
            SameSchema(copy_of(full, directory / "sqlite3.db"), files),
            RawLoop(directory / "raw.db", full, payloads),
            Transitions(directory / "transitions.db", full, payloads),
        ]
        spent = {driver.name: 0.0 for driver in drivers}
        gc.collect()
        for index, order in enumerate(schedule(full)[: len(WALK)]):
            turn = drivers[index % len(drivers) :] + drivers[: index % len(drivers)]
            for driver in turn:
                started = time.perf_counter()
                driver.round(index, order)
                spent[driver.name] += time.perf_counter() - started
        for driver in drivers:
            driver.close()
        _verify(directory, n)
        per_open = time_opens(full, directory, min(n, 500))
    events = n * len(WALK)
    ours = events / spent["toetreding"]
    print(f"\n{'driver':<22} {'events/s':>9} {'toetreding ÷ it':>16}  target")
    print(f"{'toetreding':<22} {ours:>9,.0f}")
    for name, target in TARGETS.items():
        rate = events / spent[name]
        verdict = (
            "" if target is None else f">= {target}  {'met' if ours / rate >= target else 'MISSED'}"
        )
        print(f"{name:<22} {rate:>9,.0f} {ours / rate:>16.2f}  {verdict}")
    per_fire = spent["toetreding"] / events
    ratio = per_open / per_fire
    verdict = "met" if ratio <= OPEN_TARGET else "MISSED"
    print(
        f"\nopen_case {1000 * per_open:.2f} ms, fire {1000 * per_fire:.2f} ms: "
        f"{ratio:.1f}x a fire (target <= {OPEN_TARGET}: {verdict})"
    )
    return 0


def _verify(directory: Path, n: int) -> None:
    """Every driver moved every case to the end of the walk, one history row per step; plain
    sqlite3 wrote the same history rows as toetreding."""
    end, steps = WALK[-1].to_state, len(WALK)
    for db, first in (("toetreding", 1), ("sqlite3", 1), ("raw", 0), ("transitions", 0)):
        connection = sqlite3.connect(directory / f"{db}.db")
        done = connection.execute("SELECT count(*) FROM cases WHERE state = ?", (end,)).fetchone()
        rows = connection.execute("SELECT count(*) FROM events").fetchone()
        connection.close()
        if (done[0], rows[0]) != (n, n * (steps + first)):
            raise SystemExit(f"{db}: {done[0]}/{n} cases at '{end}', {rows[0]} history rows")
    tables = ("cases", "events", "history_chain")
    same_rows(directory / "toetreding.db", directory / "sqlite3.db", tables)


if __name__ == "__main__":
    raise SystemExit(main())
