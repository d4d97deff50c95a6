"""Bestanden en documenten: the files handed in (every version, with a form for a new one)
and the documents toetreding makes: the audit report versions, the decision letter and the
step-3 decision of a case, each as HTML (shown in the browser) and PDF (downloaded).

Whether a letter exists is what :mod:`toetreding.documents.from_case` says: the page builds
each letter and lists it when that works. The case comes from the path and goes through
``visible_case`` first, so another school's document answers 404 like an unknown case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits import AuditDesk
from toetreding.clock import local
from toetreding.documents import (
    ArguedDecision,
    DecisionLetter,
    Document,
    OutcomeLetter,
    from_case,
    render_html,
    render_pdf,
)
from toetreding.store import ReportPublic
from toetreding.web.access import (
    Viewer,
    require_visible_reports,
    visible_case,
    visible_files,
    visible_reports,
)
from toetreding.web.deps import Me, ctx, page
from toetreding.web.views import upload_hint

router = APIRouter(include_in_schema=False)

FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
DISPOSITION = {"html": "inline", "pdf": "attachment"}
# A document's HTML shows only itself: partnership templates are data, so nothing on the
# page may run or be fetched (images only as data: URLs, as in the PDF).
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

Builder = Callable[[AuditDesk, int], Document]
LETTERS: dict[str, tuple[str, Builder]] = {
    "besluitbrief": ("Besluitbrief over de toetreding", from_case.decision_letter),
    "traject": (
        "Beargumenteerd besluit van de stuurgroep (stap 3)",
        lambda desk, case_id: from_case.argued_decision(desk.app, case_id),
    ),
}


@dataclass(frozen=True)
class Letter:
    """A letter of the case as the documents page lists it."""

    name: str  # the file name without extension: besluitbrief, traject
    title: str
    date: date | None = None
    detail: str = ""
    problem: str = ""  # why it cannot be made (the record refuses inconsistent data)


@router.get("/dossiers/{case_id}/documenten")
def documents_page(request: Request, case_id: int, me: Me, toegevoegd: str = "") -> Response:
    return render_documents(request, me, case_id, added=toegevoegd)


def render_documents(request: Request, me: Viewer, case_id: int, **extra: str) -> Response:
    """The page: the files handed in, then the documents toetreding makes."""
    service = ctx(request).service
    visible_case(service, me, case_id)
    letters = [_letter(ctx(request).desk, case_id, name) for name in LETTERS]
    files = visible_files(service, me, case_id)
    wanted = extra.pop("added", "")
    added = [f for g in files for f in g.files if str(f.id) == wanted]
    return page(
        request,
        "documents.html",
        me,
        view=service.view(case_id),
        files=files,
        added=added[0] if added else None,
        deliverable=service.deliverable(case_id, me.person_id),
        upload=upload_hint(service.max_upload_bytes),
        audits=_audits(ctx(request).desk, me, case_id),
        letters=[letter for letter in letters if letter is not None],
        **extra,
    )


@router.get("/dossiers/{case_id}/documenten/rapport-{version}.{fmt}")
def report_file(request: Request, case_id: int, version: str, fmt: str, me: Me) -> Response:
    """A report version of the latest audit."""
    return _report(request, me, case_id, None, version, fmt)


@router.get("/dossiers/{case_id}/documenten/audit-{number}/rapport-{version}.{fmt}")
def earlier_report_file(
    request: Request, case_id: int, number: str, version: str, fmt: str, me: Me
) -> Response:
    """A report version of any audit of the case (1 = the first; a volgschool has more)."""
    return _report(request, me, case_id, _number(number, "audit"), version, fmt)


def _report(
    request: Request, me: Viewer, case_id: int, number: int | None, version: str, fmt: str
) -> Response:
    def build(desk: AuditDesk, case_id: int) -> Document:
        wanted = _number(version, "rapportversie")
        require_visible_reports(desk, me, case_id, wanted, number=number)
        return from_case.audit_report(desk, case_id, wanted, number)

    audit = f"-audit{number}" if number else ""
    name = f"toetsingsrapport-dossier-{case_id}{audit}-v{version}"
    return _send(request, me, case_id, fmt, build, name)


def _number(text: str, what: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise NotFoundError(f"{what} '{text}' bestaat niet")
    return int(text)


@router.get("/dossiers/{case_id}/documenten/besluitbrief.{fmt}")
def decision_letter_file(request: Request, case_id: int, fmt: str, me: Me) -> Response:
    build = LETTERS["besluitbrief"][1]
    return _send(request, me, case_id, fmt, build, f"besluitbrief-dossier-{case_id}")


@router.get("/dossiers/{case_id}/documenten/traject.{fmt}")
def argued_decision_file(request: Request, case_id: int, fmt: str, me: Me) -> Response:
    build = LETTERS["traject"][1]
    return _send(request, me, case_id, fmt, build, f"besluit-stuurgroep-dossier-{case_id}")


def _send(
    request: Request, me: Viewer, case_id: int, fmt: str, build: Builder, name: str
) -> Response:
    """The document as HTML (inline) or PDF (attachment), for a case this person sees."""
    visible_case(ctx(request).service, me, case_id)
    if fmt not in FORMATS:
        raise NotFoundError(f"dit document bestaat niet als .{fmt}; kies .html of .pdf")
    document = build(ctx(request).desk, case_id)
    templates = ctx(request).settings.templates_dir
    render = render_pdf if fmt == "pdf" else render_html
    headers = {
        "Content-Disposition": f'{DISPOSITION[fmt]}; filename="{name}.{fmt}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": DOCUMENT_CSP,
    }
    return Response(render(document, templates), media_type=FORMATS[fmt], headers=headers)


def _letter(desk: AuditDesk, case_id: int, name: str) -> Letter | None:
    title, build = LETTERS[name]
    try:
        document = build(desk, case_id)
    except NotFoundError:  # the case took no such decision (yet)
        return None
    except InvalidInputError as exc:
        return Letter(name, title, problem=str(exc))
    return Letter(name, title, document.date, _detail(document))


def _detail(document: Document) -> str:
    if isinstance(document, DecisionLetter | OutcomeLetter):
        return document.outcome_label
    if isinstance(document, ArguedDecision):
        return "traject ingezet" if document.admitted_to_trajectory else "traject niet ingezet"
    return ""


@dataclass(frozen=True)
class AuditReports:
    """An audit of the case as the documents page lists it: its number and its reports."""

    number: int
    opened_on: date
    reports: list[ReportPublic]
    latest: bool  # its reports have the short addresses (rapport-N)


def _audits(desk: AuditDesk, me: Viewer, case_id: int) -> list[AuditReports]:
    """Every audit with reports this person may read, the latest first."""
    audits = desk.audits_of(case_id)
    listed = []
    for number, audit in enumerate(audits, start=1):
        reports = visible_reports(desk, me, case_id, number)
        if reports:
            opened = local(audit.opened_at).date()
            listed.append(AuditReports(number, opened, reports, number == len(audits)))
    return listed[::-1]
