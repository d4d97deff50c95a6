"""Two administrators changing one partnership's days off at once: on the real PostgreSQL
the second change waits until the first committed, then counts both days off, so the
deadlines end up moved by both (unserialized, the later commit undid the earlier's move);
on SQLite the second waits before it reads anything too.

The race window is made certain: the first change is held inside its transaction, after it
read the days off and the deadlines, until the second is seen waiting (or done).
"""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from toetreding import Toetreding
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import MovedDeadline
from toetreding.store import Store, make_engine, migrate

from .test_days_off import DUE, OPENED, SOURCE, STUDIEDAG, due, open_case, partnerships, registry

MONDAY_OFF = date(2027, 5, 3)  # a second day off, before the first (7 May) and the due date
WAIT = 30.0  # seconds; a bound for a broken run, never reached by a passing one


@pytest.fixture
def engines(postgres_url: str) -> Iterator[tuple[Engine, Engine, str]]:
    """Two engines on one schema, as two processes would have; the second's connections
    carry a name of their own, so the test can see them wait."""
    name = f"tweede_beheerder_{uuid.uuid4().hex[:8]}"
    first = make_engine(postgres_url)
    migrate(first)
    second = make_engine(f"{postgres_url}&application_name={name}")
    yield first, second, name
    first.dispose()
    second.dispose()


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["moved"] = work()
        except Exception as exc:  # handed to the test, which shows it
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def waits_for_a_lock(engine: Engine, name: str, thread: threading.Thread) -> bool:
    """True as soon as a connection named ``name`` waits for a lock; False when ``thread``
    ended first (it never waited)."""
    pause = threading.Event()
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE application_name = :name AND wait_event_type = 'Lock'"
    )
    with engine.connect() as connection:
        while thread.is_alive():
            if connection.execute(query, {"name": name}).scalar():
                return True
            connection.rollback()  # the activity is read once a transaction
            pause.wait(0.02)  # poll: the other transaction runs on its own
    return False


def hold_recompute(
    app: Toetreding, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, threading.Event]:
    """Hold ``app``'s change of days off inside its transaction, once it read the days off
    and the deadlines (its redate callback): (set when it got there, set to let it go on)."""
    return hold(app, "_recompute", monkeypatch)


def hold(
    app: Toetreding, method: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, threading.Event]:
    """Hold the next call of ``app``'s ``method`` until let go: (set when it got there, set
    to let it go on)."""
    inside, go_on = threading.Event(), threading.Event()
    original = getattr(app, method)

    def held(*args: Any) -> Any:
        inside.set()
        go_on.wait(WAIT)
        return original(*args)

    monkeypatch.setattr(app, method, held)
    return inside, go_on


def sqlite_pair(
    sqlite_url: str, protocols: ProtocolRegistry, now: datetime = OPENED
) -> tuple[Toetreding, Toetreding]:
    """Two services on one SQLite file, as two processes would have; partnerships in it."""
    first_engine = make_engine(sqlite_url)
    migrate(first_engine)
    first = partnerships(Toetreding(Store(first_engine), protocols, FixedClock(now)))
    return first, Toetreding(Store(make_engine(sqlite_url)), protocols, FixedClock(now))


def postgres_pair(
    engines: tuple[Engine, Engine, str], protocols: ProtocolRegistry
) -> tuple[Toetreding, Toetreding]:
    """Two services on the two PostgreSQL connections of ``engines``; partnerships in it."""
    first_engine, second_engine, _ = engines
    first = partnerships(Toetreding(Store(first_engine), protocols, FixedClock(OPENED)))
    return first, Toetreding(Store(second_engine), protocols, FixedClock(OPENED))


def change(app: Toetreding, day: date, label: str) -> Callable[[], list[MovedDeadline]]:
    return lambda: app.set_day_off("po", day, label=label, source=SOURCE, by="c@po.nl")


@pytest.mark.postgres
def test_a_second_change_of_days_off_waits_for_the_first_and_counts_both(
    engines: tuple[Engine, Engine, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_engine, _, second_name = engines
    first, second = postgres_pair(engines, registry(tmp_path))
    case_id = open_case(first, "WILG")
    assert due(first, case_id) == DUE  # 10 May: 10 working days from 22 April

    inside, go_on = hold_recompute(first, monkeypatch)
    first_thread, first_outcome = in_thread(change(first, STUDIEDAG, "Studiedag"))
    assert inside.wait(WAIT)
    second_thread, second_outcome = in_thread(change(second, MONDAY_OFF, "Teamdag"))

    waited = waits_for_a_lock(first_engine, second_name, second_thread)
    go_on.set()
    first_thread.join(WAIT)
    second_thread.join(WAIT)

    assert "error" not in first_outcome and "error" not in second_outcome, (
        first_outcome,
        second_outcome,
    )
    assert waited, "the second change went ahead while the first was still open"
    # each change moved the deadline one working day on, the second from where the first
    # left it: both days off count
    assert [(m.case_id, m.old, m.new) for m in first_outcome["moved"]] == [
        (case_id, DUE, date(2027, 5, 11))
    ]
    assert [(m.case_id, m.old, m.new) for m in second_outcome["moved"]] == [
        (case_id, date(2027, 5, 11), date(2027, 5, 12))
    ]
    assert due(first, case_id) == date(2027, 5, 12)
    moves = [e.note for e in first.store.history(case_id) if e.trigger == "termijn_verschoven"]
    assert moves == ["vrije dag 07-05-2027 toegevoegd", "vrije dag 03-05-2027 toegevoegd"]
    assert {d.day for d in first.days_off("po")} == {MONDAY_OFF, STUDIEDAG}
    assert first.verify_history().broken is None


def waits_in_the_database(thread: threading.Thread, inside: str) -> bool:
    """True once ``thread`` is seen twice in a row in a database call made from the function
    ``inside`` (SQLite shows no waits; reading in WAL mode never waits, taking the write
    lock does); False when the thread ended first."""
    pause = threading.Event()
    seen = 0
    while thread.is_alive():
        frame = sys._current_frames().get(thread.ident or 0)
        names = set()
        while frame is not None:
            names.add(frame.f_code.co_name)
            frame = frame.f_back
        seen = seen + 1 if {"do_execute", inside} <= names else 0
        if seen == 2:
            return True
        pause.wait(0.05)
    return False


def test_on_sqlite_a_second_change_reads_the_day_as_the_first_left_it(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = sqlite_pair(sqlite_url, registry(tmp_path))
    open_case(first, "WILG")  # a deadline the day off moves: the first is held there

    # one administrator adds the day off while another renames it
    inside, go_on = hold_recompute(first, monkeypatch)
    first_thread, first_outcome = in_thread(change(first, STUDIEDAG, "Studiedag"))
    assert inside.wait(WAIT)
    second_thread, second_outcome = in_thread(change(second, STUDIEDAG, "Studiedag (middag)"))
    waited = waits_in_the_database(second_thread, "save_day_off")
    go_on.set()
    first_thread.join(WAIT)
    second_thread.join(WAIT)
    first.store.engine.dispose()

    assert "error" not in first_outcome and "error" not in second_outcome, (
        first_outcome,
        second_outcome,
    )
    assert waited
    # the audit trail says what the rename changed: the day as the first change left it
    trail = [
        (c.old_value, c.new_value)
        for c in second.calendar_changes()
        if c.subject == "vrije dag po 07-05-2027"
    ]
    assert trail == [("Studiedag", "Studiedag (middag)"), (None, "Studiedag")]
    second.store.engine.dispose()
