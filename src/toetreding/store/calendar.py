"""The school calendar in the database: summer vacations, a partnership's days off, the
audit trail of every change, and the deadlines waiting for calendar data ("datum volgt").

Saving calendar data dates the waiting deadlines in the same transaction: the caller's
``redate`` computes their dates from the data as it is then (inside the transaction), and
each dated deadline gets a history row on its case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from toetreding._exceptions import ConcurrentUpdateError
from toetreding.clock import local
from toetreding.store._common import (
    CALENDAR_CHANGES,
    CASES,
    DAYS_OFF,
    DEADLINES,
    EVENTS,
    PEOPLE,
    SCHOOL_VACATIONS,
    SCHOOLS,
)
from toetreding.store.history_chain import append_event
from toetreding.store.tables import DeadlineStatus

#: The history row's trigger when calendar data gives a waiting deadline its date.
DATED_TRIGGER = "termijn_gedateerd"


@dataclass(frozen=True)
class VacationRecord:
    school_year: str
    region: str
    start: date
    end: date
    source: str
    updated_at: datetime
    updated_by: str | None  # the person's name


@dataclass(frozen=True)
class DayOffRecord:
    partnership_id: int
    day: date
    label: str
    source: str


@dataclass(frozen=True)
class CalendarChangeRecord:
    at: datetime
    person: str | None
    subject: str
    old_value: str | None
    new_value: str | None
    source: str


@dataclass(frozen=True)
class VacationEntry:
    """A summer vacation to save (insert or replace)."""

    school_year: str
    region: str
    start: date
    end: date
    source: str


@dataclass(frozen=True)
class WaitingDeadline:
    """An open deadline without a date, with what its date may depend on."""

    id: int
    case_id: int
    state: str
    name: str
    waiting_for: str
    created_at: datetime
    protocol_id: str
    protocol_version: int
    region: str
    payloads: list[dict[str, Any]]  # the case's history payloads, oldest first


#: Computes dates for waiting deadlines from the vacations as saved: id -> (due, note).
Redate = Callable[[list[VacationRecord], list[WaitingDeadline]], dict[int, tuple[date, str]]]


def _period(start: date, end: date) -> str:
    return f"{start:%d-%m-%Y} t/m {end:%d-%m-%Y}"


class CalendarStore:
    """Reads and writes of the school calendar (mixed into :class:`Store`)."""

    engine: Engine

    def summer_vacation(self, school_year: str, region: str) -> tuple[date, date] | None:
        query = select(SCHOOL_VACATIONS.c.start_date, SCHOOL_VACATIONS.c.end_date).where(
            SCHOOL_VACATIONS.c.school_year == school_year, SCHOOL_VACATIONS.c.region == region
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else (row[0], row[1])

    def summer_vacations(self) -> list[VacationRecord]:
        """Every stored summer vacation, by school year and region."""
        with self.engine.connect() as connection:
            return _vacations(connection)

    def save_vacations(
        self,
        entries: Sequence[VacationEntry],
        *,
        person_id: int | None,
        at: datetime,
        redate: Redate,
    ) -> tuple[int, int]:
        """Insert or replace ``entries`` with an audit row for each one that changes, and
        date the waiting deadlines ``redate`` can date, all in one transaction.

        Returns (entries changed, deadlines dated)."""
        changed = 0
        with self.engine.begin() as connection:
            for entry in entries:
                changed += _save_vacation(connection, entry, person_id, at)
            waiting = _waiting(connection)
            dated = redate(_vacations(connection), waiting) if waiting else {}
            by_id = {w.id: w for w in waiting}
            for deadline_id, (due, note) in dated.items():
                _date_deadline(connection, by_id[deadline_id], due, note, person_id, at)
        return changed, len(dated)

    def waiting_deadlines(self) -> list[WaitingDeadline]:
        """Open deadlines still waiting for calendar data."""
        with self.engine.connect() as connection:
            return _waiting(connection)

    def calendar_changes(self, limit: int = 50) -> list[CalendarChangeRecord]:
        """The audit trail, newest first."""
        query = (
            select(
                CALENDAR_CHANGES.c.at,
                PEOPLE.c.name,
                CALENDAR_CHANGES.c.subject,
                CALENDAR_CHANGES.c.old_value,
                CALENDAR_CHANGES.c.new_value,
                CALENDAR_CHANGES.c.source,
            )
            .outerjoin(PEOPLE, PEOPLE.c.id == CALENDAR_CHANGES.c.person_id)
            .order_by(CALENDAR_CHANGES.c.at.desc(), CALENDAR_CHANGES.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [CalendarChangeRecord(*row) for row in connection.execute(query)]

    def days_off(self, partnership_id: int | None = None) -> list[DayOffRecord]:
        query = select(
            DAYS_OFF.c.partnership_id, DAYS_OFF.c.day, DAYS_OFF.c.label, DAYS_OFF.c.source
        ).order_by(DAYS_OFF.c.day, DAYS_OFF.c.partnership_id)
        if partnership_id is not None:
            query = query.where(DAYS_OFF.c.partnership_id == partnership_id)
        with self.engine.connect() as connection:
            return [DayOffRecord(*row) for row in connection.execute(query)]

    def save_day_off(
        self,
        partnership_id: int,
        code: str,
        day: date,
        *,
        label: str | None,
        source: str,
        person_id: int | None,
        at: datetime,
    ) -> None:
        """Add or rename a day off (``label``), or remove it (``label`` None), with its audit
        row, in one transaction."""
        key = (DAYS_OFF.c.partnership_id == partnership_id, DAYS_OFF.c.day == day)
        with self.engine.begin() as connection:
            old = connection.execute(select(DAYS_OFF.c.label).where(*key)).scalar()
            if old == label:
                return
            connection.execute(delete(DAYS_OFF).where(*key))
            if label is not None:
                connection.execute(
                    insert(DAYS_OFF).values(
                        partnership_id=partnership_id,
                        day=day,
                        label=label,
                        source=source,
                        updated_at=at,
                        updated_by=person_id,
                    )
                )
            connection.execute(
                insert(CALENDAR_CHANGES).values(
                    at=at,
                    person_id=person_id,
                    subject=f"vrije dag {code} {day:%d-%m-%Y}",
                    old_value=old,
                    new_value=label,
                    source=source,
                )
            )


def _vacations(connection: Connection) -> list[VacationRecord]:
    query = (
        select(
            SCHOOL_VACATIONS.c.school_year,
            SCHOOL_VACATIONS.c.region,
            SCHOOL_VACATIONS.c.start_date,
            SCHOOL_VACATIONS.c.end_date,
            SCHOOL_VACATIONS.c.source,
            SCHOOL_VACATIONS.c.updated_at,
            PEOPLE.c.name,
        )
        .outerjoin(PEOPLE, PEOPLE.c.id == SCHOOL_VACATIONS.c.updated_by)
        .order_by(SCHOOL_VACATIONS.c.school_year, SCHOOL_VACATIONS.c.region)
    )
    return [VacationRecord(*row) for row in connection.execute(query)]


def _save_vacation(
    connection: Connection, entry: VacationEntry, person_id: int | None, at: datetime
) -> int:
    key = (
        SCHOOL_VACATIONS.c.school_year == entry.school_year,
        SCHOOL_VACATIONS.c.region == entry.region,
    )
    old = connection.execute(
        select(
            SCHOOL_VACATIONS.c.start_date, SCHOOL_VACATIONS.c.end_date, SCHOOL_VACATIONS.c.source
        ).where(*key)
    ).first()
    if old is not None and tuple(old) == (entry.start, entry.end, entry.source):
        return 0
    values = {
        "start_date": entry.start,
        "end_date": entry.end,
        "source": entry.source,
        "updated_at": at,
        "updated_by": person_id,
    }
    if old is None:
        connection.execute(
            insert(SCHOOL_VACATIONS).values(
                school_year=entry.school_year, region=entry.region, **values
            )
        )
    else:
        connection.execute(update(SCHOOL_VACATIONS).where(*key).values(**values))
    connection.execute(
        insert(CALENDAR_CHANGES).values(
            at=at,
            person_id=person_id,
            subject=f"zomervakantie {entry.school_year} {entry.region}",
            old_value=None if old is None else _period(old[0], old[1]),
            new_value=_period(entry.start, entry.end),
            source=entry.source,
        )
    )
    return 1


def _waiting(connection: Connection) -> list[WaitingDeadline]:
    query = (
        select(
            DEADLINES.c.id,
            DEADLINES.c.case_id,
            DEADLINES.c.state,
            DEADLINES.c.name,
            DEADLINES.c.waiting_for,
            DEADLINES.c.created_at,
            CASES.c.protocol_id,
            CASES.c.protocol_version,
            SCHOOLS.c.region,
        )
        .join(CASES, CASES.c.id == DEADLINES.c.case_id)
        .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
        .where(DEADLINES.c.status == DeadlineStatus.OPEN.value, DEADLINES.c.due_date.is_(None))
        .order_by(DEADLINES.c.id)
    )
    rows = connection.execute(query).all()
    payloads: dict[int, list[dict[str, Any]]] = {}
    if rows:
        events = (
            select(EVENTS.c.case_id, EVENTS.c.payload)
            .where(EVENTS.c.case_id.in_({row.case_id for row in rows}))
            .order_by(EVENTS.c.case_id, EVENTS.c.seq)
        )
        for case_id, payload in connection.execute(events):
            payloads.setdefault(case_id, []).append(payload or {})
    return [
        WaitingDeadline(
            *row[:4], row[4] or "", *row[5:8], str(row[8]), payloads.get(row.case_id, [])
        )
        for row in rows
    ]


def _date_deadline(
    connection: Connection,
    deadline: WaitingDeadline,
    due: date,
    note: str,
    person_id: int | None,
    at: datetime,
) -> None:
    """Give a waiting deadline its date (its reminder ladder is planned from today) and
    write the history row on its case."""
    connection.execute(
        update(DEADLINES)
        .where(DEADLINES.c.id == deadline.id)
        .values(
            due_date=due,
            original_due_date=due,
            waiting_for=None,
            next_reminder_on=local(at).date(),
        )
    )
    case = connection.execute(
        select(CASES.c.revision, CASES.c.state).where(CASES.c.id == deadline.case_id)
    ).one()
    moved = connection.execute(
        update(CASES)
        .where(CASES.c.id == deadline.case_id, CASES.c.revision == case.revision)
        .values(revision=case.revision + 1, updated_at=at)
    )
    if moved.rowcount != 1:
        raise ConcurrentUpdateError(
            f"dossier {deadline.case_id} is intussen gewijzigd; er is niets opgeslagen, "
            "probeer het opnieuw"
        )
    append_event(  # chained like every history row (see history_chain)
        connection,
        {
            "case_id": deadline.case_id,
            "seq": case.revision + 1,
            "trigger": DATED_TRIGGER,
            "from_state": case.state,
            "to_state": case.state,
            "actor_id": person_id,
            "role": None,
            "at": at,
            "note": note,
            "payload": {"termijn": deadline.name, "nieuwe_datum": due.isoformat()},
        },
    )
