"""The conversation frame of a case (e.g. the waarborgen an mbo institution maps its basic
quality on): every question with its latest answer, and one form to record or revise them.

The form is offered to those who may record the answers in the case's current step (the
step's ``frame_by``, checked by :class:`FrameDesk`, which checks again on POST); everyone
else who may see the case reads the answers. Saving records only the answers that changed,
each as a new revision. A refused form comes back with the desk's Dutch message and what was
typed (status 422); nothing is recorded then.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import ConflictError, InvalidInputError, NotFoundError
from toetreding.audits import FrameDesk, FrameView
from toetreding.web.access import Viewer, visible_case
from toetreding.web.deps import Me, ctx, page, require_csrf

router = APIRouter(include_in_schema=False)

FIELD = "antwoord-"  # the form field of question Q is 'antwoord-Q'


@router.get("/dossiers/{case_id}/gesprekskader")
def frame_page(request: Request, case_id: int, me: Me, opgeslagen: str = "") -> Response:
    saved = int(opgeslagen) if opgeslagen.isascii() and opgeslagen.isdigit() else None
    return _render(request, me, case_id, saved=saved)


@router.post("/dossiers/{case_id}/gesprekskader")
async def save_answers(request: Request, case_id: int, me: Me) -> Response:
    form = await request.form(max_files=0, max_fields=200)
    given = {key: value for key, value in form.items() if isinstance(value, str)}
    require_csrf(request, given.get("csrf_token"))
    desk = _frames(request, me, case_id)
    typed = {key.removeprefix(FIELD): text for key, text in given.items() if key.startswith(FIELD)}
    try:
        saved = desk.answer_all(case_id, typed, actor_ref=me.person_id)
    except (InvalidInputError, NotFoundError, ConflictError) as exc:
        return _render(request, me, case_id, status=422, message=str(exc), typed=typed)
    target = f"/dossiers/{case_id}/gesprekskader?opgeslagen={len(saved)}#uitkomst"
    return RedirectResponse(target, status_code=303)


def _frames(request: Request, me: Viewer, case_id: int) -> FrameDesk:
    """The frame desk, for a case this person may see (else 404, as for an unknown case)."""
    visible_case(ctx(request).service, me, case_id)
    return FrameDesk(ctx(request).desk)


def _frame_of(desk: FrameDesk, case_id: int) -> FrameView:
    try:
        return desk.view(case_id)
    except InvalidInputError as exc:  # the protocol has no frame: there is no such page
        raise NotFoundError(str(exc)) from None


def _render(
    request: Request, me: Viewer, case_id: int, *, status: int = 200, **extra: Any
) -> Response:
    desk = _frames(request, me, case_id)
    service = ctx(request).service
    frame = _frame_of(desk, case_id)
    view = service.view(case_id)
    answered_by = {q.answer.recorded_by for q in frame.questions if q.answer}
    values: dict[str, Any] = {"saved": None, "message": "", "typed": None, **extra}
    response = page(
        request,
        "frame.html",
        me,
        view=view,
        frame=frame,
        may_edit=desk.may_answer(case_id, me.person_id),
        steps=[s for s in view.spec.states.values() if s.frame],
        people={person: service.person(person).name for person in answered_by},
        field=FIELD,
        **values,
    )
    response.status_code = status
    return response
