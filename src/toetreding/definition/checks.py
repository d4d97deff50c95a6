"""Cross-checks of a validated protocol: references, reachability, roles and guards.

Returns ``(path, message)`` pairs; paths use the keys of the file so the loader can point
at the line.
"""

from __future__ import annotations

import re
from collections import Counter, deque

from toetreding.calendar import AmbiguousDay, parse_limit
from toetreding.definition.labels import check_labels
from toetreding.definition.migration import check_migration
from toetreding.definition.model import (
    ALL_ACTIVE_STATES,
    DeadlineSpec,
    InputKind,
    ProtocolSpec,
    TransitionSpec,
)
from toetreding.formats import KeyPath
from toetreding.rules import ExpressionError, RuleCall, parse_guard, rule_calls

Problem = tuple[KeyPath, str]

REPORT_KINDS = ("concept", "definitief")

_STATE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def check_protocol(spec: ProtocolSpec) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_states(spec)
    for index, transition in enumerate(spec.transitions):
        problems += _check_transition(spec, index, transition)
    problems += _check_audit(spec)
    problems += check_labels(spec)
    problems += check_migration(spec)
    if not problems:
        problems += _check_graph(spec)
    return problems


def _check_audit(spec: ProtocolSpec) -> list[Problem]:
    """The audit's states must exist and be active; interview groups need distinct names."""
    audit = spec.audit
    if audit is None:
        return []
    places: list[tuple[KeyPath, str]] = [
        (("audit", "open_in", index), state) for index, state in enumerate(audit.open_in)
    ]
    places += [
        (("audit", key), state)
        for key, state in (
            ("corrections_in", audit.corrections_in),
            ("finalize_in", audit.finalize_in),
        )
        if state is not None
    ]
    problems: list[Problem] = [
        (at, f"'{state}' is geen (lopende) stap van dit protocol")
        for at, state in places
        if state not in spec.states or spec.states[state].final
    ]
    names = Counter(group.name for group in audit.groups)
    problems += [
        (("audit", "groups", index, "name"), f"gespreksgroep '{group.name}' dubbel")
        for index, group in enumerate(audit.groups)
        if names[group.name] > 1
    ]
    return problems


def _check_states(spec: ProtocolSpec) -> list[Problem]:
    problems: list[Problem] = []
    if spec.initial not in spec.states:
        problems.append((("initial",), f"begintoestand '{spec.initial}' is geen bekende stap"))
    elif spec.states[spec.initial].final:
        problems.append((("initial",), "de begintoestand mag geen eindtoestand zijn"))
    for position, role in enumerate(spec.opened_by):
        if role not in spec.roles:
            problems.append((("opened_by", position), f"rol '{role}' staat niet onder 'roles'"))
    steps = {step.number for step in spec.steps}
    for name, state in spec.states.items():
        if not _STATE_NAME.match(name):
            problems.append(
                (
                    ("states", name),
                    f"'{name}' is geen geldige stapnaam: gebruik kleine letters, cijfers en '_'",
                )
            )
        if spec.steps and state.step is not None and state.step not in steps:
            problems.append(
                (("states", name, "step"), f"stapnummer {state.step} staat niet onder 'steps'")
            )
        problems += _check_deadlines(spec, name)
        problems += [
            (("states", name, "frame_by", position), f"rol '{role}' staat niet onder 'roles'")
            for position, role in enumerate(state.frame_by)
            if role not in spec.roles
        ]
        if state.frame_by and not state.frame:
            problems.append((("states", name, "frame_by"), "'frame_by' hoort bij een 'frame'"))
        for index, artefact in enumerate(state.artefacts):
            if artefact.owner and artefact.owner not in spec.roles:
                problems.append(
                    (
                        ("states", name, "artefacts", index, "owner"),
                        f"rol '{artefact.owner}' staat niet onder 'roles'",
                    )
                )
    return problems


_RELATIVE_YEARS = ("current", "next", "upcoming")
# A school year may also come from a free text input written like 2027-2028.
_ACCEPTED_KINDS = {
    InputKind.DATE: (InputKind.DATE,),
    InputKind.SCHOOL_YEAR: (InputKind.SCHOOL_YEAR, InputKind.TEXT),
}


def _check_deadlines(spec: ProtocolSpec, name: str) -> list[Problem]:
    """Deadlines must be met by triggers that leave the state, and refer to real inputs."""
    problems: list[Problem] = []
    leaving = {t.trigger: t for t in spec.transitions if name in spec.expand_sources(t)}
    inputs = {i.name: i.kind for t in spec.transitions for i in t.inputs}
    seen: set[str] = set()
    for index, deadline in enumerate(spec.states[name].deadlines):
        at: KeyPath = ("states", name, "deadlines", index)
        if deadline.name in seen:
            problems.append(((*at, "name"), f"termijn '{deadline.name}' dubbel in deze stap"))
        seen.add(deadline.name)
        for position, trigger in enumerate(deadline.met_by):
            if trigger not in leaving:
                problems.append(
                    ((*at, "met_by", position), f"'{trigger}' vertrekt niet uit stap '{name}'")
                )
        due = deadline.due
        for key, value, kind in (
            ("input", due.input, InputKind.DATE),
            (
                "counted_from",
                None if due.counted_from == "entered" else due.counted_from,
                InputKind.DATE,
            ),
            (
                "school_year",
                None if due.school_year in _RELATIVE_YEARS else due.school_year,
                InputKind.SCHOOL_YEAR,
            ),
        ):
            accepted = _ACCEPTED_KINDS[kind]
            if value is not None and inputs.get(value) not in accepted:
                kinds = " of ".join(f"'{k}'" for k in accepted)
                problems.append(
                    (
                        (*at, "due", key),
                        f"'{value}' is geen invoer van soort {kinds} in dit protocol",
                    )
                )
        problems += _check_consequences(spec, at, leaving, deadline)
        problems += [
            ((*at, "remind", index, "to", position), f"rol '{role}' staat niet onder 'roles'")
            for index, rung in enumerate(deadline.remind)
            for position, role in enumerate(rung.to)
            if role not in spec.roles
        ]
    return problems


def _check_consequences(
    spec: ProtocolSpec, at: KeyPath, leaving: dict[str, TransitionSpec], deadline: DeadlineSpec
) -> list[Problem]:
    escalate = deadline.on_missed.escalate
    if escalate is not None and escalate not in spec.roles:
        return [((*at, "on_missed", "escalate"), f"rol '{escalate}' staat niet onder 'roles'")]
    if deadline.on_due is not None:
        return _check_system_fire(leaving, (*at, "on_due", "fire"), deadline.on_due.fire)
    if deadline.on_missed.fire is not None:
        return _check_system_fire(leaving, (*at, "on_missed", "fire"), deadline.on_missed.fire)
    return []


def _check_system_fire(
    leaving: dict[str, TransitionSpec], at: KeyPath, trigger: str
) -> list[Problem]:
    """A trigger the system fires must leave the state and ask nothing a person must give."""
    transition = leaving.get(trigger)
    if transition is None:
        return [(at, f"'{trigger}' vertrekt niet uit deze stap")]
    needed = [i.name for i in transition.inputs if i.required and i.kind is not InputKind.NOTE]
    if needed:
        asked = ", ".join(needed)
        return [(at, f"'{trigger}' vraagt invoer ({asked}) die het systeem niet kan geven")]
    return []


def _check_transition(spec: ProtocolSpec, index: int, transition: TransitionSpec) -> list[Problem]:
    at: KeyPath = ("transitions", index)
    problems: list[Problem] = []
    for position, source in enumerate(transition.source):
        if source == ALL_ACTIVE_STATES:
            continue
        if source not in spec.states:
            problems.append(((*at, "from", position), f"onbekende stap '{source}'"))
        elif spec.states[source].final:
            problems.append(
                ((*at, "from", position), f"'{source}' is een eindtoestand; daar vertrekt niets")
            )
    if transition.dest not in spec.states:
        problems.append(((*at, "to"), f"onbekende stap '{transition.dest}'"))
    for position, role in enumerate(transition.roles):
        if role not in spec.roles:
            known = ", ".join(spec.roles)
            problems.append(
                ((*at, "roles", position), f"rol '{role}' staat niet onder 'roles' ({known})")
            )
    problems += _check_inputs(at, transition)
    if transition.guard is not None:
        try:
            guard = parse_guard(transition.guard)
        except ExpressionError as exc:
            problems.append(((*at, "guard"), str(exc)))
        else:
            calls = rule_calls(guard)
            problems += [
                ((*at, "guard"), message)
                for call in calls
                for message in _check_rule_arguments(spec, call)
            ]
            if any(call.rule.name == "frame_answered" for call in calls):
                problems += [((*at, "guard"), m) for m in _frameless_sources(spec, transition)]
    return problems


def _frameless_sources(spec: ProtocolSpec, transition: TransitionSpec) -> list[str]:
    """``frame_answered`` reads the frame of the step the case leaves: each must have one."""
    return [
        f"frame_answered: stap '{source}' noemt geen gesprekskader ('frame')"
        for source in spec.expand_sources(transition)
        if source in spec.states and spec.states[source].frame is None
    ]


def _check_rule_arguments(spec: ProtocolSpec, call: RuleCall) -> list[str]:
    """Rule parameters are checked by their names: ``state`` names a state, ``name`` (and
    ``other``) a declared input, ``maximum`` is a number, ``day`` a day in the year with the
    word that says whether it still counts ('vóór 1 april', 'uiterlijk 1 april'), ``kind`` a report
    kind and ``outcome`` the outcome of a state."""
    inputs = {i.name for t in spec.transitions for i in t.inputs}
    outcomes = {state.outcome for state in spec.states.values() if state.outcome}
    problems = []
    for parameter, value in zip(call.rule.parameters, call.args, strict=True):
        if parameter == "state" and value not in spec.states:
            problems.append(f"{call.rule.name}: '{value}' is geen stap van dit protocol")
        elif parameter in ("name", "other") and value not in inputs:
            problems.append(f"{call.rule.name}: geen handeling vraagt invoer '{value}'")
        elif parameter == "maximum" and not isinstance(value, int | float):
            problems.append(f"{call.rule.name}: het maximum moet een getal zijn, niet {value!r}")
        elif parameter == "kind" and value not in REPORT_KINDS:
            problems.append(f"{call.rule.name}: kies 'concept' of 'definitief', niet {value!r}")
        elif parameter == "outcome" and value not in outcomes:
            known = ", ".join(sorted(outcomes)) or "geen"
            problems.append(f"{call.rule.name}: '{value}' is geen uitkomst (bekend: {known})")
        elif parameter == "day" and (refused := _limit_problem(value)):
            problems.append(f"{call.rule.name}: {refused}")
    return problems


def _limit_problem(value: object) -> str | None:
    """Why ``value`` is not a day with its word, like 'vóór 1 april'; None when it is."""
    not_a_day = f"{value!r} is geen dag in het jaar, bijv. 'vóór 1 april' of 'uiterlijk 1 april'"
    if not isinstance(value, str):
        return not_a_day
    try:
        parse_limit(value)
    except AmbiguousDay as exc:
        return str(exc)
    except ValueError:
        return not_a_day
    return None


def _check_inputs(at: KeyPath, transition: TransitionSpec) -> list[Problem]:
    problems: list[Problem] = []
    names = Counter(spec.name for spec in transition.inputs)
    for position, spec in enumerate(transition.inputs):
        if names[spec.name] > 1:
            problems.append(((*at, "inputs", position, "name"), f"invoer '{spec.name}' dubbel"))
        if spec.multiple and spec.kind is not InputKind.DOCUMENT:
            problems.append(
                (
                    (*at, "inputs", position, "multiple"),
                    f"'multiple' kan alleen bij een invoer van soort 'document' "
                    f"(meer bestanden), niet bij '{spec.kind}'",
                )
            )
    notes = [spec for spec in transition.inputs if spec.kind is InputKind.NOTE]
    if len(notes) > 1:
        problems.append(((*at, "inputs"), "hoogstens één invoer van soort 'note'"))
    return problems


def _check_graph(spec: ProtocolSpec) -> list[Problem]:
    problems: list[Problem] = []
    reachable = _reachable(spec)
    for name, state in spec.states.items():
        if name not in reachable:
            problems.append(
                (("states", name), f"stap '{name}' is vanaf '{spec.initial}' onbereikbaar")
            )
        if not state.final and not spec.transitions_from(name):
            problems.append(
                (("states", name), f"stap '{name}' is geen eindtoestand maar heeft geen uitgang")
            )
    return problems


def _reachable(spec: ProtocolSpec) -> set[str]:
    seen = {spec.initial}
    queue = deque([spec.initial])
    while queue:
        for transition in spec.transitions_from(queue.popleft()):
            if transition.dest not in seen:
                seen.add(transition.dest)
                queue.append(transition.dest)
    return seen
