"""The walk of ``engine_events.py`` on PostgreSQL: round trips per event, and 2 workers ÷ 1.

Run as ``.venv/bin/python bench/engine_postgres.py [--cases N] [--url URL]`` (default 1,000
cases; the database of the tests, ``postgresql://postgres@127.0.0.1:5432/test``, each run in
schemas of its own that are dropped afterwards).

The same seven Partnerschap 2 steps, one ``Toetreding.fire`` (request) per event, on two
databases set up alike: on the first one process fires every event, while the driver's
calls are counted (statements executed and what else goes to the server and waits for its
answer: ``BEGIN``, ``COMMIT``, ``ROLLBACK``, the pool's ping), which gives the round trips
per event; on the second two worker processes fire half of the cases each. The two alternate
step by step, so both see the same background load.

Targets (issue 15): at most 3 round trips per event (read, write, commit); two workers at
least 1.9x one.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psycopg
from psycopg.connection import BaseConnection
from sqlalchemy import text

from _partnerschap2 import PROTOCOL, START, moment, populate, shuffled
from _setup import arguments, protocols
from engine_events import WALK, Files, Order, attach, fire_step
from toetreding.clock import FixedClock
from toetreding.service import Toetreding
from toetreding.store import DiskFileStore, Store, make_engine, migrate

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROUND_TRIPS_TARGET = 3.0
WORKERS_TARGET = 1.9
CALLS: Counter[str] = Counter()


def _count_round_trips() -> None:
    """Count, in this process, what psycopg sends and waits for: each statement a cursor
    executes and each command psycopg itself sends (``BEGIN``, ``COMMIT``, ``ROLLBACK``)."""
    execute, command = psycopg.Cursor.execute, BaseConnection._exec_command

    def counted_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        CALLS["statement"] += 1
        return execute(self, query, *args, **kwargs)

    def counted_command(self: Any, sent: Any, *args: Any, **kwargs: Any) -> Any:
        word = bytes(sent).split()[0].decode().upper() if sent else "?"
        CALLS[word] += 1
        return command(self, sent, *args, **kwargs)

    psycopg.Cursor.execute = counted_execute  # type: ignore[method-assign]
    BaseConnection._exec_command = counted_command  # type: ignore[method-assign]


@contextmanager
def schema(url: str, name: str) -> Iterator[str]:
    """A schema of its own for the run; the URL that works in it."""
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield f"{url}?options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def service(url: str, folder: Path) -> tuple[Toetreding, FixedClock]:
    clock = FixedClock(START)
    store = Store(make_engine(url, durable=False), DiskFileStore(folder))
    return Toetreding(store, protocols(), clock), clock


def setup(url: str, folder: Path, n: int) -> tuple[dict[str, int], Order, Files]:
    """N open cases with their files, on the database of ``url`` (not measured)."""
    app, clock = service(url, folder)
    migrate(app.store.engine)
    clock.set(START - timedelta(days=1))  # the cases open the day before, as on SQLite
    people, cases = populate(app, n)
    files = attach(app, people, cases)
    app.store.engine.dispose()
    return people, cases, files


def worker(url: str, folder: Path, people: dict[str, int], files: Files, pipe: Connection) -> None:
    """Fires the steps the parent sends, for the cases it sends, until it sends None."""
    app, clock = service(url, folder)
    while (work := pipe.recv()) is not None:
        index, order = work
        clock.set(moment(index))
        fire_step(app, people, files, index, order)
        pipe.send(True)
    app.store.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, cases=1_000)
    parser.add_argument("--url", default=URL, help=f"PostgreSQL database ({URL})")
    args = parser.parse_args(argv)
    n = args.cases
    print(
        f"toetreding on PostgreSQL: {n} cases x {len(WALK)} steps of '{PROTOCOL}' "
        f"(version {protocols().get(PROTOCOL).version}), Python {sys.version.split()[0]}, "
        f"psycopg {psycopg.__version__}"
    )
    tag = f"bench_{os.getpid()}"
    with (
        tempfile.TemporaryDirectory(prefix="toetreding-bench-") as tmp,
        schema(args.url, f"{tag}_one") as one_url,
        schema(args.url, f"{tag}_two") as two_url,
    ):
        folder = Path(tmp)
        people, cases, files = setup(one_url, folder, n)
        people_two, cases_two, files_two = setup(two_url, folder, n)
        assert cases == cases_two and files == files_two, "the two databases differ"
        app, clock = service(one_url, folder)
        context = multiprocessing.get_context("spawn")
        pipes = []
        for _ in range(2):
            parent, child = context.Pipe()
            process = context.Process(
                target=worker, args=(two_url, folder, people_two, files_two, child)
            )
            process.start()
            pipes.append((parent, process))
        # Once per process, not per event: connecting, and the first request on a protocol
        # version reading the definition its cases started on.
        with app.store.engine.connect():
            pass
        app.protocol(PROTOCOL, protocols().get(PROTOCOL).version)
        _count_round_trips()
        one = two = 0.0
        for index, order in enumerate(shuffled(cases)[: len(WALK)]):
            halves = [order[0::2], order[1::2]]
            for first in (index % 2 == 0, index % 2 == 1):
                started = time.perf_counter()
                if first:
                    clock.set(moment(index))
                    fire_step(app, people, files, index, order)
                    one += time.perf_counter() - started
                else:
                    for (pipe, _), half in zip(pipes, halves, strict=True):
                        pipe.send((index, half))
                    for pipe, _ in pipes:
                        pipe.recv()
                    two += time.perf_counter() - started
        calls = Counter(CALLS)  # the walk's, not the clean-up's (dropping the schemas)
        for pipe, process in pipes:
            pipe.send(None)
            process.join()
        app.store.engine.dispose()
    report(n * len(WALK), one, two, calls)
    return 0


def report(events: int, one: float, two: float, calls: Counter[str]) -> None:
    trips = sum(calls.values()) / events
    print(f"\n{'':<34} {'figure':>9}  target")
    print(f"{'events/s, one process':<34} {events / one:>9,.0f}")
    print(f"{'events/s, two worker processes':<34} {events / two:>9,.0f}")
    scale = one / two
    verdict = "met" if scale >= WORKERS_TARGET else "MISSED"
    print(f"{'two workers ÷ one':<34} {scale:>9.2f}  >= {WORKERS_TARGET}  {verdict}")
    verdict = "met" if trips <= ROUND_TRIPS_TARGET else "MISSED"
    print(f"{'round trips per event':<34} {trips:>9.2f}  <= {ROUND_TRIPS_TARGET}  {verdict}")
    for word, count in sorted(calls.items()):
        print(f"  {word.lower():<32} {count / events:>9.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
