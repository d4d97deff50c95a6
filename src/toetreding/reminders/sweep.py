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
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from toetreding._exceptions import DeliveryError
from toetreding.clock import as_aware, local
from toetreding.deadlines import declared_deadline, ladder_calendar, rung_days
from toetreding.deadlines.compute import subtract_duration
from toetreding.definition.model import DeadlineSpec, Duration
from toetreding.reminders.channels import Channel
from toetreding.reminders.handovers import handover_message, plan_handovers
from toetreding.reminders.message import Recipient, ReminderMessage, case_url
from toetreding.reminders.render import render_handover, render_reminder
from toetreding.reminders.sending import DEFAULT_BATCH, DEFAULT_LEASE, LeaseKeeper
from toetreding.service import Consequence, Toetreding
from toetreding.store import Claimed, Fence, LadderDeadline, NewReminder, PlanningBatch

PLAN_BATCH = 500  # deadlines planned per transaction


@dataclass
class SweepReport:
    """What one heartbeat did."""

    consequences: list[Consequence] = field(default_factory=list)
    planned: int = 0  # ledger rows created for sending
    skipped: int = 0  # ledger rows recorded as skipped (stale, overtaken, closed)
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # 'key: reason' per failed attempt
    taken_over: int = 0  # claims another process took over before they were sent: not sent
    # Sent, but the claim had been taken over meanwhile (this process could not reach the
    # database for longer than the lease, or stalled): the other process may send it too.
    lost: list[str] = field(default_factory=list)
    look_again_at: datetime | None = None  # the first lease of another process runs out


class ReminderSweep:
    """Plans and sends reminders through ``channel``; safe to run in several processes.

    Reminders are claimed ``batch`` at a time, each with a lease of ``lease`` that is renewed
    while the batch goes out and checked (fenced) right before each message: a row another
    process took over is not sent. ``exclusive``: this process holds the SQLite scheduler
    lock, so no other sender is alive and rows a dead one left *sending* are taken at once
    (otherwise when their lease ran out). :meth:`stop` (from another thread) ends the sweep
    after the message in flight and gives the rest of the batch back.
    """

    def __init__(
        self,
        app: Toetreding,
        channel: Channel,
        *,
        sender: str,
        base_url: str,
        exclusive: bool = False,
        lease: timedelta = DEFAULT_LEASE,
        batch: int = DEFAULT_BATCH,
    ) -> None:
        self.app = app
        self.channel = channel
        self.sender = sender
        self.base_url = base_url
        self.exclusive = exclusive  # holds the single-scheduler lock (SQLite)
        self.lease = lease
        self.batch = batch
        self.ledger = app.reminder_ledger
        self.owner = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Finish the message in flight, give back the rest of the claim, send no more."""
        self._stopping.set()

    def run(self, at: datetime | None = None) -> SweepReport:
        now = as_aware(at) if at else self.app.clock.now()
        report = SweepReport(consequences=self.app.sweep_deadlines(now))
        self.plan(now, report)
        report.planned += plan_handovers(self.app, now)
        report.skipped += self.ledger.drop_closed(now)
        self.send(now, report)
        return report

    # --- planning -------------------------------------------------------------------------

    def plan(self, now: datetime, report: SweepReport) -> None:
        today = local(now).date()
        while True:
            with self.ledger.planning() as batch:
                ladders = batch.ladders_due(today, PLAN_BATCH)
                for ladder in ladders:
                    rows, next_look = self._ladder(batch, ladder, today)
                    batch.record(rows, now)
                    batch.set_next_look(ladder.id, next_look)
                    report.planned += sum(1 for r in rows if r.skip_reason is None)
                    report.skipped += sum(1 for r in rows if r.skip_reason is not None)
            if len(ladders) < PLAN_BATCH:
                return

    def _ladder(
        self, batch: PlanningBatch, ladder: LadderDeadline, today: date
    ) -> tuple[list[NewReminder], date | None]:
        spec = self._deadline_spec(ladder)
        if spec is None or not spec.remind:
            return [], None
        # working days skip the partnership's days off and the region's summer vacation, as
        # the deadline's own date does
        calendar = ladder_calendar(
            spec,
            self.app.deadlines.calendar,
            lambda: batch.days_off(ladder.partnership_id),
            lambda: batch.region(ladder.school_id),
        )
        days = rung_days(ladder.due_date, spec, calendar)
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
        """Claim a batch, send it under a renewed lease, and again until nothing is due.

        ``now`` is the moment of the heartbeat: what is due and the messages' date. Leases
        are counted on the clock as it runs (claim, fence, renewal), never from ``now``.
        """
        clock = self.app.clock
        while not self._stopping.is_set():
            claimed = self.ledger.claim(
                clock.now(),
                self.owner,
                self.lease,
                self.batch,
                due=now,
                reclaim_all=self.exclusive,
            )
            if not claimed:
                break
            with LeaseKeeper(self.ledger, claimed[0].token, self.lease, clock):
                for reminder in claimed:
                    if self._stopping.is_set():
                        self.ledger.release(reminder.token)
                        break
                    self._deliver(reminder, now, report)
            if len(claimed) < self.batch:
                break
        report.look_again_at = self.ledger.lease_expiry()

    def _deliver(self, reminder: Claimed, now: datetime, report: SweepReport) -> None:
        if reminder.event_id is not None:
            handover = handover_message(self.app, reminder, self.base_url)
            email = render_handover(handover, sender=self.sender, now=now)
        else:
            email = render_reminder(self._message(reminder, now), sender=self.sender, now=now)
        fenced = self.ledger.fence(reminder, self.app.clock.now(), self.lease)
        if fenced is Fence.DROPPED:  # its deadline closed after it was claimed
            report.skipped += 1
            return
        if fenced is not Fence.HELD:
            report.taken_over += 1  # another process has it now: it is not ours to send
            return
        try:
            self.channel.send(email)
        except DeliveryError as exc:
            self.ledger.mark_failed(reminder, now, str(exc))
            report.failed.append(f"{reminder.key}: {exc}")
            return
        if self.ledger.mark_sent(reminder, now):
            report.sent += 1
        else:
            report.lost.append(reminder.key)

    def _message(self, reminder: Claimed, now: datetime) -> ReminderMessage:
        spec = self.app.protocol(reminder.protocol_id, reminder.protocol_version)
        assert reminder.deadline_state is not None and reminder.deadline_name is not None
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
