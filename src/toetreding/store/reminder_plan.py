"""Planning reminders: which ladders are due, who gets each rung, the ledger rows for them.

One :class:`PlanningBatch` is one transaction (``Ledger.planning()``): the ladders due today,
the people holding each rung's roles, the rows recorded (a unique key, so a second insert of
the same reminder does nothing) and the day to look at the ladder again, committed together.
On PostgreSQL the ladders are read ``FOR UPDATE SKIP LOCKED``, so several schedulers plan
different deadlines instead of waiting for each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, select, update

from toetreding.clock import local
from toetreding.store._common import (
    CASES,
    DAYS_OFF,
    DEADLINES,
    MEMBERSHIPS,
    PEOPLE,
    REMINDERS,
    SCHOOLS,
    dialect_insert,
)
from toetreding.store.tables import DeadlineStatus, ReminderStatus

#: Why a reminder not yet sent is skipped when its deadline was met, waived or closed
#: (``Ledger.drop_closed``). Should the deadline open again (a correction took back the
#: step that closed it), the planner may plan that reminder again.
CLOSED_SKIP = "de termijn is intussen gehaald of vervallen"


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


class PlanningBatch:
    """One transaction of reminder planning: the ladders due, who gets each rung, the ledger
    rows for them and the day to look again, committed together."""

    def __init__(self, connection: Connection, postgres: bool) -> None:
        self._connection = connection
        self.postgres = postgres
        self._days_off: dict[int, frozenset[date]] = {}
        self._regions: dict[int, str] = {}

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

    def days_off(self, partnership_id: int) -> frozenset[date]:
        """The partnership's days off (no working days for its ladders), read once a batch."""
        found = self._days_off.get(partnership_id)
        if found is None:
            query = select(DAYS_OFF.c.day).where(DAYS_OFF.c.partnership_id == partnership_id)
            found = frozenset(self._connection.execute(query).scalars())
            self._days_off[partnership_id] = found
        return found

    def region(self, school_id: int) -> str:
        """The school's summer-vacation region (its vacation is no working days either)."""
        found = self._regions.get(school_id)
        if found is None:
            query = select(SCHOOLS.c.region).where(SCHOOLS.c.id == school_id)
            found = self._regions[school_id] = str(self._connection.execute(query).scalar_one())
        return found

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
        """Insert ledger rows; one that exists already (same key) is left as it is, unless
        it was skipped because its deadline had closed (``CLOSED_SKIP``) and the deadline
        is open again: then it is planned anew (sent once, or skipped for today's reason).
        A row sent, waiting or skipped for another reason stays as it is."""
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
            for r in _once_per_key(reminders)
        ]
        if not rows:
            return
        insert = dialect_insert(self.postgres, REMINDERS).values(rows)
        statement = insert.on_conflict_do_update(
            index_elements=["deadline_id", "rung", "person_id", "due_date"],
            set_={
                "status": insert.excluded.status,
                "skip_reason": insert.excluded.skip_reason,
                "next_attempt_at": insert.excluded.next_attempt_at,
            },
            where=(REMINDERS.c.status == ReminderStatus.SKIPPED.value)
            & (REMINDERS.c.skip_reason == CLOSED_SKIP),
        )
        self._connection.execute(statement)

    def set_next_look(self, deadline_id: int, day: date | None) -> None:
        self._connection.execute(
            update(DEADLINES).where(DEADLINES.c.id == deadline_id).values(next_reminder_on=day)
        )


def _once_per_key(reminders: Iterable[NewReminder]) -> list[NewReminder]:
    """The first of each ledger key (a person holding two roles a rung goes to gets it
    once), as one ``INSERT … ON CONFLICT DO UPDATE`` may touch a row only once."""
    seen: dict[tuple[int, int, int, date], NewReminder] = {}
    for r in reminders:
        seen.setdefault((r.deadline_id, r.rung, r.person_id, r.due_date), r)
    return list(seen.values())


def _local_date(moment: datetime) -> date:
    return local(moment).date()
