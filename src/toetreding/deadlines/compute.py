"""When a deadline falls, computed from the protocol's ``due`` and the case's facts.

Pure: takes the calendar, the moment the case entered the state, the school's region and
the inputs recorded so far. Due dates are calendar dates in Dutch local time: the *last*
day, so a deadline is met on time when its trigger fires on or before that date ("vóór
1 april" is due on 31 March, "uiterlijk 1 augustus" on 1 August).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from toetreding._exceptions import InvalidInputError
from toetreding.calendar import SchoolCalendar, SchoolYear
from toetreding.clock import local
from toetreding.definition.model import (
    DeadlineSpec,
    DueSpec,
    Duration,
    ReminderSpec,
)


@dataclass(frozen=True)
class CaseFacts:
    """What a due date may depend on."""

    entered_at: datetime  # when the case entered the state that owns the deadline
    region: str  # the school's summer-vacation region (read for a summer or working-day due)
    inputs: Mapping[str, Any]  # latest value of every input recorded on the case
    # the partnership's days off: no working days (read only for a deadline in working days);
    # the summer vacation of ``region`` is none either (SchoolCalendar.counting_for)
    days_off: frozenset[date] = field(default_factory=frozenset)


def due_date(deadline: DeadlineSpec, facts: CaseFacts, calendar: SchoolCalendar) -> date:
    """The last day on which ``deadline`` is met on time."""
    due = deadline.due
    if due.input is not None:
        return _input_date(due.input, facts)
    if due.after is not None:
        counted_on = calendar.counting_for(facts.region, facts.days_off)
        return add_duration(_anchor(due, facts), Duration.parse(due.after), counted_on)
    year = _school_year(due, facts, calendar)
    limit = due.limit
    if limit is None:  # before: zomervakantie
        return calendar.before_summer_vacation(facts.region, year)
    found = limit.last_day(calendar.date_in_school_year(limit.month, limit.day, year))
    if due.school_year == "upcoming" and found < local(facts.entered_at).date():
        found = limit.last_day(calendar.date_in_school_year(limit.month, limit.day, year.next()))
    return found


def add_duration(start: date, duration: Duration, calendar: SchoolCalendar) -> date:
    if duration.unit == "working_days":
        return calendar.add_working_days(start, duration.count)
    if duration.unit in ("days", "weeks"):
        days = duration.count * (7 if duration.unit == "weeks" else 1)
        return start + timedelta(days=days)
    months = duration.count * (12 if duration.unit == "years" else 1)
    return add_months(start, months)


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def _anchor(due: DueSpec, facts: CaseFacts) -> date:
    if due.counted_from == "entered":
        return local(facts.entered_at).date()
    return _input_date(due.counted_from, facts)


def _school_year(due: DueSpec, facts: CaseFacts, calendar: SchoolCalendar) -> SchoolYear:
    current = calendar.school_year_of(local(facts.entered_at).date())
    if due.school_year in ("current", "upcoming"):
        return current
    if due.school_year == "next":
        return current.next()
    value = facts.inputs.get(due.school_year)
    if value is None:
        raise InvalidInputError(f"schooljaar '{due.school_year}' is nog niet ingevuld")
    return SchoolYear.parse(str(value))


def _input_date(name: str, facts: CaseFacts) -> date:
    value = facts.inputs.get(name)
    if value is None:
        raise InvalidInputError(f"datum '{name}' is nog niet ingevuld")
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def ladder_calendar(
    deadline: DeadlineSpec,
    calendar: SchoolCalendar,
    days_off: Callable[[], frozenset[date]],
    region: Callable[[], str],
) -> SchoolCalendar:
    """The calendar ``deadline``'s reminder ladder is counted on: with the partnership's
    ``days_off`` and the summer vacation of the school's ``region`` (both read only then)
    when a rung or ``stale_after`` counts working days, the same working days as a
    deadline's own date (:func:`due_date`). A rung is never held up by a missing vacation:
    a summer whose vacation is not stored counts as school days (``lenient``), and entering
    it replans the rungs it moves."""
    spans = [rung.before or rung.after for rung in deadline.remind] + [deadline.stale_after]
    if any(span and Duration.parse(span).unit == "working_days" for span in spans):
        return calendar.counting_for(region(), days_off(), lenient=True)
    return calendar


def rung_days(due: date, deadline: DeadlineSpec, calendar: SchoolCalendar) -> list[date]:
    """The day each rung of ``deadline``'s ladder goes out for ``due``, in rung order, on
    ``calendar`` (:func:`ladder_calendar`)."""
    return [reminder_day(due, rung, calendar) for rung in deadline.remind]


def reminder_day(due: date, rung: ReminderSpec, calendar: SchoolCalendar) -> date:
    """The day a rung of the reminder ladder is due to go out."""
    if rung.on_due:
        return due
    if rung.after is not None:
        return add_duration(due, Duration.parse(rung.after), calendar)
    assert rung.before is not None
    return subtract_duration(due, Duration.parse(rung.before), calendar)


def subtract_duration(end: date, duration: Duration, calendar: SchoolCalendar) -> date:
    """The day ``duration`` before ``end`` (working days skip weekends, holidays and the
    calendar's days off, the summer vacation included)."""
    if duration.unit == "working_days":
        return calendar.subtract_working_days(end, duration.count)
    if duration.unit in ("days", "weeks"):
        return end - timedelta(days=duration.count * (7 if duration.unit == "weeks" else 1))
    return add_months(end, -duration.count * (12 if duration.unit == "years" else 1))
