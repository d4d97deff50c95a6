"""A day in the year written without a year, as protocols and guards write it: ``1 april``.

A deadline on such a day says whether the day itself still counts. In Dutch rules "vóór
1 april" (*before*) means 31 March is the last day; "uiterlijk 1 april" (*by*) means 1 April
is. :class:`DayLimit` holds the day and that choice; :func:`parse_limit` reads the words,
and :func:`moments_named_in` finds such days (and the summer vacation) in a label.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[-/ ](\d{1,2}|[a-z]+)\s*$")
_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH_NAMES = {number: name for name, number in _MONTHS.items()}

#: The calendar-derived moment a deadline may be *before*: the region's summer vacation.
SUMMER_VACATION = "zomervakantie"

# Words that say the day itself no longer counts, and words that say it still does.
_BEFORE_WORDS = ("vóór", "voor", "before")
_BY_WORDS = ("uiterlijk", "by")


def parse_day_month(text: str) -> tuple[int, int]:
    """``1 april`` or ``1-4`` -> (1, 4); the date must exist in every year (no 29 Feb)."""
    match = _DAY_MONTH.match(text.lower())
    if match is not None:
        day = int(match[1])
        month = int(match[2]) if match[2].isdigit() else _MONTHS.get(match[2], 0)
        # 2023 is not a leap year: a day that exists then exists in every year.
        if 1 <= month <= 12 and 1 <= day <= monthrange(2023, month)[1]:
            return day, month
    raise ValueError(f"'{text}' is geen dag in het jaar; schrijf bijv. '1 april' of '1-4'")


def day_month_text(day: int, month: int) -> str:
    """(31, 3) -> ``31 maart``."""
    return f"{day} {_MONTH_NAMES[month]}"


@dataclass(frozen=True)
class DayLimit:
    """A day in the year that ends a period, and whether that day itself still counts.

    ``before`` (vóór 1 april): the last day is the day before, 31 March (28 or 29 February
    for "vóór 1 maart"). Otherwise (uiterlijk 1 april) the day itself is the last day.
    """

    day: int
    month: int
    before: bool

    @classmethod
    def of(cls, text: str, *, before: bool) -> DayLimit:
        day, month = parse_day_month(text)
        return cls(day, month, before)

    def last_day(self, named: date) -> date:
        """The last day, given the named day in the year it falls in."""
        return named - timedelta(days=1) if self.before else named

    def last_in(self, year: int) -> date:
        """The last day when the named day falls in calendar year ``year``."""
        return self.last_day(date(year, self.month, self.day))

    @property
    def named(self) -> str:
        """The day as written: ``1 april``."""
        return day_month_text(self.day, self.month)

    @property
    def words(self) -> str:
        """``vóór 1 april`` or ``uiterlijk 1 april``."""
        return f"{'vóór' if self.before else 'uiterlijk'} {self.named}"

    @property
    def last_words(self) -> str:
        """The last day without a year: ``31 maart`` for vóór 1 april (``28 februari`` for
        vóór 1 maart, 29 in a leap year)."""
        last = self.last_in(2023)
        return day_month_text(last.day, last.month)

    def agrees_with(self, other: DayLimit) -> bool:
        """Both end on the same last day, in a leap year and in any other year."""
        return all(self.last_in(year) == other.last_in(year) for year in (2023, 2024))


class AmbiguousDay(ValueError):
    """A day written without the word that says whether it still counts."""


def parse_limit(text: str) -> DayLimit:
    """``vóór 1 april`` (or ``before 1 april``) and ``uiterlijk 1 april`` (or ``by 1 april``);
    a bare day is refused, since it does not say whether that day still counts."""
    words = text.strip().split(maxsplit=1)
    if len(words) == 2 and words[0].lower() in _BEFORE_WORDS + _BY_WORDS:
        return DayLimit.of(words[1], before=words[0].lower() in _BEFORE_WORDS)
    day, month = parse_day_month(text)  # a bare day: say what to write instead
    limit = DayLimit(day, month, before=True)
    raise AmbiguousDay(
        f"'{text.strip()}' zegt niet of {limit.named} zelf nog meetelt; schrijf "
        f"'vóór {limit.named}' (de laatste dag is {limit.last_words}) of "
        f"'uiterlijk {limit.named}' (de laatste dag is {limit.named})"
    )


@dataclass(frozen=True)
class NamedMoment:
    """A day (or the summer vacation) a label names, with the word before it, if any."""

    text: str  # as written in the label, e.g. 'vóór 1 april'
    limit: DayLimit | None  # None: the summer vacation
    before: bool  # 'vóór'/'voor'; a bare day, 'uiterlijk', 'tot en met', 'op' count as by


_NAMED = re.compile(
    r"(?:\b(?P<word>vóór|voor|before|uiterlijk|tot en met|t/m|by|op|per)\s+)?"
    r"(?:(?P<summer>(?:de\s+)?zomervakantie)"
    rf"|(?P<day>\b\d{{1,2}})\s+(?P<month>{'|'.join(_MONTHS)})\b)",
    re.IGNORECASE,
)


def moments_named_in(label: str) -> list[NamedMoment]:
    """The days in the year (written with the month's name) and mentions of the summer
    vacation in ``label``: ``Besluit (vóór 1 april)`` names 'vóór 1 april'."""
    found = []
    for match in _NAMED.finditer(label):
        before = (match["word"] or "").lower() in _BEFORE_WORDS
        if match["summer"]:
            found.append(NamedMoment(match[0].strip(), None, before))
        else:
            day, month = int(match["day"]), _MONTHS[match["month"].lower()]
            if 1 <= day <= monthrange(2023, month)[1]:
                found.append(NamedMoment(match[0].strip(), DayLimit(day, month, before), before))
    return found
