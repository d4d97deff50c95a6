"""What the guards of one case may read from the store, and its history in the names of
the version the case is on now.

A case moved onto a newer version (``versie_overzetten``) keeps its earlier history rows as
they were written, under the earlier version's state names. A guard of the new version that
looks at past states (``has_been_in``, ``times_in_at_most``) names them as the new version
does, so it reads the rows through the migrations of the moves since (never rewritten).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.definition import ProtocolSpec, name_after_move
from toetreding.rules import AuditFacts, FrameFacts, PastEvent
from toetreding.store import (
    FROM_VERSION,
    MOVED,
    TO_VERSION,
    CaseRecord,
    HistoryEntry,
    standing,
)
from toetreding.store.repository import Store

SpecOf = Callable[[int], ProtocolSpec]  # the definition of a version of the case's protocol


def in_current_names(history: Sequence[HistoryEntry], spec_of: SpecOf) -> list[HistoryEntry]:
    """``history`` with every state named as the case's current version names it, without
    the move rows themselves (a rename, not a step: it would count a stay twice)."""
    rename: Callable[[str], str] = _same
    found: list[HistoryEntry] = []
    for entry in reversed(history):  # the newest rows are in the current names already
        if entry.trigger == MOVED and FROM_VERSION in entry.payload:
            rename = _through_move(entry, spec_of, rename)
            continue
        if rename is _same:
            found.append(entry)
        else:
            from_state = rename(entry.from_state) if entry.from_state is not None else None
            found.append(replace(entry, from_state=from_state, to_state=rename(entry.to_state)))
    found.reverse()
    return found


def _same(state: str) -> str:
    return state


def _through_move(
    entry: HistoryEntry, spec_of: SpecOf, later: Callable[[str], str]
) -> Callable[[str], str]:
    """The names before the move ``entry``, through its version's migration, then ``later``."""
    earlier = int(entry.payload[FROM_VERSION])
    try:
        spec = spec_of(int(entry.payload.get(TO_VERSION, 0)))
    except NotFoundError:  # a version no longer known: its rows keep their names
        return later
    return lambda state: later(name_after_move(spec, earlier, state))


@dataclass(frozen=True)
class StoreLookups:
    """What guards of one case may read from the store (see :class:`CaseLookups`)."""

    store: Store
    case: CaseRecord
    spec_of: SpecOf
    frames: Callable[[CaseRecord, str], FrameFacts | None]  # the service's frame_facts

    def history(self) -> Sequence[PastEvent]:
        return in_current_names(standing(self.store.history(self.case.id)), self.spec_of)

    def peers_with(self, name: str, value: Any) -> Sequence[str]:
        school = self.store.school(self.case.school_id)
        if not school.board:
            raise InvalidInputError(
                f"van {school.name} is geen schoolbestuur vastgelegd; leg dat eerst vast"
            ).with_hint(f"toetreding school edit {school.id} --board NAAM")
        wanted = str(value).strip().casefold()
        return [
            name_
            for name_, recorded in self.store.board_peers_with(self.case.id, name)
            if str(recorded).strip().casefold() == wanted
        ]

    def audit(self) -> AuditFacts | None:
        return self.store.audits.facts(self.case.id)

    def frame(self, state: str) -> FrameFacts | None:
        return self.frames(self.case, state)

    def earlier_step(self, trigger: str) -> str | None:
        for entry in reversed(self.store.history(self.case.id)):  # the latest version first
            if entry.trigger != MOVED or FROM_VERSION not in entry.payload:
                continue
            try:
                spec = self.spec_of(int(entry.payload[FROM_VERSION]))
            except NotFoundError:  # a version no longer known
                continue
            label = spec.trigger_label(trigger)
            if label != trigger:
                return label
        return None
