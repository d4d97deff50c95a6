"""Giving an open deadline a (new) date because the school calendar changed, with its
history row on the case and its reminders, inside the caller's transaction.

Three changes do this (``store/calendar.py``): a summer vacation entered dates the deadlines
that waited for it ("datum volgt", ``termijn_gedateerd``), a summer vacation corrected moves
the open deadlines of its region counted with it (``termijn_verschoven_zomervakantie``), and
a partnership's day off added or removed moves the deadlines counted in working days
(``termijn_verschoven``). A day off
also moves the reminder rungs counted in working days of any open deadline of the
partnership (:func:`replan_rungs`), whether or not the deadline itself moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, or_, select, true, update

from toetreding._exceptions import ConcurrentUpdateError
from toetreding.clock import LOCAL_TZ, local
from toetreding.store._common import CASES, DEADLINES, EVENTS, REMINDERS, SCHOOLS
from toetreding.store.corrections import standing
from toetreding.store.history_chain import append_event
from toetreding.store.ledger import WAITING
from toetreding.store.tables import DeadlineStatus, ReminderStatus

#: The history row's trigger when calendar data gives a waiting deadline its date.
DATED_TRIGGER = "termijn_gedateerd"
#: The history row's trigger when a partnership's day off moves a deadline.
MOVED_BY_DAY_OFF = "termijn_verschoven"
#: The history row's trigger when a corrected summer vacation moves a deadline dated with it.
MOVED_BY_VACATION = "termijn_verschoven_zomervakantie"


@dataclass(frozen=True)
class OpenDeadline:
    """An open deadline with what its date may depend on."""

    id: int
    case_id: int
    state: str
    name: str
    due_date: date | None  # None: waits for calendar data ("datum volgt")
    waiting_for: str
    created_at: datetime
    protocol_id: str
    protocol_version: int
    region: str
    payloads: list[dict[str, Any]]  # the case's history payloads, oldest first
    waiting_year: str | None = None  # the school year whose summer vacation it waits for
    waiting_region: str | None = None  # and its region (None: the year as a whole)
    partnership_id: int = 0


@dataclass(frozen=True)
class _Event:
    seq: int
    trigger: str
    payload: dict[str, Any]


#: Computes new dates for open deadlines from the calendar as saved: id -> (due, note).
Redate = Callable[[list[OpenDeadline]], dict[int, tuple[date, str]]]


@dataclass(frozen=True)
class Ladder:
    """An open, dated deadline whose reminder ladder still has rungs to plan or send."""

    id: int
    protocol_id: str
    protocol_version: int
    state: str
    name: str
    due_date: date
    region: str  # the school's: its summer vacation is no working days for the rungs
    partnership_id: int  # whose days off are no working days for the rungs


#: The day each rung of a ladder goes out before and after a change of the calendar, in rung
#: order, by deadline id: [(old day, new day), ...]; only the ladders with a rung moved.
RungMoves = Callable[[list[Ladder]], dict[int, list[tuple[date, date]]]]


def open_deadlines(connection: Connection, *where: ColumnElement[bool]) -> list[OpenDeadline]:
    """The open deadlines matching ``where``, each with its case's history payloads."""
    query = (
        select(
            DEADLINES.c.id,
            DEADLINES.c.case_id,
            DEADLINES.c.state,
            DEADLINES.c.name,
            DEADLINES.c.due_date,
            DEADLINES.c.waiting_for,
            DEADLINES.c.created_at,
            CASES.c.protocol_id,
            CASES.c.protocol_version,
            SCHOOLS.c.region,
            DEADLINES.c.waiting_year,
            DEADLINES.c.waiting_region,
            CASES.c.partnership_id,
        )
        .join(CASES, CASES.c.id == DEADLINES.c.case_id)
        .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
        .where(DEADLINES.c.status == DeadlineStatus.OPEN.value, *where)
        .order_by(DEADLINES.c.id)
    )
    rows = connection.execute(query).all()
    payloads: dict[int, list[dict[str, Any]]] = {}
    if rows:
        events = (
            select(EVENTS.c.case_id, EVENTS.c.seq, EVENTS.c.trigger, EVENTS.c.payload)
            .where(EVENTS.c.case_id.in_({row.case_id for row in rows}))
            .order_by(EVENTS.c.case_id, EVENTS.c.seq)
        )
        history: dict[int, list[_Event]] = {}
        for case_id, seq, trigger, payload in connection.execute(events):
            history.setdefault(case_id, []).append(_Event(seq, trigger, payload or {}))
        # Only the rows that still stand: a step taken back gave no input.
        for case_id, events_of_case in history.items():
            payloads[case_id] = [event.payload for event in standing(events_of_case)]
    return [
        OpenDeadline(
            *row[:5],
            row[5] or "",
            *row[6:9],
            str(row[9]),
            payloads.get(row.case_id, []),
            waiting_year=row.waiting_year,
            waiting_region=row.waiting_region,
            partnership_id=row.partnership_id,
        )
        for row in rows
    ]


def redate_all(
    connection: Connection,
    deadlines: list[OpenDeadline],
    redate: Redate,
    trigger: str,
    person_id: int | None,
    at: datetime,
) -> list[tuple[OpenDeadline, date]]:
    """Give every deadline ``redate`` dates its new date (see :func:`set_due`); the ones
    that changed (as they were, with the new date), in order."""
    dated = redate(deadlines) if deadlines else {}
    changed = []
    for deadline in deadlines:
        found = dated.get(deadline.id)
        if found is not None and found[0] != deadline.due_date:
            set_due(connection, deadline, found[0], found[1], trigger, person_id, at)
            changed.append((deadline, found[0]))
    return changed


def set_due(
    connection: Connection,
    deadline: OpenDeadline,
    due: date,
    note: str,
    trigger: str,
    person_id: int | None,
    at: datetime,
) -> None:
    """Give an open deadline its (new) computed date and write the history row on its case.

    Its reminder ladder is looked at again from today. The reminders already recorded for
    the old date count for the new one (each rung reaches each person once: one not sent
    yet goes out with the new date); one that cannot (the new date had them already) is
    skipped if not sent yet."""
    connection.execute(
        update(DEADLINES)
        .where(DEADLINES.c.id == deadline.id)
        .values(
            due_date=due,
            original_due_date=due,
            waiting_for=None,
            waiting_year=None,
            waiting_region=None,
            next_reminder_on=local(at).date(),
        )
    )
    if deadline.due_date is not None:
        _move_reminders(connection, deadline.id, deadline.due_date, due)
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
    payload = {"termijn": deadline.name, "nieuwe_datum": due.isoformat()}
    if deadline.due_date is not None:
        payload["oude_datum"] = deadline.due_date.isoformat()
    append_event(  # chained like every history row (see history_chain)
        connection,
        {
            "case_id": deadline.case_id,
            "seq": case.revision + 1,
            "trigger": trigger,
            "from_state": case.state,
            "to_state": case.state,
            "actor_id": person_id,
            "role": None,
            "at": at,
            "note": note,
            "payload": payload,
        },
    )


def _move_reminders(connection: Connection, deadline_id: int, old: date, new: date) -> None:
    same = REMINDERS.alias("same")
    taken = exists().where(
        same.c.deadline_id == deadline_id,
        same.c.rung == REMINDERS.c.rung,
        same.c.person_id == REMINDERS.c.person_id,
        same.c.due_date == new,
    )
    of_old = (REMINDERS.c.deadline_id == deadline_id, REMINDERS.c.due_date == old)
    connection.execute(update(REMINDERS).where(*of_old, ~taken).values(due_date=new))
    connection.execute(
        update(REMINDERS)
        .where(*of_old, REMINDERS.c.status.in_(WAITING))
        .values(
            status=ReminderStatus.SKIPPED.value,
            skip_reason=f"de termijn is verschoven naar {new:%d-%m-%Y}",
            next_attempt_at=None,
        )
    )


def replan_rungs(
    connection: Connection, partnership_id: int | None, moves: RungMoves, at: datetime
) -> int:
    """Replan the reminders of the partnership's open ladders (every partnership's when
    ``partnership_id`` is None) whose rungs ``moves`` says a change of its days off (or of
    the summer vacations) moved, inside the caller's transaction; the number of ladders.

    The ladder is looked at again on each moved rung's new day (today when that passed), and
    a reminder still waiting for its rung (pending, or failed and to be retried) waits for
    the new day. A reminder sent, being sent or skipped stays as it is: the ledger's key
    (deadline, rung, person, due date) keeps a sent rung from going out again."""
    waiting = exists().where(
        REMINDERS.c.deadline_id == DEADLINES.c.id, REMINDERS.c.status.in_(WAITING)
    )
    rows = connection.execute(
        select(
            DEADLINES.c.id,
            CASES.c.protocol_id,
            CASES.c.protocol_version,
            DEADLINES.c.state,
            DEADLINES.c.name,
            DEADLINES.c.due_date,
            SCHOOLS.c.region,
            CASES.c.partnership_id,
            DEADLINES.c.next_reminder_on,
        )
        .join(CASES, CASES.c.id == DEADLINES.c.case_id)
        .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
        .where(
            true() if partnership_id is None else CASES.c.partnership_id == partnership_id,
            DEADLINES.c.status == DeadlineStatus.OPEN.value,
            DEADLINES.c.due_date.is_not(None),
            or_(DEADLINES.c.next_reminder_on.is_not(None), waiting),
        )
        .order_by(DEADLINES.c.id)
    ).all()
    ladders = [Ladder(*row[:6], str(row.region), row.partnership_id) for row in rows]
    moved = moves(ladders) if rows else {}
    today = local(at).date()
    for row in rows:
        rungs = [(rung, new) for rung, (old, new) in enumerate(moved.get(row.id, [])) if old != new]
        if not rungs:
            continue
        look = min(max(new, today) for _, new in rungs)
        if row.next_reminder_on is None or look < row.next_reminder_on:
            connection.execute(
                update(DEADLINES).where(DEADLINES.c.id == row.id).values(next_reminder_on=look)
            )
        for rung, new in rungs:
            _wait_for(connection, row.id, rung, row.due_date, new)
    return len(moved)


def _wait_for(connection: Connection, deadline_id: int, rung: int, due: date, day: date) -> None:
    """A waiting reminder of a rung goes out on the rung's new ``day``, not before it."""
    of_rung = (
        REMINDERS.c.deadline_id == deadline_id,
        REMINDERS.c.rung == rung,
        REMINDERS.c.due_date == due,
        REMINDERS.c.status.in_(WAITING),
    )
    connection.execute(update(REMINDERS).where(*of_rung).values(send_on=day))
    # from the day's first heartbeat, stored in UTC as every moment
    start = datetime.combine(day, time(), tzinfo=LOCAL_TZ).astimezone(UTC)
    connection.execute(
        update(REMINDERS)
        .where(*of_rung, REMINDERS.c.next_attempt_at < start)
        .values(next_attempt_at=start)
    )
