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
#: calendar year its school year ends in: the widest window the official rules and the
#: shipped data allow. The ministry's regions start their six weeks between early and late
#: July, so the last one ends in the first days of September (zuid 2028: 3 September);
#: 15 September leaves room. A count that reaches a day in it in a summer whose vacation is
#: not stored waits for it. The loader accepts a vacation ending by 30 September
#: (``vacations.LATEST_END``): a stored one is skipped up to that day, but a day after
#: 15 September never waits for a missing one.
SUMMER_WINDOW = ((7, 1), (9, 15))


def in_summer_window(day: date) -> bool:
    """``day`` lies where a summer vacation can fall (1 July - 15 September)."""
    return SUMMER_WINDOW[0] <= (day.month, day.day) <= SUMMER_WINDOW[1]


def _may_be_stored(day: date) -> bool:
    """``day`` lies where a stored vacation may reach (1 July - 30 September)."""
    return SUMMER_WINDOW[0] <= (day.month, day.day) <= LATEST_END


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
        self._known: dict[SchoolYear, tuple[date, date] | None] = {}  # read once a year
        self._missing: dict[SchoolYear, MissingCalendarData] = {}

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date) or day in self.partnership:
            return day in self.partnership
        if not _may_be_stored(day):
            return False
        # the school year ending that summer; a missing one matters only in the window
        period = self._vacation(SchoolYear(day.year - 1), strict=in_summer_window(day))
        return period is not None and period[0] <= day <= period[1]

    def _vacation(self, year: SchoolYear, *, strict: bool) -> tuple[date, date] | None:
        if year not in self._known:
            try:
                self._known[year] = self._vacations.vacation(self.region, year)
            except MissingCalendarData as absent:
                self._known[year] = None
                self._missing[year] = absent
        missing = self._missing.get(year)
        if missing is not None and strict and not self._lenient:
            raise missing
        return self._known[year]

    def __repr__(self) -> str:
        return f"DaysOff({len(self.partnership)} vrije dagen, regio {self.region})"
