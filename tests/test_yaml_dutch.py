"""A YAML syntax error reads in Dutch, with its line and column, never in PyYAML's English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from toetreding.formats._text import YamlProblem, read_yaml
from toetreding.formats._yaml_errors import _GENERAL, dutch_problem

ENGLISH = re.compile(r"\b(while|parsing|scanning|found|expected|not|allowed|character)\b")

CASES = {
    "unclosed flow list at the end": (
        "a: 1\nsteps: [\n",
        3,
        "geen geldige YAML in kolom 1: hier verwachtte de tekst een waarde",
    ),
    "tab indentation": (
        "a:\n  b: 1\n\tc: 2\n",
        3,
        "geen geldige YAML in kolom 1: hier staat een tab; spring in met spaties, niet met tabs",
    ),
    "colon inside a value": (
        "title: Groningen: mbo\n",
        1,
        "geen geldige YAML in kolom 17: hier mag geen ':' staan; zet een tekst met ': ' tussen "
        "aanhalingstekens, of controleer de inspringing",
    ),
    "unclosed flow mapping": (
        "days: {start: 2027-01-01\nend: 2\n",
        2,
        "geen geldige YAML in kolom 4: hier verwachtte de tekst een ',' of een sluitende '}', "
        "in de sleutels tussen { } die op regel 1 begint",
    ),
    "unclosed quote": (
        "title: 'Mini\nversion: 1\n",
        1,
        "geen geldige YAML in kolom 8: de tekst tussen aanhalingstekens die hier begint "
        "wordt nergens afgesloten",
    ),
    "character that starts nothing": (
        "title: @home\n",
        1,
        "geen geldige YAML in kolom 8: het teken '@' kan geen waarde beginnen; zet de waarde "
        "tussen aanhalingstekens",
    ),
    "control character": (
        "title: a\nlabel: b\x07\n",
        2,
        "geen geldige YAML: hier staat een onzichtbaar stuurteken dat in tekst niet is "
        "toegestaan (tekencode 0x0007)",
    ),
    "second document": (
        "a: 1\n---\nb: 2\n",
        2,
        "geen geldige YAML in kolom 1: de tekst mag maar één document bevatten (geen tweede '---')",
    ),
}


@pytest.mark.parametrize("what", CASES)
def test_syntax_error_is_dutch_with_line_and_column(what: str) -> None:
    text, line, message = CASES[what]
    with pytest.raises(YamlProblem) as caught:
        read_yaml(text)
    assert (caught.value.line, caught.value.message) == (line, message)
    assert not ENGLISH.search(caught.value.message)


def _pyyaml_problems() -> set[str]:
    """Every problem phrase in PyYAML's scanner, parser and composer (up to its first
    ``%`` placeholder): the set a definition file can run into."""
    folder = Path(yaml.__file__).parent
    found: set[str] = set()
    for name in ("scanner.py", "parser.py", "composer.py"):
        for node in ast.walk(ast.parse((folder / name).read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if re.match(r"(expected|found|did not|could not|mapping|but found)\b", text):
                    found.add(text.split("%")[0].rstrip())
    return found


def test_every_pyyaml_problem_has_its_own_dutch_phrase() -> None:
    phrases = _pyyaml_problems()
    assert len(phrases) > 30  # the scan found PyYAML's phrases
    untranslated = sorted(p for p in phrases if dutch_problem(p) == _GENERAL)
    assert untranslated == []


def test_unknown_problem_gets_general_dutch_not_english() -> None:
    assert dutch_problem("some future libyaml phrase") == _GENERAL
    assert not ENGLISH.search(_GENERAL)
