"""Dossier: one case — where it stands, what may happen now (with the files a step asks
for), its files, deadlines, history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import FileTooLarge, TransitionRefused
from toetreding.definition import InputKind
from toetreding.service import artefact_labels
from toetreding.store import CaseFilter
from toetreding.web.access import Viewer, visible_case, visible_files
from toetreding.web.deps import Me, ctx, page, page_number, require_csrf
from toetreding.web.uploads import Received, receive
from toetreding.web.views import actions_for, upload_hint

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
    """Take a step with the form's inputs and files. The files and the step are kept
    together or not at all; a refusal shows the page again with what was typed and chosen."""
    service = ctx(request).service
    visible_case(service, me, case_id)

    def csrf(received: Received) -> None:  # before any file is written
        require_csrf(request, received.text("csrf_token"))

    try:
        received = await receive(
            request, service.new_upload, service.max_upload_bytes, before_files=csrf
        )
    except FileTooLarge as exc:
        return _refused(request, me, case_id, trigger, str(exc), Received(), 413)
    try:
        require_csrf(request, received.text("csrf_token"))
        if received.refused:
            status = 413 if received.too_large else 422
            return _refused(
                request, me, case_id, trigger, "; ".join(received.refused), received, status
            )
        service.fire(
            case_id,
            trigger,
            actor_ref=me.person_id,
            inputs=_inputs(received),
            note=received.text("toelichting") or None,
            role=received.text("rol") or None,
        )
    except TransitionRefused as exc:
        return _refused(request, me, case_id, trigger, exc.reason, received, 422)
    finally:
        received.discard()
    return RedirectResponse(f"/dossiers/{case_id}", status_code=303)


def _inputs(received: Received) -> dict[str, Any]:
    """The step's inputs: typed values (``invoer_``), new files (``bestand_``) and files
    already in the dossier (``bestaand_``, by number)."""
    inputs: dict[str, Any] = {
        key[len("invoer_") :]: received.text(key)
        for key in received.fields
        if key.startswith("invoer_") and received.text(key)
    }
    for key, files in received.files.items():
        if key.startswith("bestand_") and files:
            inputs[key[len("bestand_") :]] = list(files)
    for key, values in received.fields.items():
        chosen = [int(v) for v in values if v.strip().isascii() and v.strip().isdigit()]
        if key.startswith("bestaand_") and chosen:
            name = key[len("bestaand_") :]
            inputs[name] = [*inputs.get(name, []), *chosen]
    return inputs


def _refused(
    request: Request,
    me: Viewer,
    case_id: int,
    trigger: str,
    reason: str,
    received: Received,
    status: int,
) -> Response:
    """The case page again, the refusal on top, the form as the person filled it in."""
    given = {key: received.text(key) for key in received.fields}
    response = _render_case(
        request, me, case_id, refusal=reason, tried=trigger, given=given, chosen=received.chosen
    )
    response.status_code = status
    return response


def _render_case(request: Request, me: Viewer, case_id: int, **extra: Any) -> Response:
    service = ctx(request).service
    visible_case(service, me, case_id)
    view = service.view(case_id)
    files = visible_files(service, me, case_id)
    return page(
        request,
        "case.html",
        me,
        view=view,
        actions=actions_for(service, me, view),
        kinds=InputKind,
        input_labels={i.name: i.label for t in view.spec.transitions for i in t.inputs},
        documents=artefact_labels(view.spec),
        files=files,
        files_of={group.artefact: group.files for group in files},
        upload=upload_hint(service.max_upload_bytes),
        today=service.today(),
        **{"given": {}, "chosen": {}, **extra},
    )
