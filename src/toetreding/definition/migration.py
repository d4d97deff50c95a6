"""Checks of a version's ``migration`` declaration: how the states of an earlier version map
onto this one's.

Within the file (:func:`check_migration`, stage 3 of loading): the earlier version is older,
every new state exists here and is not final, an old state is either moved or removed.
Against the earlier version itself, when it is known (:func:`check_against_earlier`: the
registry and publishing run it): every old state named exists there, and every running
state of it that this version lacks is named (moved or removed).
"""

from __future__ import annotations

import re

from toetreding._exceptions import DefinitionProblem
from toetreding.definition.model import ProtocolSpec
from toetreding.formats import KeyPath, locate

Problem = tuple[KeyPath, str]

_STATE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def check_migration(spec: ProtocolSpec) -> list[Problem]:
    """The declaration on its own (the earlier version is not needed)."""
    migration = spec.migration
    if migration is None:
        return []
    problems: list[Problem] = []
    if migration.from_version >= spec.version:
        problems.append(
            (
                ("migration", "from"),
                f"versie {migration.from_version} is niet ouder dan deze versie "
                f"({spec.version}); noem de versie waarvan dossiers hierheen komen",
            )
        )
    for old, new in migration.states.items():
        at: KeyPath = ("migration", "states", old)
        if not _STATE_NAME.match(old):
            problems.append((at, f"'{old}' is geen geldige stapnaam"))
        if new not in spec.states:
            known = ", ".join(spec.states)
            problems.append((at, f"'{new}' is geen stap van deze versie (bekend: {known})"))
        elif spec.states[new].final:
            problems.append(
                (
                    at,
                    f"'{new}' is een eindtoestand; een lopend dossier wordt niet overgezet "
                    "naar een einde (zet de stap onder 'removed' met de reden)",
                )
            )
        if old in migration.removed:
            problems.append(
                (at, f"'{old}' staat ook onder 'removed'; kies: overzetten of vervallen")
            )
    problems += [
        (("migration", "removed", old), f"'{old}' is geen geldige stapnaam")
        for old in migration.removed
        if not _STATE_NAME.match(old)
    ]
    return problems


def check_against_earlier(spec: ProtocolSpec, earlier: ProtocolSpec) -> list[Problem]:
    """The declaration of ``spec`` against the version it names (``earlier``)."""
    migration = spec.migration
    if migration is None or earlier.version != migration.from_version:
        return []
    old_states = earlier.states
    known = ", ".join(old_states)
    problems: list[Problem] = []
    for key, named in (("states", migration.states), ("removed", migration.removed)):
        for old in named:
            at: KeyPath = ("migration", key, old)
            if old not in old_states:
                problems.append(
                    (at, f"'{old}' is geen stap van versie {earlier.version} (bekend: {known})")
                )
            elif old_states[old].final:
                problems.append(
                    (
                        at,
                        f"'{old}' is in versie {earlier.version} een eindtoestand; afgesloten "
                        "dossiers blijven op hun versie en hoeven niet genoemd",
                    )
                )
    missing = [
        name
        for name, state in old_states.items()
        if not state.final
        and name not in spec.states
        and name not in migration.states
        and name not in migration.removed
    ]
    problems += [
        (
            ("migration",),
            f"stap '{name}' van versie {earlier.version} bestaat niet in versie {spec.version}: "
            f"zet haar onder 'states' (de stap waar haar dossiers heen gaan) of onder "
            "'removed' (met de reden waarom ze niet over kunnen)",
        )
        for name in missing
    ]
    return problems


def earlier_problems(
    spec: ProtocolSpec, earlier: ProtocolSpec | None, text: str, filename: str
) -> list[DefinitionProblem]:
    """:func:`check_against_earlier` with file, line and key (none when ``earlier`` is not
    known)."""
    if earlier is None:
        return []
    found = check_against_earlier(spec, earlier)
    return locate(text, filename, found) if found else []


def name_after_move(spec: ProtocolSpec, from_version: int, old_state: str) -> str:
    """The name in ``spec`` of state ``old_state`` of version ``from_version``, for reading
    an earlier row of a case that moved onto ``spec``: renamed or merged states by the
    declaration, the others (kept, removed, final) by their own name."""
    migration = spec.migration
    if migration is None or migration.from_version != from_version:
        return old_state  # a move without a declaration maps states by name
    return migration.target(old_state) or old_state
