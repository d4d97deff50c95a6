"""Summer vacations per region and school year, read from an editable YAML data file.

The ministry of OCW fixes the summer vacation centrally per region (noord, midden, zuid); the
dates are not computable, so they live in ``protocols/calendar/zomervakanties.yaml``, each
school year with the ``source`` it was taken from. A year or region missing from the file is
an error that names the file to edit, never a guess.

File shape::

    format: 1
    regions:                      # optional: a description per region
      noord: "..."
    school_years:
      "2027-2028":
        source: "https://..."     # required
        noord: {start: 2028-07-15, end: 2028-08-27}
        midden: {start: 2028-07-08, end: 2028-08-20}
        zuid: {start: 2028-07-22, end: 2028-09-03}

Checks on loading: no unknown keys, ``start <= end``, and the vacation must lie around the
end of the named school year: it starts in July of its second calendar year (so before
31 July, the last day of the school year) and ends by 30 September. That a vacation starts on
a Saturday is usual but not enforced.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from toetreding._exceptions import CalendarDataError, InvalidInputError, MissingCalendarData
from toetreding.calendar.schoolyear import SchoolYear
from toetreding.calendar.workdays import previous_working_day
from toetreding.formats import YamlProblem, read_yaml, read_yaml_text
from toetreding.settings import default_protocols_dir


class Region(StrEnum):
    """Summer-vacation regions of the Netherlands."""

    NOORD = "noord"
    MIDDEN = "midden"
    ZUID = "zuid"


#: The summer-vacation regions by name, in the order of :class:`Region`.
REGIONS: tuple[str, ...] = tuple(region.value for region in Region)
CALENDAR_FILE_ENV = "TOETREDING_CALENDAR_FILE"

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

LATEST_END = (9, 30)  # (month, day): a summer vacation is over by 30 September


def default_vacations_file(environ: Mapping[str, str] | None = None) -> Path:
    """``$TOETREDING_CALENDAR_FILE``, else ``calendar/zomervakanties.yaml`` under the
    repository's ``protocols/`` (or the copy bundled in an installed wheel)."""
    env = os.environ if environ is None else environ
    configured = env.get(CALENDAR_FILE_ENV)
    if configured:
        return Path(configured)
    return default_protocols_dir() / "calendar" / "zomervakanties.yaml"


# --- file model ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Period(_Strict):
    start: date
    end: date


class _YearEntry(_Strict):
    source: _Text
    noord: _Period | None = None
    midden: _Period | None = None
    zuid: _Period | None = None


class _CalendarFile(_Strict):
    format: Literal[1]
    regions: dict[Region, str] = {}
    school_years: dict[str, _YearEntry]


_PYDANTIC_DUTCH = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekende sleutel",
    "string_too_short": "mag niet leeg zijn",
    "string_type": "verwacht tekst",
    "dict_type": "verwacht sleutels met waarden",
    "model_type": "verwacht sleutels met waarden",
    "date_type": "verwacht een datum als JJJJ-MM-DD",
    "date_parsing": "verwacht een datum als JJJJ-MM-DD",
    "date_from_datetime_parsing": "verwacht een datum als JJJJ-MM-DD",
    "date_from_datetime_inexact": "verwacht een datum zonder tijd",
}


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it, else as is."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _refuse(
    path: Path, problems: list[tuple[str, str]], *, keyed: bool = True
) -> CalendarDataError:
    """One error for all ``problems`` (where, message); ``where`` is a dotted key when
    ``keyed``, else a place such as ``regel 3``."""
    shown = _display(path)
    count = "1 probleem" if len(problems) == 1 else f"{len(problems)} problemen"
    lines = "\n".join(f"  - {key}: {message}" for key, message in problems)
    return CalendarDataError(
        f"kalenderbestand {shown} is ongeldig ({count}):\n{lines}\nPas {shown} aan.",
        file=str(path),
        keys=tuple(key for key, _ in problems) if keyed else (),
    )


def _pydantic_problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"] if part != "[key]") or "(bestand)"
        message = _PYDANTIC_DUTCH.get(error["type"], error["msg"])
        if error["type"] in ("literal_error", "enum"):
            expected = str(error.get("ctx", {}).get("expected", "?"))
            message = f"toegestaan: {expected.replace(' or ', ' of ')}"
        problems.append((key, message))
    return problems


def period_problems(year: SchoolYear, start: date, end: date) -> list[str]:
    """What is wrong with a summer vacation from ``start`` to ``end`` ending ``year``, in
    Dutch (empty: nothing); the same checks as on loading the file."""
    return [message for _, message in _period_problems("", year, _Period(start=start, end=end))]


def _period_problems(key: str, year: SchoolYear, period: _Period) -> list[tuple[str, str]]:
    problems = []
    if period.end < period.start:
        problems.append((f"{key}.end", f"einde {period.end} ligt vóór het begin {period.start}"))
    july = date(year.start_year + 1, 7, 1)
    if not july <= period.start <= year.end:
        problems.append(
            (
                f"{key}.start",
                f"begin {period.start} ligt niet in juli {july.year}, aan het eind van "
                f"schooljaar {year}",
            )
        )
    latest_end = date(year.start_year + 1, *LATEST_END)
    if not july <= period.end <= latest_end:
        problems.append(
            (
                f"{key}.end",
                f"einde {period.end} ligt niet tussen {july} en {latest_end} "
                f"(zomervakantie van schooljaar {year})",
            )
        )
    return problems


# --- the loaded data ----------------------------------------------------------------------


@dataclass(frozen=True)
class SummerVacations:
    """The summer vacations of one data file: (school year, region) -> (first, last day).

    Both days are inclusive, as the ministry publishes them (Saturday through Sunday).
    """

    file: Path
    periods: Mapping[tuple[SchoolYear, str], tuple[date, date]] = field(repr=False)
    sources: Mapping[SchoolYear, str] = field(repr=False)
    region_descriptions: Mapping[str, str] = field(default_factory=dict, repr=False)
    origin: str = ""  # where the data is kept, if not a file: 'de schoolkalender'

    @classmethod
    def of(
        cls,
        periods: Mapping[tuple[SchoolYear, str], tuple[date, date]],
        sources: Mapping[SchoolYear, str],
        origin: str,
    ) -> SummerVacations:
        """Vacations kept elsewhere than in a file (the database), named ``origin``."""
        return cls(file=Path(), periods=periods, sources=sources, origin=origin)

    @classmethod
    def load(cls, path: Path | str | None = None) -> SummerVacations:
        """Read and check ``path`` (default :func:`default_vacations_file`).

        Raises :class:`CalendarDataError` naming the file, and the key of every problem.
        """
        file = Path(path) if path is not None else default_vacations_file()
        if not file.exists():
            raise CalendarDataError(
                f"kalenderbestand {_display(file)} bestaat niet; maak het aan of wijs een "
                f"ander bestand aan met {CALENDAR_FILE_ENV}",
                file=str(file),
            )
        try:
            text = read_yaml_text(file)
        except YamlProblem as exc:
            raise CalendarDataError(
                f"kalenderbestand {_display(file)}: {exc.message}", file=str(file)
            ) from exc
        try:
            raw = read_yaml(text).data
        except YamlProblem as exc:
            where = f"regel {exc.line}" if exc.line is not None else "(bestand)"
            raise _refuse(file, [(where, exc.message)], keyed=False) from exc
        try:
            parsed = _CalendarFile.model_validate(raw)
        except ValidationError as exc:
            raise _refuse(file, _pydantic_problems(exc)) from None
        return cls._from_parsed(file, parsed)

    @classmethod
    def _from_parsed(cls, file: Path, parsed: _CalendarFile) -> SummerVacations:
        problems: list[tuple[str, str]] = []
        periods: dict[tuple[SchoolYear, str], tuple[date, date]] = {}
        sources: dict[SchoolYear, str] = {}
        for name, entry in parsed.school_years.items():
            key = f"school_years.{name}"
            try:
                year = SchoolYear.parse(name)
            except ValueError as exc:
                problems.append((key, str(exc)))
                continue
            if year.name != name:
                problems.append((key, f"schrijf het schooljaar als {year.name}"))
                continue
            sources[year] = entry.source
            for region in REGIONS:
                period: _Period | None = getattr(entry, region)
                if period is None:
                    continue
                problems.extend(_period_problems(f"{key}.{region}", year, period))
                periods[(year, region)] = (period.start, period.end)
        if problems:
            raise _refuse(file, problems)
        return cls(
            file=file,
            periods=periods,
            sources=sources,
            region_descriptions={str(name): text for name, text in parsed.regions.items()},
        )

    # --- queries ----------------------------------------------------------------------------

    def school_years(self) -> list[SchoolYear]:
        """The school years in the file, oldest first."""
        return sorted(self.sources)

    def source(self, year: SchoolYear) -> str:
        """Where the dates of ``year`` were taken from."""
        if year not in self.sources:
            raise self._missing(year, None)
        return self.sources[year]

    def vacation(self, region: str, year: SchoolYear) -> tuple[date, date]:
        """First and last day (inclusive) of the summer vacation of ``region`` that ends
        school year ``year``. Raises :class:`CalendarDataError` when the file lacks it."""
        name = _region(region)
        found = self.periods.get((year, name))
        if found is None:
            raise self._missing(year, name)
        return found

    def last_school_day_before(self, region: str, year: SchoolYear) -> date:
        """The last working day strictly before the summer vacation starts (weekends and
        public holidays skipped)."""
        start, _ = self.vacation(region, year)
        return previous_working_day(start)

    def _missing(self, year: SchoolYear, region: str | None) -> CalendarDataError:
        subject = f"zomervakantie {year}" + (f" voor regio {region}" if region else "")
        where = self.origin or _display(self.file)
        return MissingCalendarData(
            f"{subject} ontbreekt in {where}; voeg de officiële data (met bron) toe",
            file=str(self.file),
            school_year=year.name,
            region=region,
        )


def _region(region: str) -> str:
    name = str(region)
    if name not in REGIONS:
        raise InvalidInputError(f"onbekende regio '{name}'; kies uit {', '.join(REGIONS)}")
    return name
