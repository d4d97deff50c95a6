"""What the benchmarks share: where the protocols are, the size argument, a fresh database.

Every benchmark takes ``--cases N`` (how many cases its database holds) so that a tiny run
takes seconds: ``tests/test_bench_smoke.py`` runs each one that way, and ``make bench`` at
its default size.
"""

from __future__ import annotations

import argparse
import sqlite3
from functools import cache
from pathlib import Path

from sqlalchemy import Engine

from toetreding.clock import Clock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding
from toetreding.store import Store, make_engine, migrate

REPO = Path(__file__).resolve().parent.parent
PROTOCOLS = REPO / "protocols"


def positive(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a whole number of at least 1")
    return number


def arguments(doc: str | None, *, cases: int) -> argparse.ArgumentParser:
    """A parser with the script's first docstring line and ``--cases`` (default ``cases``)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    wanted = f"how many cases the database holds ({cases:,})"
    parser.add_argument("--cases", type=positive, default=cases, help=wanted)
    return parser


@cache
def protocols() -> ProtocolRegistry:
    """The shipped protocols, read once per run."""
    return ProtocolRegistry.from_directory(PROTOCOLS)


def sqlite_engine(db: Path, *, durable: bool = True, fresh: bool = False) -> Engine:
    """An engine on the SQLite file ``db`` (WAL); ``fresh``: migrate it to the current schema."""
    engine = make_engine(f"sqlite:///{db}", durable=durable)
    if fresh:
        migrate(engine)
    return engine


def sqlite_app(db: Path, clock: Clock, *, durable: bool = True) -> Toetreding:
    """The service over a new, migrated SQLite file, with the shipped protocols."""
    return Toetreding(Store(sqlite_engine(db, durable=durable, fresh=True)), protocols(), clock)


def checkpoint(db: Path) -> None:
    """Fold the WAL into the database file so that a plain copy of the file is complete."""
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
