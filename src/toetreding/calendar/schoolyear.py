"""School years of po, vo and mbo: 1 August through 31 July, named like ``2026-2027``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_NAME = re.compile(r"(\d{4})-(\d{4})")

#: First month of a school year (August); months before it belong to the second calendar year.
FIRST_MONTH = 8


def as_date(d: date) -> date:
    """``d`` as a plain date; a datetime is read by its own calendar fields."""
    return d.date() if isinstance(d, datetime) else d


@dataclass(frozen=True, order=True)
class SchoolYear:
    """The school year that starts on 1 August of ``start_year``.

    Ordered by ``start_year``; ``str()`` gives the name, e.g. ``2026-2027``.
    """

    start_year: int

    @classmethod
    def of(cls, d: date) -> SchoolYear:
        """The school year ``d`` falls in: 31 July 2027 is in 2026-2027, 1 August in 2027-2028.

        A datetime is read by its own calendar fields; convert it to Dutch local time first
        (:func:`toetreding.clock.local`) if it may be in another zone.
        """
        return cls(d.year if d.month >= FIRST_MONTH else d.year - 1)

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        """Read a name like ``2026-2027``; raise :class:`ValueError` (Dutch) otherwise."""
        match = _NAME.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise ValueError(
                f"ongeldig schooljaar {text!r}: schrijf het als twee jaartallen met een "
                "streepje, bijv. 2026-2027"
            )
        first, second = int(match.group(1)), int(match.group(2))
        if second != first + 1:
            raise ValueError(
                f"ongeldig schooljaar {text!r}: de jaren moeten opeenvolgend zijn, "
                f"bijv. {first}-{first + 1}"
            )
        return cls(first)

    @property
    def name(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def start(self) -> date:
        """1 August, the first day of the school year."""
        return date(self.start_year, FIRST_MONTH, 1)

    @property
    def end(self) -> date:
        """31 July, the last day of the school year."""
        return date(self.start_year + 1, 7, 31)

    def next(self) -> SchoolYear:
        return SchoolYear(self.start_year + 1)

    def previous(self) -> SchoolYear:
        return SchoolYear(self.start_year - 1)

    def contains(self, d: date) -> bool:
        return self.start <= as_date(d) <= self.end

    def __str__(self) -> str:
        return self.name
