"""What the JSON API takes and gives: request and response models.

Following the SQLModel docs' split: a ``*Base`` holds shared fields, ``*Create`` is what a
client sends, ``*Public`` what it gets back. The store's ``*Public`` schemas
(``SchoolPublic``, ``PartnershipPublic``) and the protocol's own models (``ArtefactSpec``,
``InputSpec``, ``ProtocolSpec``) are reused where they fit. The ``from_*`` functions only
translate records into these models; what someone may see or do is decided elsewhere
(``web.access``, the service, the audit desk).
The audit's models are in :mod:`toetreding.web.audit_schemas`, the protocols' in
:mod:`toetreding.web.protocol_schemas`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator

from toetreding._exceptions import AllowedTrigger, TransitionRefused
from toetreding.definition import ProtocolSpec
from toetreding.definition.model import ArtefactSpec, InputSpec
from toetreding.service import AgendaItem, CaseView, DeadlineLine, is_withdrawn, state_words
from toetreding.store import (
    CaseRecord,
    PartnershipPublic,
    SchoolPublic,
)
from toetreding.web.history_schemas import HistoryPublic, history_public


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("tekst met een NUL-teken (\\u0000) kan niet worden opgeslagen")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
"""Text a client sends: anything but NUL, which PostgreSQL cannot store in text."""


# --- errors ---------------------------------------------------------------------------------


class Problem(BaseModel):
    """Every error answer of the API: one Dutch sentence (or a few) in ``detail``."""

    detail: str = Field(description="Wat er mis is, in het Nederlands")


class AllowedAction(BaseModel):
    """A step that may be taken now in a case, and the roles that may take it."""

    trigger: str
    label: str
    roles: list[str]

    @classmethod
    def of(cls, allowed: AllowedTrigger) -> AllowedAction:
        return cls(trigger=allowed.trigger, label=allowed.label, roles=list(allowed.roles))


class FrameAddress(BaseModel):
    """Where the questions of a case's conversation frame are answered."""

    page: str = Field(description="De pagina, bijv. /dossiers/12/gesprekskader")
    api: str = Field(description="Het API-adres, bijv. /api/dossiers/12/gesprekskader")


class Refusal(Problem):
    """A step the protocol refused: nothing was changed. ``reason`` is the Dutch reason,
    ``allowed`` what may happen now (absent for other unacceptable requests)."""

    reason: str | None = Field(default=None, description="Waarom de stap is geweigerd")
    trigger: str | None = None
    state: str | None = Field(default=None, description="De stap waarin het dossier staat")
    allowed: list[AllowedAction] = Field(
        default_factory=list, description="Wat nu wel kan, en door wie"
    )
    frame: FrameAddress | None = Field(
        default=None,
        description=(
            "Bij een weigering omdat vragen van het gesprekskader nog open staan: waar u ze "
            "beantwoordt"
        ),
    )

    @classmethod
    def of(cls, refused: TransitionRefused) -> Refusal:
        return cls(
            detail=str(refused),
            reason=refused.reason,
            trigger=refused.trigger,
            state=refused.state,
            allowed=[AllowedAction.of(a) for a in refused.allowed],
            frame=_frame_address(refused),
        )


def _frame_address(refused: TransitionRefused) -> FrameAddress | None:
    if not refused.open_frame or refused.case_id is None:
        return None
    page = f"/dossiers/{refused.case_id}/gesprekskader"
    return FrameAddress(page=page, api=f"/api{page}")


# --- the signed-in person -------------------------------------------------------------------


class SchoolRef(BaseModel):
    id: int
    name: str


class RolePublic(BaseModel):
    role: str
    label: str
    school: SchoolRef | None = Field(
        default=None, description="Bij de rol 'school': de school waarvoor iemand contact is"
    )


class PartnershipRoles(BaseModel):
    """A person's roles in one partnership."""

    partnership: PartnershipPublic
    roles: list[RolePublic]


class MePublic(BaseModel):
    id: int
    name: str
    email: str
    is_admin: bool = Field(description="Beheerder: ziet alle partnerschappen en dossiers")
    partnerships: list[PartnershipRoles]


# --- the overview ---------------------------------------------------------------------------


class StateCount(BaseModel):
    state: str
    label: str
    step: int | None
    final: bool
    outcome: str | None
    who: list[str] = Field(description="Wie in deze stap aan zet is (rollen)")
    count: int = Field(description="Aantal zichtbare dossiers in deze stap")
    overdue: int = Field(description="Hoeveel daarvan een verlopen termijn hebben")


class ProtocolBoard(BaseModel):
    partnership: PartnershipPublic
    protocol_id: str
    protocol_version: int
    protocol_title: str
    total: int
    states: list[StateCount]


# --- cases ----------------------------------------------------------------------------------


class CasePublic(BaseModel):
    id: int
    partnership_id: int
    school_id: int
    school_name: str
    protocol_id: str
    protocol_version: int
    state: str
    state_label: str
    step: int | None
    outcome: str | None
    final: bool
    withdrawn: bool = Field(
        default=False, description="Ten onrechte geopend en ingetrokken (gesloten)"
    )
    opened_at: datetime
    updated_at: datetime


def case_public(spec: ProtocolSpec, case: CaseRecord, school_name: str) -> CasePublic:
    state = spec.states.get(case.state)
    return CasePublic(
        id=case.id,
        partnership_id=case.partnership_id,
        school_id=case.school_id,
        school_name=school_name,
        protocol_id=case.protocol_id,
        protocol_version=case.protocol_version,
        state=case.state,
        state_label=state_words(spec, case),
        step=state.step if state else None,
        outcome=state.outcome if state else None,
        final=bool(state and state.final),
        withdrawn=is_withdrawn(spec, case),
        opened_at=case.opened_at,
        updated_at=case.updated_at,
    )


class StatePublic(BaseModel):
    name: str
    label: str
    step: int | None
    step_label: str
    description: str
    final: bool
    outcome: str | None


class ActionPublic(BaseModel):
    """A step the signed-in person may take now, with what it asks for."""

    trigger: str
    label: str
    role: str = Field(description="De rol waarin deze persoon de stap zet")
    description: str
    inputs: list[InputSpec] = Field(
        description="Invoer voor 'inputs' (soort 'note' gaat in 'note')"
    )


class DeadlinePublic(BaseModel):
    name: str
    label: str
    state: str
    due_date: date | None = Field(description="Leeg: datum volgt (zie waiting_for)")
    original_due_date: date | None
    waiting_for: str | None = Field(
        description="Welke kalendergegevens ontbreken zolang de datum volgt"
    )
    due: str = Field(description="De datum in woorden: 'uiterlijk 31-03-2027' of 'datum volgt'")
    status: str = Field(description="open, met, missed, waived of cancelled")
    overdue: bool
    resolved_at: datetime | None
    reason: str | None


class CaseDetail(BaseModel):
    case: CasePublic
    school: SchoolPublic
    partnership: PartnershipPublic
    protocol_title: str
    state: StatePublic
    expected: list[ArtefactSpec] = Field(description="Wat er in deze stap wordt verwacht")
    actions: list[ActionPublic] = Field(description="Wat deze persoon nu kan doen")
    allowed: list[AllowedAction] = Field(description="Alles wat nu kan, met wie het mag")
    deadlines: list[DeadlinePublic]
    history: list[HistoryPublic]


def deadline_public(line: DeadlineLine, today: date) -> DeadlinePublic:
    record = line.deadline
    return DeadlinePublic(
        name=record.name,
        label=line.label,
        state=record.state,
        due_date=record.due_date,
        original_due_date=record.original_due_date,
        waiting_for=record.waiting_for,
        due=line.due,
        status=record.status,
        overdue=record.overdue_on(today),
        resolved_at=record.resolved_at,
        reason=record.reason,
    )


def case_detail(view: CaseView, actions: list[ActionPublic], today: date) -> CaseDetail:
    spec, state = view.spec, view.state
    return CaseDetail(
        case=case_public(spec, view.case, view.school.name),
        school=view.school,
        partnership=view.partnership,
        protocol_title=spec.title,
        state=StatePublic(
            name=view.case.state,
            label=state.label,
            step=state.step,
            step_label=spec.step_label(state.step),
            description=state.description.strip(),
            final=state.final,
            outcome=state.outcome,
        ),
        expected=list(state.artefacts),
        actions=actions,
        allowed=[AllowedAction.of(a) for a in view.allowed],
        deadlines=[deadline_public(line, today) for line in view.deadline_lines],
        history=history_public(view),
    )


class FireCreate(BaseModel):
    """Taking a step: the protocol's inputs by name, an optional note and role."""

    inputs: dict[str, str | int | bool | list[int] | None] = Field(
        default_factory=dict,
        description=(
            "Invoer van de stap per naam: tekst (string), datum (JJJJ-MM-DD), geheel getal, "
            "bevestiging (true); een documentinvoer: het nummer van een bestand in het "
            "dossier (of een lijst nummers), of het bestand zelf in multipart/form-data"
        ),
    )
    note: Text | None = Field(default=None, description="Toelichting of motivering")
    role: Text | None = Field(
        default=None, description="In welke rol, als iemand er meer heeft die de stap mogen"
    )

    @field_validator("inputs")
    @classmethod
    def _inputs_without_nul(
        cls, inputs: dict[str, str | int | bool | list[int] | None]
    ) -> dict[str, str | int | bool | list[int] | None]:
        for name, value in inputs.items():
            _no_nul(name)
            if isinstance(value, str):
                _no_nul(value)
        return inputs


class FireResult(BaseModel):
    """The step taken (in which role, from where to where) and the case as it is now."""

    trigger: str
    role: str
    from_state: str
    to_state: str
    case: CaseDetail


# --- the agenda -----------------------------------------------------------------------------


class AgendaItemPublic(BaseModel):
    case_id: int
    school_name: str
    partnership_id: int
    deadline: str = Field(description="Naam van de termijn in het protocol")
    label: str
    state: str
    state_label: str
    due_date: date | None = Field(description="Leeg: datum volgt (zie waiting_for)")
    original_due_date: date | None
    waiting_for: str | None = Field(
        description="Welke kalendergegevens ontbreken zolang de datum volgt"
    )
    due: str = Field(description="De datum in woorden: 'uiterlijk 31-03-2027' of 'datum volgt'")
    days_left: int | None = Field(description="Negatief: zoveel dagen te laat; leeg: datum volgt")
    overdue: bool
    who: list[str] = Field(description="Wie de termijn haalt (rollen)")

    @classmethod
    def of(cls, item: AgendaItem) -> AgendaItemPublic:
        record = item.deadline
        return cls(
            case_id=record.case_id,
            school_name=record.school_name,
            partnership_id=record.partnership_id,
            deadline=record.name,
            label=item.label,
            state=record.state,
            state_label=item.state_label,
            due_date=record.due_date,
            original_due_date=record.original_due_date,
            waiting_for=record.waiting_for,
            due=item.due,
            days_left=item.days_left,
            overdue=item.overdue,
            who=list(item.who),
        )


__all__ = [
    "ActionPublic",
    "AgendaItemPublic",
    "AllowedAction",
    "ArtefactSpec",
    "CaseDetail",
    "CasePublic",
    "DeadlinePublic",
    "FireCreate",
    "FireResult",
    "InputSpec",
    "MePublic",
    "PartnershipPublic",
    "PartnershipRoles",
    "Problem",
    "ProtocolBoard",
    "Refusal",
    "RolePublic",
    "SchoolPublic",
    "SchoolRef",
    "StateCount",
    "StatePublic",
    "Text",
    "case_detail",
    "case_public",
    "deadline_public",
]
