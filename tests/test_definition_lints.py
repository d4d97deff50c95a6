"""Domain lints: warnings, by line, about protocols that load but cannot run well."""

from __future__ import annotations

from pathlib import Path

import pytest

from toetreding._exceptions import DefinitionError
from toetreding.definition.lints import lint_protocol_text
from toetreding.documents import OUTCOMES

from .helpers import edit, line_of, run

# A small protocol with none of the problems; each test breaks one thing.
CLEAN = """\
format: 1
id: lint
version: 1
title: Lint
sectors: [vo]
roles:
  coordinator: Coördinator
  school: School
  bestuurdersnetwerk: Bestuurdersnetwerk
initial: start
states:
  start:
    label: Start
    artefacts:
      - {name: verslag, label: Verslag van het gesprek, owner: coordinator}
    deadlines:
      - name: gesprek
        label: Gesprek gevoerd
        met_by: [afronden]
        due: {after: "6 weeks"}
        remind:
          - {before: "7 days", to: [coordinator]}
  klaar:
    label: Klaar
    final: true
    outcome: partner
  gestopt:
    label: Gestopt
    final: true
transitions:
  - trigger: afronden
    label: Afronden
    from: start
    to: klaar
    roles: [coordinator]
    inputs:
      - {name: verslag, kind: document, label: Verslag}
  - trigger: stoppen
    label: Stoppen
    from: "*"
    to: gestopt
    roles: [coordinator]
"""


def warnings(text: str, frameworks: tuple[str, ...] | None = None) -> list[str]:
    _, found = lint_protocol_text(text, "lint.yaml", letters=OUTCOMES, frameworks=frameworks)
    return [str(problem) for problem in found]


def test_a_clean_protocol_has_no_warnings() -> None:
    assert warnings(CLEAN) == []


def test_a_deadline_without_reminders_is_named_on_its_line() -> None:
    text = edit(CLEAN, '        remind:\n          - {before: "7 days", to: [coordinator]}\n', "")
    [found] = warnings(text)
    assert found.startswith(f"lint.yaml:{line_of(text, '- name: gesprek')}: ")
    assert "termijn 'Gesprek gevoerd' heeft geen herinneringen" in found


def test_a_deadline_that_moves_the_case_itself_needs_no_reminders() -> None:
    text = edit(
        CLEAN,
        '        remind:\n          - {before: "7 days", to: [coordinator]}\n',
        "        on_due: {fire: afronden}\n",
    )
    text = edit(text, "      - {name: verslag, kind: document, label: Verslag}\n", "")
    text = edit(text, "    inputs:\n", "")
    text = edit(
        text, "      - {name: verslag, label: Verslag van het gesprek, owner: coordinator}\n", ""
    )
    text = edit(text, "    artefacts:\n", "")
    assert warnings(text) == []


def test_an_outcome_without_a_letter_template() -> None:
    text = edit(CLEAN, "    outcome: partner\n", "    outcome: aangesloten\n")
    [found] = warnings(text)
    assert found.startswith(f"lint.yaml:{line_of(text, 'outcome: aangesloten')}: ")
    assert "uitkomst 'aangesloten' (stap 'Klaar') is er geen besluitbrief" in found
    # the outcomes that have a letter in words, not as identifiers
    assert found.endswith(
        "brieven zijn er voor de uitkomsten: Niet toelaatbaar, Partner, Volgschool"
    )


def test_a_state_only_a_role_nobody_holds_can_move_on() -> None:
    text = edit(
        CLEAN, "    roles: [coordinator]\n    inputs:", "    roles: [school_extern]\n    inputs:"
    )
    text = edit(text, "  school: School\n", "  school: School\n  school_extern: Extern\n")
    [found] = warnings(text)
    assert found.startswith(f"lint.yaml:{line_of(text, '  start:')}: ")
    assert "in stap 'Start' kan niemand handelen" in found
    # The stop from '*' does not count as taking the step; a role people hold does.
    assert warnings(edit(text, "roles: [school_extern]", "roles: [bestuurdersnetwerk]")) == []


def test_a_document_no_form_asks_for() -> None:
    text = edit(CLEAN, "      - {name: verslag, kind: document, label: Verslag}\n", "")
    text = edit(text, "    inputs:\n", "")
    [found] = warnings(text)
    assert found.startswith(f"lint.yaml:{line_of(text, '{name: verslag, label')}: ")
    assert "document 'Verslag van het gesprek' wordt in stap 'Start' verwacht" in found
    # Asked for by the handling into the state is as good as by the one out of it.
    into = edit(text, "initial: start", "initial: begin")
    into = edit(
        into,
        "states:\n",
        "states:\n  begin:\n    label: Begin\n",
    )
    into += (
        "  - trigger: beginnen\n    label: Beginnen\n    from: begin\n    to: start\n"
        "    roles: [coordinator]\n    inputs:\n"
        "      - {name: verslag, kind: document, label: Verslag}\n"
    )
    assert warnings(into) == []


def test_an_audit_step_without_a_framework() -> None:
    text = edit(CLEAN, "    label: Start\n", "    label: Interne audit\n")
    [found] = warnings(text)
    assert "stap 'Interne audit' gaat over een audit, maar het protocol noemt geen kader" in found
    with_framework = edit(
        text,
        "initial: start\n",
        "initial: start\naudit:\n  framework: kwaliteitskader\n  open_in: [start]\n",
    )
    assert warnings(with_framework, frameworks=("kwaliteitskader",)) == []
    [unknown] = warnings(with_framework, frameworks=("nvao-opleidingsschool-2009",))
    assert unknown.startswith(f"lint.yaml:{line_of(with_framework, 'framework: kwal')}: ")
    assert "kader 'kwaliteitskader' is onbekend" in unknown


def test_an_error_is_still_an_error_not_a_warning() -> None:
    with pytest.raises(DefinitionError):
        warnings(edit(CLEAN, "to: klaar", "to: nergens"))


def test_validate_warns_and_strict_fails(tmp_path: Path) -> None:
    file = tmp_path / "lint.yaml"
    file.write_text(edit(CLEAN, "    outcome: partner\n", "    outcome: uitgesteld\n"))
    out = run("protocol", "validate", str(file))
    assert "1 waarschuwing" in out and f"{file}:" in out and "geen besluitbrief" in out
    assert "geen besluitbrief" in run("protocol", "validate", "--strict", str(file), code=1)
    file.write_text(CLEAN)
    assert "✓" in run("protocol", "validate", "--strict", str(file))
