"""The demo is dated relative to the day it is made: whatever that day, the scheduler finds
nothing to send or carry out when the app starts on it, and the deadlines lie ahead."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from toetreding import Toetreding
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.demo import demo_start, seed_demo
from toetreding.reminders import OutboxChannel
from toetreding.reminders.sweep import ReminderSweep
from toetreding.settings import Settings
from toetreding.store import CaseFilter

from .conftest import PROTOCOLS


@pytest.mark.parametrize("today", [date(2027, 3, 1), date(2031, 12, 24)])
def test_the_demo_gives_the_scheduler_nothing_to_do_on_the_day_it_is_made(
    tmp_path: Path, today: date
) -> None:
    now = datetime.combine(today, time(10, 0), LOCAL_TZ)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.db'}", protocols_dir=PROTOCOLS)
    app = Toetreding.from_settings(settings, FixedClock(now))
    assert seed_demo(app, demo_start(today), PROTOCOLS)
    outbox = tmp_path / "outbox"
    sweep = ReminderSweep(
        app, OutboxChannel(outbox), sender="demo@example.org", base_url="http://127.0.0.1:8000"
    )
    at_start = sweep.run(now)
    assert (at_start.consequences, at_start.planned, at_start.sent) == ([], 0, 0)
    assert not outbox.exists() or list(outbox.iterdir()) == []
    board = app.board(today=today)
    assert [c for b in board for col in b.columns for c in col.cases if c.late] == []
    # every case has moved recently (its last step within two weeks) …
    for case, _ in app.find_cases(CaseFilter()):
        assert today - timedelta(days=14) <= case.updated_at.date() < today
    # … and the scheduler does act on the demo when time goes on (the check above can fail)
    later = sweep.run(now + timedelta(days=30))
    assert later.sent > 0 or later.consequences
