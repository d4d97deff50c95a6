"""The internal audit of a case: read it, and record a committee member's finding."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from toetreding._exceptions import NotFoundError
from toetreding.audits import NewFinding
from toetreding.definition.model import AuditSpec
from toetreding.service import Toetreding
from toetreding.web.access import Viewer, visible_audit, visible_case
from toetreding.web.api._common import ApiRoute, CaseId, Changer, dutch, errors
from toetreding.web.audit_schemas import (
    AuditDetail,
    FindingCreate,
    FindingPublic,
    audit_detail,
    finding_public,
)
from toetreding.web.deps import Me, ctx

router = APIRouter(route_class=ApiRoute, tags=["audit"])


@router.get(
    "/dossiers/{case_id}/audit",
    response_model=AuditDetail,
    summary="De interne audit van een dossier",
    description=(
        "Auditcommissie, gesprekken, de huidige bevinding per criterium, wat nog niet is "
        "gescoord, het advies (zodra alles is gescoord) en de rapportversies; de school ziet "
        "de werkbevindingen niet, alleen de rapporten die haar zijn gestuurd. Standaard de "
        "laatste audit; `number` kiest een eerdere (een volgschool wordt opnieuw "
        "geaudit). 404 als het protocol geen audit kent of er (zo'n) audit niet is. / The "
        "committee, interviews, current findings, unscored criteria, advice and report "
        "versions of the latest (or the numbered) audit."
    ),
    responses=errors(401, 404, 422),
)
def audit_view(
    request: Request,
    case_id: CaseId,
    me: Me,
    number: Annotated[
        int | None,
        Query(ge=1, le=1000, description="Welke audit: 1 = de eerste", **dutch("nummer", "number")),
    ] = None,
) -> AuditDetail:
    context = ctx(request)
    _audit_of(context.service, me, case_id)
    labels = context.service.view(case_id).group_labels  # also those of earlier versions
    view = visible_audit(context.desk, me, case_id, number)
    # As on the audit page: the school reads the reports, not the committee's working notes.
    return audit_detail(view, labels, findings_shown=not me.school_only)


@router.put(
    "/dossiers/{case_id}/audit/scores/{criterion_id}",
    response_model=FindingPublic,
    summary="Een bevinding vastleggen",
    description=(
        "Legt de bevinding van een lid van de auditcommissie op één criterium vast (of "
        "herziet die: de vorige versie blijft in de geschiedenis). Alleen leden van de "
        "commissie, en alleen in de stappen waarin het protocol scoren toestaat; anders 422 "
        "met de reden. / Record (or revise) a committee member's finding on one criterion."
    ),
    responses=errors(401, 403, 404, 409, 422),
)
def score(
    request: Request,
    case_id: CaseId,
    criterion_id: Annotated[str, Path(max_length=40, description="Criterium, bijv. 2.1")],
    body: FindingCreate,
    me: Changer,
) -> FindingPublic:
    context = ctx(request)
    _audit_of(context.service, me, case_id)
    finding = NewFinding(
        criterion_id=criterion_id,
        level=body.level,
        evidence=body.evidence,
        strengths=body.strengths,
        development=body.development,
        interview_group=body.interview_group,
    )
    context.desk.score(case_id, finding, actor_ref=me.person_id)
    view = context.desk.view(case_id)
    return finding_public(view, view.findings[criterion_id])


def _audit_of(app: Toetreding, me: Viewer, case_id: int) -> AuditSpec:
    """The audit section of a visible case's protocol; 404 when it has none."""
    spec = app.spec_of(visible_case(app, me, case_id))
    if spec.audit is None:
        raise NotFoundError(f"dossier {case_id} kent geen interne audit (protocol '{spec.title}')")
    return spec.audit
