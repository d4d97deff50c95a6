"""A case opened while an administrator changes the partnership's days off: the opening
counts its deadlines in working days inside its transaction under a shared lock, so either
it waits for the change and counts on the new days off, or the change waits for it and then
moves its deadline. Unlocked, the change went ahead without seeing the new case, which kept
a deadline counted on the days off as they were.

The open is held inside its transaction, right after it read the days off, until the
change is seen waiting (or done)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from toetreding import Toetreding

from .test_days_off import DUE, STUDIEDAG, due, open_case, registry
from .test_days_off_concurrency import (
    WAIT,
    change,
    engines,
    in_thread,
    postgres_pair,
    sqlite_pair,
    waits_for_a_lock,
    waits_in_the_database,
)

__all__ = ["engines"]


def hold_after_days_off(
    app: Toetreding, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, threading.Event]:
    """Hold ``app``'s next open once it read the partnership's days off (set when it got
    there, set to let it go on)."""
    inside, go_on = threading.Event(), threading.Event()
    days_off_of = app.days_off_of

    def held(partnership_id: int) -> Callable[[], frozenset[date]]:
        read = days_off_of(partnership_id)

        def days_off() -> frozenset[date]:
            found = read()
            inside.set()
            go_on.wait(WAIT)
            return found

        return days_off

    monkeypatch.setattr(app, "days_off_of", held)
    return inside, go_on


def check(app: Toetreding, opened: dict[str, Any], changed: dict[str, Any]) -> None:
    assert "error" not in opened and "error" not in changed, (opened, changed)
    # the deadline counts the day off: 10 working days from 22 April end a day later
    assert due(app, opened["moved"]) == date(2027, 5, 11) != DUE


@pytest.mark.postgres
def test_a_change_of_days_off_waits_for_a_case_being_opened_and_then_moves_it(
    engines: tuple[Engine, Engine, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_engine, _, second_name = engines
    first, second = postgres_pair(engines, registry(tmp_path))
    open_case(first, "ES")  # an open without a hold: the protocol is pinned

    inside, go_on = hold_after_days_off(first, monkeypatch)
    open_thread, opened = in_thread(lambda: open_case(first, "WILG"))
    assert inside.wait(WAIT)
    change_thread, changed = in_thread(change(second, STUDIEDAG, "Studiedag"))
    waited = waits_for_a_lock(first_engine, second_name, change_thread)
    go_on.set()
    open_thread.join(WAIT)
    change_thread.join(WAIT)

    assert waited, "the change of days off went ahead while a case was being opened"
    check(first, opened, changed)
    # the change moved the new case's deadline: it saw the case once it could go on
    assert opened["moved"] in [m.case_id for m in changed["moved"]]


def test_on_sqlite_a_change_of_days_off_waits_for_a_case_being_opened(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = sqlite_pair(sqlite_url, registry(tmp_path))
    open_case(first, "ES")

    inside, go_on = hold_after_days_off(first, monkeypatch)
    open_thread, opened = in_thread(lambda: open_case(first, "WILG"))
    assert inside.wait(WAIT)
    change_thread, changed = in_thread(change(second, STUDIEDAG, "Studiedag"))
    waited = waits_in_the_database(change_thread, "save_day_off")
    go_on.set()
    open_thread.join(WAIT)
    change_thread.join(WAIT)

    assert waited
    check(first, opened, changed)
    first.store.engine.dispose()
    second.store.engine.dispose()
