"""The reminder ledger in the database: what is due, claimed, sent, failed or skipped.

Every reminder has one row, unique on (deadline, rung, person, due date): inserting it twice
does nothing (planning: :mod:`.reminder_plan`). A row goes out only under a **claim**: a
conditional ``UPDATE`` sets it to *sending* with a claim token of its own (``claimed_by``) and
a lease (``lease_until``) of seconds. The claim is **fenced** right before the message goes
out: an ``UPDATE`` that finds the row still *sending* under that very token extends the lease,
and nothing is sent when it finds none (another process took the row over). While a process
sends it **renews** the leases of its claims, so a slow mail server never lets a lease run
out under a live sender; a row is taken over only when its lease ran out (its process died,
or stalled for longer than the lease), or at once by a process that knows no other sender is
alive (it holds the SQLite scheduler lock). On PostgreSQL the candidates are also selected
``FOR UPDATE SKIP LOCKED``, so several processes share the work instead of competing for it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, update

from toetreding.store._common import (
    CASES,
    DEADLINES,
    EVENTS,
    PARTNERSHIPS,
    PEOPLE,
    REMINDERS,
    SCHOOLS,
)
from toetreding.store.handover_plan import HandoverBatch
from toetreding.store.reminder_plan import CLOSED_SKIP, PlanningBatch
from toetreding.store.tables import DeadlineStatus, ReminderStatus

MAX_BACKOFF = timedelta(hours=1)
SENDING = ReminderStatus.SENDING.value
WAITING = [ReminderStatus.PENDING.value, ReminderStatus.FAILED.value]
MOVED_ON_SKIP = "het dossier is intussen een stap verder"


class Fence(StrEnum):
    """What the fence right before sending found (:meth:`Ledger.fence`)."""

    HELD = "held"  # still this claim's: send it
    DROPPED = "dropped"  # still this claim's, but its deadline closed meanwhile: skipped
    TAKEN_OVER = "taken over"  # another process has it now


@dataclass(frozen=True)
class Claimed:
    """A reminder this process claimed, with what its message needs and its claim token."""

    id: int
    deadline_id: int | None  # None: a hand-over (``event_id``)
    rung: int
    person_id: int
    person_name: str
    email: str
    role: str
    due_date: date
    escalation: bool
    attempts: int
    case_id: int
    case_state: str
    protocol_id: str
    protocol_version: int
    deadline_state: str | None
    deadline_name: str | None
    school_name: str
    partnership_name: str
    token: str  # the claim: ``claimed_by`` holds it for as long as this claim lasts
    event_id: int | None = None  # a hand-over: the history row of the step
    event_state: str | None = None  # ... and the state it handed the case over in

    @property
    def key(self) -> str:
        if self.event_id is not None:
            return f"handover-{self.event_id}/person-{self.person_id}"
        return (
            f"deadline-{self.deadline_id}/rung-{self.rung}/person-{self.person_id}"
            f"/due-{self.due_date:%Y%m%d}"
        )


class Ledger:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    @contextmanager
    def planning(self) -> Iterator[PlanningBatch]:
        """A planning transaction (see :class:`PlanningBatch`)."""
        with self.engine.begin() as connection:
            yield PlanningBatch(connection, self.postgres)

    @contextmanager
    def handovers(self) -> Iterator[HandoverBatch]:
        """A hand-over planning transaction (see :class:`HandoverBatch`)."""
        with self.engine.begin() as connection:
            yield HandoverBatch(connection, self.postgres)

    # --- sending --------------------------------------------------------------------------

    def drop_closed(self, now: datetime) -> int:
        """Reminders not yet sent whose deadline was met, waived or closed: never sent."""
        with self.engine.begin() as connection:
            dropped = connection.execute(
                update(REMINDERS)
                .where(
                    REMINDERS.c.status.in_(WAITING),
                    REMINDERS.c.deadline_id.in_(_closed_deadlines()),
                )
                .values(
                    status=ReminderStatus.SKIPPED.value,
                    skip_reason=CLOSED_SKIP,
                    next_attempt_at=None,
                )
            )
            passed = connection.execute(
                update(REMINDERS)
                .where(
                    REMINDERS.c.status.in_(WAITING),
                    REMINDERS.c.event_id.in_(_moved_on_events()),
                )
                .values(
                    status=ReminderStatus.SKIPPED.value,
                    skip_reason=MOVED_ON_SKIP,
                    next_attempt_at=None,
                )
            )
            return int(dropped.rowcount) + int(passed.rowcount)

    def claim(
        self,
        now: datetime,
        owner: str,
        lease: timedelta,
        limit: int,
        *,
        due: datetime | None = None,
        reclaim_all: bool = False,
    ) -> list[Claimed]:
        """Claim up to ``limit`` reminders for this process alone, each with a lease until
        ``now + lease``: pending or failed ones whose next attempt has come by ``due``
        (default ``now``), and rows left *sending* whose lease ran out before ``now``.

        ``reclaim_all``: this process knows no other sender is alive (it holds the SQLite
        scheduler lock), so rows a dead process left *sending* are taken at once.
        """
        token = f"{owner}/{secrets.token_hex(4)}"
        eligible = self._eligible(now, due or now, reclaim_all)
        with self.engine.begin() as connection:
            candidates = select(REMINDERS.c.id).where(eligible).order_by(REMINDERS.c.id)
            candidates = candidates.limit(limit)
            if self.postgres:
                candidates = candidates.with_for_update(skip_locked=True)
            ids = list(connection.execute(candidates).scalars())
            if not ids:
                return []
            # The condition again, in the UPDATE itself: a row another process claimed or
            # fenced since it was read is left alone.
            connection.execute(
                update(REMINDERS)
                .where(REMINDERS.c.id.in_(ids), eligible)
                .values(status=SENDING, claimed_by=token, lease_until=now + lease)
            )
        return self._claimed(token)

    @staticmethod
    def _eligible(now: datetime, due: datetime, reclaim_all: bool) -> Any:
        sending = REMINDERS.c.status == SENDING
        if not reclaim_all:
            sending = and_(sending, REMINDERS.c.lease_until < now)
        waiting = and_(REMINDERS.c.status.in_(WAITING), REMINDERS.c.next_attempt_at <= due)
        return or_(waiting, sending)

    def _claimed(self, token: str) -> list[Claimed]:
        query = (
            select(
                REMINDERS.c.id,
                REMINDERS.c.deadline_id,
                REMINDERS.c.rung,
                REMINDERS.c.person_id,
                PEOPLE.c.name,
                PEOPLE.c.email,
                REMINDERS.c.role,
                REMINDERS.c.due_date,
                REMINDERS.c.escalation,
                REMINDERS.c.attempts,
                CASES.c.id,
                CASES.c.state,
                CASES.c.protocol_id,
                CASES.c.protocol_version,
                DEADLINES.c.state,
                DEADLINES.c.name,
                SCHOOLS.c.name,
                PARTNERSHIPS.c.name,
                REMINDERS.c.claimed_by,
                REMINDERS.c.event_id,
                EVENTS.c.to_state,
            )
            .join(PEOPLE, PEOPLE.c.id == REMINDERS.c.person_id)
            .outerjoin(DEADLINES, DEADLINES.c.id == REMINDERS.c.deadline_id)
            .outerjoin(EVENTS, EVENTS.c.id == REMINDERS.c.event_id)
            .join(CASES, CASES.c.id == func.coalesce(DEADLINES.c.case_id, EVENTS.c.case_id))
            .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
            .join(PARTNERSHIPS, PARTNERSHIPS.c.id == CASES.c.partnership_id)
            .where(REMINDERS.c.claimed_by == token, REMINDERS.c.status == SENDING)
            .order_by(REMINDERS.c.id)
        )
        with self.engine.connect() as connection:
            return [Claimed(*tuple(row)) for row in connection.execute(query)]

    def fence(self, claim: Claimed, now: datetime, lease: timedelta) -> Fence:
        """Right before sending, in one transaction: HELD when the claim still holds (the
        row is *sending* under this claim's token), and its lease now runs until
        ``now + lease``; DROPPED when it holds but its deadline closed (met, waived,
        withdrawn by a correction) or its hand-over was overtaken since the claim: the row is
        recorded as skipped; TAKEN_OVER when another process took the row over. Only HELD
        may be sent."""
        with self.engine.begin() as connection:
            for stale, reason in (
                (REMINDERS.c.deadline_id.in_(_closed_deadlines()), CLOSED_SKIP),
                (REMINDERS.c.event_id.in_(_moved_on_events()), MOVED_ON_SKIP),
            ):
                dropped = connection.execute(
                    update(REMINDERS)
                    .where(_held(claim.id, claim.token), stale)
                    .values(
                        status=ReminderStatus.SKIPPED.value,
                        skip_reason=reason,
                        next_attempt_at=None,
                        lease_until=None,
                    )
                )
                if dropped.rowcount == 1:
                    return Fence.DROPPED
            held = connection.execute(
                update(REMINDERS)
                .where(_held(claim.id, claim.token))
                .values(lease_until=now + lease)
            )
            return Fence.HELD if held.rowcount == 1 else Fence.TAKEN_OVER

    def renew(self, tokens: Sequence[str], now: datetime, lease: timedelta) -> int:
        """Extend the leases of the rows still *sending* under these claims; how many."""
        if not tokens:
            return 0
        with self.engine.begin() as connection:
            renewed = connection.execute(
                update(REMINDERS)
                .where(REMINDERS.c.status == SENDING, REMINDERS.c.claimed_by.in_(list(tokens)))
                .values(lease_until=now + lease)
            )
            return int(renewed.rowcount)

    def release(self, token: str) -> int:
        """Give back the rows of a claim that were not sent (the process is stopping): they
        are pending again at once, for whichever process looks next."""
        with self.engine.begin() as connection:
            released = connection.execute(
                update(REMINDERS)
                .where(REMINDERS.c.status == SENDING, REMINDERS.c.claimed_by == token)
                .values(status=ReminderStatus.PENDING.value, claimed_by=None, lease_until=None)
            )
            return int(released.rowcount)

    def mark_sent(self, claim: Claimed, now: datetime) -> bool:
        """Record the delivery; False when this claim had been taken over meanwhile."""
        with self.engine.begin() as connection:
            done = connection.execute(
                update(REMINDERS)
                .where(_held(claim.id, claim.token))
                .values(
                    status=ReminderStatus.SENT.value,
                    sent_at=now,
                    attempts=REMINDERS.c.attempts + 1,
                    lease_until=None,
                    last_error=None,
                )
            )
            return bool(done.rowcount == 1)

    def mark_failed(self, claim: Claimed, now: datetime, error: str) -> None:
        """Keep it for another try, later and later (1, 2, 4 ... minutes, at most an hour)."""
        wait = min(timedelta(minutes=2**claim.attempts), MAX_BACKOFF)
        with self.engine.begin() as connection:
            connection.execute(
                update(REMINDERS)
                .where(_held(claim.id, claim.token))
                .values(
                    status=ReminderStatus.FAILED.value,
                    attempts=REMINDERS.c.attempts + 1,
                    last_error=error,
                    next_attempt_at=now + wait,
                    lease_until=None,
                )
            )

    def lease_expiry(self) -> datetime | None:
        """When the first lease of a row still *sending* runs out (None: nothing is)."""
        query = select(func.min(REMINDERS.c.lease_until)).where(REMINDERS.c.status == SENDING)
        with self.engine.connect() as connection:
            found: datetime | None = connection.execute(query).scalar()
        return found

    # --- reading --------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        query = select(REMINDERS.c.status, func.count()).group_by(REMINDERS.c.status)
        with self.engine.connect() as connection:
            return {str(row[0]): int(row[1]) for row in connection.execute(query)}

    def rows(self, statuses: Sequence[str] | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Ledger rows with the person, the deadline and its case's protocol version (a
        hand-over: ``deadline_name`` None and the step's state as ``handover_state``), newest
        first."""
        case_id = func.coalesce(DEADLINES.c.case_id, EVENTS.c.case_id)
        query = (
            select(
                REMINDERS,
                PEOPLE.c.name.label("person_name"),
                PEOPLE.c.email,
                DEADLINES.c.name.label("deadline_name"),
                DEADLINES.c.state.label("deadline_state"),
                case_id.label("case_id"),
                EVENTS.c.to_state.label("handover_state"),
                CASES.c.protocol_id,
                CASES.c.protocol_version,
            )
            .join(PEOPLE, PEOPLE.c.id == REMINDERS.c.person_id)
            .outerjoin(DEADLINES, DEADLINES.c.id == REMINDERS.c.deadline_id)
            .outerjoin(EVENTS, EVENTS.c.id == REMINDERS.c.event_id)
            .outerjoin(CASES, CASES.c.id == case_id)
            .order_by(REMINDERS.c.id.desc())
            .limit(limit)
        )
        if statuses:
            query = query.where(REMINDERS.c.status.in_(list(statuses)))
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def _closed_deadlines() -> Any:
    """The deadlines met, waived, closed or withdrawn: their reminders are never sent."""
    return select(DEADLINES.c.id).where(DEADLINES.c.status != DeadlineStatus.OPEN.value)


def _moved_on_events() -> Any:
    """Steps the case has moved on from: a hand-over about one tells nobody anything."""
    return (
        select(EVENTS.c.id)
        .join(CASES, CASES.c.id == EVENTS.c.case_id)
        .where(CASES.c.revision != EVENTS.c.seq)
    )


def _held(reminder_id: int, token: str) -> Any:
    """The row is still *sending* under this claim."""
    return and_(
        REMINDERS.c.id == reminder_id,
        REMINDERS.c.status == SENDING,
        REMINDERS.c.claimed_by == token,
    )
