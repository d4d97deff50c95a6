"""Audit: the committee, interviews, a score form per criterion, reports and corrections.

The pages only collect what people type and show what the :class:`AuditDesk` says; the desk
decides who may do what where (committee members score, organisers form the committee, the
school returns corrections). A refused form re-renders the audit page with the desk's Dutch
message next to that form (status 422) and keeps what was typed. A score posted by
``audit.js`` (``Accept: application/json``) gets JSON back instead, so a member saves
criterion by criterion without reloading the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from toetreding._exceptions import ConflictError, InvalidInputError, NotFoundError
from toetreding.audits import AuditDesk, AuditView, NewFinding
from toetreding.audits.desk import MEMBER_ROLES, ORGANISERS
from toetreding.definition.model import AuditSpec
from toetreding.frameworks import FrameworkSpec, criterion_number
from toetreding.roles import SCHOOL_ROLE
from toetreding.service import CaseView
from toetreding.store import FindingPublic
from toetreding.web.access import (
    Viewer,
    require_visible_reports,
    visible_audit,
    visible_case,
    visible_files,
)
from toetreding.web.deps import Me, ctx, page, require_csrf
from toetreding.web.views import actions_for

router = APIRouter(include_in_schema=False)

REFUSALS = (InvalidInputError, NotFoundError, ConflictError)
ACCEPT = {"overnemen": True, "niet_overnemen": False}


@dataclass(frozen=True)
class May:
    """Which forms the audit page offers this person now (the desk checks again on POST)."""

    open: bool = False
    add_member: bool = False
    add_interview: bool = False
    score: bool = False
    draft: bool = False
    correct: bool = False
    decide: bool = False
    finalize: bool = False
    see_findings: bool = False  # the committee's working findings; a school reads reports


# --- reading ------------------------------------------------------------------------------


@router.get("/dossiers/{case_id}/audit")
def audit_page(
    request: Request, case_id: int, me: Me, gedaan: str = "", nummer: str = ""
) -> Response:
    """The latest audit, or with ``?nummer=N`` an earlier one (read only)."""
    if nummer and not (nummer.isascii() and nummer.isdigit() and 0 < int(nummer[:4]) < 10**4):
        raise NotFoundError(f"audit '{nummer}' bestaat niet")
    return _render(request, me, case_id, done=gedaan, number=int(nummer) if nummer else None)


@router.get("/dossiers/{case_id}/audit/vergelijk")
def compare(request: Request, case_id: int, me: Me, oud: str = "", nieuw: str = "") -> Response:
    service = ctx(request).service
    visible_case(service, me, case_id)
    older, newer = _version(oud), _version(nieuw)
    require_visible_reports(ctx(request).desk, me, case_id, older, newer)
    comparison = ctx(request).desk.compare(case_id, older, newer)
    return page(
        request,
        "audit_compare.html",
        me,
        view=service.view(case_id),
        comparison=comparison,
        number=criterion_number,
    )


# --- the committee and the interviews -----------------------------------------------------


@router.post("/dossiers/{case_id}/audit/openen")
def open_audit(request: Request, case_id: int, me: Me, csrf_token: str = Form("")) -> Response:
    desk = _desk(request, me, case_id, csrf_token)
    return _attempt(
        request, me, case_id, "openen", lambda: desk.open(case_id, actor_ref=me.person_id)
    )


@router.post("/dossiers/{case_id}/audit/leden")
def add_member(
    request: Request,
    case_id: int,
    me: Me,
    csrf_token: str = Form(""),
    email: str = Form(""),
    partner: str = Form(""),
    rol: str = Form("lid"),
) -> Response:
    desk = _desk(request, me, case_id, csrf_token)

    def step() -> object:
        if not email.strip():
            raise InvalidInputError("geef het e-mailadres van het nieuwe lid")
        return desk.add_member(
            case_id, person_ref=email.strip(), partner=partner, role=rol, actor_ref=me.person_id
        )

    kept = {"email": email, "partner": partner, "rol": rol}
    return _attempt(request, me, case_id, "lid", step, kept=kept)


@router.post("/dossiers/{case_id}/audit/gesprekken")
def add_interview(
    request: Request,
    case_id: int,
    me: Me,
    csrf_token: str = Form(""),
    groep: str = Form(""),
    datum: str = Form(""),
    aanwezigen: str = Form(""),
    notities: str = Form(""),
) -> Response:
    desk = _desk(request, me, case_id, csrf_token)

    def step() -> object:
        return desk.add_interview(
            case_id,
            group=groep,
            held_on=_date(datum),
            attendees=aanwezigen.splitlines(),
            notes=notities.strip() or None,
            actor_ref=me.person_id,
        )

    kept = {"groep": groep, "datum": datum, "aanwezigen": aanwezigen, "notities": notities}
    return _attempt(request, me, case_id, "gesprek", step, kept=kept)


# --- scores -------------------------------------------------------------------------------


@router.post("/dossiers/{case_id}/audit/scores/{criterion_id}")
def score(
    request: Request,
    case_id: int,
    criterion_id: str,
    me: Me,
    csrf_token: str = Form(""),
    score: str = Form(""),
    onderbouwing: str = Form(""),
    sterke_punten: str = Form(""),
    ontwikkelpunten: str = Form(""),
    gesprek: str = Form(""),
) -> Response:
    desk = _desk(request, me, case_id, csrf_token)
    finding = NewFinding(
        criterion_id,
        score.strip() or None,
        onderbouwing,
        sterke_punten.strip() or None,
        ontwikkelpunten.strip() or None,
        gesprek.strip() or None,
    )
    if "application/json" in request.headers.get("accept", ""):
        return _score_json(desk, case_id, finding, me)
    return _attempt(
        request,
        me,
        case_id,
        f"score-{criterion_id}",
        lambda: desk.score(case_id, finding, actor_ref=me.person_id),
        anchor=f"criterium-{criterion_id}",
        entered=finding,
    )


def _score_json(desk: AuditDesk, case_id: int, finding: NewFinding, me: Viewer) -> Response:
    """What ``audit.js`` shows after saving: the criterion's status, what is still open and
    the advice once complete; a refusal as ``{"detail": ...}``."""
    try:
        saved = desk.score(case_id, finding, actor_ref=me.person_id)
    except REFUSALS as exc:
        return JSONResponse({"detail": str(exc)}, status_code=_refusal_status(exc))
    audit = desk.view(case_id)
    advice = audit.advice
    return JSONResponse(
        {
            "criterion": saved.criterion_id,
            "revision": saved.revision,
            "status": finding_status(audit.framework, saved),
            "open": [
                {"id": c, "label": audit.framework.criterion_label(c)} for c in audit.unscored
            ],
            "advice": (
                {"label": advice.label, "reasons": list(advice.reasons), "rules": advice.rules}
                if advice
                else None
            ),
        }
    )


def finding_status(framework: FrameworkSpec, finding: FindingPublic | None) -> str:
    """One line a member reads next to a criterion: scored how, which version, or open."""
    if finding is None or (framework.scored and not finding.level):
        return "Nog open"
    level = framework.level(finding.level).label if finding.level else "vastgelegd"
    return f"Gescoord: {level} (versie {finding.revision})"


# --- reports and corrections --------------------------------------------------------------


@router.post("/dossiers/{case_id}/audit/concept")
def draft_report(request: Request, case_id: int, me: Me, csrf_token: str = Form("")) -> Response:
    desk = _desk(request, me, case_id, csrf_token)
    return _attempt(
        request,
        me,
        case_id,
        "concept",
        lambda: desk.draft_report(case_id, actor_ref=me.person_id),
    )


@router.post("/dossiers/{case_id}/audit/correcties")
def submit_correction(
    request: Request,
    case_id: int,
    me: Me,
    csrf_token: str = Form(""),
    tekst: str = Form(""),
    criterium: str = Form(""),
) -> Response:
    desk = _desk(request, me, case_id, csrf_token)

    def step() -> object:
        return desk.submit_correction(
            case_id, tekst, criterion_id=criterium.strip() or None, actor_ref=me.person_id
        )

    kept = {"tekst": tekst, "criterium": criterium}
    return _attempt(request, me, case_id, "correctie", step, kept=kept)


@router.post("/dossiers/{case_id}/audit/correcties/{correction_id}/besluit")
def decide_correction(
    request: Request,
    case_id: int,
    correction_id: int,
    me: Me,
    csrf_token: str = Form(""),
    besluit: str = Form(""),
    reden: str = Form(""),
) -> Response:
    desk = _desk(request, me, case_id, csrf_token)

    def step() -> object:
        if besluit not in ACCEPT:
            raise InvalidInputError("kies of de correctie wordt overgenomen of niet")
        return desk.decide_correction(
            case_id, correction_id, accept=ACCEPT[besluit], reason=reden, actor_ref=me.person_id
        )

    key = f"besluit-{correction_id}"
    return _attempt(request, me, case_id, key, step, kept={"besluit": besluit, "reden": reden})


@router.post("/dossiers/{case_id}/audit/vaststellen")
def finalize(request: Request, case_id: int, me: Me, csrf_token: str = Form("")) -> Response:
    desk = _desk(request, me, case_id, csrf_token)
    return _attempt(
        request,
        me,
        case_id,
        "vaststellen",
        lambda: desk.finalize(case_id, actor_ref=me.person_id),
    )


# --- helpers ------------------------------------------------------------------------------


def _desk(request: Request, me: Viewer, case_id: int, token: str) -> AuditDesk:
    """Every change: the session's CSRF token, and a case this person may see (the path's)."""
    require_csrf(request, token)
    visible_case(ctx(request).service, me, case_id)
    return ctx(request).desk


def _attempt(
    request: Request,
    me: Viewer,
    case_id: int,
    key: str,
    step: Callable[[], object],
    *,
    anchor: str | None = None,
    **extra: Any,
) -> Response:
    """Run ``step``; on success back to the audit page at the form (``?gedaan=key``), on a
    refusal the page again with the message next to the form ``key`` and what was typed."""
    anchor = anchor or key
    try:
        step()
    except REFUSALS as exc:
        status = _refusal_status(exc)
        return _render(
            request, me, case_id, status=status, tried=key, anchor=anchor, message=str(exc), **extra
        )
    target = f"/dossiers/{case_id}/audit?gedaan={key}#{anchor}"
    return RedirectResponse(target, status_code=303)


def _render(
    request: Request,
    me: Viewer,
    case_id: int,
    *,
    status: int = 200,
    number: int | None = None,
    **extra: Any,
) -> Response:
    service, desk = ctx(request).service, ctx(request).desk
    visible_case(service, me, case_id)
    view = service.view(case_id)
    spec = view.spec.audit
    if spec is None:
        raise NotFoundError(f"het protocol van dossier {case_id} kent geen interne audit")
    audits = desk.audits_of(case_id)
    if number == len(audits):
        number = None  # the latest, with its forms
    audit = visible_audit(desk, me, case_id, number) if number else _audit_view(desk, me, case_id)
    earlier = May(see_findings=not me.school_only)  # an earlier audit is read only
    values = {"kept": {}, "entered": None, "tried": "", "anchor": "", "done": "", **extra}
    response = page(
        request,
        "audit.html",
        me,
        view=view,
        audit=audit,
        audits=audits,
        number=number or len(audits),
        report_base=f"/dossiers/{case_id}/documenten/" + (f"audit-{number}/" if number else ""),
        may=earlier if number else _may(request, me, view, spec, audit),
        groups=view.group_labels,
        corrections=desk.corrections(case_id, number) if audit else [],
        member_roles=MEMBER_ROLES,
        actions=actions_for(ctx(request).service, me, view),
        files=visible_files(service, me, case_id),  # what the committee reads, beside the form
        status_of=finding_status,
        label_of=lambda framework, c: framework.criterion_label(c),
        **values,
    )
    response.status_code = status
    return response


def _audit_view(desk: AuditDesk, me: Viewer, case_id: int) -> AuditView | None:
    try:
        return visible_audit(desk, me, case_id)
    except NotFoundError:  # no audit opened yet
        return None


def _may(
    request: Request, me: Viewer, view: CaseView, spec: AuditSpec, audit: AuditView | None
) -> May:
    service = ctx(request).service
    state = view.case.state
    organiser = bool(service.roles_of(me.person_id, view.case.partnership_id) & ORGANISERS)
    school = SCHOOL_ROLE in service.roles_for_case(view.case.id, me.person_id)
    running = audit is not None and audit.audit.closed_at is None
    member = running and me.person_id in {m.person_id for m in (audit.members if audit else [])}
    has_draft = audit is not None and any(not r.final for r in audit.reports)
    working, finalizing = state in spec.open_in, state == spec.finalize_in
    return May(
        open=organiser and working and not running,
        add_member=organiser and running,
        add_interview=member,
        score=member and (working or finalizing),
        draft=member and working,
        correct=school and state == spec.corrections_in and has_draft,
        decide=member and finalizing,
        finalize=member and finalizing,
        see_findings=not me.school_only,
    )


def _refusal_status(exc: Exception) -> int:
    return 409 if isinstance(exc, ConflictError) else 422


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError("geef de datum waarop het gesprek is gehouden") from None


def _version(text: str) -> int:
    if not (text.isascii() and text.strip().isdigit()):
        raise InvalidInputError("kies twee rapportversies om te vergelijken")
    return int(text)
