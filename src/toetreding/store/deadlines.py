"""Deadlines of cases: the agenda's lists and counts, marking a consequence as carried
out, and extending or waiving one with its history row on the case."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Select, func, select, update

from toetreding._exceptions import ConcurrentUpdateError
from toetreding.clock import local
from toetreding.store._common import CASES, DEADLINES, SCHOOLS, visible_cases
from toetreding.store._prepared import plain_rows
from toetreding.store.history_chain import append_event
from toetreding.store.records import AgendaDeadline, CaseRecord, DeadlineRecord, Visibility
from toetreding.store.tables import DeadlineStatus

# The columns of a DeadlineRecord in the order of its fields: a row becomes a record by
# position (``DeadlineRecord(*row)``), without building a dict per row (the agenda lists
# thousands).
_OTHER = {
    "school_name": SCHOOLS.c.name.label("school_name"),
    "partnership_id": CASES.c.partnership_id,
    "protocol_id": CASES.c.protocol_id,
    "protocol_version": CASES.c.protocol_version,
}
_RECORD_COLUMNS = [
    _OTHER[f.name] if f.name in _OTHER else DEADLINES.c[f.name] for f in fields(DeadlineRecord)
]
# The agenda's columns: only those it shows or needs for its words (an AgendaDeadline).
_AGENDA_COLUMNS = [
    _OTHER[name] if name in _OTHER else DEADLINES.c[name] for name in AgendaDeadline._fields
]


class DeadlineStore:
    """The deadlines table, read for the agenda and changed by people."""

    engine: Engine

    def deadlines(
        self,
        *,
        case_id: int | None = None,
        partnership_id: int | None = None,
        open_only: bool = False,
        due_until: date | None = None,
        due_before: date | None = None,
        visible: Visibility | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[DeadlineRecord]:
        """Deadlines with their case's school and protocol, soonest first (uses the
        ``status, due_date`` index for the agenda); ``limit`` and ``offset`` page them."""
        query = _agenda_query(_RECORD_COLUMNS, limit, offset)
        query = _deadline_filters(
            query, case_id, partnership_id, open_only, due_until, due_before, visible
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()  # fetched at once, not row by row
        return [DeadlineRecord(*row) for row in rows]

    def agenda_deadlines(
        self,
        *,
        partnership_id: int | None = None,
        due_until: date | None = None,
        due_before: date | None = None,
        visible: Visibility | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[AgendaDeadline]:
        """The open deadlines of :meth:`deadlines` with only the agenda's columns, as
        tuples: the agenda over every open deadline reads thousands."""
        query = _agenda_query(_AGENDA_COLUMNS, limit, offset)
        query = _deadline_filters(query, None, partnership_id, True, due_until, due_before, visible)
        with self.engine.connect() as connection:
            return plain_rows(connection, query, AgendaDeadline._make)

    def count_deadlines(
        self,
        *,
        partnership_id: int | None = None,
        open_only: bool = False,
        due_until: date | None = None,
        due_before: date | None = None,
        visible: Visibility | None = None,
    ) -> int:
        """How many deadlines :meth:`deadlines` would return without a limit."""
        query = select(func.count()).select_from(
            DEADLINES.join(CASES, CASES.c.id == DEADLINES.c.case_id)
        )
        query = _deadline_filters(
            query, None, partnership_id, open_only, due_until, due_before, visible
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def overdue_per_case(self, today: date) -> dict[int, int]:
        """For every case with open deadlines past their due date: how many there are."""
        query = (
            select(DEADLINES.c.case_id, func.count())
            .where(DEADLINES.c.status == DeadlineStatus.OPEN.value, DEADLINES.c.due_date < today)
            .group_by(DEADLINES.c.case_id)
        )
        with self.engine.connect() as connection:
            return {int(case_id): int(count) for case_id, count in connection.execute(query)}

    def mark_consequence(self, deadline_id: int, at: datetime) -> bool:
        """Record that a missed deadline's consequence ran; False if it already had."""
        with self.engine.begin() as connection:
            marked = connection.execute(
                update(DEADLINES)
                .where(DEADLINES.c.id == deadline_id, DEADLINES.c.consequence_at.is_(None))
                .values(consequence_at=at)
            )
        return marked.rowcount == 1

    def change_deadline(
        self,
        case: CaseRecord,
        deadline: DeadlineRecord,
        *,
        trigger: str,
        new_due: date | None,
        actor_id: int,
        role: str | None,
        at: datetime,
        reason: str,
    ) -> None:
        """Extend (``new_due``) or waive (no ``new_due``) a deadline, with its history row on
        the case, in one transaction."""
        values: dict[str, Any] = {"reason": reason}
        if new_due is None:
            values |= {"status": DeadlineStatus.WAIVED.value, "resolved_at": at}
            values["resolved_by"] = actor_id
        else:  # the reminder ladder starts again from the new due date
            values |= {"due_date": new_due, "next_reminder_on": local(at).date()}
            # a date set by hand no longer waits for the calendar
            values |= {"waiting_for": None, "waiting_year": None, "waiting_region": None}
        old = deadline.due_date.isoformat() if deadline.due_date else None  # None: datum volgt
        payload = {"termijn": deadline.name, "oude_datum": old}
        if new_due is not None:
            payload["nieuwe_datum"] = new_due.isoformat()
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(DEADLINES)
                .where(
                    DEADLINES.c.id == deadline.id,
                    DEADLINES.c.status == DeadlineStatus.OPEN.value,
                )
                .values(**values)
            )
            moved = connection.execute(
                update(CASES)
                .where(CASES.c.id == case.id, CASES.c.revision == case.revision)
                .values(revision=case.revision + 1, updated_at=at)
            )
            if changed.rowcount != 1 or moved.rowcount != 1:
                raise ConcurrentUpdateError(
                    f"dossier {case.id} of termijn '{deadline.name}' is intussen gewijzigd; "
                    "er is niets opgeslagen, probeer het opnieuw"
                )
            append_event(
                connection,
                {
                    "case_id": case.id,
                    "seq": case.revision + 1,
                    "trigger": trigger,
                    "from_state": case.state,
                    "to_state": case.state,
                    "actor_id": actor_id,
                    "role": role,
                    "at": at,
                    "note": reason,
                    "payload": payload,
                },
            )


def _agenda_query(columns: list[Any], limit: int | None, offset: int) -> Select[Any]:
    """Deadlines with their case's school and protocol, soonest first, one page."""
    return (
        select(*columns)
        .select_from(DEADLINES)
        .join(CASES, CASES.c.id == DEADLINES.c.case_id)
        .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
        .order_by(DEADLINES.c.due_date, DEADLINES.c.id)
        .limit(limit)
        .offset(offset)
    )


def _deadline_filters(
    query: Select[Any],
    case_id: int | None,
    partnership_id: int | None,
    open_only: bool,
    due_until: date | None,
    due_before: date | None,
    visible: Visibility | None = None,
) -> Select[Any]:
    """The agenda's filters, shared by the list and its count."""
    if case_id is not None:
        query = query.where(DEADLINES.c.case_id == case_id)
    if partnership_id is not None:
        query = query.where(CASES.c.partnership_id == partnership_id)
    if open_only:
        query = query.where(DEADLINES.c.status == DeadlineStatus.OPEN.value)
    if due_until is not None:
        query = query.where(DEADLINES.c.due_date <= due_until)
    if due_before is not None:
        query = query.where(DEADLINES.c.due_date < due_before)
    if visible is not None:
        query = query.where(visible_cases(visible))
    return query
