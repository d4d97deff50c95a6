"""Opening an audit, forming its committee and recording its interviews."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from toetreding._exceptions import InvalidInputError
from toetreding.audits._base import DeskBase
from toetreding.audits.views import MemberView
from toetreding.store import AuditInterviewPublic, AuditPublic

MEMBER_ROLES = ("voorzitter", "lid", "secretaris")


class CommitteeDesk(DeskBase):
    """The audit, its committee and its interviews."""

    def open(
        self, case_id: int, *, actor_ref: str | int, at: datetime | None = None
    ) -> AuditPublic:
        """Open an audit of the case on the framework its protocol names."""
        case, spec, audit_spec = self._case(case_id)
        person_id, moment = self._organiser(case, actor_ref), self._moment(at)
        self._require_state(case, spec, audit_spec.open_in, "een audit openen")
        latest = self.audits.latest_audit(case_id)
        if latest is not None and latest.closed_at is None:
            raise InvalidInputError(
                f"dossier {case_id} heeft al een lopende audit ({latest.id}); die wordt "
                "afgesloten met het definitieve rapport"
            )
        framework, own = self.framework_for(case, audit_spec.framework, moment)
        rules = self._pin_advice(case, audit_spec, moment) if framework.scored else None
        return self.audits.open_audit(case_id, framework.key, own, person_id, moment, rules)

    def add_member(
        self,
        case_id: int,
        *,
        person_ref: str | int,
        partner: str,
        role: str = "lid",
        actor_ref: str | int,
    ) -> list[str]:
        """Add a committee member from a partner organisation; returns warnings."""
        case, _, _ = self._case(case_id)
        self._organiser(case, actor_ref)
        if role not in MEMBER_ROLES:
            raise InvalidInputError(
                f"rol '{role}' bestaat niet; kies uit: {', '.join(MEMBER_ROLES)}"
            )
        if not partner.strip():
            raise InvalidInputError("noem de partnerorganisatie waar het lid vandaan komt")
        audit = self._open_audit(case_id)
        person_id = self.app.person(person_ref).id
        self.audits.add_member(audit.id, person_id, partner.strip(), role)
        return committee_warnings(self._members(audit))

    def add_interview(
        self,
        case_id: int,
        *,
        group: str,
        held_on: date,
        attendees: Sequence[str],
        notes: str | None = None,
        actor_ref: str | int,
    ) -> AuditInterviewPublic:
        """Record an interview with one of the protocol's groups and who attended."""
        _, _, audit_spec = self._case(case_id)
        audit = self._open_audit(case_id)
        self._member(audit, actor_ref)
        groups = {g.name: g.label for g in audit_spec.groups}
        if groups and group not in groups:
            raise InvalidInputError(
                f"gespreksgroep '{group}' bestaat niet in dit protocol; kies uit: "
                + ", ".join(f"{name} ({label})" for name, label in groups.items())
            )
        names = [name.strip() for name in attendees if name.strip()]
        if not names:
            raise InvalidInputError("noem wie er bij het gesprek waren").with_hint(
                "--attendee NAAM (herhaal voor elke deelnemer)"
            )
        return self.audits.add_interview(audit.id, group, held_on, names, notes)


def committee_warnings(members: Sequence[MemberView]) -> list[str]:
    """A committee should come from several partners."""
    partners = {m.partner.casefold() for m in members}
    if members and len(partners) == 1:
        return [
            f"alle leden van de auditcommissie komen van {members[0].partner}; "
            "neem leden van verschillende partners op"
        ]
    return []
