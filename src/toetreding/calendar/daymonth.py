"""A day in the year written without a year, as protocols and guards write it: ``1 april``."""

from __future__ import annotations

import re
from calendar import monthrange

_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[-/ ](\d{1,2}|[a-z]+)\s*$")
_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip


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
