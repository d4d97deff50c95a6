"""What a history row is called, in words: the protocol's label of the step taken, or the
words for a row written outside the protocol's handlings (never a trigger's identifier)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from toetreding.deadlines import DATE_FOLLOWS, declared_deadline
from toetreding.definition import ProtocolSpec
from toetreding.roles import ROLE_LABELS
from toetreding.store import (
    CORRECTED,
    CORRECTION,
    DATED_TRIGGER,
    FROM_VERSION,
    MOVED,
    MOVED_BY_DAY_OFF,
    MOVED_BY_VACATION,
    TO_VERSION,
    HistoryEntry,
)

# Rows the system or a person writes outside the protocol's transitions (service/deadlines.py,
# migration 0009): their words for the history.
_OUTSIDE_THE_PROTOCOL = {
    "termijn_verlengen": "Termijn verlengd",
    "termijn_laten_vervallen": "Termijn laten vervallen",
    "termijn_herberekenen": "Termijn opnieuw berekend",
    DATED_TRIGGER: "Termijn kreeg zijn datum",
    MOVED_BY_DAY_OFF: "Termijn verschoven (vrije dag)",
    MOVED_BY_VACATION: "Termijn verschoven (zomervakantie gecorrigeerd)",
}
# Rows the school calendar writes: the person who entered the data set it off.
_BY_THE_CALENDAR = frozenset({DATED_TRIGGER, MOVED_BY_DAY_OFF, MOVED_BY_VACATION})
# What a deadline row's payload says, in the order shown (service/deadlines.py, store).
_DEADLINE_FIELDS = {
    "termijn": "termijn",
    "oude_datum": "oude datum",
    "nieuwe_datum": "nieuwe datum",
}


def row_versions(version: int, history: Sequence[HistoryEntry]) -> dict[int, tuple[int, int]]:
    """Per row that a case's move to another version (``MOVED``) separates from ``version``,
    the versions of its states before and after it; rows not listed are on ``version``."""
    found: dict[int, tuple[int, int]] = {}
    current = version
    for entry in reversed(history):
        if entry.trigger == MOVED and FROM_VERSION in entry.payload:
            earlier = int(entry.payload[FROM_VERSION])
            found[entry.seq] = (earlier, current)
            current = earlier
        elif current != version:
            found[entry.seq] = (current, current)
    return found


def state_label(spec: ProtocolSpec, state: str) -> str:
    """A state in words: its label in ``spec``, else its name without underscores (a state
    the version does not know, never shown as an identifier)."""
    found = spec.states.get(state)
    return found.label if found else state.replace("_", " ")


def history_heading(spec: ProtocolSpec, entry: HistoryEntry) -> str:
    """What a history row is called: the protocol's label of the step taken, never the
    trigger's identifier (``Oriëntatie afronden``, ``Dossier geopend``)."""
    if entry.from_state is None:
        return "Dossier geopend"
    if entry.trigger == MOVED and FROM_VERSION in entry.payload:
        return (
            f"Overgezet van versie {entry.payload[FROM_VERSION]} naar versie "
            f"{entry.payload.get(TO_VERSION, '?')}"
        )
    if entry.trigger == CORRECTION and CORRECTED in entry.payload:
        corrected = entry.payload[CORRECTED]
        if corrected == 1:  # the opening
            return "Dossier ingetrokken (ten onrechte geopend)"
        return f"Stap in rij {corrected} gecorrigeerd"
    if entry.trigger in _OUTSIDE_THE_PROTOCOL:
        return _OUTSIDE_THE_PROTOCOL[entry.trigger]
    label = spec.trigger_label(entry.trigger, entry.from_state)
    return label if label != entry.trigger else entry.trigger.replace("_", " ").capitalize()


def history_actor(spec: ProtocolSpec, entry: HistoryEntry) -> str:
    """Who wrote a history row, after "door": a person's name with the label of the role
    they acted in, "de schoolkalender" for a date the calendar set, never a role's id."""
    if entry.trigger in _BY_THE_CALENDAR:
        who = "de schoolkalender"
        return f"{who} (ingevoerd door {entry.actor_name})" if entry.actor_name else who
    who = entry.actor_name or "het systeem"
    role = spec.roles.get(entry.role or "") or ROLE_LABELS.get(entry.role or "")
    return f"{who} ({role})" if role else who


def deadline_payload(spec: ProtocolSpec, entry: HistoryEntry) -> list[tuple[str, str]] | None:
    """The payload of a row about a deadline (extended, waived, dated, moved) in words: the
    deadline's label from the protocol and dates as dd-mm-jjjj. None: not such a row."""
    if entry.trigger not in _OUTSIDE_THE_PROTOCOL:
        return None
    lines = []
    for key, words in _DEADLINE_FIELDS.items():
        if key not in entry.payload:
            continue
        value = entry.payload[key]
        if key == "termijn":
            lines.append((words, _deadline_label(spec, entry.from_state, str(value))))
        else:
            lines.append(
                (words, date.fromisoformat(value).strftime("%d-%m-%Y") if value else DATE_FOLLOWS)
            )
    return lines


def stays_in_step(entry: HistoryEntry) -> bool:
    """Whether a row left the case in the step it was in (a deadline set or moved, a step
    that keeps the state): shown as an event, without "step → same step". A move to another
    version and a correction say where the case went even when the name is the same."""
    return entry.from_state == entry.to_state and entry.trigger not in (MOVED, CORRECTION)


# A calendar row written before its note held only the cause repeated its payload first:
# "<deadline>: uiterlijk <new>, was uiterlijk <old> (<cause>)" (history rows never change).
_OLD_CALENDAR_NOTE = re.compile(r"^.+: .+ \((?P<cause>[^()]+)\)$")


def history_note(entry: HistoryEntry) -> str:
    """A row's note as shown: for a row the calendar wrote, why the date changed (its
    deadline and dates are the payload's lines), never those lines again."""
    note = entry.note or ""
    if entry.trigger in _BY_THE_CALENDAR:
        old = _OLD_CALENDAR_NOTE.match(note)
        return old["cause"] if old else note
    return note


def _deadline_label(spec: ProtocolSpec, state: str | None, name: str) -> str:
    """The protocol's label of deadline ``name``: the one ``state`` declares, else any state's."""
    found = declared_deadline(spec, state, name) if state else None
    if found is None:
        found = next((d for s in spec.states.values() for d in s.deadlines if d.name == name), None)
    return found.label if found else name.replace("_", " ")
