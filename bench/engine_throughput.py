"""Engine throughput: Partnerschap 2 cases driven through the whole protocol on SQLite (WAL).

Run as ``.venv/bin/python bench/engine_throughput.py [--cases N]`` (default 10,000).

Every event is handled the way a separate request would be: ``Toetreding.fire`` loads the
case with the actor's roles, checks and fires the trigger through the shared machine and
commits the new state together with its history row in one transaction. Cases are
interleaved: each step of the path is fired for every case (in a shuffled order) before
the next step starts.

Beside it, in the same run and on a copy of the same database, plain ``sqlite3`` executes
the same writes per event (guarded state update, history insert, commit) with the same
PRAGMAs: the physical limit. The ratio of the two rates is printed for ``synchronous=FULL``
(the production default, ``make_engine(durable=True)``) and ``synchronous=NORMAL``
(``durable=False``, which isolates the CPU cost). Target: ratio >= 0.5.

Both databases must end up with the same rows, which the run checks.

Memory: the firing is replayed under ``tracemalloc`` (in separate passes, as tracing slows
Python down): all cases of a small database (N/10 cases), the same number of cases of the
full one, and all cases of the full one. The peaks should be equal: memory does not grow
with the cases held in the database. Setup (schools, people, roles, opening the cases) is
not measured.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import zip_longest
from pathlib import Path
from typing import Any

from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import ProtocolRegistry, Sector
from toetreding.service import Toetreding
from toetreding.store import Region, Store, make_engine, migrate
from toetreding.store.tables import SchoolCreate

REPO = Path(__file__).resolve().parent.parent
PROTOCOL = "partnerschap2"
START = datetime(2026, 9, 1, 9, 0)
SEED = 20260901
TARGET = 0.5


@dataclass(frozen=True)
class Step:
    trigger: str
    actor: str  # "school" (the case's own contact) or a partnership-wide role
    to_state: str
    inputs: dict[str, Any]
    note: str | None = None


# The full path to 'partner'; inputs as protocols/partnerschap2.yaml asks for them.
PATH = (
    Step(
        "orientatie_afronden",
        "coordinator",
        "zelfevaluatie",
        {"verslag_orientatie": "verslag-orientatie.pdf"},
        "Genoeg aanknopingspunten",
    ),
    Step(
        "zelfevaluatie_indienen",
        "school",
        "bespreking_stuurgroep",
        {"zelfevaluatie": "zelfevaluatie.pdf", "paginas": 8},
    ),
    Step(
        "traject_inzetten",
        "stuurgroep",
        "voorwaarden_gesteld",
        {"besluit_stuurgroep": "besluit.pdf", "voorwaarden": "Twee schoolopleiders aanstellen"},
        "Zelfevaluatie is overtuigend",
    ),
    Step(
        "voorwaarden_accepteren",
        "school",
        "plan_van_aanpak",
        {"akkoord": "ja", "akkoordverklaring": "akkoord.pdf"},
    ),
    Step(
        "plan_van_aanpak_indienen", "school", "samenwerkingsschool", {"plan_van_aanpak": "pva.pdf"}
    ),
    Step(
        "audit_aanvragen",
        "school",
        "audit_aangevraagd",
        {"vervolgzelfevaluatie": "vervolg.pdf"},
    ),
    Step("audit_inplannen", "coordinator", "audit_gepland", {"auditdatum": "2027-03-15"}),
    Step(
        "concept_rapport_opstellen",
        "auditcommissie",
        "concept_rapport",
        {"concept_rapport": "concept.pdf"},
    ),
    Step("correcties_indienen", "school", "rapport_vaststellen", {"correcties": "correcties.pdf"}),
    Step(
        "rapport_vaststellen",
        "auditcommissie",
        "besluitvorming",
        {"definitief_rapport": "rapport.pdf"},
    ),
    Step(
        "besluit_partner",
        "stuurgroep",
        "partner",
        {"besluitbrief": "besluitbrief.pdf"},
        "Voldoet aan alle criteria",
    ),
)
INITIAL = "orientatie"
FINAL = PATH[-1].to_state


# --- setup (not measured) -----------------------------------------------------------------


@cache
def protocols() -> ProtocolRegistry:
    """The protocol registry, read once per run."""
    return ProtocolRegistry.from_directory(REPO / "protocols")


@dataclass(frozen=True)
class Fixture:
    """A migrated database file with N open cases, and who acts on each."""

    db: Path
    roles: dict[str, int]  # partnership-wide role -> person id
    cases: list[tuple[int, int]]  # (case id, person id of the school's contact)


def build_fixture(db: Path, n: int) -> Fixture:
    """Partnership, N vo-schools, staff and one contact per school, N open cases."""
    engine = make_engine(f"sqlite:///{db}", durable=False)
    migrate(engine)
    clock = FixedClock(START - timedelta(days=1))
    app = Toetreding(Store(engine), protocols(), clock)
    store = app.store
    now = clock.now()
    partnership = store.add_partnership("part2", "Partnerschap 2 (Almelo)", now)
    assert partnership.id is not None
    roles = {}
    for role in ("coordinator", "stuurgroep", "auditcommissie"):
        person = store.add_person(f"{role.title()} Partnerschap", f"{role}@part2.nl", now)
        assert person.id is not None
        app.grant_role(person.id, partnership.id, role)
        roles[role] = person.id
    cases = []
    for i in range(n):
        school = store.add_school(
            SchoolCreate(
                name=f"School {i:05d}",
                sector=Sector.VO,
                brin=f"{i:05d}X",
                region=Region.MIDDEN,
                partnership_id=partnership.id,
            ),
            now,
        )
        contact = store.add_person(f"Contact {i:05d}", f"contact{i}@school{i}.nl", now)
        assert school.id is not None and contact.id is not None
        app.grant_role(contact.id, partnership.id, "school", str(school.brin))
        case_id = app.open_case(
            school_ref=school.id, protocol_id=PROTOCOL, actor_ref=roles["coordinator"]
        )
        cases.append((case_id, contact.id))
    engine.dispose()
    _checkpoint(db)
    return Fixture(db, roles, cases)


def _checkpoint(db: Path) -> None:
    """Fold the WAL into the database file so that a plain copy is complete."""
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def copy_of(fixture: Fixture, db: Path) -> Fixture:
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(fixture.db, db)
    return Fixture(db, fixture.roles, fixture.cases)


def schedule(fixture: Fixture) -> list[list[tuple[int, int]]]:
    """Per step, every case once, in a shuffled (but reproducible) order."""
    rng = random.Random(SEED)
    rounds = []
    for _ in PATH:
        order = list(fixture.cases)
        rng.shuffle(order)
        rounds.append(order)
    return rounds


def moment(step: int) -> datetime:
    """Steps a month apart, so the audit date of ``audit_inplannen`` is reached in time."""
    return START + timedelta(days=30 * step + 1)


# --- the measured parts -------------------------------------------------------------------


class ToetredingDriver:
    """Fires each step through the real service, one request per event."""

    def __init__(self, fixture: Fixture, *, durable: bool) -> None:
        self.fixture = fixture
        self.engine = make_engine(f"sqlite:///{fixture.db}", durable=durable)
        self.clock = FixedClock(START)
        self.app = Toetreding(Store(self.engine), protocols(), self.clock)

    def round(self, index: int, order: list[tuple[int, int]]) -> None:
        step, roles, fire = PATH[index], self.fixture.roles, self.app.fire
        self.clock.set(moment(index))
        for case_id, contact in order:
            actor = contact if step.actor == "school" else roles[step.actor]
            fire(case_id, step.trigger, actor_ref=actor, inputs=step.inputs, note=step.note)

    def close(self) -> None:
        self.engine.dispose()


class PlainDriver:
    """The same writes with the plain driver: guarded update, history insert, commit."""

    UPDATE = (
        "UPDATE cases SET state=?, revision=?, updated_at=?, closed_at=? WHERE id=? AND revision=?"
    )
    INSERT = (
        "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor_id, role, at, "
        "note, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )

    def __init__(self, fixture: Fixture, *, synchronous: str) -> None:
        self.fixture = fixture
        self.connection = sqlite3.connect(fixture.db)
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self.connection.execute("PRAGMA busy_timeout=5000")

    def round(self, index: int, order: list[tuple[int, int]]) -> None:
        step, roles, connection = PATH[index], self.fixture.roles, self.connection
        at = moment(index).replace(tzinfo=LOCAL_TZ)
        from_state = PATH[index - 1].to_state if index else INITIAL
        final = step.to_state == FINAL
        revision = index + 2
        payload = {k: (True if v == "ja" else v) for k, v in step.inputs.items()}
        for case_id, contact in order:
            stamp = _stored(at)  # bound values are converted per event, as any writer must
            actor = contact if step.actor == "school" else roles[step.actor]
            moved = connection.execute(
                self.UPDATE,
                (step.to_state, revision, stamp, stamp if final else None, case_id, revision - 1),
            )
            if moved.rowcount != 1:
                raise RuntimeError(f"case {case_id} moved meanwhile")
            connection.execute(
                self.INSERT,
                (
                    case_id,
                    revision,
                    step.trigger,
                    from_state,
                    step.to_state,
                    actor,
                    step.actor,
                    stamp,
                    step.note,
                    json.dumps(payload),
                ),
            )
            connection.commit()

    def close(self) -> None:
        self.connection.close()


def _stored(moment: datetime) -> str:
    """How SQLAlchemy's SQLite dialect stores an aware datetime (as UTC, no offset)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass(frozen=True)
class Pair:
    mode: str
    events: int
    ours: float  # seconds
    plain: float  # seconds

    @property
    def ratio(self) -> float:
        return self.plain / self.ours


def compare(full: Fixture, directory: Path, mode: str) -> Pair:
    """Both drivers over copies of the same database, alternating step by step.

    Alternating (and swapping who goes first) exposes both to the same background load,
    so the ratio is steadier than the two rates on their own.
    """
    ours = ToetredingDriver(
        copy_of(full, directory / f"toetreding-{mode}.db"), durable=mode == "FULL"
    )
    plain = PlainDriver(copy_of(full, directory / f"sqlite3-{mode}.db"), synchronous=mode)
    spent = {ours: 0.0, plain: 0.0}
    gc.collect()
    for index, order in enumerate(schedule(full)):
        drivers = (ours, plain) if index % 2 == 0 else (plain, ours)
        for driver in drivers:
            started = time.perf_counter()
            driver.round(index, order)
            spent[driver] += time.perf_counter() - started
    ours.close()
    plain.close()
    _verify(ours.fixture.db, len(full.cases))
    _same_rows(ours.fixture.db, plain.fixture.db)
    return Pair(mode, len(full.cases) * len(PATH), spent[ours], spent[plain])


def traced_peak(fixture: Fixture, cases: int) -> tuple[int, int]:
    """(events, peak bytes traced) firing the whole path for the first ``cases`` cases.

    One-time allocations (the machine, compiled statements, the connection) are included;
    they are the same whatever the size of the database.
    """
    subset = Fixture(fixture.db, fixture.roles, fixture.cases[:cases])
    driver = ToetredingDriver(subset, durable=False)
    rounds = schedule(subset)
    gc.collect()
    tracemalloc.start()
    for index, order in enumerate(rounds):
        driver.round(index, order)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    driver.close()
    return cases * len(PATH), peak


def _verify(db: Path, n: int) -> None:
    """Every case reached the end, with its whole history."""
    connection = sqlite3.connect(db)
    done = connection.execute(
        "SELECT count(*) FROM cases WHERE state = ? AND revision = ? AND closed_at IS NOT NULL",
        (FINAL, len(PATH) + 1),
    ).fetchone()[0]
    rows = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    connection.close()
    if done != n or rows != n * (len(PATH) + 1):
        raise SystemExit(f"verification failed: {done}/{n} cases done, {rows} history rows")


def _same_rows(one: Path, other: Path) -> None:
    """Both databases hold the same cases and history: the baseline did the same writes."""
    first, second = sqlite3.connect(one), sqlite3.connect(other)
    for query in ("SELECT * FROM cases ORDER BY id", "SELECT * FROM events ORDER BY id"):
        # Row by row, in step: the check itself holds no more than a row of each.
        for mine, theirs in zip_longest(first.execute(query), second.execute(query)):
            if mine != theirs:
                raise SystemExit(f"{one.name} and {other.name} differ: {mine} != {theirs}")
    first.close()
    second.close()


# --- report -------------------------------------------------------------------------------


def peak_rss() -> int:
    """The process's peak resident set size so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def mib(size: float) -> str:
    return f"{size / 2**20:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000, help="number of cases (10000)")
    args = parser.parse_args(argv)
    n = args.cases
    small_n = max(1, n // 10)
    protocols()  # an unreadable protocol directory fails here, not after the setup
    print(
        f"toetreding engine throughput: {n} cases x {len(PATH)} events through '{PROTOCOL}'\n"
        f"SQLite {sqlite3.sqlite_version} (WAL), Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        full = build_fixture(directory / "template-full.db", n)
        small = build_fixture(directory / "template-small.db", small_n)
        print(f"setup, not measured: {time.perf_counter() - started:.1f} s\n")
        rss_setup = peak_rss()
        pairs = [compare(full, directory, mode) for mode in ("FULL", "NORMAL")]
        rss_fired = peak_rss()
        small_events, small_peak = traced_peak(copy_of(small, directory / "small.db"), small_n)
        full_events, full_peak = traced_peak(copy_of(full, directory / "full.db"), small_n)
        whole_events, whole_peak = traced_peak(copy_of(full, directory / "whole.db"), n)

    header = (
        f"{'synchronous':<11} {'events':>7} {'s toetr.':>8} {'s sqlite3':>9} "
        f"{'ev/s toetreding':>15} {'ev/s sqlite3':>12} {'ratio':>6}  target {TARGET}"
    )
    print(header)
    print("-" * len(header))
    for pair in pairs:
        print(
            f"{pair.mode:<11} {pair.events:>7} {pair.ours:>8.2f} {pair.plain:>9.2f} "
            f"{pair.events / pair.ours:>15,.0f} {pair.events / pair.plain:>12,.0f} "
            f"{pair.ratio:>6.3f}  {'met' if pair.ratio >= TARGET else 'MISSED'}"
        )
    print("(FULL = make_engine(durable=True), the production default; NORMAL isolates CPU)")
    print()
    print("peak memory traced while firing (tracemalloc, separate passes, NORMAL):")
    for held, fired, events, peak in (
        (small_n, small_n, small_events, small_peak),
        (n, small_n, full_events, full_peak),
        (n, n, whole_events, whole_peak),
    ):
        print(
            f"  {held:>6} cases held, {fired:>6} cases fired ({events:>7} events): "
            f"peak {peak / 1024:,.0f} KiB"
        )
    print(
        f"  same work over {n // small_n}x the cases held: {full_peak / small_peak:.2f}x the peak"
    )
    print(
        f"process peak RSS (ru_maxrss): {mib(rss_setup)} MiB after setup, "
        f"{mib(rss_fired)} MiB after firing the table's {sum(p.events for p in pairs)} events"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
