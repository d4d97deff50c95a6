"""Dutch public holidays and working days.

Holidays are computed by the ``holidays`` package (``holidays.country_holidays("NL")``,
category ``public``), never listed here, with Dutch names when the installed version offers
them. What that package counts, checked against version 0.109:

- Nieuwjaarsdag, Eerste/Tweede paasdag, Hemelvaartsdag, Eerste/Tweede pinksterdag and
  Eerste/Tweede kerstdag.
- Koningsdag on 27 April, or on Saturday 26 April when the 27th is a Sunday (e.g. 2025).
- **Goede vrijdag is counted** as a public holiday. It is not one of the days the Algemene
  termijnenwet names, and the package has moved it between its ``public`` and ``optional``
  categories over time; whatever the installed version says is what is used here.
  ``tests/test_calendar.py`` pins the current behaviour so an upgrade that changes it is noticed.
- **Bevrijdingsdag (5 May) only every five years** (2025, 2030, ...), the usual CAO practice;
  in other years 5 May is a working day (the package lists it every year only under its
  ``optional`` category, which is not used here).

A working day is Monday to Friday and not such a public holiday, nor one of ``days_off``
when given. For a deadline or reminder of a case, ``days_off`` holds the partnership's own
days off (kept in the database) and the summer vacation of the school's region
(:class:`~toetreding.calendar.offdays.DaysOff`, read only when a count runs into summer;
other school vacations are not stored and not skipped). This is the one count: every
deadline and reminder rung in working days goes through it. Nothing here reads the wall
clock: every function takes its date.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from functools import lru_cache

from toetreding.calendar.schoolyear import as_date

_COUNTRY = "NL"
_DUTCH = "nl"
_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


def _language() -> str | None:
    """``nl`` when the installed ``holidays`` has Dutch names for NL, else its default."""
    import holidays  # imported on first use: a tenth of a second every command would pay

    localized = holidays.list_localized_countries().get(_COUNTRY, [])
    return _DUTCH if _DUTCH in localized else None


@lru_cache(maxsize=256)
def _holidays(year: int) -> dict[date, str]:
    import holidays

    calendar = holidays.country_holidays(_COUNTRY, years=year, language=_language())
    return {day: str(name) for day, name in calendar.items()}


def holidays_in_year(year: int) -> dict[date, str]:
    """The Dutch public holidays of calendar ``year``: date -> name, in date order."""
    return dict(sorted(_holidays(year).items()))


def holiday_name(d: date) -> str | None:
    """The name of the public holiday on ``d`` (e.g. ``Koningsdag``), or ``None``."""
    day = as_date(d)
    return _holidays(day.year).get(day)


def is_public_holiday(d: date) -> bool:
    return holiday_name(d) is not None


def is_working_day(d: date, days_off: Container[object] = ()) -> bool:
    """Monday to Friday, not a public holiday and not one of ``days_off``."""
    day = as_date(d)
    return day.weekday() < _SATURDAY and not is_public_holiday(day) and day not in days_off


def next_working_day(d: date, days_off: Container[object] = ()) -> date:
    """The first working day strictly after ``d``."""
    day = as_date(d) + _ONE_DAY
    while not is_working_day(day, days_off):
        day += _ONE_DAY
    return day


def previous_working_day(d: date, days_off: Container[object] = ()) -> date:
    """The last working day strictly before ``d``."""
    day = as_date(d) - _ONE_DAY
    while not is_working_day(day, days_off):
        day -= _ONE_DAY
    return day


def add_working_days(d: date, n: int, days_off: Container[object] = ()) -> date:
    """The ``n``-th working day after ``d``; ``d`` itself does not count.

    ``n == 0`` gives ``d`` when it is a working day, else the next working day (a deadline
    of "0 working days" falling in a weekend moves to Monday). ``n`` must not be negative.
    """
    if n < 0:
        raise ValueError(f"aantal werkdagen mag niet negatief zijn (kreeg {n})")
    day = as_date(d)
    if n == 0:
        return day if is_working_day(day, days_off) else next_working_day(day, days_off)
    for _ in range(n):
        day = next_working_day(day, days_off)
    return day


def subtract_working_days(d: date, n: int, days_off: Container[object] = ()) -> date:
    """The ``n``-th working day before ``d``; ``d`` itself does not count (``n == 0``: ``d``).

    A reminder "3 werkdagen" before a deadline counts back this way, on the same working days
    as the deadline itself. ``n`` must not be negative.
    """
    if n < 0:
        raise ValueError(f"aantal werkdagen mag niet negatief zijn (kreeg {n})")
    day = as_date(d)
    for _ in range(n):
        day = previous_working_day(day, days_off)
    return day


def working_days_between(a: date, b: date, days_off: Container[object] = ()) -> int:
    """The number of working days after ``a`` up to and including ``b``.

    So ``working_days_between(d, add_working_days(d, n)) == n`` for ``n >= 1``. When ``b``
    lies before ``a`` the count is negative: ``-working_days_between(b, a)``.
    """
    first, last = as_date(a), as_date(b)
    if last < first:
        return -working_days_between(last, first, days_off)
    count = 0
    day = first + _ONE_DAY
    while day <= last:
        if is_working_day(day, days_off):
            count += 1
        day += _ONE_DAY
    return count
