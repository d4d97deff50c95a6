"""A case's history as the API gives it: each row's stored facts (identifiers, the raw
payload: machine data, stable for scripts) beside the words the case page shows for it (the
step's label, who in which role, the states' labels in the version the row was written
under, a deadline row's lines), so an integration never has to map our identifiers itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from toetreding.definition import ProtocolSpec
from toetreding.service import (
    CaseView,
    deadline_payload,
    history_actor,
    history_heading,
    history_note,
    state_label,
)
from toetreding.store import HistoryEntry


class HistoryLine(BaseModel):
    label: str = Field(description="Bijv. 'termijn' of 'nieuwe datum'")
    value: str = Field(description="Bijv. het label van de termijn of '31-03-2027'")


class HistoryPublic(BaseModel):
    seq: int
    trigger: str = Field(description="De handeling (identificatie); zie 'label'")
    label: str = Field(description="De handeling in woorden, zoals op de dossierpagina")
    from_state: str | None
    from_state_label: str | None = Field(description="Leeg: het dossier werd geopend")
    to_state: str
    to_state_label: str
    actor_id: int | None
    actor_name: str | None
    role: str | None
    by: str = Field(description="Door wie, in welke rol: 'Naam (Coördinator)'")
    at: datetime
    note: str | None = Field(description="De toelichting zoals getoond")
    payload: dict[str, Any] = Field(description="De vastgelegde gegevens van de rij, ongewijzigd")
    lines: list[HistoryLine] = Field(
        description="Bij een termijnrij: de termijn en haar datums in woorden"
    )


def history_public(view: CaseView) -> list[HistoryPublic]:
    return [_row(view.specs_of(entry), entry) for entry in view.history]


def _row(specs: tuple[ProtocolSpec, ProtocolSpec], entry: HistoryEntry) -> HistoryPublic:
    before, after = specs
    return HistoryPublic(
        seq=entry.seq,
        trigger=entry.trigger,
        label=history_heading(before, entry),
        from_state=entry.from_state,
        from_state_label=None
        if entry.from_state is None
        else state_label(before, entry.from_state),
        to_state=entry.to_state,
        to_state_label=state_label(after, entry.to_state),
        actor_id=entry.actor_id,
        actor_name=entry.actor_name,
        role=entry.role,
        by=history_actor(before, entry),
        at=entry.at,
        note=history_note(entry) or None,
        payload=entry.payload,
        lines=[HistoryLine(label=k, value=v) for k, v in deadline_payload(before, entry) or []],
    )
