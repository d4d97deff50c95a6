"""Kaderbeheer: an administrator loads a quality framework for a partnership from text in a
plain editor; the loader's problems come back by line and nothing is loaded on an error. A
loaded version never changes (the same id and version with other content is refused)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding._exceptions import ConflictError, DefinitionProblem
from toetreding.frameworks import FrameworkSpec, load_framework_text
from toetreding.web.deps import Me, ctx, known_partnership, require_csrf
from toetreding.web.pages._editor_post import editor_page, editor_post
from toetreding.web.pages.protocols import visible_frameworks
from toetreding.web.views import require_admin

router = APIRouter(include_in_schema=False)


@router.get("/kaderbeheer")
def framework_editor(request: Request, me: Me) -> Response:
    require_admin(me)
    return _render(request, me, "", None)


@router.post("/kaderbeheer")
def check_or_load(
    request: Request,
    me: Me,
    csrf_token: str = Form(""),
    tekst: str = Form(""),
    partnerschap: str = Form(""),
    actie: str = Form("controleren"),
) -> Response:
    require_admin(me)
    require_csrf(request, csrf_token)
    context = ctx(request)
    chosen = known_partnership(request, partnerschap)

    def load(text: str) -> Response:
        spec = load_framework_text(text, "kader")
        new = context.desk.frameworks.load(chosen, spec, context.service.clock.now())
        return _render(request, me, text, chosen, loaded=spec, new=new)

    return editor_post(
        tekst,
        partial(_render, request, me, chosen=chosen),
        check=lambda text: load_framework_text(text, "kader"),
        publish=load if actie == "laden" else None,
        refusals=((ConflictError, 409),),
        missing="kies het partnerschap" if chosen is None else "",
    )


def _render(
    request: Request,
    me: Me,
    text: str,
    chosen: int | None,
    *,
    problems: list[DefinitionProblem] | None = None,
    checked: FrameworkSpec | None = None,
    loaded: FrameworkSpec | None = None,
    new: bool = True,
    refused: str = "",
    status: int = 200,
) -> Response:
    context = ctx(request)
    return editor_page(
        request,
        me,
        "framework_admin.html",
        text,
        problems=problems,
        status=status,
        chosen=chosen,
        partnerships=context.service.partnerships(),
        frameworks=visible_frameworks(context, me),
        checked=checked,
        loaded=loaded,
        new=new,
        refused=refused,
    )
