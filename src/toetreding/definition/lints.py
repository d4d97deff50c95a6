"""Domain lints: a protocol that loads may still be one a partnership cannot run well.

The structural checks (``checks.py``) refuse a file; these only warn, with the line, on
``protocol validate`` (``--strict`` makes them fail), on publishing and in the editor:

* a deadline nobody is reminded of (no ``remind`` ladder and nothing fired on the day);
* an outcome the app has no decision-letter template for;
* a state no person can move on (only the stop-everything ``*`` handlings, or roles no
  account can hold) and that no deadline moves on either;
* a document a state expects (``artefacts``) that no form into or out of it asks for;
* an audit step while the protocol names no quality framework, or a framework not known.

What the app knows (letter templates, frameworks) lives in higher layers, so the caller
passes it in.
"""

from __future__ import annotations

from collections.abc import Collection

from toetreding._exceptions import DefinitionProblem
from toetreding.definition.checks import Problem
from toetreding.definition.loader import load_protocol_text
from toetreding.definition.model import ALL_ACTIVE_STATES, InputKind, ProtocolSpec
from toetreding.definition.sentences import outcome_label
from toetreding.formats import locate
from toetreding.roles import ROLE_LABELS

_AUDIT_WORD = "audit"


def lint_protocol(
    spec: ProtocolSpec,
    *,
    letters: Collection[str],
    frameworks: Collection[str] | None = None,
) -> list[Problem]:
    """Warnings about ``spec``: ``letters`` are the outcomes with a decision-letter
    template, ``frameworks`` the ids of the known quality frameworks (None: not checked)."""
    return [
        *_deadlines_without_reminders(spec),
        *_outcomes_without_letter(spec, letters),
        *_states_nobody_moves(spec),
        *_documents_no_form_asks(spec),
        *_audit_without_framework(spec, frameworks),
    ]


def lint_protocol_text(
    text: str,
    filename: str,
    *,
    letters: Collection[str],
    frameworks: Collection[str] | None = None,
) -> tuple[ProtocolSpec, list[DefinitionProblem]]:
    """Load protocol text (raises :class:`DefinitionError`) and its warnings by line."""
    spec = load_protocol_text(text, filename)
    found = lint_protocol(spec, letters=letters, frameworks=frameworks)
    return spec, locate(text, filename, found)


def _deadlines_without_reminders(spec: ProtocolSpec) -> list[Problem]:
    return [
        (
            ("states", name, "deadlines", index, "remind"),
            f"termijn '{deadline.label}' heeft geen herinneringen ('remind'): niemand hoort "
            "vooraf dat de datum nadert",
        )
        for name, state in spec.states.items()
        for index, deadline in enumerate(state.deadlines)
        # A deadline that fires a handling on its day needs nobody to act.
        if not deadline.remind and deadline.on_due is None
    ]


def _outcomes_without_letter(spec: ProtocolSpec, letters: Collection[str]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for name, state in spec.states.items():
        if state.outcome is None or state.outcome in letters or state.outcome in seen:
            continue
        seen.add(state.outcome)
        known = ", ".join(sorted(outcome_label(spec, letter) for letter in letters)) or "geen"
        problems.append(
            (
                ("states", name, "outcome"),
                f"voor uitkomst '{state.outcome}' (stap '{state.label}') is er geen "
                f"besluitbrief; brieven zijn er voor de uitkomsten: {known}",
            )
        )
    return problems


def _states_nobody_moves(spec: ProtocolSpec) -> list[Problem]:
    problems: list[Problem] = []
    for name, state in spec.states.items():
        if state.final:
            continue
        # Handlings from '*' (stop, withdraw) end a case; they do not take this step.
        own = [t for t in spec.transitions_from(name) if ALL_ACTIVE_STATES not in t.source]
        if any(role in ROLE_LABELS for t in own for role in t.roles):
            continue
        if any(d.automatic or d.on_missed.fire for d in state.deadlines):
            continue
        problems.append(
            (
                ("states", name),
                f"in stap '{state.label}' kan niemand handelen: geen handeling uit deze stap "
                "heeft een rol die een gebruiker kan hebben, en geen termijn zet het dossier "
                "zelf door",
            )
        )
    return problems


def _documents_no_form_asks(spec: ProtocolSpec) -> list[Problem]:
    audit = spec.audit
    # The audit's pages, not a form, hold its reports and the school's corrections.
    on_audit_pages: set[str | None] = (
        set() if audit is None else {*audit.open_in, audit.corrections_in, audit.finalize_in}
    )
    problems: list[Problem] = []
    for name, state in spec.states.items():
        if name in on_audit_pages:
            continue
        around = [t for t in spec.transitions if t.dest == name] + spec.transitions_from(name)
        asked = {i.name for t in around for i in t.inputs if i.kind is InputKind.DOCUMENT}
        problems += [
            (
                ("states", name, "artefacts", index),
                f"document '{artefact.label}' wordt in stap '{state.label}' verwacht, maar "
                "geen handeling naar of uit deze stap vraagt erom (invoer van soort "
                f"'document' met naam '{artefact.name}')",
            )
            for index, artefact in enumerate(state.artefacts)
            if artefact.name not in asked
        ]
    return problems


def _audit_without_framework(
    spec: ProtocolSpec, frameworks: Collection[str] | None
) -> list[Problem]:
    if spec.audit is not None:
        if frameworks is not None and spec.audit.framework not in frameworks:
            known = ", ".join(sorted(frameworks)) or "geen"
            return [
                (
                    ("audit", "framework"),
                    f"kader '{spec.audit.framework}' is onbekend; bekend zijn: {known}",
                )
            ]
        return []
    return [
        (
            ("states", name),
            f"stap '{state.label}' gaat over een audit, maar het protocol noemt geen kader "
            "om tegen te toetsen ('audit: framework:')",
        )
        for name, state in spec.states.items()
        if _AUDIT_WORD in name.lower() or _AUDIT_WORD in state.label.lower()
    ]
