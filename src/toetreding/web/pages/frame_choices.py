"""Gesprekskaders: an administrator picks, per partnership, the framework used where a
protocol's step names a conversation frame (the FROSK intake questions): one of the
partnership's own frameworks or another shipped one. Every choice is kept as a log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding.audits import FrameDesk
from toetreding.web.deps import Me, ctx
from toetreding.web.pages._partnership_pages import PartnershipPage

router = APIRouter(include_in_schema=False)


def _values(request: Request, chosen: int) -> dict[str, Any]:
    context = ctx(request)
    desk = FrameDesk(context.desk)
    people = {}
    log = desk.choices.log(chosen)
    for entry in log:
        if entry.chosen_by not in people:
            people[entry.chosen_by] = context.service.person(entry.chosen_by).name
    frameworks = context.desk.frameworks.list(chosen)
    slots = desk.slots(chosen)
    titles = {f.framework_id: f.title for f in frameworks}
    titles |= {s.frame_id: s.frame_title for s in slots}
    return {
        "slots": slots,
        "frameworks": frameworks,
        "titles": titles,
        "log": log,
        "people": people,
    }


_PAGE = PartnershipPage("frame_choices.html", _values)


@router.get("/gesprekskaders")
def frame_choices(request: Request, me: Me, partnerschap: str = "") -> Response:
    return _PAGE.show(request, me, partnerschap)


@router.post("/gesprekskaders")
def choose_frame(
    request: Request,
    me: Me,
    csrf_token: str = Form(""),
    partnerschap: str = Form(""),
    gesprekskader: str = Form(""),
    kader: str = Form(""),
) -> Response:
    def choose(chosen: int) -> str:
        slot = FrameDesk(ctx(request).desk).choose(chosen, gesprekskader, kader, by=me.person_id)
        done = f"Waar een stap '{slot.frame_title}' noemt, gebruikt dit partnerschap nu "
        return f"{done}'{slot.framework_title}'."

    return _PAGE.change(request, me, csrf_token, partnerschap, choose)
