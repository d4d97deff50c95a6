"""An audit's scores as a spreadsheet: per criterion of the framework, in its order, the
domain, the score in words, the evidence, the conversation (by its label) and when it was
last recorded. Criteria are named by title; a numbered criterion ("1.2") keeps its number."""

from __future__ import annotations

from collections.abc import Mapping

from toetreding.audits.views import AuditView
from toetreding.clock import local
from toetreding.sheets import Sheet

SCORE_COLUMNS = [
    "Domein",
    "Nummer",
    "Criterium",
    "Score",
    "Onderbouwing",
    "Sterke punten",
    "Ontwikkelpunten",
    "Gesprek",
    "Versie",
    "Vastgelegd op",
]


def scores_sheet(view: AuditView, school_name: str, groups: Mapping[str, str]) -> Sheet:
    """``groups``: the labels of the conversation groups (``CaseView.group_labels``, which
    also names those of an earlier version of the case's protocol)."""
    framework = view.framework
    rows = []
    for domain in framework.domains:
        for criterion in domain.criteria:
            finding = view.findings.get(criterion.id)
            level = framework.level(finding.level).label if finding and finding.level else None
            group = view.interview_group(finding.interview_id) if finding else None
            rows.append(
                [
                    domain.title,
                    criterion.id if _numbered(criterion.id) else None,
                    criterion.title,
                    level or ("nog niet gescoord" if finding is None else None),
                    finding.evidence if finding else None,
                    finding.strengths if finding else None,
                    finding.development if finding else None,
                    groups[group] if group else None,
                    finding.revision if finding else None,
                    local(finding.recorded_at).replace(tzinfo=None) if finding else None,
                ]
            )
    title = f"Audit {school_name}"
    return Sheet(title, SCORE_COLUMNS, rows)


def _numbered(criterion_id: str) -> bool:
    """An id like "1.2" is the criterion's number; an id like "visie_en_ambitie" is ours."""
    return criterion_id.replace(".", "").isdigit()
