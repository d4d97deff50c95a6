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

Memory: the firing is replayed under ``tracemalloc`` over a small database (N/10 cases)
and over the full one; the peaks should be equal, i.e. not grow with the number of cases
held in the database. Setup (schools, people, roles, opening cases) is not measured.
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
from pathlib import Path
from typing import Any

from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding
from toetreding.store import Store, make_engine, migrate
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
    Step("plan_van_aanpak_indienen", "school", "samenwerkingsschool", {"plan_van_aanpak": "pva.pdf"}),
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
    app = Toetreding(Store(engine), ProtocolRegistry.from_directory(REPO / "protocols"), clock)
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
                sector="vo",  # type: ignore[arg-type]
                brin=f"{i:05d}X",
                region="midden",  # type: ignore[arg-type]
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
    return START + timedelta(minutes=step + 1)


# --- the measured parts -------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    events: int
    seconds: float
    peak: int | None = None  # bytes traced at the peak, when traced

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def run_toetreding(fixture: Fixture, *, durable: bool, trace: bool = False) -> Run:
    engine = make_engine(f"sqlite:///{fixture.db}", durable=durable)
    clock = FixedClock(START)
    app = Toetreding(Store(engine), ProtocolRegistry.from_directory(REPO / "protocols"), clock)
    rounds = schedule(fixture)
    roles = fixture.roles
    fire = app.fire
    events = 0
    peak: int | None = None
    gc.collect()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    for index, (step, order) in enumerate(zip(PATH, rounds, strict=True)):
        clock.set(moment(index))
        for case_id, contact in order:
            actor = contact if step.actor == "school" else roles[step.actor]
            fire(case_id, step.trigger, actor_ref=actor, inputs=step.inputs, note=step.note)
        events += len(order)
    seconds = time.perf_counter() - started
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    engine.dispose()
    _verify(fixture.db, len(fixture.cases))
    return Run(events, seconds, peak)


def _stored(moment: datetime) -> str:
    """How SQLAlchemy's SQLite dialect stores an aware datetime (as UTC, no offset)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def run_sqlite3(fixture: Fixture, *, synchronous: str) -> Run:
    """The same writes with the plain driver: guarded update + history insert + commit."""
    connection = sqlite3.connect(fixture.db)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=5000")
    rounds = schedule(fixture)
    roles = fixture.roles
    update = (
        "UPDATE cases SET state=?, revision=?, updated_at=?, closed_at=? "
        "WHERE id=? AND revision=?"
    )
    insert = (
        "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor_id, role, at, "
        "note, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    events = 0
    from_state = INITIAL
    gc.collect()
    started = time.perf_counter()
    for index, (step, order) in enumerate(zip(PATH, rounds, strict=True)):
        at = moment(index).replace(tzinfo=UTC)
        final = step.to_state == FINAL
        revision = index + 2
        payload = {k: (True if v == "ja" else v) for k, v in step.inputs.items()}
        role = "school" if step.actor == "school" else step.actor
        for case_id, contact in order:
            stamp = _stored(at)
            actor = contact if step.actor == "school" else roles[step.actor]
            moved = connection.execute(
                update,
                (step.to_state, revision, stamp, stamp if final else None, case_id, revision - 1),
            )
            if moved.rowcount != 1:
                raise RuntimeError(f"case {case_id} moved meanwhile")
            connection.execute(
                insert,
                (
                    case_id,
                    revision,
                    step.trigger,
                    from_state,
                    step.to_state,
                    actor,
                    role,
                    stamp,
                    step.note,
                    json.dumps(payload),
                ),
            )
            connection.commit()
        events += len(order)
        from_state = step.to_state
    seconds = time.perf_counter() - started
    connection.close()
    _verify(fixture.db, len(fixture.cases))
    return Run(events, seconds)


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


# --- report -------------------------------------------------------------------------------


def mib(size: float) -> str:
    return f"{size / 2**20:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000, help="number of cases (10000)")
    args = parser.parse_args(argv)
    n = args.cases
    small_n = max(1, n // 10)
    print(
        f"toetreding engine throughput: {n} cases x {len(PATH)} events through '{PROTOCOL}' "
        f"(SQLite WAL, Python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version})"
    )
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        full = build_fixture(directory / "template-full.db", n)
        small = build_fixture(directory / "template-small.db", small_n)
        print(f"setup (not measured): {time.perf_counter() - started:.1f} s\n")

        rows = []
        for mode, durable in (("FULL", True), ("NORMAL", False)):
            ours = run_toetreding(copy_of(full, directory / f"toetreding-{mode}.db"), durable=durable)
            plain = run_sqlite3(copy_of(full, directory / f"sqlite3-{mode}.db"), synchronous=mode)
            rows.append((mode, ours, plain))

        small_traced = run_toetreding(copy_of(small, directory / "traced-small.db"), durable=False, trace=True)
        full_traced = run_toetreding(copy_of(full, directory / "traced-full.db"), durable=False, trace=True)

    header = (
        f"{'synchronous':<11} {'events':>7} {'s toetr.':>8} {'s sqlite3':>9} "
        f"{'ev/s toetreding':>15} {'ev/s sqlite3':>12} {'ratio':>6}  target"
    )
    print(header)
    print("-" * len(header))
    for mode, ours, plain in rows:
        ratio = ours.rate / plain.rate
        verdict = "ok" if ratio >= TARGET else "BELOW"
        print(
            f"{mode:<11} {ours.events:>7} {ours.seconds:>8.2f} {plain.seconds:>9.2f} "
            f"{ours.rate:>15,.0f} {plain.rate:>12,.0f} {ratio:>6.2f}  >={TARGET} {verdict}"
        )
    print()
    print("peak memory while firing (tracemalloc, synchronous=NORMAL, separate traced pass):")
    for label, cases, run in (
        ("small db", small_n, small_traced),
        ("full db", n, full_traced),
    ):
        assert run.peak is not None
        print(
            f"  {label:<8} {cases:>6} cases held, {run.events:>7} events fired: "
            f"peak {mib(run.peak)} MiB"
        )
    assert small_traced.peak and full_traced.peak
    print(
        f"  growth full/small: {full_traced.peak / small_traced.peak:.2f}x "
        f"for {n / small_n:.0f}x the cases"
    )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(f"process peak RSS (ru_maxrss, whole run incl. setup): {mib(maxrss)} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
