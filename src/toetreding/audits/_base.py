"""What every part of the audit desk shares: finding the case, its audit and framework, and
checking who acts in which step.

The desk's parts (committee, findings, reports, released reports) are mixins of
:class:`DeskBase`; :class:`toetreding.audits.desk.AuditDesk` puts them together and sets
the attributes declared here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits.advice_view import AdviceView
from toetreding.audits.views import MemberView
from toetreding.clock import as_aware
from toetreding.definition import ProtocolSpec
from toetreding.definition.model import AuditSpec
from toetreding.frameworks import FrameworkSpec
from toetreding.service import Toetreding
from toetreding.store import AuditPublic, AuditStore, CaseRecord, FindingPublic, FrameworkStore

# Who forms the committee; the committee members themselves do the rest.
ORGANISERS = frozenset({"coordinator", "stuurgroep"})


class DeskBase:
    """Lookups and checks the desk's parts have in common."""

    app: Toetreding
    audits: AuditStore
    frameworks: FrameworkStore

    def _advice(
        self,
        audit: AuditPublic,
        case: CaseRecord,
        audit_spec: AuditSpec,
        framework: FrameworkSpec,
        findings: dict[str, FindingPublic],
    ) -> AdviceView | None:
        """The advice the findings give; AuditDesk applies the protocol's advice rules."""
        raise NotImplementedError

    def _pin_advice(
        self, case: CaseRecord, audit_spec: AuditSpec, moment: datetime
    ) -> tuple[str, int] | None:
        """The advice rules an audit opens with (``advice_rules.AdviceRulesDesk``)."""
        raise NotImplementedError

    # --- the case and its audits ----------------------------------------------------------

    def _case(self, case_id: int) -> tuple[CaseRecord, ProtocolSpec, AuditSpec]:
        case = self.app.case(case_id)
        spec = self.app.spec_of(case)
        if spec.audit is None:
            raise InvalidInputError(f"protocol '{spec.id}' kent geen interne audit")
        return case, spec, spec.audit

    def audits_of(self, case_id: int) -> list[AuditPublic]:
        """Every audit of the case, the first one first (a volgschool is audited again);
        they are numbered from 1 in this order."""
        return self.audits.audits(case_id)

    def _latest(self, case_id: int) -> AuditPublic:
        return self._audit(case_id, None)

    def _audit(self, case_id: int, number: int | None) -> AuditPublic:
        """The case's audit with this number (1 = the first), or the latest."""
        if number is None:
            audit = self.audits.latest_audit(case_id)
            if audit is None:
                raise NotFoundError(f"dossier {case_id} heeft nog geen audit").with_hint(
                    f"toetreding audit open {case_id}"
                )
            return audit
        audits = self.audits_of(case_id)
        if not 1 <= number <= len(audits):
            raise NotFoundError(f"dossier {case_id} heeft geen audit {number}")
        return audits[number - 1]

    def _open_audit(self, case_id: int) -> AuditPublic:
        """The latest audit, refused once the final report has closed it."""
        audit = self._latest(case_id)
        if audit.closed_at is not None:
            raise InvalidInputError(
                f"de audit van dossier {case_id} is afgesloten met het definitieve rapport"
            )
        return audit

    # --- frameworks -----------------------------------------------------------------------

    def framework_for(
        self, case: CaseRecord, framework_id: str, moment: datetime
    ) -> tuple[FrameworkSpec, bool]:
        """The partnership's own framework of that id, else the shipped one (recorded, so
        the audit keeps exactly the text it was scored against)."""
        spec = self.frameworks.get(case.partnership_id, framework_id)
        own = any(
            f.partnership_id is not None and (f.framework_id, f.version) == spec.key
            for f in self.frameworks.list(case.partnership_id)
        )
        if not own:
            self.frameworks.load(None, spec, moment)
        return spec, own

    def _framework(self, audit: AuditPublic, case: CaseRecord) -> FrameworkSpec:
        owner = case.partnership_id if audit.partnership_framework else None
        return self.frameworks.get(owner, audit.framework_id, audit.framework_version)

    # --- who acts, when -------------------------------------------------------------------

    def _moment(self, at: datetime | None) -> datetime:
        return as_aware(at) if at else self.app.clock.now()

    def _organiser(self, case: CaseRecord, actor_ref: str | int) -> int:
        person_id = self.app.person_id(actor_ref)
        roles = self.app.roles_of(person_id, case.partnership_id)
        if not roles & ORGANISERS:
            raise InvalidInputError(
                "alleen de coördinator of de stuurgroep stelt de auditcommissie samen"
            )
        return person_id

    def _member(self, audit: AuditPublic, actor_ref: str | int) -> int:
        person_id = self.app.person_id(actor_ref)
        if person_id not in {m.person_id for m in self._members(audit)}:
            raise InvalidInputError(
                "alleen leden van de auditcommissie van deze audit mogen dit"
            ).with_hint("de coördinator of stuurgroep voegt leden toe: toetreding audit member add")
        return person_id

    def _members(self, audit: AuditPublic) -> list[MemberView]:
        return [
            MemberView(person.id, person.name, person.email, member.partner, member.role)
            for member, person in self.audits.members(audit.id)
        ]

    def _require_state(
        self, case: CaseRecord, spec: ProtocolSpec, states: Sequence[str], what: str
    ) -> None:
        if case.state not in states:
            where = ", ".join(f"'{spec.states[s].label}'" for s in states if s in spec.states)
            raise InvalidInputError(
                f"{what} kan in stap {where or '(geen)'}; dossier {case.id} staat in "
                f"'{spec.states[case.state].label}'"
            )
