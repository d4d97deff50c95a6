"""The scheduler process: one APScheduler job, the heartbeat, that runs the reminder sweep.

All state lives in the database (deadlines and the reminder ledger), so the job itself holds
nothing to lose: a restart, a missed beat or a second process changes nothing about what is
sent. APScheduler runs exactly one interval job; beats missed while the machine slept are
coalesced into one run (``misfire_grace_time=None``), never skipped.

On SQLite one scheduler per database sends: it holds an OS file lock next to the database
file (released by the OS when the process dies, even by ``kill -9``). ``reminders run-once``
started meanwhile is refused; a second ``scheduler`` waits as a standby and takes over within
a second of the first one's end. On PostgreSQL several run side by side and share the work.

Exactly once does not rest on the lock but on the ledger (claims with a lease, fenced before
each message, renewed while sending; :mod:`toetreding.store.ledger`). After a beat, the
scheduler looks again as soon as a lease of another process runs out (rather than a whole
interval later), so the reminders of a process that died are sent within seconds.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from toetreding._exceptions import ConfigurationError
from toetreding.clock import LOCAL_TZ
from toetreding.settings import sqlite_database

HEARTBEAT_SECONDS = 60
STANDBY_POLL_SECONDS = 0.5  # how often a standby tries the lock
LOOK_AGAIN_MARGIN = timedelta(seconds=0.5)  # after a lease ran out, before looking again

Beat = Callable[[], datetime | None]
"""One heartbeat; it returns when to look again before the next regular beat (or None)."""


@contextlib.contextmanager
def single_scheduler(
    database_url: str, *, standby: Callable[[str], None] | None = None
) -> Iterator[bool]:
    """Hold the one-scheduler lock of a SQLite database; yields whether this process is the
    only sender (True on SQLite, False on PostgreSQL where several may run).

    When another process holds the lock, ConfigurationError; with ``standby``, it is called
    once with the holder's description and this process waits for the lock instead.
    """
    database = sqlite_database(database_url)
    if database is None:
        yield False
        return
    resolved = database.resolve()  # one lock per file, however its path is written
    lock_path = resolved.with_name(resolved.name + ".planner.lock")
    with open(lock_path, "a+", encoding="utf-8") as handle:
        _acquire(handle, lock_path, standby)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle: IO[str], lock_path: Path, standby: Callable[[str], None] | None) -> None:
    while not _try_lock(handle):
        handle.seek(0)
        holder = handle.read().strip() or "onbekend"
        if standby is None:
            raise ConfigurationError(
                f"er draait al een planner voor deze database ({holder}); op SQLite is één "
                f"planner genoeg. Stop die eerst, of verwijder {lock_path} niet zolang hij "
                "loopt."
            )
        standby(holder)
        standby = _quiet
        time.sleep(STANDBY_POLL_SECONDS)
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, gestart {datetime.now(LOCAL_TZ):%Y-%m-%d %H:%M}\n")
    handle.flush()


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _quiet(_holder: str) -> None:
    """A standby says once that it waits."""


def add_heartbeat(scheduler: Any, beat: Beat, interval: float) -> None:
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


def look_again(scheduler: Any) -> Callable[[Any], None]:
    """A listener that moves the next heartbeat forward to the moment a beat returned (when
    that comes before the next regular beat): a lease of another process runs out then."""

    def listener(event: Any) -> None:
        when = getattr(event, "retval", None)
        if event.job_id != "heartbeat" or not isinstance(when, datetime):
            return
        job = scheduler.get_job("heartbeat")
        moment = max(when + LOOK_AGAIN_MARGIN, datetime.now(LOCAL_TZ))
        if job is not None and job.next_run_time is not None and moment < job.next_run_time:
            scheduler.modify_job("heartbeat", next_run_time=moment)

    return listener


def run_forever(
    beat: Beat, interval: float = HEARTBEAT_SECONDS, on_stop: Callable[[], None] | None = None
) -> None:
    """Run ``beat`` now and every ``interval`` seconds until SIGTERM or Ctrl-C. ``on_stop``
    asks a beat in progress to end soon; it ends before this function returns (and before
    the caller lets go of the scheduler lock)."""
    from apscheduler.events import EVENT_JOB_EXECUTED
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone=LOCAL_TZ)
    running = threading.Lock()

    def guarded() -> datetime | None:
        with running:
            return beat()

    add_heartbeat(scheduler, guarded, interval)
    scheduler.add_listener(look_again(scheduler), EVENT_JOB_EXECUTED)

    def stop(_signum: int, _frame: object) -> None:
        if on_stop is not None:
            on_stop()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    if on_stop is not None:
        on_stop()
    with running:  # the beat in progress, if any, has ended
        pass


def run_in_background(
    beat: Beat, stop: threading.Event, interval: float = HEARTBEAT_SECONDS
) -> None:
    """Run the heartbeat on a background thread until ``stop`` is set (beside the web app)."""
    from apscheduler.events import EVENT_JOB_EXECUTED
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=LOCAL_TZ)
    add_heartbeat(scheduler, beat, interval)
    scheduler.add_listener(look_again(scheduler), EVENT_JOB_EXECUTED)
    scheduler.start()
    stop.wait()
    scheduler.shutdown(wait=True)
