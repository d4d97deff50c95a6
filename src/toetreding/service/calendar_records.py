"""What the school calendar's service hands back to the views: plain records and their
words (``service/calendar.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from toetreding.store import VacationRecord


@dataclass(frozen=True)
class SchoolYearRow:
    """One school year of the calendar as the administrator reads it."""

    school_year: str
    regions: dict[str, VacationRecord | None]  # by region; None: not entered

    @property
    def complete(self) -> bool:
        return all(self.regions.values())


@dataclass(frozen=True)
class Finding:
    """Something an administrator must do, in words, with how to do it."""

    problem: str
    action: str


@dataclass(frozen=True)
class Saved:
    changed: int  # calendar entries that changed
    dated: int  # waiting deadlines that got their date
    redated: int = 0  # dated deadlines a corrected vacation gave another date

    @property
    def redated_words(self) -> str:
        """``2 termijnen kregen een nieuwe datum`` (empty when none did)."""
        if not self.redated:
            return ""
        if self.redated == 1:
            return "1 termijn kreeg een nieuwe datum"
        return f"{self.redated} termijnen kregen een nieuwe datum"


@dataclass(frozen=True)
class MovedDeadline:
    """A deadline a day off moved: on which case, its label, from and to which date."""

    case_id: int
    label: str
    old: date
    new: date

    @property
    def words(self) -> str:
        """``dossier 4: Reageren binnen 10 werkdagen 06-05-2027 → 07-05-2027``"""
        return f"dossier {self.case_id}: {self.label} {self.old:%d-%m-%Y} → {self.new:%d-%m-%Y}"


def moved_heading(count: int) -> str:
    """What a change of days off did, in words: ``2 termijnen verschoven``."""
    return f"{count} termijn{'' if count == 1 else 'en'} verschoven"


@dataclass(frozen=True)
class WaitingItem:
    """A deadline waiting for calendar data, as people read it."""

    case_id: int
    label: str
    waiting_for: str  # "zomervakantie 2025-2026 van regio noord"
