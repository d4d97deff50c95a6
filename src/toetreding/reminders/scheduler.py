"""The scheduler process: one APScheduler job, the heartbeat, that runs the reminder sweep.

All state lives in the database (deadlines and the reminder ledger), so the job itself holds
nothing to lose: a restart, a missed beat or a second process changes nothing about what is
sent. APScheduler runs exactly one interval job; beats missed while the machine slept are
coalesced into one run (``misfire_grace_time=None``), never skipped.

On SQLite one scheduler per database is enough, and a second one started by mistake is
refused: the first holds an OS file lock next to the database file (released by the OS when
the process dies, even by ``kill -9``). On PostgreSQL several may run side by side.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from toetreding._exceptions import ConfigurationError
from toetreding.clock import LOCAL_TZ
from toetreding.settings import sqlite_database

HEARTBEAT_SECONDS = 60


@contextlib.contextmanager
def single_scheduler(database_url: str) -> Iterator[bool]:
    """Hold the one-scheduler lock of a SQLite database; yields whether this process is the
    only sender (True on SQLite, False on PostgreSQL where several may run)."""
    database = sqlite_database(database_url)
    if database is None:
        yield False
        return
    lock_path = database.with_name(database.name + ".planner.lock")
    with open(lock_path, "a+", encoding="utf-8") as handle:
        _acquire(handle, lock_path)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle: IO[str], lock_path: Path) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "onbekend"
        raise ConfigurationError(
            f"er draait al een planner voor deze database ({holder}); op SQLite is één "
            f"planner genoeg. Stop die eerst, of verwijder {lock_path} niet zolang hij loopt."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, gestart {datetime.now(LOCAL_TZ):%Y-%m-%d %H:%M}\n")
    handle.flush()


def add_heartbeat(scheduler: Any, beat: Callable[[], None], interval: int) -> None:
    """The one job: now, then every ``interval`` seconds; missed beats coalesce into one."""
    scheduler.add_job(
        beat,
        "interval",
        seconds=interval,
        id="heartbeat",
        next_run_time=datetime.now(LOCAL_TZ),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )


def run_forever(beat: Callable[[], None], interval: int = HEARTBEAT_SECONDS) -> None:
    """Run ``beat`` now and every ``interval`` seconds until SIGTERM or Ctrl-C; a beat in
    progress finishes before the process stops."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=LOCAL_TZ)
    add_heartbeat(scheduler, beat, interval)

    def stop(_signum: int, _frame: object) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()


def run_in_background(
    beat: Callable[[], None], stop: threading.Event, interval: int = HEARTBEAT_SECONDS
) -> None:
    """Run the heartbeat on a background thread until ``stop`` is set (beside the web app)."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=LOCAL_TZ)
    add_heartbeat(scheduler, beat, interval)
    scheduler.start()
    stop.wait()
    scheduler.shutdown(wait=True)
