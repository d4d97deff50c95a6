"""The school calendar in the database: summer vacations, a partnership's days off, the
audit trail of every change, and the deadlines waiting for calendar data ("datum volgt").

Saving calendar data dates the deadlines it concerns in the same transaction: the caller's
``redate`` computes their dates from the data as it is then (inside the transaction), and
each deadline given a (new) date gets a history row on its case (``store/deadline_dates.py``).
A summer vacation dates the deadlines waiting for it, and a corrected one moves the open
deadlines of its region whose date was counted with it; a partnership's day off moves its
open deadlines counted in working days, and the reminder rungs counted in working days.

Changes of one partnership's days off are serialized (:func:`_lock_days_off`), and so are
saves of summer vacations: each reads the data and the deadlines as the one before it left
them, never a stale view (``store/calendar_locks.py``, which opening a case shares).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Engine, delete, insert, select, update

from toetreding.store._common import (
    CALENDAR_CHANGES,
    CASES,
    DAYS_OFF,
    DEADLINES,
    PEOPLE,
    SCHOOL_VACATIONS,
    SCHOOLS,
)
from toetreding.store.calendar_locks import DAYS_OFF_LOCK, VACATIONS_LOCK, lock_exclusive
from toetreding.store.deadline_dates import (
    DATED_TRIGGER,
    MOVED_BY_DAY_OFF,
    MOVED_BY_VACATION,
    Ladder,
    OpenDeadline,
    open_deadlines,
    redate_all,
    replan_rungs,
)


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


#: A partnership's days off, by its id (read in the transaction, once per partnership).
DaysOffOf = Callable[[int], frozenset[date]]
#: New dates for open deadlines from the vacations as saved: id -> (due, note).
Redate = Callable[
    [list[VacationRecord], DaysOffOf, list[OpenDeadline]], dict[int, tuple[date, str]]
]
#: The rungs of open ladders that a change of vacations moved, from the vacations before
#: and after it: [(old day, new day), ...] in rung order, by deadline id.
RungMovesByVacations = Callable[
    [list[VacationRecord], list[VacationRecord], DaysOffOf, list[Ladder]],
    dict[int, list[tuple[date, date]]],
]
#: New dates for open deadlines from the partnership's days off as saved.
RedateByDaysOff = Callable[[frozenset[date], list[OpenDeadline]], dict[int, tuple[date, str]]]
#: The rungs of open ladders that a change of days off moved, from the days off before and
#: after it: [(old day, new day), ...] in rung order, by deadline id.
RungMovesByDaysOff = Callable[
    [frozenset[date], frozenset[date], list[Ladder]], dict[int, list[tuple[date, date]]]
]


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
        recount: Redate,
        replan: RungMovesByVacations,
    ) -> tuple[int, int, int]:
        """Insert or replace ``entries`` with an audit row for each one that changes, give
        the open dated deadlines of the changed regions the dates ``recount`` counts from
        their own start (a date extended by hand stays), date the waiting deadlines
        ``redate`` can date, and replan the reminder rungs counted in working days that
        ``replan`` says the change moved, all in one transaction.

        Returns (entries changed, deadlines dated, dated deadlines given another date)."""
        changed = 0
        regions: set[str] = set()
        with self.engine.begin() as connection:
            # one save at a time: a second reads the vacations and the waiting deadlines as
            # the first left them (else the same year entered twice at once fails on the
            # second's insert, or its dating of a deadline the first dated meanwhile)
            lock_exclusive(connection, VACATIONS_LOCK, 0)
            before = _vacations(connection)
            for entry in entries:
                if _save_vacation(connection, entry, person_id, at):
                    changed += 1
                    regions.add(entry.region)
            after = _vacations(connection)
            days_off = _days_off_reader(connection)
            # a correction: the deadlines counted with the old dates are counted again (first,
            # so the ones dated just below are not counted twice)
            moved = redate_all(
                connection,
                open_deadlines(
                    connection,
                    DEADLINES.c.due_date.is_not(None),
                    DEADLINES.c.due_date == DEADLINES.c.original_due_date,  # not by hand
                    SCHOOLS.c.region.in_(regions),
                )
                if regions
                else [],
                lambda dated: recount(after, days_off, dated),
                MOVED_BY_VACATION,
                person_id,
                at,
            )
            dated = redate_all(
                connection,
                open_deadlines(connection, DEADLINES.c.due_date.is_(None)),
                lambda waiting: redate(after, days_off, waiting),
                DATED_TRIGGER,
                person_id,
                at,
            )
            if changed:
                replan_rungs(
                    connection,
                    None,
                    lambda ladders: replan(before, after, days_off, ladders),
                    at,
                )
        return changed, len(dated), len(moved)

    def waiting_deadlines(self) -> list[OpenDeadline]:
        """Open deadlines still waiting for calendar data."""
        with self.engine.connect() as connection:
            return open_deadlines(connection, DEADLINES.c.due_date.is_(None))

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
        redate: RedateByDaysOff,
        replan: RungMovesByDaysOff,
    ) -> list[tuple[OpenDeadline, date]]:
        """Add or rename a day off (``label``), or remove it (``label`` None), with its audit
        row, and move the partnership's open deadlines ``redate`` gives another date and the
        reminder rungs ``replan`` says moved, in one transaction. Returns the deadlines
        moved (as they were, with the new date)."""
        key = (DAYS_OFF.c.partnership_id == partnership_id, DAYS_OFF.c.day == day)
        with self.engine.begin() as connection:
            _lock_days_off(connection, partnership_id)
            old = connection.execute(select(DAYS_OFF.c.label).where(*key)).scalar()
            if old == label:
                return []
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
            if (old is None) == (label is None):
                return []  # renamed: still a day off, no date moves
            days_off = frozenset(
                connection.execute(
                    select(DAYS_OFF.c.day).where(DAYS_OFF.c.partnership_id == partnership_id)
                ).scalars()
            )
            # Only a deadline due on or after the day can move; one set by hand stays.
            affected = open_deadlines(
                connection,
                CASES.c.partnership_id == partnership_id,
                DEADLINES.c.due_date >= day,
                DEADLINES.c.due_date == DEADLINES.c.original_due_date,
            )
            moved = redate_all(
                connection,
                affected,
                lambda deadlines: redate(days_off, deadlines),
                MOVED_BY_DAY_OFF,
                person_id,
                at,
            )
            before = days_off ^ {day}  # the day was added (or removed) just now
            replan_rungs(
                connection, partnership_id, lambda ladders: replan(before, days_off, ladders), at
            )
            return moved


def _lock_days_off(connection: Connection, partnership_id: int) -> None:
    """Serialize changes of one partnership's days off, before anything is read: a second
    change waits until the first committed, then reads the days off and deadlines as it left
    them (two administrators at once would otherwise each move deadlines on a stale view,
    the later commit undoing the earlier's move). See ``store/calendar_locks.py``."""
    lock_exclusive(connection, DAYS_OFF_LOCK, partnership_id)


def _days_off_reader(connection: Connection) -> DaysOffOf:
    """A partnership's days off as ``connection`` sees them, read once per partnership."""
    read: dict[int, frozenset[date]] = {}

    def days_off(partnership_id: int) -> frozenset[date]:
        if partnership_id not in read:
            query = select(DAYS_OFF.c.day).where(DAYS_OFF.c.partnership_id == partnership_id)
            read[partnership_id] = frozenset(connection.execute(query).scalars())
        return read[partnership_id]

    return days_off


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
