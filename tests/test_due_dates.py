"""Due dates and reminder days, exactly: durations forwards and back, anchors, school years."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from toetreding import InvalidInputError
from toetreding.calendar import SchoolCalendar
from toetreding.clock import LOCAL_TZ
from toetreding.deadlines import DeadlinePlanner, declared_deadline
from toetreding.deadlines.compute import (
    CaseFacts,
    add_duration,
    add_months,
    due_date,
    reminder_day,
    subtract_duration,
)
from toetreding.definition import load_protocol_text
from toetreding.definition.model import DeadlineSpec, Duration, ReminderSpec

from .conftest import PROTOCOLS


@pytest.fixture(scope="module")
def calendar() -> SchoolCalendar:
    return SchoolCalendar.load(PROTOCOLS / "calendar" / "zomervakanties.yaml")


# Wednesday 21 April 2027: Koningsdag is Tuesday 27 April, Hemelvaart Thursday 6 May.
START = date(2027, 4, 21)


@pytest.mark.parametrize(
    ("duration", "later", "earlier"),
    [
        ("1 day", date(2027, 4, 22), date(2027, 4, 20)),
        ("3 days", date(2027, 4, 24), date(2027, 4, 18)),
        ("2 weeks", date(2027, 5, 5), date(2027, 4, 7)),
        ("1 month", date(2027, 5, 21), date(2027, 3, 21)),
        ("14 months", date(2028, 6, 21), date(2026, 2, 21)),
        ("1 year", date(2028, 4, 21), date(2026, 4, 21)),
        ("2 years", date(2029, 4, 21), date(2025, 4, 21)),
        # Thu 22, Fri 23, Mon 26, (Koningsdag), Wed 28; back: Tue 20, Mon 19, Fri 16, Thu 15
        ("4 working days", date(2027, 4, 28), date(2027, 4, 15)),
        ("1 working day", date(2027, 4, 22), date(2027, 4, 20)),
    ],
)
def test_a_duration_forwards_and_back(
    calendar: SchoolCalendar, duration: str, later: date, earlier: date
) -> None:
    span = Duration.parse(duration)
    assert add_duration(START, span, calendar) == later
    assert subtract_duration(START, span, calendar) == earlier


def test_working_days_back_skip_weekends_and_holidays(calendar: SchoolCalendar) -> None:
    # From Friday 7 May 2027 back: (Thu 6 Hemelvaart) Wed 5, Tue 4, Mon 3, Fri 30 April
    assert subtract_duration(date(2027, 5, 7), Duration.parse("4 working days"), calendar) == (
        date(2027, 4, 30)
    )


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 11, 30), 2, date(2028, 1, 30)),
        (date(2027, 12, 15), 12, date(2028, 12, 15)),
        (date(2027, 12, 15), 13, date(2029, 1, 15)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2027, 1, 15), -13, date(2025, 12, 15)),
    ],
)
def test_months_keep_the_day_clamped_to_the_months_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def rung(**fields: Any) -> ReminderSpec:
    return ReminderSpec.model_validate({"to": ["school"], **fields})


def test_reminder_days_before_on_and_after_the_due_date(calendar: SchoolCalendar) -> None:
    due = date(2027, 5, 7)
    assert reminder_day(due, rung(before="1 week"), calendar) == date(2027, 4, 30)
    assert reminder_day(due, rung(before="2 working days"), calendar) == date(2027, 5, 4)
    assert reminder_day(due, rung(on_due=True), calendar) == due
    assert reminder_day(due, rung(after="3 working days"), calendar) == date(2027, 5, 12)


def deadline(**due: Any) -> DeadlineSpec:
    return DeadlineSpec.model_validate({"name": "d", "label": "D", "met_by": ["x"], "due": due})


def facts(inputs: dict[str, Any] | None = None, entered: datetime | None = None) -> CaseFacts:
    moment = entered or datetime(2027, 4, 21, 0, 30, tzinfo=LOCAL_TZ)  # 20 April in UTC
    return CaseFacts(entered_at=moment, region="midden", inputs=inputs or {})


def test_a_due_date_counts_from_the_local_day_entered_or_from_a_date_input(
    calendar: SchoolCalendar,
) -> None:
    assert due_date(deadline(after="1 week"), facts(), calendar) == date(2027, 4, 28)
    from_input = deadline(after="2 weeks", counted_from="auditdatum")
    given = facts({"auditdatum": "2027-06-01"})
    assert due_date(from_input, given, calendar) == date(2027, 6, 15)
    as_date = facts({"auditdatum": date(2027, 6, 2)})
    assert due_date(from_input, as_date, calendar) == date(2027, 6, 16)
    with pytest.raises(InvalidInputError) as missing:
        due_date(from_input, facts(), calendar)
    assert str(missing.value) == "datum 'auditdatum' is nog niet ingevuld"


def test_a_due_date_set_by_an_input(calendar: SchoolCalendar) -> None:
    spec = deadline(input="uiterlijk")
    assert due_date(spec, facts({"uiterlijk": "2027-09-30"}), calendar) == date(2027, 9, 30)
    with pytest.raises(InvalidInputError) as missing:
        due_date(spec, facts({"anders": "2027-09-30"}), calendar)
    assert str(missing.value) == "datum 'uiterlijk' is nog niet ingevuld"


def test_a_day_in_the_current_next_upcoming_or_recorded_school_year(
    calendar: SchoolCalendar,
) -> None:
    # entered on 21 April 2027, in school year 2026-2027
    assert due_date(deadline(by="1 april"), facts(), calendar) == date(2027, 4, 1)
    assert due_date(deadline(by="1 april", school_year="next"), facts(), calendar) == (
        date(2028, 4, 1)
    )
    upcoming = deadline(by="1 april", school_year="upcoming")
    assert due_date(upcoming, facts(), calendar) == date(2028, 4, 1)
    on_the_day = facts(entered=datetime(2027, 4, 1, 9, 0, tzinfo=LOCAL_TZ))
    assert due_date(upcoming, on_the_day, calendar) == date(2027, 4, 1)  # the day itself
    recorded = deadline(by="1 oktober", school_year="schooljaar")
    assert due_date(recorded, facts({"schooljaar": "2028-2029"}), calendar) == date(2028, 10, 1)
    with pytest.raises(InvalidInputError) as missing:
        due_date(recorded, facts(), calendar)
    assert str(missing.value) == "schooljaar 'schooljaar' is nog niet ingevuld"


PLANNED = """\
id: plannen
version: 1
title: Plannen
sectors: [po]
roles: {school: School}
opened_by: [school]
initial: start
states:
  start:
    label: Begin
    deadlines:
      - {name: week, label: Week, met_by: [door], due: {after: 1 week}}
      - {name: april, label: April, met_by: [door], due: {by: 1 april, school_year: next}}
      - {name: nu, label: Nu, met_by: [door], due: {by: 1 juni}}
  invoer:
    label: Invoer
    deadlines:
      - {name: gekozen, label: Gekozen, met_by: [klaar], due: {input: uiterlijk}}
      - {name: na, label: Na, met_by: [klaar], due: {after: 2 weeks, counted_from: begonnen}}
      - {name: jaar, label: Jaar, met_by: [klaar], due: {by: 1 mei, school_year: schooljaar}}
      - {name: komend, label: Komend, met_by: [klaar], due: {by: 1 mei, school_year: upcoming}}
  zomer:
    label: Zomer
    deadlines:
      - {name: zomer, label: Zomer, met_by: [klaar], due: {before: zomervakantie}}
  klaar: {label: Klaar, final: true}
transitions:
  - trigger: door
    label: Door
    from: start
    to: invoer
    roles: [school]
    inputs:
      - {name: uiterlijk, kind: date, label: Uiterlijk}
      - {name: begonnen, kind: date, label: Begonnen}
      - {name: schooljaar, kind: school_year, label: Schooljaar}
  - {trigger: zomer, label: Zomer, from: invoer, to: zomer, roles: [school]}
  - {trigger: klaar, label: Klaar, from: [invoer, zomer], to: klaar, roles: [school]}
"""

ENTERED = datetime(2027, 9, 6, 10, 0, tzinfo=LOCAL_TZ)  # school year 2027-2028


def never(what: str) -> Any:
    def fail() -> Any:
        pytest.fail(f"the planner read the {what} although no deadline needs it")

    return fail


def test_the_planner_reads_region_and_inputs_only_for_deadlines_that_need_them(
    calendar: SchoolCalendar,
) -> None:
    spec = load_protocol_text(PLANNED)
    planner = DeadlinePlanner(lambda: calendar)
    start = planner.opening(spec, "start", ENTERED, region=never("region"), inputs=never("inputs"))
    assert [(d.name, d.due) for d in start] == [
        ("week", date(2027, 9, 13)),
        ("april", date(2029, 4, 1)),
        ("nu", date(2028, 6, 1)),
    ]
    inputs = {"uiterlijk": "2027-12-01", "begonnen": "2027-10-01", "schooljaar": "2028-2029"}
    chosen = planner.opening(spec, "invoer", ENTERED, region=never("region"), inputs=lambda: inputs)
    assert [(d.name, d.due) for d in chosen] == [
        ("gekozen", date(2027, 12, 1)),
        ("na", date(2027, 10, 15)),
        ("jaar", date(2029, 5, 1)),
        ("komend", date(2028, 5, 1)),
    ]
    summer = planner.opening(
        spec, "zomer", ENTERED, region=lambda: "midden", inputs=never("inputs")
    )
    assert [(d.name, d.due) for d in summer] == [("zomer", date(2028, 7, 7))]
    assert planner.opening(spec, "klaar", ENTERED, region=never("region"), inputs=dict) == ()


def test_a_step_the_system_takes_after_a_miss_meets_only_what_is_not_yet_past_due(
    calendar: SchoolCalendar,
) -> None:
    spec = load_protocol_text(PLANNED)
    planner = DeadlinePlanner(lambda: calendar)
    kwargs: dict[str, Any] = {"region": never("region"), "inputs": dict}
    by_person = planner.transition(
        spec,
        from_state="start",
        to_state="invoer",
        trigger="door",
        at=ENTERED,
        **{
            **kwargs,
            "inputs": lambda: {
                "uiterlijk": "2027-12-01",
                "begonnen": "2027-10-01",
                "schooljaar": "2028-2029",
            },
        },
    )
    assert by_person is not None
    assert (by_person.today, by_person.met, by_person.met_from, by_person.close_rest) == (
        date(2027, 9, 6),
        ("week", "april", "nu"),
        date.min,
        True,
    )
    by_system = planner.transition(
        spec,
        from_state="zomer",
        to_state="klaar",
        trigger="klaar",
        at=ENTERED,
        missed=True,
        **kwargs,
    )
    assert by_system is not None
    assert (by_system.met, by_system.met_from, by_system.new) == (("zomer",), date(2027, 9, 6), ())
    assert (
        planner.transition(
            spec, from_state="klaar", to_state="klaar", trigger="x", at=ENTERED, **kwargs
        )
        is None
    )


def test_a_deadline_a_definition_does_not_declare_is_none() -> None:
    spec = load_protocol_text(PLANNED)
    assert declared_deadline(spec, "start", "week") is spec.states["start"].deadlines[0]
    assert declared_deadline(spec, "start", "onbekend") is None
    assert declared_deadline(spec, "verdwenen", "week") is None
