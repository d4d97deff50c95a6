"""What a history row is called, in words: the protocol's label of the step taken, or the
words for a row written outside the protocol's handlings (never a trigger's identifier)."""

from __future__ import annotations

from collections.abc import Sequence

from toetreding.definition import ProtocolSpec
from toetreding.store import (
    CORRECTED,
    CORRECTION,
    DATED_TRIGGER,
    FROM_VERSION,
    MOVED,
    MOVED_BY_DAY_OFF,
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
