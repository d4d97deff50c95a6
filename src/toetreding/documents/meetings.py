"""A meeting's documents: the meeting pack (agenda, then one page per case: school, step and
time in it, what the body is asked, the audit's advice and scores, deadlines, documents with
their versions), the decision list (besluitenlijst), and the meeting's decision letters.

The pack and the list are HTML from the package's templates and PDF through the same
WeasyPrint pipeline as the letters (:func:`toetreding.documents.render.pdf_from_html`).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits import AuditDesk
from toetreding.clock import local
from toetreding.definition import ProtocolSpec
from toetreding.documents import from_case
from toetreding.documents.context import AuditReport, Document, Letterhead
from toetreding.documents.environment import environment
from toetreding.documents.render import pdf_from_html, render_pdf
from toetreding.service import MeetingView, artefact_labels
from toetreding.store import HistoryEntry

PACK_TEMPLATE = "vergaderstukken.html.j2"
DECISIONS_TEMPLATE = "besluitenlijst.html.j2"
# The letters a decision may lead to, by the name of their file.
LETTERS: dict[str, Callable[[AuditDesk, int], Document]] = {
    "besluit-stuurgroep": lambda desk, case_id: from_case.argued_decision(desk.app, case_id),
    "besluitbrief": from_case.decision_letter,
}


@dataclass(frozen=True)
class DocumentLine:
    """A file of the dossier in the pack: its name, version, when it came in."""

    label: str  # the artefact's label
    name: str
    version: int
    uploaded_on: dt.date


@dataclass(frozen=True)
class DeadlineLine:
    label: str
    due: str  # 'uiterlijk 31-03-2027'
    late: bool


@dataclass(frozen=True)
class CaseSummary:
    """One agenda item on one page of the pack."""

    position: int
    case_id: int
    school: str
    step: str  # 'stap 3: Bespreking in de stuurgroep'
    since: dt.date  # in this step since
    days_in_step: int
    reason: str  # why it is on the agenda
    asked: tuple[str, ...]  # the decisions the body may take
    audit: AuditReport | None  # the newest audit report, with the advice and scores
    deadlines: tuple[DeadlineLine, ...]
    documents: tuple[DocumentLine, ...]


@dataclass(frozen=True)
class MeetingPack:
    letterhead: Letterhead
    view: MeetingView
    made_on: dt.date
    cases: tuple[CaseSummary, ...]


def meeting_pack(desk: AuditDesk, meeting_id: int) -> MeetingPack:
    """The pack of a meeting as it stands now."""
    app = desk.app
    view = app.meeting_view(meeting_id)
    today = app.today()
    # time in the step as the board counts it: a move to another version is no new step
    timings = app.timings({item.case.id: app.spec_of(item.case) for item in view.items}, today)
    cases = []
    for item in view.items:
        case_view = app.view(item.case.id)
        timing = timings[item.case.id]
        step = f"stap {item.step}: {item.state_label}" if item.step else item.state_label
        labels = artefact_labels(case_view.spec)
        cases.append(
            CaseSummary(
                position=item.item.position,
                case_id=item.case.id,
                school=item.item.school_name,
                step=step,
                since=timing.since,
                days_in_step=timing.days,
                reason=item.item.reason,
                asked=tuple(t.label for t in item.decisions),
                audit=_newest_report(desk, item.case.id),
                deadlines=tuple(
                    DeadlineLine(line.label, line.due, line.deadline.overdue_on(today))
                    for line in case_view.deadline_lines
                    if line.deadline.status == "open"
                ),
                documents=tuple(
                    DocumentLine(
                        labels.get(f.artefact, f.artefact.replace("_", " ")),
                        f.name,
                        f.version,
                        local(f.uploaded_at).date(),
                    )
                    for f in app.case_files(item.case.id)
                ),
            )
        )
    letterhead = Letterhead(view.partnership.name, view.partnership.code)
    return MeetingPack(letterhead, view, today, tuple(cases))


def _newest_report(desk: AuditDesk, case_id: int) -> AuditReport | None:
    try:
        return from_case.audit_report(desk, case_id)
    except (NotFoundError, InvalidInputError):
        return None


def pack_html(pack: MeetingPack, templates_dir: Path | None = None) -> str:
    env = environment(templates_dir, pack.letterhead.partnership_code)
    return env.get_template(PACK_TEMPLATE).render(pack=pack, view=pack.view)


def pack_pdf(pack: MeetingPack, templates_dir: Path | None = None) -> bytes:
    return pdf_from_html(pack_html(pack, templates_dir), PACK_TEMPLATE)


def decisions_html(view: MeetingView, made_on: dt.date, templates_dir: Path | None = None) -> str:
    env = environment(templates_dir, view.partnership.code)
    letterhead = Letterhead(view.partnership.name, view.partnership.code)
    return env.get_template(DECISIONS_TEMPLATE).render(
        view=view, letterhead=letterhead, made_on=made_on
    )


def decisions_pdf(view: MeetingView, made_on: dt.date, templates_dir: Path | None = None) -> bytes:
    return pdf_from_html(decisions_html(view, made_on, templates_dir), DECISIONS_TEMPLATE)


def meeting_letters(desk: AuditDesk, meeting_id: int) -> list[tuple[str, Document]]:
    """The letters of the decisions taken in the meeting, as (file name without suffix,
    document): a case's letter when the meeting's decision is the one it is about."""
    app = desk.app
    letters: list[tuple[str, Document]] = []
    for decided in app.meeting_decisions(meeting_id):
        history = app.history(decided.case_id)
        spec = app.spec_of(app.case(decided.case_id))
        for name, build in LETTERS.items():
            try:
                document = build(desk, decided.case_id)
            except (NotFoundError, InvalidInputError):
                continue
            if _latest_is(history, spec, decided.at, name):
                letters.append((f"dossier-{decided.case_id}-{name}", document))
    return letters


def letters_zip(letters: list[tuple[str, Document]], templates_dir: Path | None = None) -> bytes:
    """The letters as PDFs in one ZIP file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, document in letters:
            archive.writestr(f"{name}.pdf", render_pdf(document, templates_dir))
    return buffer.getvalue()


def _outcome(spec: ProtocolSpec, state: str) -> str | None:
    found = spec.states.get(state)
    return found.outcome if found else None


def _latest_is(history: list[HistoryEntry], spec: ProtocolSpec, at: dt.datetime, name: str) -> bool:
    """Whether the letter ``name`` is about the row written at ``at`` (the newest one of
    its kind): the argued decision follows the newest row with the stuurgroep's decision
    document, the decision letter the newest row into an outcome (any protocol's)."""
    if name == "besluit-stuurgroep":
        rows = [h for h in history if "besluit_stuurgroep" in h.payload]
    else:
        # .get: a case moved from an earlier version keeps rows in that version's states,
        # none of them an outcome (a closed case is never moved)
        rows = [h for h in history if getattr(spec.states.get(h.to_state), "outcome", None)]
    return bool(rows) and rows[-1].at == at
