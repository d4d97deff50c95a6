"""Dossier: one case — where it stands, what may happen now, deadlines, history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import TransitionRefused
from toetreding.definition import InputKind
from toetreding.store import CaseFilter
from toetreding.web.access import Viewer, visible_case
from toetreding.web.deps import Me, ctx, page, page_number, require_csrf
from toetreding.web.views import actions_for

router = APIRouter(include_in_schema=False)


PAGE_SIZE = 50


@router.get("/dossiers")
def case_list(request: Request, me: Me, zoek: str = "", pagina: str = "1") -> Response:
    """The cases this person sees, newest activity first, 50 to a page; ``zoek`` narrows
    them to schools whose name contains it."""
    service = ctx(request).service
    wanted = CaseFilter(school_name=zoek.strip()[:100] or None, visible=me.scope)
    total = service.count_cases(wanted)
    number, pages = page_number(pagina, total, PAGE_SIZE)
    rows = service.find_cases(wanted, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return page(
        request,
        "cases.html",
        me,
        rows=[(case, school, service.spec_of(case)) for case, school in rows],
        zoek=zoek.strip(),
        total=total,
        number=number,
        pages=pages,
        first=(number - 1) * PAGE_SIZE + 1,
    )


@router.get("/dossiers/{case_id}")
def case_page(request: Request, case_id: int, me: Me) -> Response:
    return _render_case(request, me, case_id)


@router.post("/dossiers/{case_id}/handelingen/{trigger}")
async def fire(request: Request, case_id: int, trigger: str, me: Me) -> Response:
    form = await request.form()
    require_csrf(request, _text(form.get("csrf_token")))
    service = ctx(request).service
    visible_case(service, me, case_id)
    inputs = {
        key[len("invoer_") :]: _text(value)
        for key, value in form.items()
        if key.startswith("invoer_") and _text(value)
    }
    try:
        service.fire(
            case_id,
            trigger,
            actor_ref=me.person_id,
            inputs=inputs,
            note=_text(form.get("toelichting")) or None,
            role=_text(form.get("rol")) or None,
        )
    except TransitionRefused as exc:
        response = _render_case(request, me, case_id, refusal=exc.reason, tried=trigger)
        response.status_code = 422
        return response
    return RedirectResponse(f"/dossiers/{case_id}", status_code=303)


def _render_case(request: Request, me: Viewer, case_id: int, **extra: Any) -> Response:
    service = ctx(request).service
    visible_case(service, me, case_id)
    view = service.view(case_id)
    return page(
        request,
        "case.html",
        me,
        view=view,
        actions=actions_for(service, me, view),
        kinds=InputKind,
        input_labels={i.name: i.label for t in view.spec.transitions for i in t.inputs},
        today=service.today(),
        **extra,
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
