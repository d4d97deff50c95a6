"""Audits in the database: committee, interviews, findings (with every revision), report
versions and the school's corrections; and answers recorded on conversation frames.

Findings and reports are append-only: a revised finding is a new revision, a new report is
a new version; nothing recorded by a committee is overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from toetreding._exceptions import ConcurrentUpdateError, ConflictError, NotFoundError
from toetreding.rules import AuditFacts
from toetreding.store.tables import (
    Audit,
    AuditMember,
    AuditSession,
    Correction,
    Finding,
    FrameAnswer,
    Person,
    Report,
)

T = TypeVar("T")
R = TypeVar("R", Finding, FrameAnswer)


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
    ) -> Audit:
        audit = Audit(
            case_id=case_id,
            framework_id=framework[0],
            framework_version=framework[1],
            partnership_framework=partnership_framework,
            opened_at=at,
            opened_by=by,
        )
        return self._add(audit)

    def audits(self, case_id: int) -> list[Audit]:
        """Every audit of the case, the first one first."""
        with self._session() as session:
            query = select(Audit).where(Audit.case_id == case_id).order_by(col(Audit.id))
            return list(session.exec(query).all())

    def latest_audit(self, case_id: int) -> Audit | None:
        with self._session() as session:
            query = select(Audit).where(Audit.case_id == case_id).order_by(col(Audit.id).desc())
            return session.exec(query).first()

    def add_member(self, audit_id: int, person_id: int, partner: str, role: str) -> AuditMember:
        member = AuditMember(audit_id=audit_id, person_id=person_id, partner=partner, role=role)
        return self._add(member, "deze persoon zit al in de auditcommissie")

    def members(self, audit_id: int) -> list[tuple[AuditMember, Person]]:
        with self._session() as session:
            query = (
                select(AuditMember, Person)
                .join(Person, col(Person.id) == AuditMember.person_id)
                .where(AuditMember.audit_id == audit_id)
                .order_by(col(AuditMember.id))
            )
            return [(member, person) for member, person in session.exec(query)]

    def add_session(
        self, audit_id: int, group: str, held_on: date, attendees: list[str], notes: str | None
    ) -> AuditSession:
        row = AuditSession(
            audit_id=audit_id, group_name=group, held_on=held_on, attendees=attendees, notes=notes
        )
        return self._add(row)

    def sessions(self, audit_id: int) -> list[AuditSession]:
        with self._session() as session:
            query = (
                select(AuditSession)
                .where(AuditSession.audit_id == audit_id)
                .order_by(col(AuditSession.held_on), col(AuditSession.id))
            )
            return list(session.exec(query))

    # --- findings -------------------------------------------------------------------------

    def record_finding(self, finding: Finding) -> Finding:
        """Store ``finding`` as the next revision of its criterion (``revision`` is set)."""
        return self._next_revision(
            finding,
            (Finding.audit_id == finding.audit_id, Finding.criterion_id == finding.criterion_id),
            f"criterium {finding.criterion_id} is tegelijk door iemand anders gescoord; "
            "bekijk de audit opnieuw en probeer het nog eens",
        )

    def findings(self, audit_id: int) -> dict[str, Finding]:
        """The current (highest) revision of every scored criterion."""
        current: dict[str, Finding] = {}
        for finding in self.finding_history(audit_id):
            current[finding.criterion_id] = finding
        return current

    def finding_history(self, audit_id: int, criterion_id: str | None = None) -> list[Finding]:
        """Every revision, oldest first."""
        with self._session() as session:
            query = select(Finding).where(Finding.audit_id == audit_id)
            if criterion_id is not None:
                query = query.where(Finding.criterion_id == criterion_id)
            return list(session.exec(query.order_by(col(Finding.revision), col(Finding.id))))

    # --- reports and corrections ----------------------------------------------------------

    def add_report(
        self,
        audit_id: int,
        final: bool,
        advice_outcome: str,
        content: dict[str, Any],
        by: int,
        at: datetime,
    ) -> Report:
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
            return report

    def reports(self, audit_id: int) -> list[Report]:
        with self._session() as session:
            query = select(Report).where(Report.audit_id == audit_id).order_by(col(Report.version))
            return list(session.exec(query))

    def add_correction(self, correction: Correction) -> Correction:
        return self._add(correction)

    def corrections(self, report_id: int) -> list[Correction]:
        with self._session() as session:
            query = (
                select(Correction)
                .where(Correction.report_id == report_id)
                .order_by(col(Correction.id))
            )
            return list(session.exec(query))

    def decide_correction(
        self, correction_id: int, accepted: bool, reason: str, by: int, at: datetime
    ) -> Correction:
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
            return found

    def facts(self, case_id: int) -> AuditFacts | None:
        """What guards may know of the case's latest audit (see :class:`AuditFacts`)."""
        audit = self.latest_audit(case_id)
        if audit is None or audit.id is None:
            return None
        reports = self.reports(audit.id)
        drafts = [r for r in reports if not r.final]
        finals = [r for r in reports if r.final]
        newest = finals[-1] if finals else (drafts[-1] if drafts else None)
        return AuditFacts(
            draft_version=drafts[-1].version if drafts else None,
            final_version=finals[-1].version if finals else None,
            advice_outcome=newest.advice_outcome if newest else None,
            advice_label=newest.content.get("advice", {}).get("label") if newest else None,
            corrections=len(self.corrections(drafts[-1].id or 0)) if drafts else 0,
        )

    # --- conversation frames --------------------------------------------------------------

    def record_answer(self, answer: FrameAnswer) -> FrameAnswer:
        """Store ``answer`` as the next revision of its question (``revision`` is set)."""
        return self._next_revision(
            answer,
            (
                FrameAnswer.case_id == answer.case_id,
                FrameAnswer.framework_id == answer.framework_id,
                FrameAnswer.question_id == answer.question_id,
            ),
            f"vraag {answer.question_id} is tegelijk door iemand anders beantwoord; "
            "bekijk het gesprek opnieuw",
        )

    def answers(self, case_id: int, framework_id: str) -> list[FrameAnswer]:
        """Every revision of every answer, oldest first."""
        with self._session() as session:
            query = (
                select(FrameAnswer)
                .where(FrameAnswer.case_id == case_id, FrameAnswer.framework_id == framework_id)
                .order_by(col(FrameAnswer.revision), col(FrameAnswer.id))
            )
            return list(session.exec(query))

    # --- helpers --------------------------------------------------------------------------

    def _next_revision(self, row: R, same: tuple[Any, ...], conflict: str) -> R:
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
            return row

    def _add(self, row: T, conflict: str = "bestaat al") -> T:
        with self._session() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError as exc:
                raise ConflictError(conflict) from exc
            session.refresh(row)
            return row
