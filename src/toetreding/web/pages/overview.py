"""Overzicht: per partnership the candidate schools as a board by step."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from toetreding.web.deps import Me, ctx, page

router = APIRouter(include_in_schema=False)


@router.get("/overzicht")
def overview(
    request: Request,
    me: Me,
    sector: str | None = None,
    regio: str | None = None,
    stap: str | None = None,
) -> Response:
    service = ctx(request).service
    today = service.today()
    boards = service.board(today=today, visible=me.scope, sector=sector, region=regio, state=stap)
    return page(
        request,
        "overview.html",
        me,
        boards=boards,
        state_choices=service.state_choices(me.scope),
        filters={"sector": sector or "", "regio": regio or "", "stap": stap or ""},
        today=today,
        # what an administrator must do about the school calendar (datum volgt, missing years)
        calendar_todo=[] if me.school_only else service.doctor(today),
        # running cases a newer protocol version is ready to take (in the cases this person sees)
        version_todo=[] if me.school_only else service.version_tasks(me.scope),
    )
