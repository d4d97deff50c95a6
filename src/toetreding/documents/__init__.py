"""The documents toetreding produces, in Dutch: HTML from Jinja2 templates, PDF from the HTML.

Fill a record from :mod:`toetreding.documents.context` and call :func:`render_html` or
:func:`render_pdf`; docs/documents.md describes the documents and the per-partnership
templates.
"""

from toetreding.documents.context import (
    CORRECTION_ADOPTED,
    CORRECTION_NOT_ADOPTED,
    OUTCOME_LABELS,
    OUTCOMES,
    Advice,
    ArguedDecision,
    AuditReport,
    CommitteeMember,
    DecisionLetter,
    Deficiency,
    Document,
    DomainFindings,
    FactualCorrection,
    Finding,
    Interview,
    Letterhead,
    Outcome,
    OutcomeLetter,
    RecordedFact,
    ScaleLevel,
    Signatory,
)
from toetreding.documents.render import (
    letter_outcomes,
    outcome_letters,
    render_html,
    render_pdf,
    template_name,
)

__all__ = [
    "CORRECTION_ADOPTED",
    "CORRECTION_NOT_ADOPTED",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "Advice",
    "ArguedDecision",
    "AuditReport",
    "CommitteeMember",
    "DecisionLetter",
    "Deficiency",
    "Document",
    "DomainFindings",
    "FactualCorrection",
    "Finding",
    "Interview",
    "Letterhead",
    "Outcome",
    "OutcomeLetter",
    "RecordedFact",
    "ScaleLevel",
    "Signatory",
    "letter_outcomes",
    "outcome_letters",
    "render_html",
    "render_pdf",
    "template_name",
]
