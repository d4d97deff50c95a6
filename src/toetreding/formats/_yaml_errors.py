"""PyYAML's syntax errors in Dutch.

PyYAML (and libyaml, its faster C parser, which words them differently) reports a syntax
error as two English phrases: a ``context`` ("while parsing a flow mapping") and a
``problem`` ("did not find expected ',' or '}'"). Both come from a finite set in their
sources (scanner, parser, composer, constructor, reader); each is matched here by how it
begins and said in Dutch. A phrase not in the table gets a general Dutch sentence: the
author never reads the English.
"""

from __future__ import annotations

import yaml

# Problem phrases by how they begin (libyaml's and PyYAML's wording), in Dutch. Checked in
# order: the first prefix that matches wins.
_PROBLEMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("did not find expected node content", "expected the node content"),
        "hier verwachtte de tekst een waarde",
    ),
    (
        ("did not find expected ',' or ']'", "expected ',' or ']'"),
        "hier verwachtte de tekst een ',' of een sluitende ']'",
    ),
    (
        ("did not find expected ',' or '}'", "expected ',' or '}'"),
        "hier verwachtte de tekst een ',' of een sluitende '}'",
    ),
    (
        ("did not find expected key", "expected <block end>"),
        "hier verwachtte de tekst een sleutel die even ver inspringt als de sleutels erboven",
    ),
    (
        ("did not find expected '-' indicator",),
        "hier verwachtte de tekst een volgend lijstelement ('- ') dat even ver inspringt",
    ),
    (
        ("mapping values are not allowed",),
        "hier mag geen ':' staan; zet een tekst met ': ' tussen aanhalingstekens, "
        "of controleer de inspringing",
    ),
    (("mapping keys are not allowed",), "hier mag geen sleutel met '?' beginnen"),
    (
        ("block sequence entries are not allowed",),
        "hier mag geen lijstelement ('- ') beginnen; controleer de inspringing",
    ),
    (("found a tab character",), "hier staat een tab; spring in met spaties, niet met tabs"),
    (
        ("found unexpected end of stream",),
        "de tekst houdt op voordat alles is afgesloten (ontbreekt een aanhalingsteken of haakje?)",
    ),
    (
        ("found undefined alias",),
        "deze verwijzing (*naam) noemt een anker (&naam) dat niet eerder in de tekst staat",
    ),
    (("found duplicate anchor",), "dit anker (&naam) komt twee keer voor"),
    (
        ("could not determine a constructor for the tag", "found undefined tag handle"),
        "deze markering (!…) is onbekend; laat haar weg of zet de waarde tussen aanhalingstekens",
    ),
    (
        ("found unknown escape character",),
        "onbekend teken na '\\' tussen dubbele aanhalingstekens; gebruik enkele "
        "aanhalingstekens of schrijf '\\\\'",
    ),
    (
        (
            "found invalid Unicode character escape code",
            "expected escape sequence of",
            "did not find expected hexdecimal number",
        ),
        "ongeldige tekencode na '\\x', '\\u' of '\\U' tussen dubbele aanhalingstekens",
    ),
    (("could not find expected ':'",), "hier verwachtte de tekst een ':' na de sleutel"),
    (("found unexpected ':'",), "hier staat een ':' die de tekst niet verwachtte"),
    (
        ("found unexpected document indicator", "found unexpected document separator"),
        "een regel met '---' of '...' mag hier niet staan",
    ),
    (
        (
            "expected a single document",
            "did not find expected <document start>",
            "expected '<document start>'",
        ),
        "de tekst mag maar één document bevatten (geen tweede '---')",
    ),
    (
        ("but found another document",),
        "de tekst mag maar één document bevatten (geen tweede '---')",
    ),
    (
        ("did not find expected comment or line break", "expected a comment or a line break"),
        "na deze waarde mag op de regel alleen nog commentaar (#) staan",
    ),
    (
        ("did not find expected whitespace", "expected ' '"),
        "hier verwachtte de tekst een spatie",
    ),
    (
        (
            "found an indentation indicator equal to 0",
            "expected indentation indicator",
            "expected chomping or indentation indicators",
        ),
        "na '|' of '>' mag alleen '+', '-' of een inspringing van 1 tot 9 staan",
    ),
    (
        (
            "did not find expected alphabetic or numeric character",
            "expected alphabetic or numeric character",
        ),
        "de naam van een anker of verwijzing (&naam, *naam) mag alleen letters en cijfers bevatten",
    ),
    (
        (
            "did not find expected tag URI",
            "did not find URI escaped octet",
            "expected URI",
            "did not find expected '!'",
            "expected '!'",
            "did not find the expected '>'",
            "expected '>'",
            "expected non-empty name appended to the tag",
            "found non-specific tag",
        ),
        "deze markering (!…) is ongeldig; laat haar weg of zet de waarde tussen aanhalingstekens",
    ),
    (
        (
            "found unknown directive name",
            "found unexpected non-alphabetical character",
            "found duplicate",
            "found incompatible YAML document",
            "incompatible %YAML directive",
            "did not find expected version number",
            "did not find expected digit or '.' character",
            "expected a digit",
            "found extremely long version number",
            "could not find expected directive name",
        ),
        "een regel die met '%' begint is hier niet toegestaan; "
        "zet de tekst tussen aanhalingstekens",
    ),
    (
        (
            "control characters are not allowed",
            "special characters are not allowed",
            "invalid Unicode character",
        ),
        "hier staat een onzichtbaar stuurteken dat in tekst niet is toegestaan",
    ),
    (
        (
            "invalid leading UTF-8 octet",
            "invalid trailing UTF-8 octet",
            "invalid length of a UTF-8 sequence",
            "incomplete UTF-8 octet sequence",
            "found an incorrect",
            "incomplete UTF-16",
            "unexpected low surrogate area",
            "expected high surrogate area",
        ),
        "de tekst is geen geldige UTF-8",
    ),
)

_GENERAL = "de tekst is hier geen geldige YAML (controleer leestekens en inspringing)"

# What the context phrase says the parser was inside, as the author would name it; a
# context that adds nothing for the author (a node, the next token) is left out.
_CONTEXTS: tuple[tuple[str, str], ...] = (
    ("while parsing a flow sequence", "de lijst tussen [ ]"),
    ("while parsing a flow mapping", "de sleutels tussen { }"),
    ("while parsing a block mapping", "de sleutels"),
    ("while parsing a block collection", "de lijst"),
    ("while scanning a double-quoted scalar", "de tekst tussen aanhalingstekens"),
    ("while scanning a quoted scalar", "de tekst tussen aanhalingstekens"),
    ("while parsing a quoted scalar", "de tekst tussen aanhalingstekens"),
    ("while scanning a simple key", "de sleutel"),
    ("while scanning a block scalar", "het tekstblok (| of >)"),
    ("while scanning an alias", "de verwijzing (*naam)"),
    ("while scanning an anchor", "het anker (&naam)"),
    ("while scanning a tag", "de markering (!…)"),
    ("while parsing a tag", "de markering (!…)"),
)


def dutch_problem(problem: str | None, character: str = "") -> str:
    """PyYAML's ``problem`` phrase in Dutch; ``character`` is the text at its mark."""
    text = problem or ""
    if text.startswith("found character"):  # "... that cannot start any token"
        return _cannot_start(character)
    for prefixes, dutch in _PROBLEMS:
        if text.startswith(prefixes):
            return dutch
    return _GENERAL


def dutch_context(context: str | None) -> str | None:
    """What PyYAML's ``context`` says it was reading (``de lijst tussen [ ]``), if it helps."""
    for prefix, noun in _CONTEXTS:
        if context and context.startswith(prefix):
            return noun
    return None


def _cannot_start(character: str) -> str:
    if character == "\t":
        return "hier staat een tab; spring in met spaties, niet met tabs"
    shown = f"het teken '{character}'" if character.strip() else "dit teken"
    return f"{shown} kan geen waarde beginnen; zet de waarde tussen aanhalingstekens"


def syntax_message(exc: yaml.MarkedYAMLError, mark: yaml.Mark | None, text: str) -> str:
    """The whole sentence for a syntax error whose place is ``mark``:
    ``geen geldige YAML in kolom 8: hier verwachtte de tekst een waarde, in ...``."""
    where = f"geen geldige YAML in kolom {mark.column + 1}" if mark else "geen geldige YAML"
    noun = dutch_context(exc.context)
    if noun and mark is exc.context_mark and mark is not exc.problem_mark:
        # the place is where an unclosed quote or bracket began (see _yaml._error_mark)
        return f"{where}: {noun} {_which(noun)} hier begint wordt nergens afgesloten"
    problem = dutch_problem(exc.problem, _character_at(text, mark))
    if noun and exc.context_mark:
        line = exc.context_mark.line + 1
        return f"{where}: {problem}, in {noun} {_which(noun)} op regel {line} begint"
    return f"{where}: {problem}"


def _which(noun: str) -> str:
    return "dat" if noun.startswith("het ") else "die"


def reader_message(exc: yaml.reader.ReaderError) -> str:
    """A character PyYAML's reader refuses (a control character, broken UTF-8)."""
    code = exc.character if isinstance(exc.character, int) else None
    shown = f" (tekencode {code:#06x})" if code is not None else ""
    return f"geen geldige YAML: {dutch_problem(exc.reason)}{shown}"


def _character_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]
