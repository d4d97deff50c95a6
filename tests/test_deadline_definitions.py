"""Deadlines in protocol files: the forms 'by when' can take, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from toetreding import DefinitionError
from toetreding.calendar import DayLimit, parse_day_month, parse_limit
from toetreding.definition import load_protocol_text
from toetreding.definition.model import Duration

PROTOCOL = """\
id: mini
version: 1
title: Mini
sectors: [po]
roles: {{coordinator: C, school: S, stuurgroep: SG}}
initial: besluit
states:
  besluit:
    label: Besluit van de school
    deadlines:
{deadlines}
  partner: {{label: Partner, final: true, outcome: partner}}
  gestopt: {{label: Gestopt, final: true}}
transitions:
  - trigger: aansluiten
    label: School sluit aan
    from: besluit
    to: partner
    roles: [school]
    inputs:
      - {{name: schooljaar, kind: text, label: Schooljaar}}
      - {{name: gesprek, kind: date, label: Gesprek, required: false}}
  - trigger: verlopen
    label: Termijn verlopen
    from: besluit
    to: gestopt
    roles: [coordinator]
    inputs:
      - {{name: reden, kind: note, label: Reden, required: false}}
"""


AANSLUITEN = "- {name: a, label: A, met_by: [aansluiten], due: "


def protocol(deadlines: str) -> str:
    return PROTOCOL.format(deadlines="\n".join("      " + line for line in deadlines.splitlines()))


@pytest.mark.parametrize(
    "deadline",
    [
        AANSLUITEN + "{after: '1 year'}}",
        AANSLUITEN + "{after: '10 werkdagen'}}",
        AANSLUITEN + "{after: '6 weeks', counted_from: gesprek}}",
        AANSLUITEN + "{before: '1 april', school_year: next}}",
        AANSLUITEN + "{by: '1 april', school_year: schooljaar}}",
        AANSLUITEN + "{before: zomervakantie}}",
        AANSLUITEN + "{before: Zomervakantie, school_year: next}}",
        AANSLUITEN + "{input: gesprek}}",
        AANSLUITEN + "{after: '1 jaar'}, on_missed: {fire: verlopen}}",
        AANSLUITEN + "{after: '1 jaar'}, on_missed: {escalate: stuurgroep}}",
        AANSLUITEN + "{before: '1 april', school_year: upcoming}}",
        AANSLUITEN + "{by: '1-4', school_year: upcoming}}",
        AANSLUITEN + "{by: '1 augustus', school_year: schooljaar}, on_due: {fire: verlopen}}",
        AANSLUITEN + "{after: '1 jaar'}, remind: [{before: 30 days, to: [school]}, "
        "{on_due: true, to: [school]}, {after: 3 werkdagen, to: [stuurgroep]}]}",
    ],
)
def test_each_way_of_saying_by_when_loads(deadline: str) -> None:
    spec = load_protocol_text(protocol(deadline), "mini.yaml")
    assert spec.states["besluit"].deadlines[0].met_by == ("aansluiten",)


@pytest.mark.parametrize(
    ("deadline", "says"),
    [
        (
            "- {name: a, label: A, met_by: [bestaat_niet], due: {after: 1 year}}",
            "vertrekt niet uit stap",
        ),
        (AANSLUITEN + "{after: 'een jaar'}}", "geen termijn"),
        (AANSLUITEN + "{before: '31 februari'}}", "geen dag in het jaar"),
        (AANSLUITEN + "{by: '1 aprl'}}", "geen dag in het jaar"),
        (AANSLUITEN + "{before: '1 april', by: '1 april'}}", "precies één van"),
        (AANSLUITEN + "{by: zomervakantie}}", "schrijf 'before: zomervakantie'"),
        (
            AANSLUITEN + "{before: zomervakantie, school_year: upcoming}}",
            "alleen samen met een dag",
        ),
        (AANSLUITEN + "{}}", "precies één van"),
        (
            AANSLUITEN + "{after: '1 year', input: gesprek}}",
            "precies één van",
        ),
        (
            AANSLUITEN + "{input: schooljaar}}",
            "geen invoer van soort 'date'",
        ),
        (
            AANSLUITEN + "{before: '1-4', school_year: gesprek}}",
            "geen invoer van soort 'school_year' of 'text'",
        ),
        (
            AANSLUITEN + "{after: '1 year'}, on_missed: {fire: aansluiten}}",
            "die het systeem niet kan geven",
        ),
        (
            AANSLUITEN + "{after: '1 year'}, on_missed: {escalate: baas}}",
            "rol 'baas'",
        ),
        (
            AANSLUITEN + "{after: '1 year'}, wanneer: morgen}",
            "onbekende sleutel 'wanneer'",
        ),
        (AANSLUITEN + "{after: '1 year', school_year: upcoming}}", "alleen samen met een dag"),
        (
            AANSLUITEN + "{after: '1 year'}, on_due: {fire: aansluiten}}",
            "die het systeem niet kan geven",
        ),
        (
            AANSLUITEN + "{after: '1 year'}, on_due: {fire: verlopen}, "
            "on_missed: {escalate: stuurgroep}}",
            "kies 'on_due' of 'on_missed'",
        ),
        (
            AANSLUITEN + "{after: '1 year'}, remind: [{before: 7 days, to: [directeur]}]}",
            "rol 'directeur' staat niet onder 'roles'",
        ),
        (
            AANSLUITEN
            + "{after: '1 year'}, remind: [{before: 7 days, on_due: true, to: [school]}]}",
            "precies één van: before, on_due, after",
        ),
        (
            AANSLUITEN + "{after: '1 year'}, remind: [{before: een week, to: [school]}]}",
            "geen termijn",
        ),
    ],
)
def test_bad_deadlines_are_refused_with_file_line_and_key(deadline: str, says: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_protocol_text(protocol(deadline), "mini.yaml")
    problem = caught.value.problems[0]
    assert says in problem.message
    assert problem.file == "mini.yaml" and problem.line == 11  # the deadline's line
    assert problem.key.startswith("states.besluit.deadlines[0]")


def test_durations_and_days_read_as_a_coordinator_writes_them() -> None:
    assert Duration.parse("10 working days") == Duration.parse("10 werkdagen")
    assert Duration.parse("1 jaar").unit == "years"
    assert parse_day_month("1 april") == parse_day_month("1-4") == (1, 4)
    with pytest.raises(ValueError, match="geen dag"):
        parse_day_month("29 februari")


@pytest.mark.parametrize(
    ("due", "line", "key", "says"),
    [
        (
            "{date: '1 april', school_year: upcoming}",
            11,
            "states.besluit.deadlines[0] (a).due.date",
            "onbekende sleutel 'date'; toegestaan zijn: after, counted_from, before, by, "
            "school_year, input; 'date' zei niet of 1 april zelf nog meetelt: schrijf "
            "'before: 1 april' (vóór 1 april: de laatste dag is 31 maart) of 'by: 1 april' "
            "(uiterlijk 1 april: de laatste dag is 1 april)",
        ),
        (
            "{before_summer_vacation: true}",
            11,
            "states.besluit.deadlines[0] (a).due.before_summer_vacation",
            "onbekende sleutel 'before_summer_vacation'; toegestaan zijn: after, "
            "counted_from, before, by, school_year, input; schrijf 'before: zomervakantie' "
            "(de laatste schooldag vóór de zomervakantie van de regio)",
        ),
    ],
)
def test_a_day_that_does_not_say_before_or_by_is_refused_with_what_to_write(
    due: str, line: int, key: str, says: str
) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_protocol_text(protocol(AANSLUITEN + due + "}"), "mini.yaml")
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.key, problem.message) == (
        "mini.yaml",
        line,
        key,
        says,
    )


def test_before_and_by_say_whether_the_day_itself_counts() -> None:
    before = load_protocol_text(protocol(AANSLUITEN + "{before: '1 april'}}"), "mini.yaml")
    by = load_protocol_text(protocol(AANSLUITEN + "{by: '1 april'}}"), "mini.yaml")
    summer = load_protocol_text(protocol(AANSLUITEN + "{before: zomervakantie}}"), "mini.yaml")
    limits = [p.states["besluit"].deadlines[0].due for p in (before, by, summer)]
    assert [(d.limit, d.summer_vacation) for d in limits] == [
        (DayLimit(1, 4, before=True), False),
        (DayLimit(1, 4, before=False), False),
        (None, True),
    ]
    assert DayLimit(1, 4, before=True).last_in(2027) == date(2027, 3, 31)
    assert DayLimit(1, 3, before=True).last_in(2028) == date(2028, 2, 29)  # a leap year
    assert DayLimit(1, 4, before=False).last_in(2027) == date(2027, 4, 1)


def test_a_guard_day_says_before_or_by_too() -> None:
    assert parse_limit("vóór 1 april") == parse_limit("before 1-4") == DayLimit(1, 4, True)
    assert parse_limit("uiterlijk 1 april") == parse_limit("by 1 april") == DayLimit(1, 4, False)
    with pytest.raises(ValueError, match="'1 april' zegt niet of 1 april zelf nog meetelt"):
        parse_limit("1 april")


# --- labels beside computed dates ------------------------------------------------------------


def problems_of(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DefinitionError) as caught:
        load_protocol_text(text, "mini.yaml")
    return [(p.line, p.key, p.message) for p in caught.value.problems]


def test_a_deadline_label_does_not_name_the_day_shown_beside_it() -> None:
    text = protocol(
        "- {name: a, label: Besluit (vóór 1 april), met_by: [aansluiten], due: {before: '1 april'}}"
    )
    assert problems_of(text) == [
        (
            11,
            "states.besluit.deadlines[0] (a).label",
            "het label noemt 'vóór 1 april'; de berekende datum staat er altijd naast "
            "('uiterlijk DD-MM-JJJJ'), dus laat 'vóór 1 april' weg",
        )
    ]


def test_a_deadline_label_that_contradicts_its_day_says_so() -> None:
    text = protocol(
        "- {name: a, label: Besluit (uiterlijk 1 april), met_by: [aansluiten], "
        "due: {before: '1 april'}}"
    )
    [(_, _, message)] = problems_of(text)
    assert message.startswith(
        "het label noemt 'uiterlijk 1 april', maar de termijn valt uiterlijk op 31 maart "
        "('before: 1 april')"
    )


@pytest.mark.parametrize(
    ("state_label", "due", "agrees"),
    [
        ("Besluit van de school (vóór 1 april)", "{before: '1 april'}", True),
        ("Besluit van de school (uiterlijk 31 maart)", "{before: '1 april'}", True),
        ("Besluit van de school (uiterlijk 1 april)", "{before: '1 april'}", False),
        ("Besluit van de school (1 april)", "{before: '1 april'}", False),
        ("Besluit van de school (vóór 1 april)", "{by: '1 april'}", False),
        ("Besluit van de school (tot en met 1 april)", "{by: '1-4'}", True),
        ("Schoolopleider (vóór de zomervakantie)", "{before: zomervakantie}", True),
        ("Schoolopleider (in de zomervakantie)", "{before: zomervakantie}", False),
        ("Besluit van de school (vóór 1 april)", "{after: '6 weeks'}", True),  # not a day
    ],
)
def test_a_state_label_that_names_a_day_agrees_with_the_states_deadline(
    state_label: str, due: str, agrees: bool
) -> None:
    text = protocol(AANSLUITEN + due + "}").replace(
        "label: Besluit van de school", f"label: {state_label}"
    )
    if agrees:
        load_protocol_text(text, "mini.yaml")
        return
    [(line, key, message)] = problems_of(text)
    assert (line, key) == (9, "states.besluit.label")
    assert "maar termijn 'a' valt uiterlijk op" in message or "laatste schooldag" in message
    assert message.endswith("of laat de dag weg")


def test_a_step_label_agrees_with_the_deadlines_of_its_states() -> None:
    text = (
        protocol(AANSLUITEN + "{before: '1 april'}}")
        .replace(
            "initial: besluit\n",
            "steps:\n  - {number: 4, label: 'Besluit van de school (uiterlijk 1 april)'}\n"
            "initial: besluit\n",
        )
        .replace(
            "    label: Besluit van de school\n", "    label: Besluit van de school\n    step: 4\n"
        )
    )
    assert problems_of(text) == [
        (
            7,
            "steps[0].label",
            "het label noemt 'uiterlijk 1 april', maar termijn 'a' valt uiterlijk op 31 maart "
            "('before: 1 april'); schrijf 'vóór 1 april' of laat de dag weg",
        )
    ]
