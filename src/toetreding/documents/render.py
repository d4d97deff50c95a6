"""Rendering a document to HTML, and HTML to PDF (WeasyPrint).

The template follows from the document's type (and, for a decision letter, its outcome);
:func:`template_name` says which, so a partnership knows what to override.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from toetreding._exceptions import ConfigurationError
from toetreding.documents.context import (
    OUTCOMES,
    ArguedDecision,
    AuditReport,
    DecisionLetter,
    Document,
    OutcomeLetter,
)
from toetreding.documents.environment import environment

SUFFIX = ".html.j2"
OUTCOME_LETTER = "uitkomstbrief_"  # + the outcome: the letter of a protocol without an audit


def template_name(document: Document) -> str:
    """The template a document is rendered with, e.g. ``besluitbrief_volgschool.html.j2``."""
    if isinstance(document, ArguedDecision):
        return f"besluit_stuurgroep{SUFFIX}"
    if isinstance(document, AuditReport):
        return f"toetsingsrapport{SUFFIX}"
    if isinstance(document, DecisionLetter):
        return f"besluitbrief_{document.outcome}{SUFFIX}"
    if isinstance(document, OutcomeLetter):
        return f"{OUTCOME_LETTER}{document.outcome}{SUFFIX}"
    raise TypeError(f"no template for {type(document).__name__}")


def outcome_letters() -> frozenset[str]:
    """The outcomes of protocols without an audit that the package has a letter for."""
    folder = resources.files("toetreding.documents").joinpath("templates")
    names = [entry.name for entry in folder.iterdir()]
    return frozenset(
        name.removeprefix(OUTCOME_LETTER).removesuffix(SUFFIX)
        for name in names
        if name.startswith(OUTCOME_LETTER) and name.endswith(SUFFIX)
    )


def letter_outcomes() -> frozenset[str]:
    """Every outcome a decision letter exists for: Partnerschap 2's (on the audit's advice)
    and those of protocols without an audit. The domain lints warn about the others."""
    return frozenset(OUTCOMES) | outcome_letters()


def render_html(document: Document, templates_dir: Path | None = None) -> str:
    """The document as a complete HTML page (with its print stylesheet).

    ``templates_dir`` is the folder of per-partnership overrides (the setting
    ``TOETREDING_TEMPLATES_DIR``, ``Settings.templates_dir``); None renders with the
    package's templates only.
    """
    env = environment(templates_dir, document.letterhead.partnership_code)
    return env.get_template(template_name(document)).render(doc=document)


def render_pdf(document: Document, templates_dir: Path | None = None) -> bytes:
    """The document as an A4 PDF.

    Nothing outside the HTML is fetched: a template may embed images as ``data:`` URLs, and
    any other URL (``http:``, ``file:``) stops the rendering with a ConfigurationError.
    """
    return pdf_from_html(render_html(document, templates_dir), template_name(document))


def pdf_from_html(html: str, template: str) -> bytes:
    """A rendered page as an A4 PDF; only ``data:`` URLs are fetched (``template`` names the
    template in the error otherwise)."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    try:
        pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as exc:
        raise ConfigurationError(
            f"het sjabloon {template} verwijst naar een bron buiten het "
            f"document ({exc}); alleen data:-URL's zijn toegestaan"
        ) from exc
    return pdf
