"""Loading protocol files: what a protocol author sees when a file is right or wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from toetreding._exceptions import DefinitionError, DefinitionProblem
from toetreding.definition import ProtocolRegistry, ProtocolSpec, load_protocol_file
from toetreding.definition.registry import DATA_FOLDERS
from toetreding.rules import all_rules
from toetreding.workflows import ProtocolMachine

from .helpers import Writer, edit, line_of

PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
SHIPPED = sorted(
    file
    for file in PROTOCOLS.rglob("*")
    if file.suffix in (".yaml", ".yml")
    and not DATA_FOLDERS.intersection(file.relative_to(PROTOCOLS).parts)
)

# The smallest valid protocol; tests change one thing in it at a time.
MINIMAL = """\
format: 1
id: mini
version: 1
title: Mini
sectors: [vo]
roles:
  coordinator: Coördinator
  school: School
initial: start
states:
  start:
    label: Start
  klaar:
    label: Klaar
    final: true
transitions:
  - trigger: afronden
    label: Afronden
    from: start
    to: klaar
    roles: [coordinator]
"""

# --- helpers ---------------------------------------------------------------------------


def add_state(text: str, block: str) -> str:
    return edit(text, "transitions:\n", block + "transitions:\n")


def add_transition(text: str, block: str) -> str:
    return text + block


def add_to_first_transition(text: str, lines: str) -> str:
    return edit(text, "    roles: [coordinator]\n", "    roles: [coordinator]\n" + lines)


def load_error(path: Path) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        load_protocol_file(path)
    return info.value


def only_problem(error: DefinitionError) -> DefinitionProblem:
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


# --- files that load ---------------------------------------------------------------------


def test_protocols_directory_has_protocols() -> None:
    assert SHIPPED, f"no protocol files found in {PROTOCOLS}"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_protocol_loads_and_builds_a_machine(path: Path) -> None:
    spec = load_protocol_file(path)
    assert isinstance(spec, ProtocolSpec)
    machine = ProtocolMachine(spec)
    assert machine.allowed(spec.initial), "the initial state offers no action"


def test_registry_loads_every_shipped_protocol() -> None:
    registry = ProtocolRegistry.from_directory(PROTOCOLS)
    assert {spec.key for spec in registry.all()} == {load_protocol_file(p).key for p in SHIPPED}


def test_minimal_protocol_loads(write: Writer) -> None:
    spec = load_protocol_file(write(MINIMAL))
    assert spec.key == ("mini", 1)
    assert spec.initial == "start"
    assert spec.states["klaar"].final
    assert spec.transitions[0].source == ("start",)
    assert spec.opened_by == ("coordinator",)


def test_star_source_means_every_active_state(write: Writer) -> None:
    text = add_state(
        MINIMAL, "  midden:\n    label: Midden\n  gestopt:\n    label: G\n    final: true\n"
    )
    text = add_transition(
        text,
        "  - {trigger: verder, label: V, from: start, to: midden, roles: [coordinator]}\n"
        "  - {trigger: klaar_midden, label: K, from: midden, to: klaar, roles: [coordinator]}\n"
        "  - {trigger: stoppen, label: S, from: '*', to: gestopt, roles: [school]}\n",
    )
    spec = load_protocol_file(write(text))
    stoppen = next(t for t in spec.transitions if t.trigger == "stoppen")
    assert set(spec.expand_sources(stoppen)) == {"start", "midden"}


# --- unknown keys --------------------------------------------------------------------------


UNKNOWN_KEYS = {
    "state": (
        edit(MINIMAL, "    label: Start\n", "    label: Start\n    colour: rood\n"),
        "states.start.colour",
        "label, step, description, final, outcome, artefacts",
    ),
    "transition": (
        edit(MINIMAL, "    label: Afronden\n", "    label: Afronden\n    colour: rood\n"),
        "transitions[0] (afronden).colour",
        "trigger, label, from, to, roles, inputs, guard, description",
    ),
    "top-level": (
        edit(MINIMAL, "title: Mini\n", "title: Mini\ncolour: rood\n"),
        "colour",
        "format, id, version, title, description, source, sectors, roles, opened_by, steps, "
        "initial, states, transitions",
    ),
    "input": (
        add_to_first_transition(
            MINIMAL,
            "    inputs:\n      - {name: verslag, kind: document, label: V, colour: rood}\n",
        ),
        "transitions[0] (afronden).inputs[0] (verslag).colour",
        "name, kind, label, required, help",
    ),
}


@pytest.mark.parametrize("where", UNKNOWN_KEYS)
def test_unknown_key_names_file_line_key_and_allowed_keys(write: Writer, where: str) -> None:
    text, key, allowed = UNKNOWN_KEYS[where]
    path = write(text)
    problem = only_problem(load_error(path))
    line = line_of(text, "colour: rood")
    assert problem.file == str(path)
    assert problem.line == line
    assert problem.key == key
    assert "onbekende sleutel 'colour'" in problem.message
    assert f"toegestaan zijn: {allowed}" in problem.message
    assert f"{path}:{line}: {key}:" in str(load_error(path))


# --- YAML 1.1 booleans -------------------------------------------------------------------


def test_yes_no_on_off_stay_strings(write: Writer) -> None:
    text = """\
format: 1
id: booleans
version: 1
title: Ja en nee
sectors: [vo]
roles: {coordinator: C, yes: Ja-zegger}
initial: no
states:
  no: {label: Nee}
  on: {label: Aan}
  yes: {label: Ja}
  off: {label: Uit, final: true}
transitions:
  - {trigger: aan, label: A, from: no, to: on, roles: [coordinator]}
  - {trigger: ja, label: J, from: [on, no], to: yes, roles: [yes]}
  - {trigger: uit, label: U, from: yes, to: off, roles: [coordinator]}
"""
    spec = load_protocol_file(write(text))
    assert spec.initial == "no"
    assert list(spec.states) == ["no", "on", "yes", "off"]
    assert [t.source for t in spec.transitions] == [("no",), ("on", "no"), ("yes",)]
    assert [t.dest for t in spec.transitions] == ["on", "yes", "off"]
    assert spec.transitions[1].roles == ("yes",)
    assert spec.states["off"].final is True
    assert spec.states["no"].final is False


# --- duplicate keys ------------------------------------------------------------------------


DUPLICATES = {
    "top-level": (
        edit(MINIMAL, "version: 1\n", "version: 1\nversion: 2\n"),
        "version: 2",
        "version",
    ),
    "in a state": (
        edit(MINIMAL, "    label: Start\n", "    label: Start\n    label: Nog eens\n"),
        "Nog eens",
        "states.start.label",
    ),
    "state name": (
        add_state(MINIMAL, "  start:\n    label: Tweede start\n"),
        "  start:",
        "states.start",
    ),
    "in a transition": (
        edit(MINIMAL, "    label: Afronden\n", "    label: Afronden\n    label: Nog eens\n"),
        "Nog eens",
        "transitions[0].label",
    ),
}


@pytest.mark.parametrize("where", DUPLICATES)
def test_duplicate_key_is_reported_at_its_second_line(write: Writer, where: str) -> None:
    text, needle, key = DUPLICATES[where]
    path = write(text)
    problem = only_problem(load_error(path))
    occurrence = 1 if needle == "  start:" else 0
    assert problem.file == str(path)
    assert problem.line == line_of(text, needle, occurrence)
    assert problem.key == key
    assert "twee keer" in problem.message


# --- missing keys, wrong types, bad names ------------------------------------------------


MISSING = {
    "title": (edit(MINIMAL, "title: Mini\n", ""), "title", "format: 1"),
    "state label": (
        edit(MINIMAL, "  start:\n    label: Start\n", "  start:\n    description: geen label\n"),
        "states.start.label",
        "  start:",
    ),
    "transition target": (
        edit(MINIMAL, "    to: klaar\n", ""),
        "transitions[0] (afronden).to",
        "- trigger: afronden",
    ),
    "initial": (edit(MINIMAL, "initial: start\n", ""), "initial", "format: 1"),
}


@pytest.mark.parametrize("what", MISSING)
def test_missing_required_key(write: Writer, what: str) -> None:
    text, key, needle = MISSING[what]
    path = write(text)
    problem = only_problem(load_error(path))
    assert problem.key == key
    assert problem.message == "verplichte sleutel ontbreekt"
    assert problem.line == line_of(text, needle)


WRONG_VALUES = {
    "version is text": (
        edit(MINIMAL, "version: 1", "version: een"),
        "version: een",
        "version",
        "moet een geheel getal zijn",
    ),
    "version is zero": (
        edit(MINIMAL, "version: 1", "version: 0"),
        "version: 0",
        "version",
        "moet minstens 1 zijn",
    ),
    "roles not a list": (
        edit(MINIMAL, "    roles: [coordinator]", "    roles: coordinator"),
        "roles: coordinator",
        "transitions[0] (afronden).roles",
        "moet een lijst zijn",
    ),
    "final not a boolean": (
        edit(MINIMAL, "    final: true", "    final: misschien"),
        "final: misschien",
        "states.klaar.final",
        "moet true of false zijn",
    ),
    "unknown sector": (
        edit(MINIMAL, "sectors: [vo]", "sectors: [hbo]"),
        "sectors: [hbo]",
        "sectors[0]",
        "'hbo' is niet toegestaan; kies uit",
    ),
    "unknown input kind": (
        add_to_first_transition(MINIMAL, "    inputs:\n      - {name: v, kind: pdf, label: V}\n"),
        "kind: pdf",
        "transitions[0] (afronden).inputs[0] (v).kind",
        "'pdf' is niet toegestaan",
    ),
    "states is a list": (
        edit(
            MINIMAL,
            "  start:\n    label: Start\n  klaar:\n    label: Klaar\n    final: true\n",
            "  - start\n  - klaar\n",
        ),
        "states:",
        "states",
        "moet een mapping (sleutel: waarde) zijn",
    ),
    "empty label": (
        edit(MINIMAL, "    label: Start\n", "    label: ''\n"),
        "label: ''",
        "states.start.label",
        "mag niet leeg zijn",
    ),
    "trigger name": (
        edit(MINIMAL, "trigger: afronden", "trigger: Bad-Name"),
        "trigger: Bad-Name",
        "transitions[0] (Bad-Name).trigger",
        "'Bad-Name' is geen geldige naam",
    ),
    "protocol id": (
        edit(MINIMAL, "id: mini", "id: Mini Protocol"),
        "id: Mini Protocol",
        "id",
        "'Mini Protocol' is geen geldige naam",
    ),
    "state name": (
        MINIMAL.replace("start", "Start-1"),
        "  Start-1:",
        "states.Start-1",
        "'Start-1' is geen geldige stapnaam",
    ),
}


@pytest.mark.parametrize("what", WRONG_VALUES)
def test_wrong_value_is_reported_with_line_and_key(write: Writer, what: str) -> None:
    assert_reported_once(write, *WRONG_VALUES[what])


def test_all_problems_of_a_file_are_reported_together(write: Writer) -> None:
    text = edit(MINIMAL, "version: 1", "version: een")
    text = edit(text, "trigger: afronden", "trigger: Bad-Name")
    error = load_error(write(text))
    # Exactly these two: a bad item must not also make its list look empty.
    assert [(p.line, p.key) for p in error.problems] == [
        (line_of(text, "version: een"), "version"),
        (line_of(text, "trigger: Bad-Name"), "transitions[0] (Bad-Name).trigger"),
    ]
    assert "2 problemen" in str(error)


def test_not_a_mapping(write: Writer) -> None:
    problem = only_problem(load_error(write("- een\n- lijst\n")))
    assert problem.line == 1
    assert "mapping" in problem.message


# --- semantic checks -----------------------------------------------------------------------


SEMANTIC = {
    "transition to unknown state": (
        edit(MINIMAL, "    to: klaar", "    to: nergens"),
        "to: nergens",
        "transitions[0] (afronden).to",
        "onbekende stap 'nergens'",
    ),
    "transition from unknown state": (
        edit(MINIMAL, "    from: start", "    from: [start, elders]"),
        "from: [start, elders]",
        "transitions[0] (afronden).from[1]",
        "onbekende stap 'elders'",
    ),
    "transition from a final state": (
        add_transition(
            MINIMAL,
            "  - trigger: heropenen\n    label: H\n    from: klaar\n    to: start\n"
            "    roles: [coordinator]\n",
        ),
        "from: klaar",
        "transitions[1] (heropenen).from",
        "'klaar' is een eindtoestand",
    ),
    "role not declared": (
        edit(MINIMAL, "    roles: [coordinator]", "    roles: [stuurgroep]"),
        "roles: [stuurgroep]",
        "transitions[0] (afronden).roles[0]",
        "rol 'stuurgroep' staat niet onder 'roles' (coordinator, school)",
    ),
    "unreachable state": (
        add_state(MINIMAL, "  wees:\n    label: Wees\n    final: true\n"),
        "  wees:",
        "states.wees",
        "stap 'wees' is vanaf 'start' onbereikbaar",
    ),
    "non-final state without exit": (
        add_transition(
            add_state(MINIMAL, "  wacht:\n    label: Wacht\n"),
            "  - {trigger: wachten, label: W, from: start, to: wacht, roles: [coordinator]}\n",
        ),
        "  wacht:",
        "states.wacht",
        "stap 'wacht' is geen eindtoestand maar heeft geen uitgang",
    ),
    "opened_by role not declared": (
        edit(MINIMAL, "initial: start\n", "opened_by: [coordinator, bestuur]\ninitial: start\n"),
        "opened_by:",
        "opened_by[1]",
        "rol 'bestuur' staat niet onder 'roles'",
    ),
    "artefact owner not declared": (
        edit(
            MINIMAL,
            "    label: Start\n",
            "    label: Start\n    artefacts:\n      - {name: verslag, label: V, owner: bestuur}\n",
        ),
        "owner: bestuur",
        "states.start.artefacts[0] (verslag).owner",
        "rol 'bestuur' staat niet onder 'roles'",
    ),
    "frame_by role not declared": (
        edit(
            MINIMAL,
            "    label: Start\n",
            "    label: Start\n    frame: intake\n    frame_by: [school, bestuur]\n",
        ),
        "frame_by: [school, bestuur]",
        "states.start.frame_by[1]",
        "rol 'bestuur' staat niet onder 'roles'",
    ),
    "initial is unknown": (
        edit(MINIMAL, "initial: start", "initial: begin"),
        "initial: begin",
        "initial",
        "begintoestand 'begin' is geen bekende stap",
    ),
    "initial is final": (
        edit(MINIMAL, "initial: start", "initial: klaar"),
        "initial: klaar",
        "initial",
        "de begintoestand mag geen eindtoestand zijn",
    ),
}


@pytest.mark.parametrize("what", SEMANTIC)
def test_semantic_problem(write: Writer, what: str) -> None:
    assert_reported_once(write, *SEMANTIC[what])


def assert_reported_once(write: Writer, text: str, needle: str, key: str, message: str) -> None:
    """Loading ``text`` gives exactly one problem: at the line of ``needle``, about ``key``."""
    path = write(text)
    problem = only_problem(load_error(path))
    assert problem.file == str(path)
    assert problem.key == key
    assert message in problem.message
    assert problem.line == line_of(text, needle)


def test_duplicate_input_names_are_both_reported(write: Writer) -> None:
    text = add_to_first_transition(
        MINIMAL,
        "    inputs:\n"
        "      - {name: verslag, kind: document, label: Verslag}\n"
        "      - {name: verslag, kind: text, label: Nog een verslag}\n",
    )
    error = load_error(write(text))
    assert [(p.line, p.key) for p in error.problems] == [
        (line_of(text, "label: Verslag}"), "transitions[0] (afronden).inputs[0] (verslag).name"),
        (line_of(text, "Nog een verslag"), "transitions[0] (afronden).inputs[1] (verslag).name"),
    ]
    assert all("invoer 'verslag' dubbel" in p.message for p in error.problems)


# --- guards --------------------------------------------------------------------------------


def with_guard(guard: str) -> str:
    """MINIMAL with inputs and a guard on its transition (the guard as a YAML block scalar)."""
    return add_to_first_transition(
        MINIMAL,
        "    inputs:\n"
        "      - {name: verslag, kind: document, label: Verslag}\n"
        "      - {name: paginas, kind: number, label: Aantal pagina's}\n"
        f"    guard: >-\n      {guard}\n",
    )


def guard_problem(write: Writer, guard: str) -> DefinitionProblem:
    text = with_guard(guard)
    problem = only_problem(load_error(write(text)))
    assert problem.key == "transitions[0] (afronden).guard"
    assert problem.line == line_of(text, "guard:")
    return problem


def test_valid_guard_loads(write: Writer) -> None:
    guard = (
        "input_at_most('paginas', 10) and has_document('verslag')"
        " and not (has_been_in('klaar') or times_in_at_most('start', 2))"
    )
    spec = load_protocol_file(write(with_guard(guard)))
    assert spec.transitions[0].guard == guard


@pytest.mark.parametrize(
    ("guard", "message"),
    [
        ("has_been_in('begin')", "has_been_in: 'begin' is geen stap van dit protocol"),
        ("times_in_at_most('begin', 2)", "times_in_at_most: 'begin' is geen stap van dit protocol"),
        ("has_document('plan')", "has_document: geen handeling vraagt invoer 'plan'"),
        ("input_at_most('pagina', 10)", "input_at_most: geen handeling vraagt invoer 'pagina'"),
        # it reads the frame of the step the case leaves: 'start' names none
        ("frame_answered()", "frame_answered: stap 'start' noemt geen gesprekskader ('frame')"),
        # a quoted number would load, then crash comparing int and str when someone fires
        ("input_at_most('paginas', '10')", "input_at_most: het maximum moet een getal zijn"),
        ("times_in_at_most('start', 'twee')", "times_in_at_most: het maximum moet een getal zijn"),
        (
            "joins_in_time('verslag', 'vóór 30 februari')",
            "joins_in_time: 'vóór 30 februari' is geen dag",
        ),
        ("joins_in_time('verslag', '30 februari')", "joins_in_time: '30 februari' is geen dag"),
        ("joins_in_time('verslag', 1)", "joins_in_time: 1 is geen dag in het jaar"),
        (
            "joins_in_time('verslag', '1 april')",
            "joins_in_time: '1 april' zegt niet of 1 april zelf nog meetelt; schrijf "
            "'vóór 1 april' (de laatste dag is 31 maart) of 'uiterlijk 1 april'",
        ),
    ],
)
def test_rule_arguments_must_fit_the_protocol(write: Writer, guard: str, message: str) -> None:
    assert message in guard_problem(write, guard).message


def test_unknown_rule_lists_the_known_rules(write: Writer) -> None:
    problem = guard_problem(write, "heeft_document('verslag')")
    assert "onbekende regel 'heeft_document'" in problem.message
    known = [r.name for r in all_rules()]
    assert {"has_document", "has_been_in", "input_at_most", "times_in_at_most"} <= set(known)
    assert f"bekende regels: {', '.join(known)}" in problem.message


@pytest.mark.parametrize(
    ("guard", "message"),
    [
        ("has_document()", "regel 'has_document' verwacht 1 argument(en) (name), kreeg 0"),
        ("has_document", "regel 'has_document' verwacht 1 argument(en) (name), kreeg 0"),
        ("has_document('a', 'b')", "regel 'has_document' verwacht 1 argument(en) (name), kreeg 2"),
        (
            "input_at_most('paginas')",
            "regel 'input_at_most' verwacht 2 argument(en) (name, maximum), kreeg 1",
        ),
    ],
)
def test_wrong_number_of_rule_arguments(write: Writer, guard: str, message: str) -> None:
    assert guard_problem(write, guard).message == message


@pytest.mark.parametrize(
    "guard",
    [
        "__import__('os').system('x')",
        "1 + 1",
        "True",
        "has_document.__class__",
        "has_document('a').holds",
        "lambda: True",
        "(lambda: True)()",
        "has_document('a') if True else has_been_in('b')",
        "[has_document('a')]",
        "has_document('a') == True",
        "has_document(open('a'))",
        "has_document(name='a')",
        "has_document('a') and",
        "x := has_document('a')",
    ],
)
def test_only_rules_and_or_not_are_allowed(write: Writer, guard: str) -> None:
    problem = guard_problem(write, guard)
    assert "guard" in problem.message or "argument" in problem.message


@pytest.mark.parametrize(
    "template",
    [
        "__import__('pathlib').Path('{path}').write_text('x')",
        "has_document(__import__('pathlib').Path('{path}').write_text('x'))",
        "has_document('a') or __import__('pathlib').Path('{path}').write_text('x')",
        "not (lambda: __import__('pathlib').Path('{path}').write_text('x'))()",
        "exec(\"open('{path}', 'w').write('x')\")",
        "eval(\"open('{path}', 'w').write('x')\")",
    ],
)
def test_guard_text_is_never_executed(write: Writer, tmp_path: Path, template: str) -> None:
    target = tmp_path / "pwned.txt"
    guard_problem(write, template.format(path=target))
    assert not target.exists()


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['touch {path}']",
        "!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{path}']]",
        "!!python/name:os.system",
    ],
)
def test_python_yaml_tags_are_not_constructed(write: Writer, tmp_path: Path, tagged: str) -> None:
    target = tmp_path / "pwned.txt"
    text = add_to_first_transition(MINIMAL, f"    guard: {tagged.format(path=target)}\n")
    load_error(write(text))
    assert not target.exists()


# --- malformed YAML ------------------------------------------------------------------------


MALFORMED = {
    "bad indentation": (
        edit(MINIMAL, "    label: Start\n", "    label: Start\n   final: false\n"),
        "   final: false",
    ),
    "tab indentation": (
        edit(MINIMAL, "    label: Start\n", "    label: Start\n\tfinal: false\n"),
        "\tfinal: false",
    ),
    "unclosed quote": (edit(MINIMAL, "title: Mini", "title: 'Mini"), "title: 'Mini"),
}


@pytest.mark.parametrize("what", MALFORMED)
def test_malformed_yaml_is_reported_with_its_line(write: Writer, what: str) -> None:
    text, needle = MALFORMED[what]
    path = write(text)
    problem = only_problem(load_error(path))
    assert problem.file == str(path)
    assert "geen geldige YAML" in problem.message
    assert problem.line == line_of(text, needle)


def test_unclosed_flow_list_is_reported_where_it_is(write: Writer) -> None:
    text = edit(MINIMAL, "sectors: [vo]", "sectors: [vo")
    problem = only_problem(load_error(write(text)))
    assert "geen geldige YAML" in problem.message
    # PyYAML notices on the next line; either line points the author to the right place.
    assert problem.line in (line_of(text, "sectors: [vo"), line_of(text, "sectors: [vo") + 1)


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    problem = only_problem(load_error(path))
    assert problem.file == str(path)
    assert "kan het bestand niet lezen" in problem.message


# --- the registry over a directory ---------------------------------------------------------


def test_same_id_and_version_in_two_files_names_both(write: Writer, tmp_path: Path) -> None:
    first = write(MINIMAL, "a_mini.yaml")
    second = write(edit(MINIMAL, "title: Mini", "title: Kopie"), "b_kopie.yaml")
    with pytest.raises(DefinitionError) as info:
        ProtocolRegistry.from_directory(tmp_path)
    problem = only_problem(info.value)
    assert problem.file == str(second)
    assert str(first) in problem.message
    assert "'mini' versie 1" in problem.message


def test_broken_file_among_good_ones_is_listed(write: Writer, tmp_path: Path) -> None:
    write(MINIMAL, "goed.yaml")
    write(edit(MINIMAL, "id: mini", "id: ander"), "sub/ook_goed.yml")
    broken = write(edit(MINIMAL, "version: 1", "version: een"), "kapot.yaml")
    with pytest.raises(DefinitionError) as info:
        ProtocolRegistry.from_directory(tmp_path)
    assert [(p.file, p.key) for p in info.value.problems] == [(str(broken), "version")]
    assert "kapot.yaml:3" in str(info.value)


def test_registry_skips_frameworks_and_keeps_every_version(write: Writer, tmp_path: Path) -> None:
    write(MINIMAL, "mini_v1.yaml")
    write(edit(MINIMAL, "version: 1", "version: 2"), "sub/mini_v2.yml")
    write("criteria: [dit, is, geen, protocol]\n", "frameworks/nvao.yaml")
    write("ook geen protocol", "notes.txt")
    registry = ProtocolRegistry.from_directory(tmp_path)
    assert [spec.key for spec in registry.all()] == [("mini", 1), ("mini", 2)]
    assert registry.get("mini").version == 2
    assert registry.get("mini", 1).version == 1
    assert registry.source_of(registry.get("mini", 2)) == str(tmp_path / "sub" / "mini_v2.yml")
