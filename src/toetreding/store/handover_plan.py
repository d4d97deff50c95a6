"""Planning hand-over e-mails: which cases took a step the planner has not looked at yet.

A step (``fire``, opening a case, a correction) raises a case's ``revision``; the planner
looks at every case whose ``revision`` is above its ``handover_seq`` (a partial index holds
only those), reads the history row of its last step, records a ledger row per person to tell
and sets ``handover_seq`` to that step, in one transaction (``Ledger.handovers()``). The
ledger's unique key (event, person) and the guarded ``handover_seq`` make each hand-over
planned once, also with several schedulers; the hot path that moves cases is untouched. On
PostgreSQL the cases are read ``FOR UPDATE SKIP LOCKED``, so schedulers share them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, and_, func, or_, select, true, update

from toetreding.roles import SCHOOL_ROLE
from toetreding.store._common import (
    CASES,
    EVENTS,
    MEMBERSHIPS,
    PEOPLE,
    REMINDERS,
    dialect_insert,
)
from toetreding.store.tables import ReminderStatus

HANDOVER_RUNG = 0  # a hand-over has no ladder; its rows all say rung 0


@dataclass(frozen=True)
class SteppedCase:
    """A case whose last step (``seq``) the planner has not looked at for a hand-over."""

    case_id: int
    partnership_id: int
    school_id: int
    protocol_id: str
    protocol_version: int
    state: str
    seq: int
    event_id: int
    trigger: str
    from_state: str | None
    to_state: str
    actor_id: int | None
    role: str | None
    at: datetime


@dataclass(frozen=True)
class NewHandover:
    event_id: int
    person_id: int
    role: str
    day: date  # the step's day: the row's due date and sending day


class HandoverBatch:
    """One transaction of hand-over planning (see the module's text)."""

    def __init__(self, connection: Connection, postgres: bool) -> None:
        self._connection = connection
        self.postgres = postgres

    def stepped_cases(self, limit: int) -> list[SteppedCase]:
        """Cases with a step not yet looked at, with the history row of their last step."""
        due = CASES.c.revision > CASES.c.handover_seq  # the partial index's condition
        query = (
            select(
                CASES.c.id,
                CASES.c.partnership_id,
                CASES.c.school_id,
                CASES.c.protocol_id,
                CASES.c.protocol_version,
                CASES.c.state,
                CASES.c.revision,
                EVENTS.c.id,
                EVENTS.c.trigger,
                EVENTS.c.from_state,
                EVENTS.c.to_state,
                EVENTS.c.actor_id,
                EVENTS.c.role,
                EVENTS.c.at,
            )
            .outerjoin(
                EVENTS, and_(EVENTS.c.case_id == CASES.c.id, EVENTS.c.seq == CASES.c.revision)
            )
            .where(due)
            .order_by(CASES.c.id)
            .limit(limit)
        )
        if self.postgres:
            query = query.with_for_update(skip_locked=True, of=CASES)
        rows = [tuple(row) for row in self._connection.execute(query)]
        # A case without the history row of its last step (rows written in bulk outside the
        # service) has nothing to hand over; left due, it would be read at every heartbeat.
        for row in rows:
            if row[7] is None:
                self._connection.execute(
                    update(CASES)
                    .where(CASES.c.id == row[0], CASES.c.handover_seq < row[6])
                    .values(handover_seq=row[6])
                )
        return [SteppedCase(*row) for row in rows if row[7] is not None]

    def people_to_tell(self, case: SteppedCase, roles: Collection[str]) -> list[tuple[int, str]]:
        """(person id, role) of those holding one of ``roles`` for this case (the ``school``
        role: this school's contacts), one row per person (their first role in ``roles``
        order), leaving out whoever took the step and who turned these e-mails off."""
        from toetreding.store.accounts import ACCOUNTS  # not loaded by reading a case

        if not roles:
            return []
        wanted = list(roles)
        query = (
            select(PEOPLE.c.id, MEMBERSHIPS.c.role)
            .join(MEMBERSHIPS, MEMBERSHIPS.c.person_id == PEOPLE.c.id)
            .outerjoin(ACCOUNTS, ACCOUNTS.c.person_id == PEOPLE.c.id)
            .where(
                MEMBERSHIPS.c.partnership_id == case.partnership_id,
                MEMBERSHIPS.c.role.in_(wanted),
                or_(
                    and_(MEMBERSHIPS.c.role != SCHOOL_ROLE, MEMBERSHIPS.c.school_id.is_(None)),
                    and_(
                        MEMBERSHIPS.c.role == SCHOOL_ROLE,
                        MEMBERSHIPS.c.school_id == case.school_id,
                    ),
                ),
                func.coalesce(ACCOUNTS.c.handover_mail, true()),
            )
            .order_by(PEOPLE.c.id)
        )
        if case.actor_id is not None:
            query = query.where(PEOPLE.c.id != case.actor_id)
        found: dict[int, str] = {}
        for person_id, role in self._connection.execute(query):
            held = found.get(person_id)
            if held is None or wanted.index(role) < wanted.index(held):
                found[person_id] = role
        return sorted(found.items())

    def record(self, handovers: Iterable[NewHandover], at: datetime) -> int:
        """Ledger rows for these hand-overs; one that exists already is left as it is."""
        rows = [
            {
                "deadline_id": None,
                "event_id": h.event_id,
                "rung": HANDOVER_RUNG,
                "person_id": h.person_id,
                "role": h.role,
                "due_date": h.day,
                "send_on": h.day,
                "escalation": False,
                "status": ReminderStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": at,
                "created_at": at,
            }
            for h in handovers
        ]
        if not rows:
            return 0
        insert = dialect_insert(self.postgres, REMINDERS).values(rows)
        done = self._connection.execute(insert.on_conflict_do_nothing())
        return int(done.rowcount)

    def looked_at(self, case: SteppedCase) -> None:
        """The case's steps up to ``case.seq`` need no more looking at."""
        self._connection.execute(
            update(CASES)
            .where(CASES.c.id == case.case_id, CASES.c.handover_seq < case.seq)
            .values(handover_seq=case.seq)
        )
