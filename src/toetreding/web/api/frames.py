"""The conversation frame of a case (e.g. the intake questions, the waarborgen an mbo
institution maps its basic quality on): read it, and record or revise one answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits import FrameDesk, FrameView
from toetreding.web.access import Viewer, visible_case
from toetreding.web.api._common import ApiRoute, CaseId, Changer, errors
from toetreding.web.deps import Me, ctx
from toetreding.web.frame_schemas import (
    FrameAnswerCreate,
    FrameAnswerOut,
    FrameDetail,
    answer_out,
    frame_detail,
)

router = APIRouter(route_class=ApiRoute, tags=["gesprekskader"])


@router.get(
    "/dossiers/{case_id}/gesprekskader",
    response_model=FrameDetail,
    summary="Het gesprekskader van een dossier",
    description=(
        "De vragen van het gesprekskader met het laatste antwoord en de versie ervan, en of "
        "u ze in de huidige stap mag vastleggen. 404 als het protocol geen gesprekskader "
        "kent. / The frame's questions with their latest answers."
    ),
    responses=errors(401, 404, 422),
)
def frame_view(request: Request, case_id: CaseId, me: Me) -> FrameDetail:
    desk = _desk(request, me, case_id)
    return frame_detail(_view(desk, case_id), desk.may_answer(case_id, me.person_id))


@router.put(
    "/dossiers/{case_id}/gesprekskader/antwoorden/{question_id}",
    response_model=FrameAnswerOut,
    summary="Een antwoord vastleggen",
    description=(
        "Legt het antwoord op één vraag vast, of herziet het (een nieuwe versie; de vorige "
        "blijft bewaard). Alleen in de stap die het gesprekskader noemt en door de rollen "
        "die daar de antwoorden vastleggen; anders 422 met de reden. Een leeg of te lang "
        "antwoord: 422. Hetzelfde antwoord nog eens: geen nieuwe versie. / Record (or "
        "revise) the answer to one question."
    ),
    responses=errors(401, 403, 404, 409, 422),
)
def record_answer(
    request: Request,
    case_id: CaseId,
    question_id: Annotated[str, Path(max_length=40, description="Nummer van de vraag, bijv. 1")],
    body: FrameAnswerCreate,
    me: Changer,
) -> FrameAnswerOut:
    desk = _desk(request, me, case_id)
    _view(desk, case_id)  # 404 when the protocol has no frame
    desk.answer_all(case_id, {question_id: body.answer}, actor_ref=me.person_id)
    latest = next(q.answer for q in desk.view(case_id).questions if q.question_id == question_id)
    if latest is None:  # cannot happen: an empty answer is refused
        raise InvalidInputError(f"vraag {question_id} heeft geen antwoord")
    return answer_out(latest)


def _desk(request: Request, me: Viewer, case_id: int) -> FrameDesk:
    visible_case(ctx(request).service, me, case_id)
    return FrameDesk(ctx(request).desk)


def _view(desk: FrameDesk, case_id: int) -> FrameView:
    try:
        return desk.view(case_id)
    except InvalidInputError as exc:  # the protocol names no frame: nothing to show
        raise NotFoundError(str(exc)) from None
