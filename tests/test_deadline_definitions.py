"""Deadlines in protocol files: the forms 'by when' can take, and what is refused."""

from __future__ import annotations

import pytest

from toetreding import DefinitionError
from toetreding.calendar import parse_day_month
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
        AANSLUITEN + "{date: '1 april', school_year: next}}",
        AANSLUITEN + "{date: '1 april', school_year: schooljaar}}",
        AANSLUITEN + "{before_summer_vacation: true}}",
        AANSLUITEN + "{input: gesprek}}",
        AANSLUITEN + "{after: '1 jaar'}, on_missed: {fire: verlopen}}",
        AANSLUITEN + "{after: '1 jaar'}, on_missed: {escalate: stuurgroep}}",
        AANSLUITEN + "{date: '1 april', school_year: upcoming}}",
        AANSLUITEN + "{date: '1 augustus', school_year: schooljaar}, on_due: {fire: verlopen}}",
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
        (
            AANSLUITEN + "{date: '31 februari'}}",
            "geen dag in het jaar",
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
            AANSLUITEN + "{date: '1-4', school_year: gesprek}}",
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
        (AANSLUITEN + "{after: '1 year', school_year: upcoming}}", "alleen samen met 'date'"),
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
