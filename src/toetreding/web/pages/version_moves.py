"""Dossiers overzetten: the plan for moving the running cases of a protocol version onto a
newer one (where each lands, its deadlines, which cannot move and why), and applying it
after a confirmation; each case moves in its own transaction, a case that changed since the
plan is refused."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding._exceptions import InvalidInputError
from toetreding.service import MoveOutcome, MovePlan
from toetreding.web.deps import Me, ctx, page, require_csrf

router = APIRouter(include_in_schema=False)

MAX_CASES_FIELD = 200_000  # characters of the plan's "case:revision" list


@router.get("/protocolbeheer/{protocol_id}/overzetten")
def move_plan(
    request: Request,
    protocol_id: str,
    me: Me,
    van: int | None = None,
    naar: int | None = None,
) -> Response:
    choices = _choices(request, protocol_id, me)
    running, known = choices
    to_version = naar or (known[-1] if known else 0)
    from_version = van or max((v for v in running if v < to_version), default=0)
    return _render(request, me, protocol_id, choices, from_version, to_version)


@router.post("/protocolbeheer/{protocol_id}/overzetten")
def apply_moves(
    request: Request,
    protocol_id: str,
    me: Me,
    csrf_token: str = Form(""),
    van: int = Form(...),
    naar: int = Form(...),
    dossiers: str = Form("", max_length=MAX_CASES_FIELD),
    bevestigd: str = Form(""),
) -> Response:
    require_csrf(request, csrf_token)
    choices = _choices(request, protocol_id, me)
    if bevestigd != "ja":
        return _render(
            request, me, protocol_id, choices, van, naar, status=422,
            refused="vink aan dat u het plan hebt gelezen; er is niets overgezet",
        )  # fmt: skip
    expected = _expected(dossiers)
    outcomes = ctx(request).service.apply_move(
        protocol_id, van, naar, by=me.person_id, expected=expected
    )
    return _render(request, me, protocol_id, choices, van, naar, outcomes=outcomes)


def _choices(request: Request, protocol_id: str, me: Me) -> tuple[list[int], list[int]]:
    """The versions running cases are on, and every known version (a 404 for a protocol
    ``me`` may not see)."""
    return ctx(request).service.move_versions(protocol_id, by=me.person_id)


def _expected(text: str) -> dict[int, int]:
    """The plan's cases and the revisions it saw, from ``"12:5 13:7"``."""
    expected: dict[int, int] = {}
    for part in text.split():
        case_id, _, revision = part.partition(":")
        if not (case_id.isdigit() and revision.isdigit()):
            raise InvalidInputError("het formulier is beschadigd; bekijk het plan opnieuw")
        expected[int(case_id)] = int(revision)
    return expected


def _render(
    request: Request,
    me: Me,
    protocol_id: str,
    choices: tuple[list[int], list[int]],
    from_version: int,
    to_version: int,
    *,
    outcomes: list[MoveOutcome] | None = None,
    refused: str = "",
    status: int = 200,
) -> Response:
    plan: MovePlan | None = None
    problem = ""
    if from_version:
        try:
            plan = ctx(request).service.plan_move(
                protocol_id, from_version, to_version, by=me.person_id
            )
        except InvalidInputError as exc:
            problem, status = str(exc), 422
    response = page(
        request,
        "protocol_move.html",
        me,
        spec=ctx(request).service.protocols().get(protocol_id),
        running=choices[0],
        known=choices[1],
        from_version=from_version,
        to_version=to_version,
        plan=plan,
        problem=problem,
        refused=refused,
        outcomes=outcomes,
        moved=[o for o in outcomes or [] if o.moved],
        not_moved=[o for o in outcomes or [] if not o.moved],
        cases_field=" ".join(f"{m.case_id}:{m.revision}" for m in plan.movable) if plan else "",
    )
    response.status_code = status
    return response
