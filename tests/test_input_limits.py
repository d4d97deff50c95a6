"""Inputs of a step are bounded in the model, so the CLI, the web pages and the API refuse
the same values with the same Dutch words: a note of at most 5,000 characters, a named text
of at most 2,000, a number within the range its protocol declares."""

from __future__ import annotations

from datetime import datetime

import pytest

from toetreding import MissingInput
from toetreding._exceptions import DefinitionError
from toetreding.clock import LOCAL_TZ
from toetreding.definition import load_protocol_text
from toetreding.workflows import Actor, FireRequest, ProtocolMachine

PROTOCOL = """\
id: grenzen
version: 1
title: Grenzen
sectors: [vo]
roles: {school: School, coordinator: Coördinator}
initial: start
states:
  start: {label: Begin}
  klaar: {label: Klaar, final: true}
transitions:
  - trigger: indienen
    label: Indienen
    from: start
    to: klaar
    roles: [school]
    inputs:
      - {name: paginas, kind: number, label: "Aantal pagina's", min: 1, max: 10}
      - {name: voorwaarden, kind: text, label: Voorwaarden, required: false}
      - {name: jaren, kind: number, label: Jaren, required: false}
"""
SCHOOL = Actor(5, "Sam", frozenset({"school"}))
AT = datetime(2027, 3, 1, 10, 0, tzinfo=LOCAL_TZ)


def _fire(**fields: object) -> dict[str, object]:
    machine = ProtocolMachine(load_protocol_text(PROTOCOL))
    request = FireRequest(trigger="indienen", actor=SCHOOL, at=AT, **fields)  # type: ignore[arg-type]
    return dict(machine.decide(1, "start", request).payload)


def _refusal(**fields: object) -> str:
    with pytest.raises(MissingInput) as caught:
        _fire(**fields)
    return str(caught.value)


@pytest.mark.parametrize(
    ("pages", "words"),
    [
        ("-5", "'Aantal pagina's': moet van 1 tot en met 10 zijn, niet -5"),
        ("0", "'Aantal pagina's': moet van 1 tot en met 10 zijn, niet 0"),
        ("11", "'Aantal pagina's': moet van 1 tot en met 10 zijn, niet 11"),
        ("9" * 5000, "'Aantal pagina's': '99999999999999999999…' is geen geheel getal"),
    ],
)
def test_a_number_outside_its_declared_range_is_refused(pages: str, words: str) -> None:
    assert words in _refusal(inputs={"paginas": pages})


@pytest.mark.parametrize(
    ("bound", "years", "words"),
    [
        ("min: 1", "0", "'Jaren': moet minstens 1 zijn, niet 0"),
        ("max: 5", "6", "'Jaren': mag hoogstens 5 zijn, niet 6"),
    ],
)
def test_a_number_beyond_its_one_declared_end_is_refused(
    bound: str, years: str, words: str
) -> None:
    one_end = PROTOCOL.replace("label: Jaren, required: false}", f"label: Jaren, {bound}}}")
    machine = ProtocolMachine(load_protocol_text(one_end))
    request = FireRequest(
        trigger="indienen", actor=SCHOOL, at=AT, inputs={"paginas": "3", "jaren": years}
    )
    with pytest.raises(MissingInput) as caught:
        machine.decide(1, "start", request)
    assert words in str(caught.value)


def test_a_number_in_range_and_an_undeclared_range_are_kept() -> None:
    assert _fire(inputs={"paginas": "1", "jaren": "-3"})["paginas"] == 1
    assert _fire(inputs={"paginas": 10})["paginas"] == 10


def test_a_long_note_and_a_long_text_are_refused_with_their_length() -> None:
    message = _refusal(inputs={"paginas": "3"}, note="x" * 5_001)
    assert "de toelichting is te lang: 5.001 tekens; ten hoogste 5.000" in message
    message = _refusal(inputs={"paginas": "3", "voorwaarden": "y" * 10_000_000})
    assert "'Voorwaarden': 10.000.000 tekens; ten hoogste 2.000" in message
    assert _fire(inputs={"paginas": "3", "voorwaarden": "y" * 2_000}, note="x" * 5_000)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("min: 5, max: 2", "min (5) is groter dan max (2)"),
        ("kind: text, min: 1", "min en max horen alleen bij een invoer van soort number"),
    ],
)
def test_a_range_must_make_sense(extra: str, words: str) -> None:
    broken = PROTOCOL.replace(
        "{name: jaren, kind: number, label: Jaren, required: false}",
        "{name: jaren, label: Jaren, required: false, "
        + ("kind: number, " if "kind" not in extra else "")
        + extra
        + "}",
    )
    with pytest.raises(DefinitionError) as caught:
        load_protocol_text(broken)
    assert words in str(caught.value)
