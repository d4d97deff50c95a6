"""Gesprekskaders: an administrator picks, per partnership, the framework used where a
protocol's step names a conversation frame (the FROSK intake questions): one of the
partnership's own frameworks or another shipped one. Every choice is kept as a log."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits import FrameDesk
from toetreding.web.deps import Me, ctx, known_partnership, page, require_csrf
from toetreding.web.views import require_admin

router = APIRouter(include_in_schema=False)


@router.get("/gesprekskaders")
def frame_choices(request: Request, me: Me, partnerschap: str = "") -> Response:
    require_admin(me)
    return _render(request, me, known_partnership(request, partnerschap))


@router.post("/gesprekskaders")
def choose_frame(
    request: Request,
    me: Me,
    csrf_token: str = Form(""),
    partnerschap: str = Form(""),
    gesprekskader: str = Form(""),
    kader: str = Form(""),
) -> Response:
    require_admin(me)
    require_csrf(request, csrf_token)
    chosen = known_partnership(request, partnerschap)
    if chosen is None:
        return _render(request, me, None, refused="kies het partnerschap", status=422)
    desk = FrameDesk(ctx(request).desk)
    try:
        slot = desk.choose(chosen, gesprekskader, kader, by=me.person_id)
    except (InvalidInputError, NotFoundError) as exc:
        return _render(request, me, chosen, refused=str(exc), status=422)
    done = f"Waar een stap '{slot.frame_title}' noemt, gebruikt dit partnerschap nu "
    return _render(request, me, chosen, done=f"{done}'{slot.framework_title}'.")


def _render(
    request: Request,
    me: Me,
    chosen: int | None,
    *,
    done: str = "",
    refused: str = "",
    status: int = 200,
) -> Response:
    context = ctx(request)
    desk = FrameDesk(context.desk)
    people = {}
    log = desk.choices.log(chosen) if chosen is not None else []
    for entry in log:
        if entry.chosen_by not in people:
            people[entry.chosen_by] = context.service.person(entry.chosen_by).name
    frameworks = context.desk.frameworks.list(chosen) if chosen is not None else []
    slots = desk.slots(chosen) if chosen is not None else []
    titles = {f.framework_id: f.title for f in frameworks}
    titles |= {s.frame_id: s.frame_title for s in slots}
    response = page(
        request,
        "frame_choices.html",
        me,
        chosen=chosen,
        partnerships=context.service.partnerships(),
        slots=slots,
        frameworks=frameworks,
        titles=titles,
        log=log,
        people=people,
        done=done,
        refused=refused,
    )
    response.status_code = status
    return response
