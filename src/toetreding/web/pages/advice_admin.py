"""Adviesbeheer: an administrator of a partnership publishes the next version of its advice
rules from text in a plain editor; the loader's problems come back by line and nothing is
published on an error. A published version never changes; audits keep the version they
opened with."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding._exceptions import (
    AdminOnly,
    ConflictError,
    DefinitionProblem,
    InvalidInputError,
    NotFoundError,
)
from toetreding.advice import AdviceRulesSpec
from toetreding.store import PartnershipPublic
from toetreding.web.deps import Me, ctx, require_csrf
from toetreding.web.pages._editor import next_version_text
from toetreding.web.pages._editor_post import editor_page, editor_post

router = APIRouter(include_in_schema=False)

FILENAME = "adviesregels"


def _managed(request: Request, me: Me) -> list[PartnershipPublic]:
    """The partnerships whose rules this person may publish; refused when none."""
    context = ctx(request)
    every = context.service.partnerships()
    mine = [p for p in every if me.is_admin or context.desk.may_manage_advice(me.person_id, p.id)]
    if not mine:
        raise AdminOnly("alleen een beheerder mag adviesregels publiceren")
    return mine


@router.get("/adviesbeheer")
def advice_editor(
    request: Request,
    me: Me,
    partnerschap: int | None = None,
    regels: str | None = None,
) -> Response:
    """The editor; with ``partnerschap`` and ``regels`` it starts from their newest text,
    its version set to the next one."""
    managed = _managed(request, me)
    chosen = partnerschap if partnerschap in {p.id for p in managed} else None
    text = ""
    if chosen is not None and regels:
        desk = ctx(request).desk
        try:
            newest = desk.advice_spec(chosen, regels)
            text = next_version_text(desk.advice_text(chosen, regels), newest.version + 1)
        except NotFoundError as exc:
            return _render(request, me, managed, "", chosen, refused=str(exc), status=404)
    return _render(request, me, managed, text, chosen)


@router.post("/adviesbeheer")
def check_or_publish(
    request: Request,
    me: Me,
    csrf_token: str = Form(""),
    tekst: str = Form(""),
    partnerschap: str = Form(""),
    actie: str = Form("controleren"),
) -> Response:
    managed = _managed(request, me)
    require_csrf(request, csrf_token)
    desk = ctx(request).desk
    chosen = int(partnerschap) if partnerschap.isascii() and partnerschap.isdigit() else None
    if chosen not in {p.id for p in managed}:
        chosen = None

    def publish(text: str) -> Response:
        # never 0: editor_post refuses a missing partnership before it publishes
        done = desk.publish_advice(
            text, partnership_ref=chosen or 0, by=me.person_id, filename=FILENAME
        )
        return _render(request, me, managed, text, chosen, published=done.spec, new=done.new)

    return editor_post(
        tekst,
        partial(_render, request, me, managed, chosen=chosen),
        check=lambda text: desk.check_advice(text, chosen, FILENAME),
        publish=publish if actie == "publiceren" else None,
        refusals=((InvalidInputError, 403), (ConflictError, 409)),
        missing="kies het partnerschap" if chosen is None else "",
    )


def _render(
    request: Request,
    me: Me,
    managed: list[PartnershipPublic],
    text: str,
    chosen: int | None,
    *,
    problems: list[DefinitionProblem] | None = None,
    checked: AdviceRulesSpec | None = None,
    published: AdviceRulesSpec | None = None,
    new: bool = True,
    refused: str = "",
    status: int = 200,
) -> Response:
    desk = ctx(request).desk
    names = {p.id: p.name for p in managed}
    rules = {p.id: desk.advice_list(p.id) for p in managed}
    return editor_page(
        request,
        me,
        "advice_admin.html",
        text,
        problems=problems,
        status=status,
        chosen=chosen,
        partnerships=managed,
        names=names,
        rules=rules,
        checked=checked,
        published=published,
        new=new,
        refused=refused,
    )
