"""The days a count in working days skips besides weekends and public holidays: a
partnership's own days off and the summer vacation of the school's region.

The count itself is :mod:`~toetreding.calendar.workdays`; it only asks ``day in days_off``.
:class:`DaysOff` answers that lazily, so a count far from summer reads no vacation at all,
and one that runs into summer reads the vacation of that one school year once.

A day in the window in which a summer vacation can fall (:data:`SUMMER_WINDOW`) of a school
year whose vacation for the region is not stored cannot be counted: it raises
:class:`~toetreding.MissingCalendarData`, so the deadline waits ("datum volgt") until an
administrator enters that year, exactly as "vóór de zomervakantie" does. ``lenient``
counts such a day as a school day instead (a reminder rung is never held up by it).
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date

from toetreding._exceptions import MissingCalendarData
from toetreding.calendar.schoolyear import SchoolYear
from toetreding.calendar.vacations import LATEST_END, SummerVacations

#: (month, day) of the first and last day on which a summer vacation can fall, in the
#: calendar year its school year ends in. The widest window the data allows: the loader and
#: the calendar page accept a vacation that starts in July and ends by 30 September
#: (``vacations.period_problems``); the ministry's regions start between early and late July
#: and end by early September. Outside it no vacation is read.
SUMMER_WINDOW = ((7, 1), LATEST_END)


def in_summer_window(day: date) -> bool:
    """``day`` lies where a summer vacation can fall (1 July - 30 September)."""
    return SUMMER_WINDOW[0] <= (day.month, day.day) <= SUMMER_WINDOW[1]


class DaysOff(Container[object]):
    """``partnership``'s days off and the summer vacation of ``region`` (see the module)."""

    def __init__(
        self,
        partnership: frozenset[date],
        vacations: SummerVacations,
        region: str,
        *,
        lenient: bool = False,
    ) -> None:
        self.partnership = partnership
        self.region = region
        self._vacations = vacations
        self._lenient = lenient
        self._known: dict[SchoolYear, tuple[date, date] | None] = {}

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date) or day in self.partnership:
            return day in self.partnership
        if not in_summer_window(day):
            return False
        period = self._vacation(SchoolYear(day.year - 1))  # the school year ending that summer
        return period is not None and period[0] <= day <= period[1]

    def _vacation(self, year: SchoolYear) -> tuple[date, date] | None:
        if year not in self._known:
            try:
                self._known[year] = self._vacations.vacation(self.region, year)
            except MissingCalendarData:
                if not self._lenient:
                    raise
                self._known[year] = None
        return self._known[year]

    def __repr__(self) -> str:
        return f"DaysOff({len(self.partnership)} vrije dagen, regio {self.region})"
