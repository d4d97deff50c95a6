"""One heartbeat: carry out passed deadlines, plan the reminders that came due, send them.

Planning reads only deadlines whose ``next_reminder_on`` has come (an index), so a quiet
heartbeat costs one indexed query. For each such deadline the protocol's ladder says which
rungs are due today; each (rung, person) becomes a ledger row, once. A rung whose day
passed while nobody swept is still sent within the deadline's ``stale_after``, and skipped
(with the reason recorded) when it is older, when a later rung overtook it, or when a
reminder before the due date would arrive after it.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from toetreding._exceptions import DeliveryError
from toetreding.clock import as_aware, local
from toetreding.deadlines import declared_deadline
from toetreding.deadlines.compute import reminder_day, subtract_duration
from toetreding.definition.model import DeadlineSpec, Duration
from toetreding.reminders.channels import Channel
from toetreding.reminders.message import Recipient, ReminderMessage, case_url
from toetreding.reminders.render import render_reminder
from toetreding.service import Consequence, Toetreding
from toetreding.store import Claimed, LadderDeadline, NewReminder, PlanningBatch

BATCH = 500
LEASE = timedelta(minutes=5)


@dataclass
class SweepReport:
    """What one heartbeat did."""

    consequences: list[Consequence] = field(default_factory=list)
    planned: int = 0  # ledger rows created for sending
    skipped: int = 0  # ledger rows recorded as skipped (stale, overtaken, closed)
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # 'key: reason' per failed attempt


class ReminderSweep:
    """Plans and sends reminders through ``channel``; safe to run in several processes."""

    def __init__(
        self,
        app: Toetreding,
        channel: Channel,
        *,
        sender: str,
        base_url: str,
        exclusive: bool = False,
    ) -> None:
        self.app = app
        self.channel = channel
        self.sender = sender
        self.base_url = base_url
        self.exclusive = exclusive  # holds the single-scheduler lock (SQLite)
        self.ledger = app.reminder_ledger
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def run(self, at: datetime | None = None) -> SweepReport:
        now = as_aware(at) if at else self.app.clock.now()
        report = SweepReport(consequences=self.app.sweep_deadlines(now))
        self.plan(now, report)
        report.skipped += self.ledger.drop_closed(now)
        self.send(now, report)
        return report

    # --- planning -------------------------------------------------------------------------

    def plan(self, now: datetime, report: SweepReport) -> None:
        today = local(now).date()
        while True:
            with self.ledger.planning() as batch:
                ladders = batch.ladders_due(today, BATCH)
                for ladder in ladders:
                    rows, next_look = self._ladder(batch, ladder, today)
                    batch.record(rows, now)
                    batch.set_next_look(ladder.id, next_look)
                    report.planned += sum(1 for r in rows if r.skip_reason is None)
                    report.skipped += sum(1 for r in rows if r.skip_reason is not None)
            if len(ladders) < BATCH:
                return

    def _ladder(
        self, batch: PlanningBatch, ladder: LadderDeadline, today: date
    ) -> tuple[list[NewReminder], date | None]:
        spec = self._deadline_spec(ladder)
        if spec is None or not spec.remind:
            return [], None
        calendar = self.app.deadlines.calendar
        days = [reminder_day(ladder.due_date, rung, calendar) for rung in spec.remind]
        came = [i for i, day in enumerate(days) if ladder.created_on <= day <= today]
        latest = max((days[i] for i in came), default=None)
        stale_before = subtract_duration(today, Duration.parse(spec.stale_after), calendar)
        rows = []
        for index in came:
            rung, day = spec.remind[index], days[index]
            reason = _skip_reason(
                day, latest, stale_before, ladder.due_date, today, rung.escalation
            )
            for role in rung.to:
                for person_id, _ in batch.people_with_role(
                    ladder.partnership_id, role, ladder.school_id
                ):
                    rows.append(
                        NewReminder(
                            ladder.id,
                            index,
                            person_id,
                            role,
                            ladder.due_date,
                            day,
                            rung.escalation,
                            reason,
                        )
                    )
        future = [day for day in days if day > today]
        return rows, min(future, default=None)

    def _deadline_spec(self, ladder: LadderDeadline) -> DeadlineSpec | None:
        spec = self.app.protocol(ladder.protocol_id, ladder.protocol_version)
        return declared_deadline(spec, ladder.state, ladder.name)

    # --- sending --------------------------------------------------------------------------

    def send(self, now: datetime, report: SweepReport) -> None:
        while True:
            claimed = self.ledger.claim(now, self.owner, LEASE, BATCH, reclaim_all=self.exclusive)
            for reminder in claimed:
                self._deliver(reminder, now, report)
            if len(claimed) < BATCH:
                return

    def _deliver(self, reminder: Claimed, now: datetime, report: SweepReport) -> None:
        email = render_reminder(self._message(reminder, now), sender=self.sender, now=now)
        try:
            self.channel.send(email)
        except DeliveryError as exc:
            self.ledger.mark_failed(reminder.id, self.owner, now, str(exc))
            report.failed.append(f"{reminder.key}: {exc}")
            return
        if self.ledger.mark_sent(reminder.id, self.owner, now):
            report.sent += 1

    def _message(self, reminder: Claimed, now: datetime) -> ReminderMessage:
        spec = self.app.protocol(reminder.protocol_id, reminder.protocol_version)
        deadline = declared_deadline(spec, reminder.deadline_state, reminder.deadline_name)
        return ReminderMessage(
            key=reminder.key,
            recipient=Recipient(reminder.person_name, reminder.email),
            partnership_name=reminder.partnership_name,
            school_name=reminder.school_name,
            case_id=reminder.case_id,
            step_label=spec.states[reminder.case_state].label,
            deadline_label=deadline.label if deadline else reminder.deadline_name,
            due_date=reminder.due_date,
            days_left=(reminder.due_date - local(now).date()).days,
            escalation=reminder.escalation,
            role_label=spec.roles.get(reminder.role, reminder.role),
            case_url=case_url(self.base_url, reminder.case_id),
        )


def _skip_reason(
    day: date,
    latest: date | None,
    stale_before: date,
    due: date,
    today: date,
    escalation: bool,
) -> str | None:
    """Why a rung that came due is not sent, or None to send it."""
    if latest is not None and day < latest:
        return f"ingehaald door een latere herinnering (was voor {day:%d-%m-%Y})"
    if day < stale_before:
        return f"verouderd: was voor {day:%d-%m-%Y}, de planner liep toen niet"
    if not escalation and due < today:
        return f"de termijn verstreek al op {due:%d-%m-%Y}"
    return None
