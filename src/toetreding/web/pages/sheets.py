"""Spreadsheets on the web: the case list, the agenda and an audit's scores as CSV or XLSX
downloads, and the import page (upload, a dry run to look at, then confirm)."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits import scores_sheet
from toetreding.service import ImportKind
from toetreding.sheets import Sheet, SheetFormat, render_sheet
from toetreding.store import CaseFilter
from toetreding.web.access import Viewer, visible_audit, visible_case
from toetreding.web.deps import Me, ctx, page, require_csrf
from toetreding.web.pages.agenda import within_days

router = APIRouter(include_in_schema=False)

MAX_IMPORT_BYTES = 2_000_000  # the file travels once more, in the confirm form
KINDS = {
    ImportKind.SCHOOLS: "Scholen (naam, brin, sector, regio, bestuur)",
    ImportKind.BOARDS: "Besturen (brin, bestuur; naam ter controle)",
    ImportKind.PEOPLE: "Personen (naam, e-mail, rol, school)",
}


# --- downloads ----------------------------------------------------------------------------


def _download(sheet: Sheet, fmt: str, name: str) -> Response:
    try:
        kind = SheetFormat(fmt)
    except ValueError:
        raise NotFoundError(f"deze lijst bestaat niet als .{fmt}; kies .csv of .xlsx") from None
    headers = {
        "Content-Disposition": f'attachment; filename="{name}.{kind.value}"',
        "Cache-Control": "private, no-store",
    }
    return Response(render_sheet(sheet, kind), media_type=kind.media_type, headers=headers)


@router.get("/dossiers.{fmt}")
def cases_download(request: Request, fmt: str, me: Me, zoek: str = "") -> Response:
    """Every case the person sees (what /dossiers shows, without pages)."""
    wanted = CaseFilter(school_name=zoek.strip()[:100] or None, visible=me.scope)
    return _download(ctx(request).service.cases_sheet(wanted), fmt, "dossiers")


@router.get("/agenda.{fmt}")
def agenda_download(
    request: Request, fmt: str, me: Me, binnen: str = "", te_laat: str = ""
) -> Response:
    service = ctx(request).service
    today = service.today()
    sheet = service.agenda_sheet(
        today=today,
        within_days=within_days(binnen),
        overdue_only=te_laat not in ("", "0"),
        visible=me.scope,
    )
    return _download(sheet, fmt, f"agenda-{today:%Y-%m-%d}")


@router.get("/dossiers/{case_id}/audit/scores.{fmt}")
def scores_download(request: Request, case_id: int, fmt: str, me: Me, nummer: str = "") -> Response:
    """The scores of an audit (default the latest); a school reads the reports the committee
    sends it, never the working scores."""
    context = ctx(request)
    case = visible_case(context.service, me, case_id)
    if me.school_only:
        raise NotFoundError("deze lijst bestaat niet")
    if nummer and not (nummer.isascii() and nummer.isdigit() and 0 < int(nummer[:4]) < 10**4):
        raise NotFoundError(f"audit '{nummer}' bestaat niet")
    view = visible_audit(context.desk, me, case_id, int(nummer) if nummer else None)
    school = context.service.school(case.school_id).name
    groups = context.service.view(case.id).group_labels
    return _download(scores_sheet(view, school, groups), fmt, f"audit-scores-dossier-{case_id}")


# --- import -------------------------------------------------------------------------------


@router.get("/inlezen")
def import_form(request: Request, me: Me) -> Response:
    return _import_page(request, me)


@router.post("/inlezen")
async def import_preview(request: Request, me: Me) -> Response:
    """The dry run of the uploaded file: nothing is written yet."""
    form = await request.form(max_files=1, max_fields=10)
    require_csrf(request, _text(form.get("csrf_token")))
    kind, partnership = _choice(request, me, form.get("soort"), form.get("partnerschap"))
    upload = form.get("bestand")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(request, me, kind, partnership, "kies een bestand", status=422)
    data = await upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        message = "het bestand is groter dan 2 MB; splits het op"
        return _import_page(request, me, kind, partnership, message, status=413)
    return _preview(request, me, kind, partnership, data, upload.filename)


@router.post("/inlezen/bevestigen")
async def import_confirm(request: Request, me: Me) -> Response:
    """Check the same file again and import it: every row or none."""
    form = await request.form(max_files=0, max_fields=10, max_part_size=3 * MAX_IMPORT_BYTES)
    require_csrf(request, _text(form.get("csrf_token")))
    kind, partnership = _choice(request, me, form.get("soort"), form.get("partnerschap"))
    try:
        data = base64.b64decode(_text(form.get("inhoud")), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInputError(
            "het formulier is beschadigd; lees het bestand opnieuw in"
        ) from None
    name = _text(form.get("naam"))[:200]
    service = ctx(request).service
    plan = service.plan_import(kind, data, partnership, me.person_id)
    if not plan.acceptable:  # something changed since the dry run: show it again
        return _preview(request, me, kind, partnership, data, name, status=409)
    done = service.run_import(kind, data, partnership, me.person_id)
    return _import_page(request, me, kind, partnership, done=done, name=name)


def _preview(
    request: Request,
    me: Viewer,
    kind: ImportKind,
    partnership: int,
    data: bytes,
    name: str,
    status: int = 200,
) -> Response:
    try:
        plan = ctx(request).service.plan_import(kind, data, partnership, me.person_id)
    except InvalidInputError as exc:
        return _import_page(request, me, kind, partnership, str(exc), status=422)
    return _import_page(
        request,
        me,
        kind,
        partnership,
        plan=plan,
        name=name,
        content=base64.b64encode(data).decode("ascii"),
        status=status if plan.acceptable else 422,
    )


def _import_page(
    request: Request,
    me: Viewer,
    kind: ImportKind | None = None,
    partnership: int | None = None,
    problem: str = "",
    *,
    status: int = 200,
    **values: object,
) -> Response:
    allowed = ctx(request).service.import_partnerships(me.person_id)
    response = page(
        request,
        "import.html",
        me,
        kinds=KINDS,
        partnerships=allowed,
        chosen_kind=kind,
        chosen_partnership=partnership,
        problem=problem,
        **values,
    )
    response.status_code = status
    return response


def _choice(
    request: Request, me: Viewer, kind: object, partnership: object
) -> tuple[ImportKind, int]:
    try:
        chosen = ImportKind(_text(kind))
    except ValueError:
        raise InvalidInputError("kies wat u inleest: scholen, besturen of personen") from None
    allowed = {p.id for p in ctx(request).service.import_partnerships(me.person_id)}
    text = _text(partnership)
    if not (text.isascii() and text.isdigit() and int(text[:10]) in allowed):
        raise InvalidInputError("kies een partnerschap waarvoor u mag inlezen")
    return chosen, int(text)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
