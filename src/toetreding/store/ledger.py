"""The reminder ledger in the database: what is due, claimed, sent, failed or skipped.

Every reminder has one row, unique on (deadline, rung, person, due date): inserting it twice
does nothing. A row is sent only by the process that claimed it with a conditional
``UPDATE`` (status and lease as seen), so two scheduler processes never send the same row;
on PostgreSQL the candidates are also selected ``FOR UPDATE SKIP LOCKED`` so the processes
share the work instead of competing for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from toetreding.clock import local
from toetreding.store._common import (
    CASES,
    DEADLINES,
    MEMBERSHIPS,
    PARTNERSHIPS,
    PEOPLE,
    REMINDERS,
    SCHOOLS,
)
from toetreding.store.tables import DeadlineStatus, ReminderStatus

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class LadderDeadline:
    """An open deadline whose reminder ladder is due to be looked at."""

    id: int
    case_id: int
    partnership_id: int
    school_id: int
    protocol_id: str
    protocol_version: int
    state: str
    name: str
    due_date: date
    created_on: date


@dataclass(frozen=True)
class NewReminder:
    deadline_id: int
    rung: int
    person_id: int
    role: str
    due_date: date
    send_on: date
    escalation: bool
    skip_reason: str | None = None  # set: recorded as skipped, never sent


@dataclass(frozen=True)
class Claimed:
    """A reminder this process claimed, with what its message needs."""

    id: int
    deadline_id: int
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
    deadline_state: str
    deadline_name: str
    school_name: str
    partnership_name: str

    @property
    def key(self) -> str:
        return (
            f"deadline-{self.deadline_id}/rung-{self.rung}/person-{self.person_id}"
            f"/due-{self.due_date:%Y%m%d}"
        )


class PlanningBatch:
    """One transaction of reminder planning: the ladders due, who gets each rung, the ledger
    rows for them and the day to look again, committed together."""

    def __init__(self, connection: Connection, postgres: bool) -> None:
        self._connection = connection
        self.postgres = postgres

    def ladders_due(self, today: date, limit: int) -> list[LadderDeadline]:
        """Open deadlines whose ladder needs a look today (indexed on status, next day)."""
        query = (
            select(
                DEADLINES.c.id,
                DEADLINES.c.case_id,
                CASES.c.partnership_id,
                CASES.c.school_id,
                CASES.c.protocol_id,
                CASES.c.protocol_version,
                DEADLINES.c.state,
                DEADLINES.c.name,
                DEADLINES.c.due_date,
                DEADLINES.c.created_at,
            )
            .join(CASES, CASES.c.id == DEADLINES.c.case_id)
            .where(
                DEADLINES.c.status == DeadlineStatus.OPEN.value,
                DEADLINES.c.next_reminder_on <= today,
            )
            .order_by(DEADLINES.c.next_reminder_on, DEADLINES.c.id)
            .limit(limit)
        )
        if self.postgres:
            query = query.with_for_update(skip_locked=True, of=DEADLINES)
        return [
            LadderDeadline(*row[:9], created_on=_local_date(row[9]))
            for row in self._connection.execute(query)
        ]

    def people_with_role(
        self, partnership_id: int, role: str, school_id: int
    ) -> list[tuple[int, str]]:
        """(person id, e-mail) of those holding ``role``; 'school' means this school's."""
        query = (
            select(PEOPLE.c.id, PEOPLE.c.email)
            .join(MEMBERSHIPS, MEMBERSHIPS.c.person_id == PEOPLE.c.id)
            .where(MEMBERSHIPS.c.partnership_id == partnership_id, MEMBERSHIPS.c.role == role)
            .order_by(PEOPLE.c.id)
        )
        if role == "school":
            query = query.where(MEMBERSHIPS.c.school_id == school_id)
        else:
            query = query.where(MEMBERSHIPS.c.school_id.is_(None))
        return [(row[0], row[1]) for row in self._connection.execute(query)]

    def record(self, reminders: Iterable[NewReminder], at: datetime) -> None:
        """Insert ledger rows; one that exists already (same key) is left as it is."""
        rows = [
            {
                "deadline_id": r.deadline_id,
                "rung": r.rung,
                "person_id": r.person_id,
                "role": r.role,
                "due_date": r.due_date,
                "send_on": r.send_on,
                "escalation": r.escalation,
                "status": (
                    ReminderStatus.SKIPPED if r.skip_reason else ReminderStatus.PENDING
                ).value,
                "attempts": 0,
                "skip_reason": r.skip_reason,
                "next_attempt_at": None if r.skip_reason else at,
                "created_at": at,
            }
            for r in reminders
        ]
        if not rows:
            return
        insert = pg_insert if self.postgres else sqlite_insert
        self._connection.execute(insert(REMINDERS).values(rows).on_conflict_do_nothing())

    def set_next_look(self, deadline_id: int, day: date | None) -> None:
        self._connection.execute(
            update(DEADLINES).where(DEADLINES.c.id == deadline_id).values(next_reminder_on=day)
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

    # --- sending --------------------------------------------------------------------------

    def drop_closed(self, now: datetime) -> int:
        """Reminders not yet sent whose deadline was met, waived or closed: never sent."""
        closed = select(DEADLINES.c.id).where(DEADLINES.c.status != DeadlineStatus.OPEN.value)
        with self.engine.begin() as connection:
            dropped = connection.execute(
                update(REMINDERS)
                .where(
                    REMINDERS.c.status.in_(
                        [ReminderStatus.PENDING.value, ReminderStatus.FAILED.value]
                    ),
                    REMINDERS.c.deadline_id.in_(closed),
                )
                .values(
                    status=ReminderStatus.SKIPPED.value,
                    skip_reason="de termijn is intussen gehaald of vervallen",
                    next_attempt_at=None,
                )
            )
            return int(dropped.rowcount)

    def claim(
        self, now: datetime, owner: str, lease: timedelta, limit: int, *, reclaim_all: bool
    ) -> list[Claimed]:
        """Claim up to ``limit`` reminders that may go out now, for this process alone.

        ``reclaim_all``: this process knows no other sender is alive (it holds the SQLite
        scheduler lock), so rows a crashed process left in 'sending' are taken at once.
        """
        with self.engine.begin() as connection:
            candidates = connection.execute(self._candidates(now, limit, reclaim_all)).all()
            claimed_ids = []
            for row in candidates:
                taken = connection.execute(
                    update(REMINDERS)
                    .where(
                        REMINDERS.c.id == row.id,
                        REMINDERS.c.status == row.status,
                        _same(REMINDERS.c.claimed_by, row.claimed_by),
                    )
                    .values(
                        status=ReminderStatus.SENDING.value,
                        claimed_by=owner,
                        lease_until=now + lease,
                    )
                )
                if taken.rowcount == 1:
                    claimed_ids.append(row.id)
        return self._claimed(claimed_ids)

    def _candidates(self, now: datetime, limit: int, reclaim_all: bool) -> Any:
        sending = REMINDERS.c.status == ReminderStatus.SENDING.value
        if not reclaim_all:
            sending = and_(sending, REMINDERS.c.lease_until < now)
        query = (
            select(REMINDERS.c.id, REMINDERS.c.status, REMINDERS.c.claimed_by)
            .where(
                or_(
                    and_(
                        REMINDERS.c.status.in_(
                            [ReminderStatus.PENDING.value, ReminderStatus.FAILED.value]
                        ),
                        REMINDERS.c.next_attempt_at <= now,
                    ),
                    sending,
                )
            )
            .order_by(REMINDERS.c.id)
            .limit(limit)
        )
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        return query

    def _claimed(self, ids: Sequence[int]) -> list[Claimed]:
        if not ids:
            return []
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
            )
            .join(PEOPLE, PEOPLE.c.id == REMINDERS.c.person_id)
            .join(DEADLINES, DEADLINES.c.id == REMINDERS.c.deadline_id)
            .join(CASES, CASES.c.id == DEADLINES.c.case_id)
            .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
            .join(PARTNERSHIPS, PARTNERSHIPS.c.id == CASES.c.partnership_id)
            .where(REMINDERS.c.id.in_(ids))
            .order_by(REMINDERS.c.id)
        )
        with self.engine.connect() as connection:
            return [Claimed(*tuple(row)) for row in connection.execute(query)]

    def mark_sent(self, reminder_id: int, owner: str, now: datetime) -> bool:
        """Record the delivery; False when this process had lost its claim meanwhile."""
        with self.engine.begin() as connection:
            done = connection.execute(
                update(REMINDERS)
                .where(REMINDERS.c.id == reminder_id, REMINDERS.c.claimed_by == owner)
                .values(
                    status=ReminderStatus.SENT.value,
                    sent_at=now,
                    attempts=REMINDERS.c.attempts + 1,
                    lease_until=None,
                    last_error=None,
                )
            )
            return bool(done.rowcount == 1)

    def mark_failed(self, reminder_id: int, owner: str, now: datetime, error: str) -> None:
        """Keep it for another try, later and later (1, 2, 4 ... minutes, at most an hour)."""
        with self.engine.begin() as connection:
            attempts = connection.execute(
                select(REMINDERS.c.attempts).where(REMINDERS.c.id == reminder_id)
            ).scalar_one()
            wait = min(timedelta(minutes=2**attempts), MAX_BACKOFF)
            connection.execute(
                update(REMINDERS)
                .where(REMINDERS.c.id == reminder_id, REMINDERS.c.claimed_by == owner)
                .values(
                    status=ReminderStatus.FAILED.value,
                    attempts=attempts + 1,
                    last_error=error,
                    next_attempt_at=now + wait,
                    lease_until=None,
                )
            )

    # --- reading --------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        query = select(REMINDERS.c.status, func.count()).group_by(REMINDERS.c.status)
        with self.engine.connect() as connection:
            return {str(row[0]): int(row[1]) for row in connection.execute(query)}

    def rows(self, statuses: Sequence[str] | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Ledger rows with the person and deadline, newest first."""
        query = (
            select(
                REMINDERS,
                PEOPLE.c.name.label("person_name"),
                PEOPLE.c.email,
                DEADLINES.c.name.label("deadline_name"),
                DEADLINES.c.case_id,
            )
            .join(PEOPLE, PEOPLE.c.id == REMINDERS.c.person_id)
            .join(DEADLINES, DEADLINES.c.id == REMINDERS.c.deadline_id)
            .order_by(REMINDERS.c.id.desc())
            .limit(limit)
        )
        if statuses:
            query = query.where(REMINDERS.c.status.in_(list(statuses)))
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def _same(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


def _local_date(moment: datetime) -> date:
    return local(moment).date()
