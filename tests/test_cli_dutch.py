"""The command line speaks Dutch everywhere a person reads it: every command's help (click's
and Typer's own words included), errors in the arguments, and the protocol as sentences."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.main import get_command

from toetreding.cli import app
from toetreding.definition import ProtocolRegistry, guard_sentence, input_words

from .conftest import PROTOCOLS
from .helpers import run

ENGLISH = (
    "Show this message",
    "Usage:",
    "[required]",
    "[default:",
    "Options ",
    "Arguments ",
    "Commands ",
    "<str>",
    "<int>",
    "<bool>",
    "<Path>",
    "<list[",
    "Install completion",
    "Show completion",
    "[OPTIONS]",
    "range>",  # Typer's '<int range> [x>=1]': '<getal> [minstens 1]'
    "x>=",
    "<=x",
)


def _commands(group: typer.core.TyperGroup, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    # Through list_commands/get_command: the root loads its commands lazily (cli/__init__.py).
    found = [path]
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, typer.core.TyperGroup):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def test_every_help_page_is_in_dutch(db: Path) -> None:
    commands = _commands(get_command(app))  # type: ignore[arg-type]
    assert len(commands) > 40  # every command and group of toetreding
    for command in commands:
        shown = run(*command, "--help")
        leftovers = [word for word in ENGLISH if word in shown]
        assert leftovers == [], (command, leftovers, shown)
        # an argument by a Dutch name, not by the Python parameter's ('{case_id}')
        assert not re.search(r"\{[a-z_]+\}", shown), (command, shown)
    root = run("--help")
    assert "[OPTIES] COMMANDO [ARGS]..." in root and "Gebruik: " in root
    assert "Toon deze hulp en stop." in root and "Commando's" in root


def test_an_unreadable_file_is_refused_in_dutch(db: Path, tmp_path: Path) -> None:
    binary = tmp_path / "brief.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xad\xff")
    for path, reason in [
        (tmp_path / "weg.yaml", "bestaat niet"),
        (tmp_path, "is een map, geen bestand"),
        (binary, "is geen tekstbestand in UTF-8"),
    ]:
        for command in (("protocol", "validate"), ("framework", "validate")):
            out = run(*command, str(path), code=1)
            assert f"kan het bestand niet lezen: {reason}" in out, (command, out)
            assert "Errno" not in out and "codec" not in out and "Traceback" not in out
    published = run("protocol", "publish", str(tmp_path), "--by", "x@y.example", code=1)
    assert "is een map, geen bestand" in published and "Errno" not in published
    assert "[minstens 1]" in run("reminders", "list", "--help")


def test_a_wrong_argument_is_refused_in_dutch(db: Path) -> None:
    out = run("case", "show", "abc", code=2)
    assert "ongeldige waarde voor 'DOSSIER': is geen geheel getal" in out
    assert "Input should" not in out and "Invalid value" not in out


def test_protocol_show_gives_guards_as_sentences_and_inputs_by_label(db: Path) -> None:
    out = run("protocol", "show", "partnerschap2")
    assert "date_reached" not in out and "report_ready" not in out
    assert "(document)" not in out and "orientatie (begin)" not in out
    spec = ProtocolRegistry.from_directory(PROTOCOLS).get("partnerschap2")
    guards = {t.trigger: guard_sentence(spec, t.guard) for t in spec.transitions if t.guard}
    assert guards["concept_rapport_opstellen"] == (
        "De datum ‘Afgesproken datum van de interne audit’ is bereikt en de auditcommissie "
        "heeft een concept-rapport opgesteld"
    )
    assert guards["besluit_volgschool"] == (
        "Het dossier is nooit eerder in de stap ‘Volgschool’ geweest en een besluit dat "
        "afwijkt van het advies van de auditcommissie (‘Volgschool’) heeft een reden in "
        "‘Reden om af te wijken van het advies’"
    )
    # Parts joined otherwise than the whole are bracketed: "A en B of C" reads two ways.
    nested = "(date_reached('auditdatum') and report_ready('concept')) or corrections_returned()"
    assert guard_sentence(spec, nested) == (
        "(De datum ‘Afgesproken datum van de interne audit’ is bereikt en de auditcommissie "
        "heeft een concept-rapport opgesteld) of de school heeft feitelijke onjuistheden in "
        "het concept-rapport gemeld"
    )
    negated = (
        "not (report_ready('concept') or corrections_returned()) and date_reached('auditdatum')"
    )
    assert guard_sentence(spec, negated) == (
        "De auditcommissie heeft nog geen concept-rapport en de school heeft geen feitelijke "
        "onjuistheden gemeld en de datum ‘Afgesproken datum van de interne audit’ is bereikt"
    )
    # Version 2 limits the pages with a guard; version 3 declares the input's range.
    v2 = ProtocolRegistry.from_directory(PROTOCOLS).get("partnerschap2", 2)
    [v2_pages] = [t.guard for t in v2.transitions if t.trigger == "zelfevaluatie_indienen"]
    assert guard_sentence(v2, v2_pages) == "‘Aantal pagina's (maximaal 10)’ is hoogstens 10"
    assert "zelfevaluatie_indienen" not in guards
    inputs = {i.name: i for t in spec.transitions for i in t.inputs}
    assert input_words(inputs["paginas"]) == "getal van 1 tot en met 10"
    assert input_words(inputs["besluitbrief"]) == "bestand, niet verplicht"
