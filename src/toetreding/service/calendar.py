"""The school calendar kept in the database, and what an administrator must do about it.

Summer vacations per region are entered by administrators (web page, ``toetreding calendar``)
with their source; every change is kept. A deadline whose date needs a vacation that is not
there yet waits ("datum volgt"); saving the vacation dates it in the same transaction, and
correcting one moves the open deadlines of its region counted with it (working days, "vóór
de zomervakantie"; a date extended by hand stays). A
partnership's days off are no working days: adding or removing one moves that partnership's
open deadlines counted in working days, in the same transaction.
:meth:`CalendarService.doctor` lists what needs doing, so nothing is found out too late.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from toetreding._exceptions import InvalidInputError, NotFoundError, missing_vacation
from toetreding.calendar import (
    REGIONS,
    SchoolCalendar,
    SchoolYear,
    SummerVacations,
    period_problems,
)
from toetreding.clock import as_aware
from toetreding.deadlines import (
    CaseFacts,
    declared_deadline,
    ladder_calendar,
    latest_inputs,
    rung_days,
)
from toetreding.definition.model import DeadlineSpec
from toetreding.service._base import ORIGIN, stored_calendar
from toetreding.service.calendar_records import (
    Finding,
    MovedDeadline,
    Saved,
    SchoolYearRow,
    WaitingItem,
    moved_heading,
)
from toetreding.service.deadlines import DeadlineService
from toetreding.store import (
    CalendarChangeRecord,
    DayOffRecord,
    Ladder,
    OpenDeadline,
    VacationEntry,
    VacationRecord,
)

__all__ = [
    "CalendarService",
    "Finding",
    "MovedDeadline",
    "Saved",
    "SchoolYearRow",
    "WaitingItem",
    "moved_heading",
]


def _calendar_of(vacations: Sequence[VacationRecord]) -> SchoolCalendar:
    periods = {(SchoolYear.parse(v.school_year), v.region): (v.start, v.end) for v in vacations}
    sources = {SchoolYear.parse(v.school_year): v.source for v in vacations}
    return SchoolCalendar(SummerVacations.of(periods, sources, ORIGIN))


class CalendarService(DeadlineService):
    """Reading and keeping the school calendar; the health check (doctor)."""

    def calendar_years(self, today: date | None = None) -> list[SchoolYearRow]:
        """Every school year with data, plus the current and the next one (even when empty),
        oldest first."""
        current = SchoolYear.of(today or self.today())
        stored = self.store.summer_vacations()
        names = {v.school_year for v in stored} | {current.name, current.next().name}
        return [
            SchoolYearRow(
                name,
                {
                    region: next(
                        (v for v in stored if v.school_year == name and v.region == region), None
                    )
                    for region in REGIONS
                },
            )
            for name in sorted(names)
        ]

    def calendar_changes(self, limit: int = 50) -> list[CalendarChangeRecord]:
        return self.store.calendar_changes(limit)

    def days_off(self, partnership_ref: str | int | None = None) -> list[DayOffRecord]:
        return self.store.days_off(self.partnership_id(partnership_ref))

    def waiting_deadlines(self) -> list[WaitingItem]:
        """Open deadlines that wait for calendar data ("datum volgt"), with their labels."""
        return [
            WaitingItem(
                d.case_id,
                self._deadline_words(d.protocol_id, d.protocol_version, d.state, d.name).label,
                d.waiting_for,
            )
            for d in self.store.waiting_deadlines()
        ]

    def set_summer_vacations(
        self,
        school_year: str,
        periods: Mapping[str, tuple[date, date]],
        *,
        source: str,
        by: str | int | None,
        at: datetime | None = None,
    ) -> Saved:
        """Enter or correct the summer vacation of the regions in ``periods`` for
        ``school_year``, with its source; every waiting deadline that can now be dated gets
        its date in the same transaction (and its reminders are planned from then on), and
        every open deadline of a changed region counted with the vacation (working days,
        "vóór de zomervakantie") is counted again from its own start: a new date gets its
        history row and its reminders move with it (a sent one is not sent again). A date
        extended by hand stays."""
        year = _school_year(school_year)
        source = _official_source(source)
        if not periods:
            raise InvalidInputError("geef de zomervakantie van ten minste één regio")
        entries = []
        for region, (start, end) in periods.items():
            if region not in REGIONS:
                raise InvalidInputError(
                    f"onbekende regio '{region}'; kies uit {', '.join(REGIONS)}"
                )
            problems = period_problems(year, start, end)
            if problems:
                raise InvalidInputError(
                    f"zomervakantie {year} regio {region}: {'; '.join(problems)}"
                )
            entries.append(VacationEntry(year.name, region, start, end, source))
        return self._save(entries, by, at)

    def import_calendar(
        self, path: Path, *, by: str | int | None, at: datetime | None = None
    ) -> Saved:
        """Enter every school year of a calendar file (the format of the shipped
        ``protocols/calendar/zomervakanties.yaml``); the file is checked as a whole first."""
        vacations = SummerVacations.load(path)
        entries = [
            VacationEntry(year.name, region, start, end, _official_source(vacations.source(year)))
            for (year, region), (start, end) in sorted(vacations.periods.items())
        ]
        if not entries:
            raise InvalidInputError(f"{path} bevat geen zomervakanties")
        return self._save(entries, by, at)

    def set_day_off(
        self,
        partnership_ref: str | int,
        day: date,
        *,
        label: str | None,
        source: str,
        by: str | int | None,
        at: datetime | None = None,
    ) -> list[MovedDeadline]:
        """Add a day off of one partnership (``label``), or remove it (``label`` None). Its
        open deadlines counted in working days move in the same transaction (each with a
        history row, its reminders planned for the new date); the ones moved, by case.
        A date set by hand (an extension) and a date in the year ("vóór 1 april") stay.
        Reminder rungs counted in working days move too, in the same transaction: one not
        sent yet goes out on its new day, one sent is not sent again."""
        partnership = self.store.partnership(partnership_ref)
        if label is not None and not label.strip():
            raise InvalidInputError("geef de vrije dag een naam, bijv. 'studiedag'")
        if not source.strip():
            raise InvalidInputError("geef de bron (bijv. het besluit van de stuurgroep)")
        if label is None and all(d.day != day for d in self.store.days_off(partnership.id)):
            raise NotFoundError(f"{partnership.code} heeft geen vrije dag op {day:%d-%m-%Y}")
        change = f"vrije dag {day:%d-%m-%Y} {'toegevoegd' if label else 'geschrapt'}"

        def redate(
            days_off: frozenset[date], deadlines: list[OpenDeadline]
        ) -> dict[int, tuple[date, str]]:
            return self._recompute(
                deadlines,
                stored_calendar(self.store),  # working days skip the region's vacation too
                lambda d: d.due.in_working_days,
                lambda _: days_off,
                lambda d: change,  # the deadline and its dates are the row's payload
            )

        moved = self.store.save_day_off(
            partnership.id or 0,
            partnership.code,
            day,
            label=label.strip() if label else None,
            source=source.strip(),
            person_id=self._who(by, partnership.id),
            at=as_aware(at) if at else self.clock.now(),
            redate=redate,
            replan=lambda before, after, ladders: self._rung_moves(
                ladders,
                lambda ladder: (self.deadlines.calendar, before),
                lambda ladder: (self.deadlines.calendar, after),
            ),
        )
        return [
            MovedDeadline(
                d.case_id,
                self._deadline_words(d.protocol_id, d.protocol_version, d.state, d.name).label,
                d.due_date or new,
                new,
            )
            for d, new in moved
        ]

    def doctor(self, today: date | None = None) -> list[Finding]:
        """What an administrator must do now: deadlines waiting for calendar data, and every
        school year from the current one on whose vacations are missing (so they are entered
        months before a deadline needs them), naming the regions. Empty: nothing to do.
        The CLI, the overview and the calendar page all show this list."""
        day = today or self.today()
        findings = []
        # what each waiting deadline waits for, as it carries it: (year, region) or its words
        waiting: dict[tuple[str, str | None] | str, int] = {}
        for deadline in self.store.waiting_deadlines():
            key = (
                (deadline.waiting_year, deadline.waiting_region)
                if deadline.waiting_year
                else deadline.waiting_for  # words of a form no migration could read
            )
            waiting[key] = waiting.get(key, 0) + 1
        # (year, region): the regions a waiting deadline names are said here
        said: set[tuple[str, str]] = set()
        for key, count in sorted(waiting.items(), key=lambda item: str(item[0])):
            cases = "1 termijn wacht" if count == 1 else f"{count} termijnen wachten"
            if isinstance(key, str):
                findings.append(Finding(f"{cases} op: {key} (datum volgt)", _HOW_ANY))
                continue
            year, region = key
            regions = [region] if region else list(REGIONS)
            said.update((year, r) for r in regions)
            problem = f"{cases} op de {missing_vacation(year, region)} (datum volgt)"
            findings.append(Finding(problem, _how(year, regions)))
        current = SchoolYear.of(day)
        for row in self.calendar_years(day):
            if SchoolYear.parse(row.school_year) < current:
                continue  # a past year matters only for a deadline waiting on it (above)
            gaps = [
                region
                for region, found in row.regions.items()
                if found is None and (row.school_year, region) not in said
            ]
            if gaps:
                findings.append(
                    Finding(
                        f"de zomervakantie {row.school_year} ontbreekt voor regio "
                        f"{', '.join(gaps)}",
                        _how(row.school_year, gaps),
                    )
                )
        return findings

    # --- helpers --------------------------------------------------------------------------

    def _save(
        self, entries: list[VacationEntry], by: str | int | None, at: datetime | None
    ) -> Saved:
        changed, dated, redated = self.store.save_vacations(
            entries,
            person_id=self._who(by),
            at=as_aware(at) if at else self.clock.now(),
            redate=self._redate,
            recount=self._recount,
            replan=lambda before, after, days_off, ladders: self._rung_moves(
                ladders,
                lambda ladder: (_calendar_of(before), days_off(ladder.partnership_id)),
                lambda ladder: (_calendar_of(after), days_off(ladder.partnership_id)),
            ),
        )
        return Saved(changed, dated, redated)

    def _who(self, by: str | int | None, partnership_id: int | None = None) -> int | None:
        """Who changes the calendar: an administrator (of the partnership, for its days off)."""
        if by is None:
            return None
        return self.require_administrator(by, "de schoolkalender wijzigen", partnership_id)

    def _redate(
        self,
        vacations: list[VacationRecord],
        days_off: Callable[[int], frozenset[date]],
        waiting: list[OpenDeadline],
    ) -> dict[int, tuple[date, str]]:
        """The dates the waiting deadlines get from ``vacations`` (those it can date); one
        counted in working days skips its partnership's ``days_off`` as well."""
        return self._recompute(
            waiting,
            _calendar_of(vacations),
            lambda _: True,
            lambda d: days_off(d.partnership_id),
            lambda d: f"de {d.waiting_for} is ingevoerd",
        )

    def _recount(
        self,
        vacations: list[VacationRecord],
        days_off: Callable[[int], frozenset[date]],
        dated: list[OpenDeadline],
    ) -> dict[int, tuple[date, str]]:
        """The dates the ``dated`` deadlines counted with a summer vacation (working days,
        "vóór de zomervakantie") get from the corrected ``vacations``, from their own start."""
        return self._recompute(
            dated,
            _calendar_of(vacations),
            lambda spec: spec.due.in_working_days or spec.due.summer_vacation,
            lambda d: days_off(d.partnership_id),
            lambda d: f"de zomervakantie van regio {d.region} is gecorrigeerd",
        )

    def _recompute(
        self,
        deadlines: list[OpenDeadline],
        calendar: SchoolCalendar,
        concerned: Callable[[DeadlineSpec], bool],
        days_off: Callable[[OpenDeadline], frozenset[date]],
        note: Callable[[OpenDeadline], str],
    ) -> dict[int, tuple[date, str]]:
        """The date each ``concerned`` deadline gets on ``calendar`` and its partnership's
        ``days_off`` (those it can date), with the note of its history row: why it moved."""
        dated = {}
        for deadline in deadlines:
            spec = self._spec(deadline.protocol_id, deadline.protocol_version)
            declared = declared_deadline(spec, deadline.state, deadline.name)
            if declared is None or not concerned(declared):
                continue
            facts = CaseFacts(
                deadline.created_at,
                deadline.region,
                latest_inputs(deadline.payloads),
                days_off(deadline) if declared.due.in_working_days else frozenset(),
            )
            try:
                due = self.deadlines.date_waiting(declared, facts, calendar)
            except InvalidInputError:
                continue  # needs an input the case lacks: it stays as it is
            if due is not None:
                dated[deadline.id] = (due, note(deadline))
        return dated

    def _rung_moves(
        self,
        ladders: list[Ladder],
        before: Callable[[Ladder], tuple[SchoolCalendar, frozenset[date]]],
        after: Callable[[Ladder], tuple[SchoolCalendar, frozenset[date]]],
    ) -> dict[int, list[tuple[date, date]]]:
        """Each ladder's rung days on the calendar and days off ``before`` and ``after`` a
        change (of days off, or of summer vacations), counted as the heartbeat counts them
        (:func:`toetreding.deadlines.rung_days`); only the ladders with a rung that moved."""
        moved = {}
        for ladder in ladders:
            spec = self._spec(ladder.protocol_id, ladder.protocol_version)
            declared = declared_deadline(spec, ladder.state, ladder.name)
            if declared is None or not declared.remind:
                continue
            old, new = (
                _rung_days(ladder, declared, *counted)
                for counted in (before(ladder), after(ladder))
            )
            if old != new:
                moved[ladder.id] = list(zip(old, new, strict=True))
        return moved


def _rung_days(
    ladder: Ladder, declared: DeadlineSpec, calendar: SchoolCalendar, days_off: frozenset[date]
) -> list[date]:
    """The days ``ladder``'s rungs go out on ``calendar`` with the partnership's ``days_off``."""
    counted = ladder_calendar(declared, calendar, lambda: days_off, lambda: ladder.region)
    return rung_days(ladder.due_date, declared, counted)


def _school_year(text: str) -> SchoolYear:
    try:
        return SchoolYear.parse(text)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from None


def _official_source(text: str) -> str:
    """``text`` as the source of vacation dates: a web address (http or https), as every
    shipped year cites its page on rijksoverheid.nl. Only new input is checked; sources
    already kept stay as they are."""
    source = text.strip()
    if not source:
        raise InvalidInputError(
            "geef de bron van de data (bijv. de pagina op rijksoverheid.nl)"
        ).with_hint("--source URL")
    try:
        parsed = urlsplit(source)
        address = parsed.scheme.lower() in ("http", "https") and "." in (parsed.hostname or "")
    except ValueError:  # e.g. "http://[" : not an address either
        address = False
    if not address or any(c.isspace() for c in source):
        raise InvalidInputError(
            f"'{source}' is geen bron: geef de bron als webadres, "
            "bijv. https://www.rijksoverheid.nl/…"
        ).with_hint("--source URL")
    return source


_HOW_ANY = "voer de ontbrekende data in, met de bron: menu Schoolkalender (/beheer/schoolkalender)"


def _how(school_year: str, regions: Sequence[str]) -> str:
    """How to enter the missing ``regions`` of ``school_year``: the web page (its place in the
    menu) or the command, naming only those regions."""
    periods = " ".join(f"--{region} BEGIN:EIND" for region in regions)
    return (
        f"voer de zomervakantie {school_year} van regio {', '.join(regions)} in, met de bron "
        f"(rijksoverheid.nl): menu Schoolkalender (/beheer/schoolkalender), of "
        f"toetreding calendar set {school_year} {periods} --source URL"
    )
