"""An audit's scores as a spreadsheet: per criterion of the framework, in its order, the
domain, the score in words, the evidence and when it was last recorded."""

from __future__ import annotations

from toetreding.audits.views import AuditView
from toetreding.clock import local
from toetreding.sheets import Sheet

SCORE_COLUMNS = [
    "Domein",
    "Criterium",
    "Titel",
    "Score",
    "Onderbouwing",
    "Sterke punten",
    "Ontwikkelpunten",
    "Gesprek",
    "Versie",
    "Vastgelegd op",
]


def scores_sheet(view: AuditView, school_name: str) -> Sheet:
    framework = view.framework
    rows = []
    for domain in framework.domains:
        for criterion in domain.criteria:
            finding = view.findings.get(criterion.id)
            level = framework.level(finding.level).label if finding and finding.level else None
            rows.append(
                [
                    domain.title,
                    criterion.id,
                    criterion.title,
                    level or ("nog niet gescoord" if finding is None else None),
                    finding.evidence if finding else None,
                    finding.strengths if finding else None,
                    finding.development if finding else None,
                    view.interview_group(finding.interview_id) if finding else None,
                    finding.revision if finding else None,
                    local(finding.recorded_at).replace(tzinfo=None) if finding else None,
                ]
            )
    title = f"Audit {school_name}"
    return Sheet(title, SCORE_COLUMNS, rows)
