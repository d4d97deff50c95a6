"""Agenda over many open cases: how long ``toetreding agenda`` takes to answer.

Run as ``.venv/bin/python bench/agenda.py [--cases N] [--runs N] [--url URL]`` (default
10,000 cases; medians of 9 service calls and of 5 commands, each after one warm-up; ``--runs
N`` takes N of both, for a quick run).

Opens N cases of the po Groningen protocol on a real SQLite file (WAL), spread over a
school year, and moves each to the school's decision, where the deadline "vóór 1 april"
runs. Then it times, each the median of several runs:

* ``Toetreding.agenda`` for the next 30 days, for overdue deadlines only, and for every
  open deadline (the service call the web app will make);
* the whole command ``toetreding agenda --within 30d`` in a fresh process (Python start-up,
  settings, schema check, query and printing the first 50 rows with the total), the way a
  coordinator runs it; the same with every deadline as JSON; and ``--help`` alone, which is
  the start-up cost every command pays;
* with ``--url`` (PostgreSQL, e.g. the tests' ``postgresql+psycopg://postgres@127.0.0.1:5432/
  test``): the service call over every open deadline again, on a copy of the same rows in a
  schema of its own (dropped afterwards), its result checked to be the same as on SQLite.

Targets: the service call over every open deadline under 100 ms (issue 15: it took 125 ms,
most of it building a record per row); well under a second for the command. Setup is not
measured.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlmodel import SQLModel

from _setup import arguments, positive, sqlite_app
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.files import sample_pdf
from toetreding.service import Toetreding
from toetreding.store import SchoolCreate, Store, make_engine, migrate, register_all_tables

START = datetime(2027, 9, 1, 9, 0, tzinfo=LOCAL_TZ)
TODAY = date(2028, 3, 20)
COORDINATOR = "coordinator@bench.nl"
SERVICE_TARGET_MS = 100.0  # the service call over every open deadline
COMMAND_TARGET_MS = 1000.0


def main() -> None:
    parser = arguments(__doc__, cases=10_000)
    parser.add_argument("--runs", type=positive, help="timed runs of each (9 and 5)")
    parser.add_argument("--url", help="PostgreSQL: time the service call there too")
    args = parser.parse_args()
    calls, commands = (args.runs, args.runs) if args.runs else (9, 5)
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as folder:
        db = Path(folder) / "agenda.db"
        url = f"sqlite:///{db}"
        began = time.perf_counter()
        app = _populate(db, args.cases)
        print(f"setup: {args.cases:,} cases in {time.perf_counter() - began:.0f} s")
        open_deadlines = len(app.agenda(today=TODAY))
        print(f"open deadlines: {open_deadlines:,}; today is {TODAY:%d-%m-%Y}\n")
        _report(
            "service: next 30 days, first 50",
            lambda: app.agenda(today=TODAY, within_days=30, limit=50),
            calls,
        )
        _report("service: overdue only", lambda: app.agenda(today=TODAY, overdue_only=True), calls)
        _report(
            "service: all open deadlines",
            lambda: app.agenda(today=TODAY),
            calls,
            target=SERVICE_TARGET_MS,
        )
        _report(
            "command: agenda --within 30d (first 50)",
            lambda: _command(url),
            commands,
            target=COMMAND_TARGET_MS,
        )
        _report(
            "command: agenda --within 30d --limit 0 --json",
            lambda: _command(url, "--limit", "0", "--json"),
            commands,
            target=COMMAND_TARGET_MS,
        )
        _report("command: --help (start-up alone)", lambda: _command(url, "--help"), commands)
        if args.url:
            _on_postgres(app, args.url, calls)


def _populate(db: Path, cases: int) -> Toetreding:
    clock = FixedClock(START)
    app = sqlite_app(db, clock)
    partnership = app.store.add_partnership("bench", "Bench", START)
    app.add_person("Coördinator", COORDINATOR, partnership_ref="bench", roles=("coordinator",))
    app.add_person(
        "Stuurgroep", "stuurgroep@bench.nl", partnership_ref="bench", roles=("stuurgroep",)
    )
    report = sample_pdf("Verslag van het directeursgesprek")  # the same file for every case
    for number in range(cases):
        clock.set(START + timedelta(minutes=40 * number))  # spread over the school year
        brin = f"B{number:05d}"
        app.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id or 0,
                name=f"School {number}",
                sector="po",
                region="noord",
                brin=brin,
                board=f"Bestuur {number // 20}",
            ),
            clock.now(),
        )
        case_id = app.open_case(school_ref=brin, protocol_id="po-groningen", actor_ref=COORDINATOR)
        app.fire(case_id, "bestuur_al_betrokken", actor_ref=COORDINATOR, note="bench")
        app.fire(
            case_id,
            "directeursgesprek_gevoerd",
            actor_ref=COORDINATOR,
            inputs={"verslag_directeursgesprek": app.stage_bytes("verslag.pdf", report)},
        )
    return app


def _on_postgres(app: Toetreding, url: str, calls: int) -> None:
    """The service call over every open deadline on PostgreSQL, on a copy of the rows."""
    from engine_postgres import schema  # needs psycopg, only for this

    with schema(url, f"agenda_bench_{os.getpid()}") as in_schema:
        engine = make_engine(in_schema)
        migrate(engine)
        register_all_tables()
        with app.store.engine.connect() as source, engine.begin() as target:
            for table in SQLModel.metadata.sorted_tables:
                rows = [row._asdict() for row in source.execute(select(table))]
                if rows and table.name != "alembic_version":
                    target.execute(table.delete())  # what the migrations put there
                    target.execute(insert(table), rows)
        postgres = Toetreding(Store(engine), app.registry, app.clock)
        assert postgres.agenda(today=TODAY) == app.agenda(today=TODAY), "not the same agenda"
        _report(
            "PostgreSQL service: all open deadlines",
            lambda: postgres.agenda(today=TODAY),
            calls,
            target=SERVICE_TARGET_MS,
        )
        engine.dispose()


def _command(url: str, *extra: str) -> None:
    env = {**os.environ, "TOETREDING_DATABASE_URL": url}
    command = Path(sys.executable).with_name("toetreding")
    args = [str(command), "agenda", "--within", "30d", "--at", str(TODAY), *extra]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited with {done.returncode}:\n{done.stderr}")


def _report(
    label: str, call: Callable[[], object], runs: int, *, target: float | None = None
) -> None:
    call()  # warm the caches once, as a running app would have them
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    line = f"{label:45s} median {median:7.1f} ms  max {worst:7.1f} ms"
    if target is not None:
        line += f"  (target < {target:.0f} ms: {'met' if median < target else 'NOT met'})"
    print(line)


if __name__ == "__main__":
    main()
