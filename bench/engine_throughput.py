"""Engine throughput: Partnerschap 2 cases driven through the whole protocol on SQLite (WAL).

Run as ``.venv/bin/python bench/engine_throughput.py [--cases N]`` (default 10,000; on a
2-core machine ``--cases 2000`` runs for about 12 minutes, most of it the audit desk's work,
and the default about five times as long).

Every case walks the current protocol (``protocols/partnerschap2.yaml``) from the
orientation to the decision 'partner': 11 protocol steps, the audit included. Every step is
fired the way a separate web request would fire it: ``Toetreding.fire`` loads the case with
the actor's roles, checks the trigger (its inputs and guards: the audit's reports, the
school's corrections, the advice) through the shared machine and commits the new state with
its history row, its deadline changes and the rows of the files it was given in one
transaction (a step that asks for a document gets a small PDF, different for every case,
staged and written to disk with fsync and rename as an upload is). These steps are the *events*
counted below. Cases are interleaved: each step of the path is fired for every case (in a
shuffled order) before the next step starts.

The audit itself is recorded between the steps through ``toetreding.audits.AuditDesk``, as
the audit pages do, one call per request: before ``concept_rapport_opstellen`` the
coordinator opens the audit with a committee from two partners, the chair records the three
interviews, scores every criterion of the NVAO framework and drafts the report; before
``correcties_indienen`` the school submits a factual correction; before
``rapport_vaststellen`` the committee reads the corrections, decides each and fixes the
final report. These desk calls are timed apart and reported as calls per second; they are
not events and are not in the ratio.

Beside it, in the same run and on a copy of the same database, plain ``sqlite3`` executes
the writes of every *event* with the same PRAGMAs: the guarded state update of the case, its
history row chained to the case's previous row and the head of its chain (one read, one
update), the deadline writes the store makes in that transaction (the correction window
opened on entering ``concept_rapport``; met, and the rest closed, on leaving it), the same
file written durably (temporary file, fsync, rename, fsync of the folder) with its
``case_files`` row, commit.
That is the physical limit of a step. It reads nothing, checks no guard and writes no audit
rows (the desk's work has no counterpart there). The ratio of the two rates is printed for
``synchronous=FULL`` (the production default, ``make_engine(durable=True)``) and
``synchronous=NORMAL`` (``durable=False``, which isolates the CPU cost). Target: ratio >= 0.5.

Both databases must end up with the same cases, history, deadline and file rows, which the
run checks. Before anything is set up at size, one case walks the whole path (a broken walk
fails in seconds); the due date the service gives its correction window is the one the
plain driver writes.

Memory: the walk is replayed under ``tracemalloc`` (in separate passes, as tracing slows
Python down): all cases of a small database (N/10 cases), the same number of cases of the
full one, and all cases of the full one. What is traced is the firing of the steps (the
desk's work in between runs untraced). The peaks should be equal: memory does not grow with
the cases held in the database. Setup (schools, people, roles, opening the cases) is not
measured.
"""

from __future__ import annotations

import gc
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from _partnerschap2 import (
    FINAL,
    PATH,
    PROTOCOL,
    STAFF,
    START,
    AuditWork,
    Fixture,
    build_fixture,
    copy_of,
    document_bytes,
    documents,
    files_folder,
    moment,
    schedule,
    source,
)
from _setup import arguments, protocols, sqlite_engine
from _walk import append_chained, keep_durably, same_rows, stored
from toetreding.clock import FixedClock
from toetreding.service import Toetreding
from toetreding.store import DiskFileStore, Store

TARGET = 0.5

# --- the measured parts -------------------------------------------------------------------


class ToetredingDriver:
    """Fires each step through the real service, one request per event; the audit desk's
    work before a step (``prepare``) is timed apart."""

    def __init__(self, fixture: Fixture, *, durable: bool) -> None:
        self.fixture = fixture
        self.clock = FixedClock(START)
        engine = sqlite_engine(fixture.db, durable=durable)
        files = DiskFileStore(files_folder(fixture.db))
        self.app = Toetreding(Store(engine, files), protocols(), self.clock)
        self.audit = AuditWork(self.app, self.clock, fixture.people)

    def prepare(self, index: int, order: list[tuple[int, int]]) -> None:
        self.audit.before_step(PATH[index].trigger, order)

    def round(self, index: int, order: list[tuple[int, int]]) -> None:
        step, people, fire = PATH[index], self.fixture.people, self.app.fire
        names = documents(index)
        self.clock.set(moment(index))
        for case_id, contact in order:
            actor = contact if step.actor == "school" else people[step.actor]
            inputs = dict(step.inputs)
            for name in names:  # the upload, as a request receives it
                data = document_bytes(index, name, case_id)
                inputs[name] = self.app.stage_bytes(step.inputs[name], data)
            fire(case_id, step.trigger, actor_ref=actor, inputs=inputs, note=step.note)

    def walk(self, rounds: list[list[tuple[int, int]]]) -> None:
        """The whole path for the cases of ``rounds``, untimed."""
        for index, order in enumerate(rounds):
            self.prepare(index, order)
            self.round(index, order)

    def close(self) -> None:
        self.app.store.engine.dispose()


class PlainDriver:
    """The same writes per event with the plain driver: guarded update, history insert, the
    deadline writes of the step, commit."""

    UPDATE = (
        "UPDATE cases SET state=?, revision=?, updated_at=?, closed_at=? WHERE id=? AND revision=?"
    )
    MEET = (
        "UPDATE deadlines SET status='met', resolved_at=?, resolved_by=? "
        "WHERE case_id=? AND status='open' AND name=? AND due_date >= ?"
    )
    CLOSE = (
        "UPDATE deadlines SET status=CASE WHEN due_date < ? THEN 'missed' ELSE 'cancelled' END, "
        "resolved_at=? WHERE case_id=? AND status='open'"
    )
    OPEN = (
        "INSERT INTO deadlines (case_id, state, name, due_date, original_due_date, status, "
        "created_at, next_reminder_on) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)"
    )
    FILE = (
        "INSERT INTO case_files (case_id, artefact, version, part, name, media_type, size, "
        "sha256, uploaded_by, role, uploaded_at, event_seq) "
        "VALUES (?, ?, 1, 1, ?, 'application/pdf', ?, ?, ?, ?, ?, ?)"
    )

    def __init__(self, fixture: Fixture, due: dict[str, str], *, synchronous: str) -> None:
        """``due``: deadline name -> the due date the service gave it in the probe."""
        self.fixture = fixture
        spec = protocols().get(PROTOCOL)
        # Per step, what the store does to the deadlines: those its trigger meets, whether
        # the rest of the state it leaves close, those the state it enters opens.
        self.deadlines: list[tuple[list[str], bool, list[tuple[str, str]]]] = []
        for index, step in enumerate(PATH):
            leaving = spec.states[source(index)].deadlines
            met = [d.name for d in leaving if step.trigger in d.met_by]
            opened = [(d.name, due[d.name]) for d in spec.states[step.to_state].deadlines]
            self.deadlines.append((met, bool(leaving), opened))
        self.files = files_folder(fixture.db)
        self.connection = sqlite3.connect(fixture.db)
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self.connection.execute("PRAGMA busy_timeout=5000")

    def round(self, index: int, order: list[tuple[int, int]]) -> None:
        step, people, connection = PATH[index], self.fixture.people, self.connection
        from_state, (met, close_rest, opened) = source(index), self.deadlines[index]
        at = moment(index)
        today = at.date().isoformat()
        final = step.to_state == FINAL
        revision = index + 2
        given = {k: (True if v == "ja" else v) for k, v in step.inputs.items()}
        role = STAFF.get(step.actor, step.actor)
        names = documents(index)
        for case_id, contact in order:
            stamp = stored(at)  # bound values are converted per event, as any writer must
            actor = contact if step.actor == "school" else people[step.actor]
            kept = {
                name: keep_durably(self.files, document_bytes(index, name, case_id))
                for name in names
            }
            moved = connection.execute(
                self.UPDATE,
                (step.to_state, revision, stamp, stamp if final else None, case_id, revision - 1),
            )
            if moved.rowcount != 1:
                raise RuntimeError(f"case {case_id} moved meanwhile")
            payload = dict(given)
            for name, (size, digest) in kept.items():
                file_name = str(step.inputs[name])
                row = (case_id, name, file_name, size, digest, actor, role, stamp, revision)
                file_id = connection.execute(self.FILE, row).lastrowid
                payload[name] = [
                    {
                        "file_id": file_id,
                        "artefact": name,
                        "version": 1,
                        "name": file_name,
                        "media_type": "application/pdf",
                        "size": size,
                        "sha256": digest,
                    }
                ]
            for name in met:
                connection.execute(self.MEET, (stamp, actor, case_id, name, date.min.isoformat()))
            if close_rest:
                connection.execute(self.CLOSE, (today, stamp, case_id))
            for name, due in opened:
                opening = (case_id, step.to_state, name, due, due, stamp, today)
                connection.execute(self.OPEN, opening)
            row = (case_id, revision, step.trigger, from_state, step.to_state, actor, role)
            append_chained(connection, (*row, stamp, step.note, payload))
            connection.commit()

    def close(self) -> None:
        self.connection.close()


@dataclass(frozen=True)
class Pair:
    mode: str
    cases: int
    ours: list[float]  # seconds, per step of the path
    plain: list[float]  # seconds, per step of the path
    desk_calls: int
    desk: float  # seconds

    @property
    def events(self) -> int:
        return self.cases * len(PATH)

    @property
    def ratio(self) -> float:
        return sum(self.plain) / sum(self.ours)


def probe(directory: Path) -> dict[str, str]:
    """One case through the whole path, audit included, before anything is built at size.

    Returns the due date the service gave each deadline the path opens, by name: the plain
    driver writes the same (every case enters that state at the same moment).
    """
    fixture = build_fixture(directory / "probe.db", 1)
    driver = ToetredingDriver(fixture, durable=False)
    driver.walk(schedule(fixture))
    driver.close()
    _verify(fixture.db, 1)
    connection = sqlite3.connect(fixture.db)
    due = dict(connection.execute("SELECT name, due_date FROM deadlines").fetchall())
    connection.close()
    return due


def compare(full: Fixture, due: dict[str, str], directory: Path, mode: str) -> Pair:
    """Both drivers over copies of the same database, alternating step by step.

    Alternating (and swapping who goes first) exposes both to the same background load,
    so the ratio is steadier than the two rates on their own.
    """
    ours = ToetredingDriver(
        copy_of(full, directory / f"toetreding-{mode}.db"), durable=mode == "FULL"
    )
    plain = PlainDriver(copy_of(full, directory / f"sqlite3-{mode}.db"), due, synchronous=mode)
    spent: dict[ToetredingDriver | PlainDriver, list[float]] = {ours: [], plain: []}
    desk = 0.0
    gc.collect()
    for index, order in enumerate(schedule(full)):
        started = time.perf_counter()
        ours.prepare(index, order)
        desk += time.perf_counter() - started
        drivers = (ours, plain) if index % 2 == 0 else (plain, ours)
        for driver in drivers:
            started = time.perf_counter()
            driver.round(index, order)
            spent[driver].append(time.perf_counter() - started)
    ours.close()
    plain.close()
    _verify(ours.fixture.db, len(full.cases))
    same_rows(
        ours.fixture.db,
        plain.fixture.db,
        ("cases", "events", "deadlines", "case_files", "history_chain"),
    )
    return Pair(mode, len(full.cases), spent[ours], spent[plain], ours.audit.calls, desk)


def traced_peak(fixture: Fixture, cases: int) -> tuple[int, int]:
    """(events, peak bytes traced) firing the whole path for the first ``cases`` cases.

    Each round of firing is traced on its own; the desk's work before it is not. One-time
    allocations (the machine, compiled statements, the connection) are included; they are
    the same whatever the size of the database.
    """
    subset = Fixture(fixture.db, fixture.people, fixture.cases[:cases])
    driver = ToetredingDriver(subset, durable=False)
    peak = 0
    for index, order in enumerate(schedule(subset)):
        driver.prepare(index, order)
        gc.collect()
        tracemalloc.start()
        driver.round(index, order)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    driver.close()
    return cases * len(PATH), peak


def _verify(db: Path, n: int) -> None:
    """Every case reached the end with its whole history, its audit closed with a final
    report and its correction window met."""
    connection = sqlite3.connect(db)
    done = connection.execute(
        "SELECT count(*) FROM cases WHERE state = ? AND revision = ? AND closed_at IS NOT NULL",
        (FINAL, len(PATH) + 1),
    ).fetchone()[0]
    rows = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    audits = connection.execute(
        "SELECT count(DISTINCT a.case_id) FROM audits a JOIN reports r ON r.audit_id = a.id "
        "WHERE a.closed_at IS NOT NULL AND r.final AND r.advice_outcome = ?",
        (FINAL,),
    ).fetchone()[0]
    met = connection.execute("SELECT count(*) FROM deadlines WHERE status = 'met'").fetchone()[0]
    connection.close()
    if (done, rows, audits, met) != (n, n * (len(PATH) + 1), n, n):
        raise SystemExit(
            f"verification failed: {done}/{n} cases done, {rows} history rows, "
            f"{audits} audits closed with the advice '{FINAL}', {met} correction windows met"
        )


# --- report -------------------------------------------------------------------------------


def peak_rss() -> int:
    """The process's peak resident set size so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def mib(size: float) -> str:
    return f"{size / 2**20:.1f}"


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, cases=10_000).parse_args(argv)
    n = args.cases
    small_n = max(1, n // 10)
    print(
        f"toetreding engine throughput: {n} cases x {len(PATH)} events through '{PROTOCOL}' "
        f"(version {protocols().get(PROTOCOL).version})\n"
        f"SQLite {sqlite3.sqlite_version} (WAL), Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as tmp:
        directory = Path(tmp)
        started = time.perf_counter()
        due = probe(directory)
        full = build_fixture(directory / "template-full.db", n)
        small = build_fixture(directory / "template-small.db", small_n)
        print(f"setup, not measured: {time.perf_counter() - started:.1f} s\n")
        rss_setup = peak_rss()
        pairs = [compare(full, due, directory, mode) for mode in ("FULL", "NORMAL")]
        rss_fired = peak_rss()
        small_events, small_peak = traced_peak(copy_of(small, directory / "small.db"), small_n)
        full_events, full_peak = traced_peak(copy_of(full, directory / "full.db"), small_n)
        whole_events, whole_peak = traced_peak(copy_of(full, directory / "whole.db"), n)

    report_rates(pairs)
    print()
    print("peak memory traced while firing (tracemalloc, per step, separate passes, NORMAL):")
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


def report_rates(pairs: list[Pair]) -> None:
    header = (
        f"{'synchronous':<11} {'events':>7} {'s toetr.':>8} {'s sqlite3':>9} "
        f"{'ev/s toetreding':>15} {'ev/s sqlite3':>12} {'ratio':>6}  target {TARGET}"
    )
    print(header)
    print("-" * len(header))
    for pair in pairs:
        ours, plain = sum(pair.ours), sum(pair.plain)
        print(
            f"{pair.mode:<11} {pair.events:>7} {ours:>8.2f} {plain:>9.2f} "
            f"{pair.events / ours:>15,.0f} {pair.events / plain:>12,.0f} "
            f"{pair.ratio:>6.3f}  {'met' if pair.ratio >= TARGET else 'MISSED'}"
        )
    print("(FULL = make_engine(durable=True), the production default; NORMAL isolates CPU)")
    print()
    width = max(len(step.trigger) for step in PATH) + 2
    modes = "".join(f"{p.mode + ': toetreding, sqlite3':>28}" for p in pairs)
    print(f"{'ms per event, by step':<{width}}{modes}")
    for index, step in enumerate(PATH):
        cells = "".join(
            f"{1000 * p.ours[index] / p.cases:>18.2f}{1000 * p.plain[index] / p.cases:>10.2f}"
            for p in pairs
        )
        print(f"  {step.trigger:<{width - 2}}{cells}")
    print()
    print("audit desk between the steps (toetreding only; not events, not in the ratio):")
    for pair in pairs:
        print(
            f"  {pair.mode:<6} {pair.desk_calls:>7} calls in {pair.desk:7.2f} s: "
            f"{pair.desk_calls / pair.desk:,.0f} calls/s"
        )


if __name__ == "__main__":
    raise SystemExit(main())
