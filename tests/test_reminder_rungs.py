"""Reminder rungs counted in working days ("3 werkdagen" before a deadline) skip the
partnership's days off, as the deadline's own working days do; a day off added or removed
later replans the reminders still waiting for their rung, and a sent one is never sent again.
The clock is injected: each heartbeat runs at a given moment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from toetreding import Toetreding
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.reminders import KEY_HEADER, SmtpChannel
from toetreding.reminders.sweep import ReminderSweep
from toetreding.store import Ledger, Store

from .conftest import SmtpServer
from .test_days_off import OPENED, SOURCE, partnerships

PROTOCOL = """\
id: treden
version: 1
title: Treden in werkdagen
sectors: [po]
roles: {coordinator: Coördinator, school: School}
initial: besluit
states:
  besluit:
    label: Besluit van de school
    deadlines:
      - name: besluit
        label: Besluit doorgeven
        met_by: [besluiten]
        due: {before: 1 juni}
        remind:
          - {before: "3 werkdagen", to: [school]}
          - {on_due: true, to: [school]}
  klaar: {label: Klaar, final: true, outcome: partner}
transitions:
  - {trigger: besluiten, label: Besluiten, from: besluit, to: klaar, roles: [school]}
"""
DUE = date(2027, 5, 31)  # "vóór 1 juni": a Monday, and it never moves (not in working days)
RUNG = date(2027, 5, 26)  # 3 working days before: Friday 28, Thursday 27, Wednesday 26
STUDIEDAG = date(2027, 5, 27)  # a Thursday between the rung and the due date
RUNG_WITH_DAY_OFF = date(2027, 5, 25)  # Friday 28, Wednesday 26, Tuesday 25


@pytest.fixture
def app(store: Store, tmp_path: Path) -> Toetreding:
    (tmp_path / "treden.yaml").write_text(PROTOCOL, encoding="utf-8")
    registry = ProtocolRegistry.from_directory(tmp_path)
    return partnerships(Toetreding(store, registry, FixedClock(OPENED)))


class Heartbeats:
    """The scheduler's heartbeat at chosen moments; what each sent, by ledger key."""

    def __init__(self, app: Toetreding, smtp_server: SmtpServer) -> None:
        channel = SmtpChannel(smtp_server.host, smtp_server.port, security="none")
        self.sweep = ReminderSweep(app, channel, sender="po <noreply@po.nl>", base_url="https://t")
        self.server = smtp_server

    def at(self, moment: datetime) -> list[str]:
        before = len(self.server.messages)
        self.sweep.run(moment)
        keys = [str(m[KEY_HEADER]) for m in self.server.messages[before:]]
        return [key for key in keys if key.startswith("deadline-")]  # not the hand-overs

    def on(self, day: date, hour: int = 7) -> list[str]:
        return self.at(datetime.combine(day, time(hour), tzinfo=LOCAL_TZ))

    def days(self, first: date, last: date) -> dict[date, int]:
        """The reminders sent per day, one heartbeat a morning from ``first`` to ``last``."""
        sent = {}
        day = first
        while day <= last:
            count = len(self.on(day))
            if count:
                sent[day] = count
            day += timedelta(days=1)
        return sent


def open_case(app: Toetreding, brin: str, coordinator: str = "c@po.nl") -> int:
    return app.open_case(school_ref=brin, protocol_id="treden", actor_ref=coordinator)


def day_off(app: Toetreding, day: date, at: datetime, *, remove: bool = False) -> None:
    label = None if remove else "Studiedag"
    app.set_day_off("po", day, label=label, source=SOURCE, by="c@po.nl", at=at)


def due_of(app: Toetreding, case_id: int) -> date | None:
    [deadline] = app.store.deadlines(case_id=case_id)
    return deadline.due_date


def test_a_rung_in_working_days_skips_the_partnerships_day_off(
    app: Toetreding, smtp_server: SmtpServer
) -> None:
    day_off(app, STUDIEDAG, OPENED)
    ours = open_case(app, "WILG")
    other = open_case(app, "BEUK", "c@ander.nl")  # another partnership: no day off
    heartbeats = Heartbeats(app, smtp_server)

    sent = heartbeats.days(date(2027, 5, 20), DUE)

    # the day off counts for the rung, not for the other partnership's
    assert sent == {RUNG_WITH_DAY_OFF: 1, RUNG: 1, DUE: 2}
    [ours_row, other_row] = sorted(
        (r for r in Ledger(app.store.engine).rows(["sent"]) if r["rung"] == 0),
        key=lambda r: r["case_id"],
    )
    assert (ours_row["case_id"], ours_row["send_on"]) == (ours, RUNG_WITH_DAY_OFF)
    assert (other_row["case_id"], other_row["send_on"]) == (other, RUNG)
    assert due_of(app, ours) == due_of(app, other) == DUE  # the deadline itself stays


def test_a_day_off_added_later_moves_the_waiting_reminder(
    app: Toetreding, smtp_server: SmtpServer
) -> None:
    case_id = open_case(app, "WILG")
    heartbeats = Heartbeats(app, smtp_server)
    assert heartbeats.at(OPENED) == []  # plans the ladder: nothing due yet

    day_off(app, STUDIEDAG, datetime(2027, 5, 20, 16, 0, tzinfo=LOCAL_TZ))

    assert due_of(app, case_id) == DUE
    # the rung comes a working day earlier: it goes out then, once
    assert heartbeats.days(date(2027, 5, 21), DUE) == {RUNG_WITH_DAY_OFF: 1, DUE: 1}


def test_a_waiting_reminder_whose_rung_moves_later_waits_for_its_new_day(
    app: Toetreding, smtp_server: SmtpServer
) -> None:
    day_off(app, STUDIEDAG, OPENED)
    open_case(app, "WILG")
    heartbeats = Heartbeats(app, smtp_server)
    smtp_server.refuse_recipient("wilg@school.nl", "451 mailbox busy, try later")
    assert heartbeats.on(RUNG_WITH_DAY_OFF) == []  # refused: waits to be tried again
    assert Ledger(app.store.engine).counts() == {"failed": 1}
    smtp_server.accept_recipient("wilg@school.nl")

    # the day off is struck in the morning: the rung is the 26th again
    day_off(app, STUDIEDAG, datetime.combine(RUNG_WITH_DAY_OFF, time(8)), remove=True)

    assert heartbeats.on(RUNG_WITH_DAY_OFF, hour=12) == []  # its retry waits for the new day
    [row] = Ledger(app.store.engine).rows()
    assert (row["status"], row["send_on"]) == ("failed", RUNG)
    assert len(heartbeats.on(RUNG)) == 1
    assert heartbeats.days(RUNG, DUE) == {DUE: 1}  # and not again: only the next rung


def test_a_sent_reminder_is_not_sent_again_when_its_rung_moves(
    app: Toetreding, smtp_server: SmtpServer
) -> None:
    day_off(app, STUDIEDAG, OPENED)
    open_case(app, "WILG")
    heartbeats = Heartbeats(app, smtp_server)
    assert len(heartbeats.on(RUNG_WITH_DAY_OFF)) == 1

    # struck after the reminder went out: the rung would now be tomorrow
    day_off(app, STUDIEDAG, datetime.combine(RUNG_WITH_DAY_OFF, time(12)), remove=True)
    assert heartbeats.days(RUNG_WITH_DAY_OFF, RUNG) == {}
    # and added again: the rung is back on a day that passed
    day_off(app, STUDIEDAG, datetime.combine(RUNG, time(12)))
    assert heartbeats.days(RUNG, DUE) == {DUE: 1}  # only the next rung, on the due date
    assert Ledger(app.store.engine).counts() == {"sent": 2}
