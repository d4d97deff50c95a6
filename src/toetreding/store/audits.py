"""Audits in the database: committee, interviews, findings (with every revision), report
versions and the school's corrections; and answers recorded on conversation frames.

Findings and reports are append-only: a revised finding is a new revision, a new report is
a new version; nothing recorded by a committee is overwritten. What leaves this module is a
``*Public`` record (a copy), never a table object bound to a database session.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select, update

from toetreding._exceptions import ConcurrentUpdateError, ConflictError, NotFoundError
from toetreding.rules import AuditFacts
from toetreding.store._common import core_table, insert_row
from toetreding.store.tables import (
    Audit,
    AuditInterview,
    AuditInterviewPublic,
    AuditMember,
    AuditMemberPublic,
    AuditPublic,
    Correction,
    CorrectionPublic,
    Finding,
    FindingCreate,
    FindingPublic,
    FrameAnswer,
    FrameAnswerCreate,
    FrameAnswerPublic,
    Person,
    PersonPublic,
    Report,
    ReportPublic,
)

P = TypeVar("P", bound=SQLModel)

AUDITS = core_table(Audit)
REPORTS = core_table(Report)
CORRECTIONS = core_table(Correction)


class AuditStore:
    """Every read and write of audit records."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # --- the audit and its committee ------------------------------------------------------

    def open_audit(
        self,
        case_id: int,
        framework: tuple[str, int],
        partnership_framework: bool,
        by: int,
        at: datetime,
        advice: tuple[str, int] | None = None,
    ) -> AuditPublic:
        audit = Audit(
            case_id=case_id,
            framework_id=framework[0],
            framework_version=framework[1],
            partnership_framework=partnership_framework,
            advice_id=advice[0] if advice else None,
            advice_version=advice[1] if advice else None,
            opened_at=at,
            opened_by=by,
        )
        return self._add(audit, AuditPublic)

    def audits(self, case_id: int) -> list[AuditPublic]:
        """Every audit of the case, the first one first."""
        with self._session() as session:
            query = select(Audit).where(Audit.case_id == case_id).order_by(col(Audit.id))
            return _public(AuditPublic, session.exec(query))

    def latest_audit(self, case_id: int) -> AuditPublic | None:
        with self._session() as session:
            query = select(Audit).where(Audit.case_id == case_id).order_by(col(Audit.id).desc())
            found = session.exec(query).first()
            return AuditPublic.model_validate(found) if found else None

    def add_member(
        self, audit_id: int, person_id: int, partner: str, role: str
    ) -> AuditMemberPublic:
        member = AuditMember(audit_id=audit_id, person_id=person_id, partner=partner, role=role)
        return self._add(member, AuditMemberPublic, "deze persoon zit al in de auditcommissie")

    def members(self, audit_id: int) -> list[tuple[AuditMemberPublic, PersonPublic]]:
        with self._session() as session:
            query = (
                select(AuditMember, Person)
                .join(Person, col(Person.id) == AuditMember.person_id)
                .where(AuditMember.audit_id == audit_id)
                .order_by(col(AuditMember.id))
            )
            return [
                (AuditMemberPublic.model_validate(member), PersonPublic.model_validate(person))
                for member, person in session.exec(query)
            ]

    def add_interview(
        self, audit_id: int, group: str, held_on: date, attendees: list[str], notes: str | None
    ) -> AuditInterviewPublic:
        row = AuditInterview(
            audit_id=audit_id, group_name=group, held_on=held_on, attendees=attendees, notes=notes
        )
        return self._add(row, AuditInterviewPublic)

    def interviews(self, audit_id: int) -> list[AuditInterviewPublic]:
        """The audit's interviews in the order they were held."""
        with self._session() as session:
            query = (
                select(AuditInterview)
                .where(AuditInterview.audit_id == audit_id)
                .order_by(col(AuditInterview.held_on), col(AuditInterview.id))
            )
            return _public(AuditInterviewPublic, session.exec(query))

    # --- findings -------------------------------------------------------------------------

    def record_finding(self, finding: FindingCreate) -> FindingPublic:
        """Store ``finding`` as the next revision of its criterion."""
        row = Finding.model_validate(finding, update={"revision": 0})
        return self._next_revision(
            row,
            (Finding.audit_id == finding.audit_id, Finding.criterion_id == finding.criterion_id),
            f"criterium {finding.criterion_id} is tegelijk door iemand anders gescoord; "
            "bekijk de audit opnieuw en probeer het nog eens",
            FindingPublic,
        )

    def findings(self, audit_id: int) -> dict[str, FindingPublic]:
        """The current (highest) revision of every scored criterion."""
        current: dict[str, FindingPublic] = {}
        for finding in self.finding_history(audit_id):
            current[finding.criterion_id] = finding
        return current

    def finding_history(
        self, audit_id: int, criterion_id: str | None = None
    ) -> list[FindingPublic]:
        """Every revision, oldest first."""
        with self._session() as session:
            query = select(Finding).where(Finding.audit_id == audit_id)
            if criterion_id is not None:
                query = query.where(Finding.criterion_id == criterion_id)
            rows = session.exec(query.order_by(col(Finding.revision), col(Finding.id)))
            return _public(FindingPublic, rows)

    # --- reports and corrections ----------------------------------------------------------

    def add_report(
        self,
        audit_id: int,
        final: bool,
        advice_outcome: str,
        content: dict[str, Any],
        by: int,
        at: datetime,
    ) -> ReportPublic:
        """The next version; a final one closes the audit in the same transaction."""
        with self._session() as session:
            latest = session.exec(
                select(func.max(Report.version)).where(Report.audit_id == audit_id)
            ).one()
            report = Report(
                audit_id=audit_id,
                version=(latest or 0) + 1,
                final=final,
                advice_outcome=advice_outcome,
                content=content,
                created_at=at,
                created_by=by,
            )
            session.add(report)
            if final:
                session.exec(update(Audit).where(col(Audit.id) == audit_id).values(closed_at=at))
            try:
                session.commit()
            except IntegrityError as exc:
                raise ConcurrentUpdateError(
                    "er is tegelijk een andere versie van het rapport gemaakt; probeer opnieuw"
                ) from exc
            session.refresh(report)
            return ReportPublic.model_validate(report)

    def reports(self, audit_id: int) -> list[ReportPublic]:
        with self._session() as session:
            query = select(Report).where(Report.audit_id == audit_id).order_by(col(Report.version))
            return _public(ReportPublic, session.exec(query))

    def add_correction(
        self, report_id: int, criterion_id: str | None, text: str, by: int, at: datetime
    ) -> CorrectionPublic:
        """A correction the school submits on a draft; the committee decides it later."""
        correction = Correction(
            report_id=report_id,
            criterion_id=criterion_id,
            text=text,
            submitted_by=by,
            submitted_at=at,
        )
        return self._add(correction, CorrectionPublic)

    def corrections(self, report_id: int) -> list[CorrectionPublic]:
        with self._session() as session:
            query = (
                select(Correction)
                .where(Correction.report_id == report_id)
                .order_by(col(Correction.id))
            )
            return _public(CorrectionPublic, session.exec(query))

    def decide_correction(
        self, correction_id: int, accepted: bool, reason: str, by: int, at: datetime
    ) -> CorrectionPublic:
        """Record the committee's decision, once."""
        with self._session() as session:
            found = session.get(Correction, correction_id)
            if found is None:
                raise NotFoundError(f"correctie {correction_id} bestaat niet")
            if found.accepted is not None:
                raise ConflictError(f"over correctie {correction_id} is al besloten")
            found.accepted, found.reason = accepted, reason
            found.decided_by, found.decided_at = by, at
            session.add(found)
            session.commit()
            session.refresh(found)
            return CorrectionPublic.model_validate(found)

    def facts(self, case_id: int) -> AuditFacts | None:
        """What guards may know of the case's latest audit (see :class:`AuditFacts`): read
        in one connection, without the reports' content (a guard runs on every step)."""
        latest = select(func.max(AUDITS.c.id)).where(AUDITS.c.case_id == case_id)
        label = REPORTS.c.content[("advice", "label")].as_string()
        with self.engine.connect() as connection:
            audit_id = connection.execute(latest).scalar()
            if audit_id is None:
                return None
            reports = connection.execute(
                select(REPORTS.c.id, REPORTS.c.version, REPORTS.c.final)
                .add_columns(REPORTS.c.advice_outcome, label)
                .where(REPORTS.c.audit_id == audit_id)
                .order_by(REPORTS.c.version)
            ).all()
            drafts = [r for r in reports if not r.final]
            corrections = 0
            if drafts:
                count = select(func.count()).where(CORRECTIONS.c.report_id == drafts[-1].id)
                corrections = int(connection.execute(count).scalar_one())
        finals = [r for r in reports if r.final]
        newest = finals[-1] if finals else (drafts[-1] if drafts else None)
        return AuditFacts(
            draft_version=drafts[-1].version if drafts else None,
            final_version=finals[-1].version if finals else None,
            advice_outcome=newest.advice_outcome if newest else None,
            advice_label=newest[4] if newest else None,
            corrections=corrections,
        )

    # --- conversation frames --------------------------------------------------------------

    def record_answer(self, answer: FrameAnswerCreate) -> FrameAnswerPublic:
        """Store ``answer`` as the next revision of its question."""
        row = FrameAnswer.model_validate(answer, update={"revision": 0})
        return self._next_revision(
            row,
            (
                FrameAnswer.case_id == answer.case_id,
                FrameAnswer.framework_id == answer.framework_id,
                FrameAnswer.question_id == answer.question_id,
            ),
            f"vraag {answer.question_id} is tegelijk door iemand anders beantwoord; "
            "bekijk het gesprek opnieuw",
            FrameAnswerPublic,
        )

    def answers(self, case_id: int, framework_id: str) -> list[FrameAnswerPublic]:
        """Every revision of every answer, oldest first."""
        with self._session() as session:
            query = (
                select(FrameAnswer)
                .where(FrameAnswer.case_id == case_id, FrameAnswer.framework_id == framework_id)
                .order_by(col(FrameAnswer.revision), col(FrameAnswer.id))
            )
            return _public(FrameAnswerPublic, session.exec(query))

    # --- helpers --------------------------------------------------------------------------

    def _next_revision(
        self, row: Finding | FrameAnswer, same: tuple[Any, ...], conflict: str, public: type[P]
    ) -> P:
        """Insert ``row`` as revision (highest of the rows matching ``same``) + 1; a unique
        key on the revision makes a concurrent writer lose instead of overwrite."""
        model = type(row)
        with self._session() as session:
            latest = session.exec(select(func.max(model.revision)).where(*same)).one()
            row.revision = (latest or 0) + 1
            session.add(row)
            try:
                session.commit()
            except IntegrityError as exc:
                raise ConcurrentUpdateError(conflict) from exc
            session.refresh(row)
            return public.model_validate(row)

    def _add(self, row: SQLModel, public: type[P], conflict: str = "bestaat al") -> P:
        return public.model_validate(insert_row(self.engine, row, conflict))


def _public(public: type[P], rows: Iterable[Any]) -> list[P]:
    """Copies of table rows as the records that leave the store."""
    return [public.model_validate(row) for row in rows]
