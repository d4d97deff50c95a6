"""Correcting a mistaken step: a coordinator takes back a case's newest standing step, with
a reason, and then the one before it; taking back the opening withdraws a case opened by
mistake ("ten onrechte geopend")."""

from __future__ import annotations

from datetime import datetime

from toetreding._exceptions import ConflictError, InvalidInputError, RoleNotAllowed
from toetreding.clock import as_aware, local
from toetreding.definition import ProtocolSpec
from toetreding.service._base import ServiceBase
from toetreding.store import (
    CORRECTION,
    MOVED,
    CaseRecord,
    HistoryEntry,
    corrected_rows,
    standing,
)

__all__ = [
    "CORRECTION_ROLES",
    "WITHDRAWN",
    "CorrectionService",
    "corrected_rows",
    "is_withdrawn",
    "standing",
    "state_words",
]

CORRECTION_ROLES = ("coordinator",)  # who may take a step back
WITHDRAWN = "Ingetrokken (ten onrechte geopend)"  # what a withdrawn case is, in words
# What a row outside the protocol's steps is, as a refused correction names it.
_ROW_KINDS = {MOVED: "het overzetten naar een andere versie"}


def is_withdrawn(spec: ProtocolSpec, case: CaseRecord) -> bool:
    """A case closed in a state that is not final: its opening was taken back."""
    state = spec.states.get(case.state)
    return case.closed_at is not None and not (state and state.final)


def state_words(spec: ProtocolSpec, case: CaseRecord) -> str:
    """Where the case is, in words: the state's label, or that it was withdrawn."""
    if is_withdrawn(spec, case):
        return WITHDRAWN
    state = spec.states.get(case.state)
    return state.label if state else case.state


def _correctable(spec: ProtocolSpec, entry: HistoryEntry) -> bool:
    """Whether a correction may take the row back: a step of the protocol, or the opening."""
    return entry.from_state is None or any(t.trigger == entry.trigger for t in spec.transitions)


class CorrectionService(ServiceBase):
    """Taking back the newest standing step of a case, the one before it, and so on."""

    def correctable_row(self, case_id: int, person_id: int) -> HistoryEntry | None:
        """The newest standing row of the case, if this person may take it back now (to
        offer it; the opening row: to withdraw the case)."""
        loaded = self.store.case_for_actor(case_id, person_id)
        if not loaded.roles & set(CORRECTION_ROLES):
            return None
        rows = standing(self.store.history(case_id))
        if not rows:
            return None
        return rows[-1] if _correctable(self.spec_of(loaded.case), rows[-1]) else None

    def correct_step(
        self,
        case_id: int,
        *,
        actor_ref: str | int,
        reason: str,
        seq: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Take back the case's newest standing step (``seq``, when given, must be it): the
        case returns to the state before it, its deadlines follow; returns the correction's
        row. A step taken back no longer stands, so the step before it is next. When only
        the opening stands, the case is withdrawn (closed, its deadlines withdrawn)."""
        reason = reason.strip()
        if not reason:
            raise InvalidInputError("geef een reden voor de correctie")
        person_id = self.person_id(actor_ref)
        loaded = self.store.case_for_actor(case_id, person_id)
        case = loaded.case
        spec = self.spec_of(case)
        if not loaded.roles & set(CORRECTION_ROLES):
            held = ", ".join(sorted(spec.role_label(r) for r in loaded.roles)) or "geen rol"
            raise RoleNotAllowed(
                f"alleen een coördinator mag een stap corrigeren; {loaded.actor_name} heeft: "
                f"{held}",
                case_id=case_id,
                trigger=CORRECTION,
                state=case.state,
                label="Stap corrigeren",
                state_label=spec.states[case.state].label,
                # what may happen instead: the steps of this state, by whom
                allowed=self.machines.machine(spec).allowed(case.state),
                role_labels={r: spec.role_label(r) for r in spec.roles},
            )
        role = next(r for r in CORRECTION_ROLES if r in loaded.roles)
        rows = standing(self.store.history(case_id))
        if not rows or is_withdrawn(spec, case):
            raise ConflictError(f"dossier {case_id} is al ingetrokken; er valt niets te corrigeren")
        newest = rows[-1]
        if seq is not None and seq != newest.seq:
            raise ConflictError(
                f"rij {seq} is niet de nieuwste stap van dossier {case_id} die nog staat (dat "
                f"is rij {newest.seq}); alleen die kan worden gecorrigeerd"
            )
        if not _correctable(spec, newest):
            what = _ROW_KINDS.get(newest.trigger, "een termijnwijziging")
            raise InvalidInputError(
                f"de nieuwste rij van dossier {case_id} (rij {newest.seq}) is {what}, geen "
                "stap van het protocol; alleen een stap kan worden gecorrigeerd"
            )
        if case.closed_at is not None:
            other = self.store.open_case_of_school(case.school_id)
            if other is not None:
                raise ConflictError(
                    f"de school heeft intussen een nieuw dossier ({other}); dossier {case_id} "
                    "kan niet weer worden geopend"
                )
        moment = as_aware(at) if at else self.clock.now()
        if moment < case.updated_at:
            raise InvalidInputError(
                f"tijdstip {local(moment):%d-%m-%Y %H:%M} ligt vóór de laatste gebeurtenis "
                f"van dossier {case_id} ({local(case.updated_at):%d-%m-%Y %H:%M})"
            )
        if newest.from_state is None:
            return self.store.withdraw_case(
                case, newest, actor_id=person_id, role=role, at=moment, reason=reason
            )
        return self.store.correct_step(
            case, newest, actor_id=person_id, role=role, at=moment, reason=reason
        )
