"""The school calendar: school years, Dutch public holidays, working days, summer vacations.

Nothing here reads the wall clock; every function takes the date it is about::

    from toetreding.calendar import SchoolCalendar, SchoolYear
    cal = SchoolCalendar.load()                       # protocols/calendar/zomervakanties.yaml
    year = cal.school_year_of(date(2028, 3, 1))       # SchoolYear 2027-2028
    cal.before_summer_vacation("midden", year)        # date(2028, 7, 7), last school day
    cal.add_working_days(date(2027, 4, 22), 10)       # date(2027, 5, 10)
    cal.date_in_school_year(4, 1, year)               # date(2028, 4, 1)

* School years run 1 August - 31 July and are named like ``2026-2027``
  (:mod:`~toetreding.calendar.schoolyear`).
* Public holidays are computed by the ``holidays`` package; see
  :mod:`~toetreding.calendar.workdays` for what it counts (Goede vrijdag yes, Bevrijdingsdag
  only every five years).
* A count in working days for a school skips the summer vacation of its region too
  (:meth:`SchoolCalendar.counting_for`, :mod:`~toetreding.calendar.offdays`).
* Summer vacations per region come from an editable data file with its sources
  (:mod:`~toetreding.calendar.vacations`); a missing year or region raises
  :class:`~toetreding.CalendarDataError` naming the file to edit.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from toetreding.calendar import workdays
from toetreding.calendar.daymonth import (
    SUMMER_VACATION,
    AmbiguousDay,
    DayLimit,
    NamedMoment,
    day_month_text,
    moments_named_in,
    parse_day_month,
    parse_limit,
)
from toetreding.calendar.offdays import SUMMER_WINDOW, DaysOff, in_summer_window
from toetreding.calendar.schoolyear import FIRST_MONTH, SchoolYear
from toetreding.calendar.vacations import (
    CALENDAR_FILE_ENV,
    REGIONS,
    Region,
    SummerVacations,
    default_vacations_file,
    period_problems,
)
from toetreding.calendar.workdays import (
    add_working_days,
    holiday_name,
    holidays_in_year,
    is_public_holiday,
    is_working_day,
    next_working_day,
    previous_working_day,
    subtract_working_days,
    working_days_between,
)


@dataclass(frozen=True)
class SchoolCalendar:
    """School years, working days and the summer vacations of one data file together;
    ``days_off`` are no working days: a partnership's own days off and, for a count for a
    school (:meth:`counting_for`), the summer vacation of its region."""

    vacations: SummerVacations
    days_off: Container[object] = frozenset()

    @classmethod
    def load(cls, path: Path | str | None = None) -> SchoolCalendar:
        """A calendar on the vacations in ``path`` (default :func:`default_vacations_file`)."""
        return cls(SummerVacations.load(path))

    def counting_for(
        self, region: str, days_off: frozenset[date], *, lenient: bool = False
    ) -> SchoolCalendar:
        """The same calendar counting working days for a school of ``region`` in a
        partnership with ``days_off``: both those days and the region's summer vacation are
        no working days (:class:`~toetreding.calendar.offdays.DaysOff`; a count that runs
        into the summer of a school year whose vacation is missing raises
        :class:`~toetreding.MissingCalendarData`, unless ``lenient``)."""
        return replace(self, days_off=DaysOff(days_off, self.vacations, region, lenient=lenient))

    def school_year_of(self, d: date) -> SchoolYear:
        return SchoolYear.of(d)

    def summer_vacation(self, region: str, year: SchoolYear) -> tuple[date, date]:
        """First and last day (inclusive) of the summer vacation ending school year ``year``."""
        return self.vacations.vacation(region, year)

    def before_summer_vacation(self, region: str, year: SchoolYear) -> date:
        """The last school day (working day) before the summer vacation of ``region`` in
        school year ``year``: the deadline meant by "vóór de zomervakantie"."""
        return self.vacations.last_school_day_before(region, year)

    def add_working_days(self, d: date, n: int) -> date:
        """See :func:`toetreding.calendar.workdays.add_working_days`."""
        return workdays.add_working_days(d, n, self.days_off)

    def subtract_working_days(self, d: date, n: int) -> date:
        """See :func:`toetreding.calendar.workdays.subtract_working_days`."""
        return workdays.subtract_working_days(d, n, self.days_off)

    def is_working_day(self, d: date) -> bool:
        return workdays.is_working_day(d, self.days_off)

    def working_days_between(self, a: date, b: date) -> int:
        """See :func:`toetreding.calendar.workdays.working_days_between`."""
        return workdays.working_days_between(a, b, self.days_off)

    def date_in_school_year(self, month: int, day: int, year: SchoolYear) -> date:
        """The date ``day``-``month`` within school year ``year``: August-December fall in
        its first calendar year, January-July in its second. For 2026-2027, 1 October is
        2026-10-01 and 1 April is 2027-04-01."""
        calendar_year = year.start_year if month >= FIRST_MONTH else year.start_year + 1
        return date(calendar_year, month, day)


__all__ = [
    "CALENDAR_FILE_ENV",
    "REGIONS",
    "SUMMER_VACATION",
    "SUMMER_WINDOW",
    "AmbiguousDay",
    "DayLimit",
    "DaysOff",
    "NamedMoment",
    "Region",
    "SchoolCalendar",
    "SchoolYear",
    "SummerVacations",
    "add_working_days",
    "day_month_text",
    "default_vacations_file",
    "holiday_name",
    "holidays_in_year",
    "in_summer_window",
    "is_public_holiday",
    "is_working_day",
    "moments_named_in",
    "next_working_day",
    "parse_day_month",
    "parse_limit",
    "period_problems",
    "previous_working_day",
    "subtract_working_days",
    "working_days_between",
]
