"""The school calendar: school years, public holidays, working days and summer vacations."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from toetreding import CalendarDataError, ConfigurationError, InvalidInputError
from toetreding.calendar import (
    REGIONS,
    Region,
    SchoolCalendar,
    SchoolYear,
    SummerVacations,
    add_working_days,
    default_vacations_file,
    holiday_name,
    holidays_in_year,
    is_public_holiday,
    is_working_day,
    parse_day_month,
    previous_working_day,
    subtract_working_days,
    working_days_between,
)

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "protocols" / "calendar" / "zomervakanties.yaml"

VALID_YEAR = """\
  "2027-2028":
    source: "https://example.org/bron"
    noord: {start: 2028-07-15, end: 2028-08-27}
    midden: {start: 2028-07-08, end: 2028-08-20}
    zuid: {start: 2028-07-22, end: 2028-09-03}
"""


def write_calendar(tmp_path: Path, school_years: str) -> Path:
    path = tmp_path / "zomervakanties.yaml"
    path.write_text(f"format: 1\nschool_years:\n{school_years}", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def calendar() -> SchoolCalendar:
    return SchoolCalendar.load(SHIPPED)


# --- school years ---------------------------------------------------------------------------


def test_school_year_turns_over_on_1_august() -> None:
    assert SchoolYear.of(date(2027, 7, 31)).name == "2026-2027"
    assert SchoolYear.of(date(2027, 8, 1)).name == "2027-2028"
    assert SchoolYear.of(date(2027, 1, 15)) == SchoolYear(2026)


def test_school_year_boundaries_name_and_neighbours() -> None:
    year = SchoolYear.parse("2026-2027")
    assert str(year) == "2026-2027"
    assert (year.start, year.end) == (date(2026, 8, 1), date(2027, 7, 31))
    assert year.contains(date(2027, 7, 31))
    assert not year.contains(date(2027, 8, 1))
    assert not year.contains(date(2026, 7, 31))
    assert year.next().name == "2027-2028"
    assert year.previous().name == "2025-2026"
    assert year.previous() < year < year.next()


@pytest.mark.parametrize("text", ["2026-2028", "2027-2026", "2026", "26-27", "2026/2027", ""])
def test_school_year_parse_refuses_bad_text_in_dutch(text: str) -> None:
    with pytest.raises(ValueError, match="ongeldig schooljaar"):
        SchoolYear.parse(text)


def test_school_year_parse_names_the_consecutive_years() -> None:
    with pytest.raises(ValueError, match=r"opeenvolgend.*2026-2027"):
        SchoolYear.parse("2026-2028")


def test_date_in_school_year_picks_the_right_calendar_year(calendar: SchoolCalendar) -> None:
    year = SchoolYear.parse("2026-2027")
    assert calendar.date_in_school_year(4, 1, year) == date(2027, 4, 1)
    assert calendar.date_in_school_year(10, 1, year) == date(2026, 10, 1)
    assert calendar.date_in_school_year(8, 1, year) == year.start
    assert calendar.date_in_school_year(7, 31, year) == year.end
    assert calendar.school_year_of(date(2027, 4, 1)) == year


# --- public holidays and working days -----------------------------------------------------


def test_ten_working_days_skip_weekends_koningsdag_and_hemelvaart() -> None:
    # From Thursday 2027-04-22, counting working days after it:
    #   Fri 23 Apr (1), Mon 26 (2), [Tue 27 Apr Koningsdag], Wed 28 (3), Thu 29 (4),
    #   Fri 30 (5), Mon 3 May (6), Tue 4 (7), Wed 5 May (8: Bevrijdingsdag is a day off
    #   only in lustrum years such as 2025 and 2030), [Thu 6 May Hemelvaartsdag],
    #   Fri 7 (9), Mon 10 May (10).
    assert holiday_name(date(2027, 4, 27)) == "Koningsdag"
    assert holiday_name(date(2027, 5, 6)) == "Hemelvaartsdag"
    assert is_working_day(date(2027, 5, 5))
    assert add_working_days(date(2027, 4, 22), 10) == date(2027, 5, 10)
    assert working_days_between(date(2027, 4, 22), date(2027, 5, 10)) == 10


def test_koningsdag_moves_to_26_april_when_27_is_a_sunday() -> None:
    assert date(2025, 4, 27).weekday() == 6
    assert holiday_name(date(2025, 4, 26)) == "Koningsdag"
    assert not is_public_holiday(date(2025, 4, 27))


def test_easter_and_pentecost_are_not_working_days() -> None:
    # 2027: Easter Sunday 28 March, Whit Sunday 16 May.
    for day, name in [
        (date(2027, 3, 28), "Eerste paasdag"),
        (date(2027, 3, 29), "Tweede paasdag"),
        (date(2027, 5, 16), "Eerste pinksterdag"),
        (date(2027, 5, 17), "Tweede pinksterdag"),
    ]:
        assert holiday_name(day) == name
        assert not is_working_day(day)
    assert is_working_day(date(2027, 3, 30))


def test_package_behaviour_for_goede_vrijdag_and_bevrijdingsdag_is_pinned() -> None:
    # What the installed `holidays` counts (documented in calendar/workdays.py). If an upgrade
    # changes this, working-day deadlines around Easter and 5 May shift: look before updating.
    assert holiday_name(date(2027, 3, 26)) == "Goede vrijdag"
    assert holiday_name(date(2030, 5, 5)) == "Bevrijdingsdag"
    assert holiday_name(date(2025, 5, 5)) == "Bevrijdingsdag"
    assert not is_public_holiday(date(2026, 5, 5))


def test_zero_working_days_is_the_day_itself_or_the_next_working_day() -> None:
    assert add_working_days(date(2027, 4, 26), 0) == date(2027, 4, 26)  # Monday
    assert add_working_days(date(2027, 4, 24), 0) == date(2027, 4, 26)  # Saturday -> Monday
    assert add_working_days(date(2027, 4, 26), 1) == date(2027, 4, 28)  # over Koningsdag
    with pytest.raises(ValueError, match="negatief"):
        add_working_days(date(2027, 4, 26), -1)


def test_previous_working_day_skips_weekend_and_holidays() -> None:
    # Tuesday after Easter Monday 2027: back over Easter Monday, the weekend and Goede vrijdag.
    assert previous_working_day(date(2027, 3, 30)) == date(2027, 3, 25)
    assert previous_working_day(date(2027, 4, 28)) == date(2027, 4, 26)


def test_counting_working_days_back_skips_holidays_and_the_days_off() -> None:
    # 3 working days before Friday 30 April 2027: over Koningsdag (Tuesday 27 April)
    assert subtract_working_days(date(2027, 4, 30), 3) == date(2027, 4, 26)
    assert subtract_working_days(date(2027, 4, 30), 3, {date(2027, 4, 28)}) == date(2027, 4, 23)
    assert subtract_working_days(date(2027, 4, 24), 0) == date(2027, 4, 24)  # the day itself
    assert add_working_days(subtract_working_days(date(2027, 5, 31), 5), 5) == date(2027, 5, 31)
    with pytest.raises(ValueError, match="negatief"):
        subtract_working_days(date(2027, 4, 26), -1)


def test_working_days_between_is_signed_and_excludes_the_first_day() -> None:
    assert working_days_between(date(2027, 4, 26), date(2027, 4, 26)) == 0
    assert working_days_between(date(2027, 4, 23), date(2027, 4, 28)) == 2
    assert working_days_between(date(2027, 4, 28), date(2027, 4, 23)) == -2


# --- summer vacations ---------------------------------------------------------------------


def test_shipped_file_midden_2027_2028(calendar: SchoolCalendar) -> None:
    year = SchoolYear.parse("2027-2028")
    start, end = calendar.summer_vacation("midden", year)
    assert (start, end) == (date(2028, 7, 8), date(2028, 8, 20))
    last = calendar.before_summer_vacation(Region.MIDDEN, year)
    assert last == date(2028, 7, 7)
    assert last.weekday() == 4  # Friday
    assert calendar.vacations.source(year).startswith("https://")


@pytest.mark.parametrize("region", REGIONS)
def test_last_school_day_is_a_working_day_right_before_the_vacation(
    calendar: SchoolCalendar, region: str
) -> None:
    year = SchoolYear(2027)
    start, _ = calendar.summer_vacation(region, year)
    last = calendar.before_summer_vacation(region, year)
    assert last < start
    assert calendar.is_working_day(last)
    assert calendar.working_days_between(last, start) == 0
    assert year.contains(last)


def test_missing_school_year_names_the_file_to_edit(calendar: SchoolCalendar) -> None:
    with pytest.raises(CalendarDataError) as caught:
        calendar.before_summer_vacation("noord", SchoolYear.parse("2031-2032"))
    message = str(caught.value)
    assert "protocols/calendar/zomervakanties.yaml" in message
    assert "2031-2032" in message
    assert "noord" in message
    assert "met bron" in message
    assert caught.value.file == str(SHIPPED)
    assert isinstance(caught.value, ConfigurationError)


def test_missing_region_in_a_year_is_an_error_not_a_guess(tmp_path: Path) -> None:
    path = write_calendar(
        tmp_path,
        '  "2028-2029":\n    source: "bron"\n    noord: {start: 2029-07-07, end: 2029-08-19}\n',
    )
    vacations = SummerVacations.load(path)
    assert vacations.vacation("noord", SchoolYear(2028))[0] == date(2029, 7, 7)
    with pytest.raises(CalendarDataError, match="2028-2029 voor regio zuid") as caught:
        vacations.vacation("zuid", SchoolYear(2028))
    assert str(path) in str(caught.value)


def test_unknown_region_is_refused(calendar: SchoolCalendar) -> None:
    with pytest.raises(InvalidInputError, match="onbekende regio 'oost'"):
        calendar.summer_vacation("oost", SchoolYear(2027))


def test_users_can_add_a_year_in_their_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_calendar(
        tmp_path,
        VALID_YEAR + '  "2028-2029":\n    source: "testdata, niet officieel"\n'
        "    noord: {start: 2029-07-07, end: 2029-08-19}\n"
        "    midden: {start: 2029-07-21, end: 2029-09-02}\n"
        "    zuid: {start: 2029-07-14, end: 2029-08-26}\n",
    )
    monkeypatch.setenv("TOETREDING_CALENDAR_FILE", str(path))
    assert default_vacations_file() == path
    calendar = SchoolCalendar.load()
    assert calendar.vacations.school_years() == [SchoolYear(2027), SchoolYear(2028)]
    assert calendar.before_summer_vacation("midden", SchoolYear(2028)) == date(2029, 7, 20)


def test_default_file_is_the_repository_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOETREDING_CALENDAR_FILE", raising=False)
    assert default_vacations_file().resolve() == SHIPPED


@pytest.mark.parametrize(
    ("school_years", "key", "words"),
    [
        (VALID_YEAR + "    oost: {start: 2028-07-15, end: 2028-08-27}\n", "oost", "onbekende"),
        (
            '  "2027-2028":\n    source: "b"\n    noord: {start: 2028-07-15, end: 2028-07-01}\n',
            "school_years.2027-2028.noord.end",
            "vóór het begin",
        ),
        (
            '  "2027-2028":\n    noord: {start: 2028-07-15, end: 2028-08-27}\n',
            "school_years.2027-2028.source",
            "ontbreekt",
        ),
        (
            '  "2027-2028":\n    source: "b"\n    noord: {start: 2027-07-15, end: 2027-08-27}\n',
            "school_years.2027-2028.noord.start",
            "juli 2028",
        ),
        (
            '  "2027-2029":\n    source: "b"\n',
            "school_years.2027-2029",
            "opeenvolgend",
        ),
        (
            '  "2027-2028":\n    source: "b"\n    noord: {begin: 2028-07-15, end: 2028-08-27}\n',
            "school_years.2027-2028.noord.begin",
            "onbekende sleutel",
        ),
        (VALID_YEAR + VALID_YEAR, "regel", "twee keer"),
    ],
    ids=[
        "unknown-region",
        "end-before-start",
        "missing-source",
        "wrong-year",
        "bad-name",
        "unknown-key",
        "duplicate-year",
    ],
)
def test_malformed_file_is_refused_naming_file_and_key(
    tmp_path: Path, school_years: str, key: str, words: str
) -> None:
    path = write_calendar(tmp_path, school_years)
    with pytest.raises(CalendarDataError) as caught:
        SummerVacations.load(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message
    assert words in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nergens.yaml"
    with pytest.raises(CalendarDataError, match=r"nergens\.yaml.*bestaat niet") as caught:
        SummerVacations.load(path)
    assert caught.value.file == str(path)


# --- exact messages and boundaries of the vacation file ---------------------------------------

ONE = "kalenderbestand PATH is ongeldig (1 probleem):\n  - {}\nPas PATH aan."


@pytest.mark.parametrize(
    ("text", "message", "keys"),
    [
        ("format: 2\nschool_years: {}\n", ONE.format("format: toegestaan: 1"), ("format",)),
        (
            "format: 1\nregions: {oost: x}\nschool_years: {}\n",
            ONE.format("regions.oost: toegestaan: 'noord', 'midden' of 'zuid'"),
            ("regions.oost",),
        ),
        ("", ONE.format("(bestand): verwacht sleutels met waarden"), ("(bestand)",)),
        (
            "format: 1\nschool_years:\n  - [\n",
            ONE.format(
                "regel 4: geen geldige YAML in kolom 1: hier verwachtte de tekst een waarde"
            ),
            (),
        ),
        (
            "format: 1\nschool_years: {}\nformat: 1\n",
            ONE.format("regel 3: sleutel 'format' komt twee keer voor"),
            (),
        ),
        (
            'format: 1\nschool_years:\n  "2027-2028":\n    source: "b"\n'
            "    noord: {start: 2028-07-15T10:00:00, end: 2028-08-27}\n",
            ONE.format("school_years.2027-2028.noord.start: verwacht een datum zonder tijd"),
            ("school_years.2027-2028.noord.start",),
        ),
        (
            'format: 1\nschool_years:\n  "2027/2028":\n    source: "b"\n'
            '  " 2027-2028":\n    source: "b"\n  "2028-2029 ":\n    source: "b"\n',
            "kalenderbestand PATH is ongeldig (3 problemen):\n"
            "  - school_years.2027/2028: ongeldig schooljaar '2027/2028': schrijf het als twee "
            "jaartallen met een streepje, bijv. 2026-2027\n"
            "  - school_years. 2027-2028: schrijf het schooljaar als 2027-2028\n"
            "  - school_years.2028-2029 : schrijf het schooljaar als 2028-2029\nPas PATH aan.",
            ("school_years.2027/2028", "school_years. 2027-2028", "school_years.2028-2029 "),
        ),
        (
            'format: 1\nschool_years:\n  "2027-2028":\n    source: "b"\n'
            "    noord: {start: 2028-06-30, end: 2028-10-01}\n"
            "    zuid: {start: 2028-08-01, end: 2028-08-02}\n",
            "kalenderbestand PATH is ongeldig (3 problemen):\n"
            "  - school_years.2027-2028.noord.start: begin 2028-06-30 ligt niet in juli 2028, "
            "aan het eind van schooljaar 2027-2028\n"
            "  - school_years.2027-2028.noord.end: einde 2028-10-01 ligt niet tussen 2028-07-01 "
            "en 2028-09-30 (zomervakantie van schooljaar 2027-2028)\n"
            "  - school_years.2027-2028.zuid.start: begin 2028-08-01 ligt niet in juli 2028, aan "
            "het eind van schooljaar 2027-2028\nPas PATH aan.",
            (
                "school_years.2027-2028.noord.start",
                "school_years.2027-2028.noord.end",
                "school_years.2027-2028.zuid.start",
            ),
        ),
    ],
    ids=["format", "region", "empty", "yaml", "duplicate", "datetime", "names", "bounds"],
)
def test_a_bad_vacation_file_says_exactly_what_and_where(
    tmp_path: Path, text: str, message: str, keys: tuple[str, ...]
) -> None:
    path = tmp_path / "zomervakanties.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarDataError) as caught:
        SummerVacations.load(path)
    assert str(caught.value).replace(str(path), "PATH") == message
    assert (caught.value.file, caught.value.keys) == (str(path), keys)


def test_an_unreadable_vacation_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "map.yaml"
    folder.mkdir()
    with pytest.raises(CalendarDataError) as caught:
        SummerVacations.load(folder)
    assert str(caught.value).replace(str(folder), "PATH") == (
        "kalenderbestand PATH: kan het bestand niet lezen: is een map, geen bestand"
    )
    assert caught.value.file == str(folder)


def test_a_vacation_may_start_on_1_july_and_end_on_30_september(tmp_path: Path) -> None:
    path = tmp_path / "zomervakanties.yaml"
    path.write_text(
        'format: 1\nregions: {noord: "Het noorden"}\nschool_years:\n  "2027-2028":\n'
        '    source: "bron 2028"\n    noord: {start: 2028-07-01, end: 2028-07-01}\n'
        "    zuid: {start: 2028-07-31, end: 2028-09-30}\n",
        encoding="utf-8",
    )
    vacations = SummerVacations.load(path)
    year = SchoolYear(2027)
    assert vacations.vacation("noord", year) == (date(2028, 7, 1), date(2028, 7, 1))
    assert vacations.vacation("zuid", year) == (date(2028, 7, 31), date(2028, 9, 30))
    assert vacations.source(year) == "bron 2028"
    assert dict(vacations.region_descriptions) == {"noord": "Het noorden"}
    with pytest.raises(CalendarDataError) as caught:
        vacations.source(SchoolYear(2028))
    assert str(caught.value).replace(str(path), "PATH") == (
        "zomervakantie 2028-2029 ontbreekt in PATH; voeg de officiële data (met bron) toe"
    )
    assert caught.value.keys == ("school_years.2028-2029",)
    with pytest.raises(CalendarDataError) as caught:
        vacations.vacation("midden", year)
    assert caught.value.keys == ("school_years.2027-2028.midden",)
    assert str(caught.value).startswith("zomervakantie 2027-2028 voor regio midden ontbreekt")
    with pytest.raises(InvalidInputError) as unknown:
        vacations.vacation("oost", year)
    assert str(unknown.value) == "onbekende regio 'oost'; kies uit noord, midden, zuid"


@pytest.mark.parametrize(
    ("text", "day_month"),
    [
        ("1 januari", (1, 1)),
        ("31 januari", (31, 1)),
        ("28-2", (28, 2)),
        ("31 december", (31, 12)),
        (" 1/12 ", (1, 12)),
    ],
)
def test_a_day_in_the_year(text: str, day_month: tuple[int, int]) -> None:
    assert parse_day_month(text) == day_month


@pytest.mark.parametrize("text", ["29 februari", "0 april", "32 januari", "1 13", "1 0", "1 mai"])
def test_a_day_that_is_not_in_every_year_is_refused(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_day_month(text)
    assert (
        str(caught.value) == f"'{text}' is geen dag in het jaar; schrijf bijv. '1 april' of '1-4'"
    )


def test_a_school_year_holds_its_first_and_last_day_and_moments() -> None:
    year = SchoolYear(2027)
    assert year.contains(date(2027, 8, 1)) and year.contains(date(2028, 7, 31))
    assert not year.contains(date(2027, 7, 31)) and not year.contains(date(2028, 8, 1))
    assert year.contains(datetime(2027, 8, 1, 0, 0))
    with pytest.raises(ValueError) as caught:
        SchoolYear.parse(2027)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "ongeldig schooljaar 2027: schrijf het als twee jaartallen met een streepje, "
        "bijv. 2026-2027"
    )


def test_the_holidays_of_a_year_in_date_order() -> None:
    days = holidays_in_year(2027)
    assert list(days) == sorted(days)
    assert days[date(2027, 4, 27)] == holiday_name(date(2027, 4, 27))
    assert {date(2027, 1, 1), date(2027, 5, 6), date(2027, 12, 25)} <= set(days)
    assert all(d.year == 2027 for d in days)
