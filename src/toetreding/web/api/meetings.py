"""``GET /api/vergaderingen[/{id}]``: meetings of the bodies, their agenda and decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from toetreding.service import meeting_data
from toetreding.store import MAX_ID
from toetreding.web.access import visible_meeting, visible_meetings
from toetreding.web.api._common import ApiRoute, errors
from toetreding.web.deps import Me, ctx

router = APIRouter(route_class=ApiRoute, tags=["vergaderingen"])

MeetingId = Annotated[int, Path(ge=1, le=MAX_ID, description="Nummer van de vergadering")]


class MeetingPublic(BaseModel):
    id: int
    body: str = Field(description="Het orgaan: stuurgroep, bestuurdersnetwerk, …")
    body_label: str
    date: str = Field(description="JJJJ-MM-DD")
    time: str = Field(description="UU:MM")
    place: str


class PersonName(BaseModel):
    id: int
    name: str


class DecisionOption(BaseModel):
    trigger: str
    label: str


class AgendaEntry(BaseModel):
    position: int
    case_id: int
    school: str
    state: str
    state_label: str
    reason: str = Field(description="Waarom het dossier op de agenda staat")
    decisions: list[DecisionOption] = Field(description="Wat het orgaan nu kan besluiten")


class DecisionEntry(BaseModel):
    case_id: int
    school: str
    label: str
    outcome: str
    at: str
    by: str | None
    note: str | None


class MeetingDetail(MeetingPublic):
    partnership: str
    present: list[PersonName]
    agenda: list[AgendaEntry]
    decisions: list[DecisionEntry] = Field(description="De besluitenlijst")


@router.get(
    "/vergaderingen",
    response_model=list[MeetingPublic],
    summary="Vergaderingen",
    description=(
        "De vergaderingen van de partnerschappen waarvoor u werkt, de nieuwste eerst. / "
        "Meetings of the partnerships you work for, newest first."
    ),
    responses=errors(401, 422),
)
def meeting_list(request: Request, me: Me) -> list[MeetingPublic]:
    app = ctx(request).service
    return [
        MeetingPublic(
            id=m.id,
            body=m.body,
            body_label=app.body_label(m.body),
            date=m.day.isoformat(),
            time=f"{m.starts_at:%H:%M}",
            place=m.place,
        )
        for m in visible_meetings(app, me)
    ]


@router.get(
    "/vergaderingen/{meeting_id}",
    response_model=MeetingDetail,
    summary="Eén vergadering",
    description=(
        "De vergadering met aanwezigen, agenda (met reden en mogelijke besluiten per punt) en "
        "besluitenlijst. / The meeting with who was there, its agenda and its decisions."
    ),
    responses=errors(401, 404, 422),
)
def meeting_detail(request: Request, me: Me, meeting_id: MeetingId) -> MeetingDetail:
    app = ctx(request).service
    visible_meeting(app, me, meeting_id)
    return MeetingDetail.model_validate(meeting_data(app.meeting_view(meeting_id)))
