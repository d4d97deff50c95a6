"""The reminder ledger in the database: what is due, claimed, sent, failed or skipped.

Every reminder has one row, unique on (deadline, rung, person, due date): inserting it twice
does nothing. A row is sent only by the process that claimed it with a conditional
``UPDATE`` (status and lease as seen), so two scheduler processes never send the same row;
on PostgreSQL the candidates are also selected ``FOR UPDATE SKIP LOCKED`` so the processes
share the work instead of competing for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from toetreding.clock import local
from toetreding.store.tables import (
    Case,
    Deadline,
    DeadlineStatus,
    Membership,
    Partnership,
    Person,
    Reminder,
    ReminderStatus,
    School,
)

_reminders = Reminder.__table__  # type: ignore[attr-defined]
_deadlines = Deadline.__table__  # type: ignore[attr-defined]
_cases = Case.__table__  # type: ignore[attr-defined]
_schools = School.__table__  # type: ignore[attr-defined]
_partnerships = Partnership.__table__  # type: ignore[attr-defined]
_people = Person.__table__  # type: ignore[attr-defined]
_memberships = Membership.__table__  # type: ignore[attr-defined]

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


class Ledger:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"

    # --- planning -------------------------------------------------------------------------

    def ladders_due(self, connection: Connection, today: date, limit: int) -> list[LadderDeadline]:
        """Open deadlines whose ladder needs a look today (indexed on status, next day)."""
        query = (
            select(
                _deadlines.c.id,
                _deadlines.c.case_id,
                _cases.c.partnership_id,
                _cases.c.school_id,
                _cases.c.protocol_id,
                _cases.c.protocol_version,
                _deadlines.c.state,
                _deadlines.c.name,
                _deadlines.c.due_date,
                _deadlines.c.created_at,
            )
            .join(_cases, _cases.c.id == _deadlines.c.case_id)
            .where(
                _deadlines.c.status == DeadlineStatus.OPEN.value,
                _deadlines.c.next_reminder_on <= today,
            )
            .order_by(_deadlines.c.next_reminder_on, _deadlines.c.id)
            .limit(limit)
        )
        if self.postgres:
            query = query.with_for_update(skip_locked=True, of=_deadlines)
        return [
            LadderDeadline(*row[:9], created_on=_local_date(row[9]))
            for row in connection.execute(query)
        ]

    def people_with_role(
        self, connection: Connection, partnership_id: int, role: str, school_id: int
    ) -> list[tuple[int, str]]:
        """(person id, e-mail) of those holding ``role``; 'school' means this school's."""
        query = (
            select(_people.c.id, _people.c.email)
            .join(_memberships, _memberships.c.person_id == _people.c.id)
            .where(_memberships.c.partnership_id == partnership_id, _memberships.c.role == role)
            .order_by(_people.c.id)
        )
        if role == "school":
            query = query.where(_memberships.c.school_id == school_id)
        else:
            query = query.where(_memberships.c.school_id.is_(None))
        return [(row[0], row[1]) for row in connection.execute(query)]

    def record(
        self, connection: Connection, reminders: Iterable[NewReminder], at: datetime
    ) -> None:
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
        connection.execute(insert(_reminders).values(rows).on_conflict_do_nothing())

    def set_next_look(self, connection: Connection, deadline_id: int, day: date | None) -> None:
        connection.execute(
            update(_deadlines).where(_deadlines.c.id == deadline_id).values(next_reminder_on=day)
        )

    # --- sending --------------------------------------------------------------------------

    def drop_closed(self, now: datetime) -> int:
        """Reminders not yet sent whose deadline was met, waived or closed: never sent."""
        closed = select(_deadlines.c.id).where(_deadlines.c.status != DeadlineStatus.OPEN.value)
        with self.engine.begin() as connection:
            dropped = connection.execute(
                update(_reminders)
                .where(
                    _reminders.c.status.in_(
                        [ReminderStatus.PENDING.value, ReminderStatus.FAILED.value]
                    ),
                    _reminders.c.deadline_id.in_(closed),
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
                    update(_reminders)
                    .where(
                        _reminders.c.id == row.id,
                        _reminders.c.status == row.status,
                        _same(_reminders.c.claimed_by, row.claimed_by),
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
        sending = _reminders.c.status == ReminderStatus.SENDING.value
        if not reclaim_all:
            sending = and_(sending, _reminders.c.lease_until < now)
        query = (
            select(_reminders.c.id, _reminders.c.status, _reminders.c.claimed_by)
            .where(
                or_(
                    and_(
                        _reminders.c.status.in_(
                            [ReminderStatus.PENDING.value, ReminderStatus.FAILED.value]
                        ),
                        _reminders.c.next_attempt_at <= now,
                    ),
                    sending,
                )
            )
            .order_by(_reminders.c.id)
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
                _reminders.c.id,
                _reminders.c.deadline_id,
                _reminders.c.rung,
                _reminders.c.person_id,
                _people.c.name,
                _people.c.email,
                _reminders.c.role,
                _reminders.c.due_date,
                _reminders.c.escalation,
                _reminders.c.attempts,
                _cases.c.id,
                _cases.c.state,
                _cases.c.protocol_id,
                _cases.c.protocol_version,
                _deadlines.c.state,
                _deadlines.c.name,
                _schools.c.name,
                _partnerships.c.name,
            )
            .join(_people, _people.c.id == _reminders.c.person_id)
            .join(_deadlines, _deadlines.c.id == _reminders.c.deadline_id)
            .join(_cases, _cases.c.id == _deadlines.c.case_id)
            .join(_schools, _schools.c.id == _cases.c.school_id)
            .join(_partnerships, _partnerships.c.id == _cases.c.partnership_id)
            .where(_reminders.c.id.in_(ids))
            .order_by(_reminders.c.id)
        )
        with self.engine.connect() as connection:
            return [Claimed(*tuple(row)) for row in connection.execute(query)]

    def mark_sent(self, reminder_id: int, owner: str, now: datetime) -> bool:
        """Record the delivery; False when this process had lost its claim meanwhile."""
        with self.engine.begin() as connection:
            done = connection.execute(
                update(_reminders)
                .where(_reminders.c.id == reminder_id, _reminders.c.claimed_by == owner)
                .values(
                    status=ReminderStatus.SENT.value,
                    sent_at=now,
                    attempts=_reminders.c.attempts + 1,
                    lease_until=None,
                    last_error=None,
                )
            )
            return bool(done.rowcount == 1)

    def mark_failed(self, reminder_id: int, owner: str, now: datetime, error: str) -> None:
        """Keep it for another try, later and later (1, 2, 4 ... minutes, at most an hour)."""
        with self.engine.begin() as connection:
            attempts = connection.execute(
                select(_reminders.c.attempts).where(_reminders.c.id == reminder_id)
            ).scalar_one()
            wait = min(timedelta(minutes=2**attempts), MAX_BACKOFF)
            connection.execute(
                update(_reminders)
                .where(_reminders.c.id == reminder_id, _reminders.c.claimed_by == owner)
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
        query = select(_reminders.c.status, func.count()).group_by(_reminders.c.status)
        with self.engine.connect() as connection:
            return {str(row[0]): int(row[1]) for row in connection.execute(query)}

    def rows(self, statuses: Sequence[str] | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Ledger rows with the person and deadline, newest first."""
        query = (
            select(
                _reminders,
                _people.c.name.label("person_name"),
                _people.c.email,
                _deadlines.c.name.label("deadline_name"),
                _deadlines.c.case_id,
            )
            .join(_people, _people.c.id == _reminders.c.person_id)
            .join(_deadlines, _deadlines.c.id == _reminders.c.deadline_id)
            .order_by(_reminders.c.id.desc())
            .limit(limit)
        )
        if statuses:
            query = query.where(_reminders.c.status.in_(list(statuses)))
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def _same(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


def _local_date(moment: datetime) -> date:
    return local(moment).date()
