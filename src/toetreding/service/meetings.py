"""Meetings of a partnership's bodies: planning one with a proposed agenda, changing the
agenda, deciding cases in the meeting (each decision through ``fire``, so with every check
of the case page), and the decisions taken in it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta
from typing import Any

from toetreding._exceptions import InvalidInputError, TransitionRefused
from toetreding.clock import local
from toetreding.definition import ProtocolSpec, TransitionSpec
from toetreding.roles import ROLE_LABELS, SCHOOL_ROLE
from toetreding.service.cases import deadline_line
from toetreding.service.deadlines import DeadlineService
from toetreding.service.meeting_records import (
    DecisionLine,
    MeetingItemView,
    MeetingView,
    ProposedItem,
    meeting_title,
)
from toetreding.store import CaseFilter, MeetingDecision, MeetingRecord, PersonPublic
from toetreding.workflows import Decision

# Roles that are people, not bodies that meet: a school's contact, the coordinator (who
# prepares meetings), the administrator.
NOT_BODIES = frozenset({SCHOOL_ROLE, "coordinator", "admin"})
# Without a next meeting planned, "before the next meeting" means within this many days.
DEFAULT_INTERVAL = timedelta(days=28)
NEUTER = {"bestuurdersnetwerk": "het"}  # Dutch article of a body's name, when not 'de'
MAX_PLACE = 200


class MeetingService(DeadlineService):
    """Meetings of stuurgroep, bestuurdersnetwerk, auditcommissie and kerngroep."""

    def bodies(self) -> dict[str, str]:
        """The bodies the loaded protocols name (their role names), with Dutch labels."""
        found: dict[str, str] = {}
        for spec in self.registry.all():
            for role, label in spec.roles.items():
                if role not in NOT_BODIES:
                    found.setdefault(role, ROLE_LABELS.get(role, label))
        return dict(sorted(found.items()))

    def body_label(self, body: str) -> str:
        bodies = self.bodies()
        if body not in bodies:
            known = ", ".join(bodies.values())
            raise InvalidInputError(f"'{body}' is geen orgaan dat vergadert; kies uit: {known}")
        return bodies[body]

    def body_name(self, body: str) -> str:
        """The body as a sentence names it: 'de stuurgroep', 'het bestuurdersnetwerk'."""
        return f"{NEUTER.get(body, 'de')} {self.body_label(body).lower()}"

    def body_decisions(self, spec: ProtocolSpec, state: str, body: str) -> list[TransitionSpec]:
        """The steps out of ``state`` that are the body's decision: the body may take them
        and nobody but bodies may (not the school, not the coordinator alone)."""
        return [
            t
            for t in spec.transitions_from(state)
            if body in t.roles and not any(role in NOT_BODIES for role in t.roles)
        ]

    # --- planning -----------------------------------------------------------------------

    def propose_agenda(self, partnership_id: int, body: str, day: date) -> list[ProposedItem]:
        """Running cases waiting for a decision of ``body``, with a deadline before the
        body's next meeting after ``day`` (or within four weeks), or late on ``day``."""
        label = self.body_name(body)
        until = self._next_meeting_day(partnership_id, body, day)
        reasons: dict[int, list[str]] = {}
        schools: dict[int, str] = {}
        cases = self.store.find_cases(CaseFilter(partnership_id=partnership_id, running=True))
        for case, school in cases:
            spec = self.spec_of(case)
            state = spec.states[case.state]
            if self.body_decisions(spec, case.state, body):
                where = f"stap {state.step}: {state.label}" if state.step else state.label
                reasons.setdefault(case.id, []).append(
                    f"wacht op een besluit van {label} ({where})"
                )
                schools[case.id] = school
        for record in self.store.deadlines(
            partnership_id=partnership_id, open_only=True, due_before=until
        ):
            spec = self.protocol(record.protocol_id, record.protocol_version)
            # Not a case this body has a part in, or a day not known yet (datum volgt).
            if body not in spec.roles or record.due_date is None:
                continue
            line = deadline_line(spec, record)
            if record.due_date < day:
                text = f"te laat: termijn '{line.label}' ({line.due})"
            else:
                text = f"termijn '{line.label}' vóór de volgende vergadering ({line.due})"
            reasons.setdefault(record.case_id, []).append(text)
            schools[record.case_id] = record.school_name
        return [
            ProposedItem(case_id, schools[case_id], _sentence("; ".join(texts)))
            for case_id, texts in reasons.items()
        ]

    def _next_meeting_day(self, partnership_id: int, body: str, day: date) -> date:
        later = [
            m.day
            for m in self.store.meetings.meetings(frozenset({partnership_id}), body=body)
            if m.day > day
        ]
        return min(later, default=day + DEFAULT_INTERVAL)

    def create_meeting(
        self,
        *,
        partnership_ref: str | int,
        body: str,
        day: date,
        starts_at: time,
        place: str,
        actor_ref: str | int,
        present: Sequence[str | int] = (),
    ) -> int:
        """Plan a meeting with the proposed agenda; the coordinator or a member of the body
        plans it."""
        partnership = self.store.partnership(partnership_ref)
        self.body_label(body)
        person_id = self.person_id(actor_ref)
        self._require_organiser(partnership.id, body, person_id)
        place = place.strip()
        if not place or len(place) > MAX_PLACE:
            raise InvalidInputError(f"geef een plaats op (hoogstens {MAX_PLACE} tekens)")
        proposed = self.propose_agenda(partnership.id, body, day)
        return self.store.meetings.create(
            partnership_id=partnership.id,
            body=body,
            day=day,
            starts_at=starts_at,
            place=place,
            present=self._members_among(partnership.id, body, present),
            created_by=person_id,
            at=self.clock.now(),
            items=[(p.case_id, p.reason) for p in proposed],
        )

    def meetings(self, partnership_ids: frozenset[int] | None = None) -> list[MeetingRecord]:
        """Meetings of these partnerships (None: all), newest first."""
        return self.store.meetings.meetings(partnership_ids)

    def meetings_of_member(self, person_id: int) -> list[MeetingRecord]:
        """The meetings of the bodies the person is a member of (and, for a coordinator,
        every meeting of their partnership): what their calendar shows."""
        roles: dict[int, set[str]] = {}
        for membership in self.store.memberships_of(person_id):
            roles.setdefault(membership.partnership_id, set()).add(membership.role)
        return [
            m
            for m in self.store.meetings.meetings(frozenset(roles))
            if m.body in roles[m.partnership_id] or "coordinator" in roles[m.partnership_id]
        ]

    def meeting(self, meeting_id: int) -> MeetingRecord:
        return self.store.meetings.meeting(meeting_id)

    def members_of(self, partnership_id: int, body: str) -> list[PersonPublic]:
        """The people who hold the body's role in the partnership, by name."""
        return [
            person
            for person, roles in self.store.people(partnership_id)
            if any(m.role == body for m in roles)
        ]

    def _members_among(
        self, partnership_id: int, body: str, refs: Sequence[str | int]
    ) -> list[int]:
        members = {p.id: p for p in self.members_of(partnership_id, body)}
        chosen: list[int] = []
        for ref in refs:
            person = self.store.person(ref)
            if person.id not in members:
                raise InvalidInputError(f"{person.name} is geen lid van {self.body_name(body)}")
            if person.id not in chosen:
                chosen.append(person.id)
        return chosen

    def _require_organiser(self, partnership_id: int, body: str, person_id: int) -> None:
        roles = self.store.roles_of(person_id, partnership_id)
        if "coordinator" not in roles and body not in roles:
            raise InvalidInputError(
                f"alleen de coördinator of een lid van {self.body_name(body)} regelt deze "
                "vergadering"
            )

    # --- the agenda ---------------------------------------------------------------------

    def set_agenda(self, meeting_id: int, case_ids: Sequence[int], *, actor_ref: str | int) -> None:
        """The agenda becomes these cases in this order: kept items keep their reason, a
        new one says who added it."""
        meeting = self.meeting(meeting_id)
        person_id = self.person_id(actor_ref)
        self._require_organiser(meeting.partnership_id, meeting.body, person_id)
        reasons = {i.case_id: i.reason for i in self.store.meetings.items(meeting_id)}
        added_by = f"Toegevoegd door {self.store.person(person_id).name}"
        items = []
        for case_id in case_ids:
            if case_id not in reasons:
                case = self.store.case(case_id)
                if case.partnership_id != meeting.partnership_id:
                    raise InvalidInputError(
                        f"dossier {case_id} hoort niet bij het partnerschap van deze vergadering"
                    )
            items.append((case_id, reasons.get(case_id, added_by)))
        self.store.meetings.replace_items(meeting_id, items)

    def add_to_agenda(self, meeting_id: int, case_id: int, *, actor_ref: str | int) -> None:
        current = [i.case_id for i in self.store.meetings.items(meeting_id)]
        if case_id in current:
            raise InvalidInputError(f"dossier {case_id} staat al op de agenda")
        self.set_agenda(meeting_id, [*current, case_id], actor_ref=actor_ref)

    def remove_from_agenda(self, meeting_id: int, case_id: int, *, actor_ref: str | int) -> None:
        current = [i.case_id for i in self.store.meetings.items(meeting_id)]
        if case_id not in current:
            raise InvalidInputError(f"dossier {case_id} staat niet op de agenda")
        self.set_agenda(meeting_id, [c for c in current if c != case_id], actor_ref=actor_ref)

    def move_on_agenda(
        self, meeting_id: int, case_id: int, steps: int, *, actor_ref: str | int
    ) -> None:
        """Move an item ``steps`` places down (negative: up), within the agenda."""
        current = [i.case_id for i in self.store.meetings.items(meeting_id)]
        if case_id not in current:
            raise InvalidInputError(f"dossier {case_id} staat niet op de agenda")
        index = current.index(case_id)
        current.pop(index)
        current.insert(max(0, min(len(current), index + steps)), case_id)
        self.set_agenda(meeting_id, current, actor_ref=actor_ref)

    # --- deciding -----------------------------------------------------------------------

    def decide_in_meeting(
        self,
        meeting_id: int,
        case_id: int,
        trigger: str,
        *,
        actor_ref: str | int,
        inputs: Mapping[str, Any] | None = None,
        note: str | None = None,
    ) -> Decision:
        """Take the body's decision on an agenda item: the same checks as any step
        (``fire``: roles, inputs, documents, guards), as the body, its history row naming
        the meeting. A refusal changes nothing, and nothing else."""
        meeting = self.meeting(meeting_id)
        label = self.body_name(meeting.body)
        if case_id not in {i.case_id for i in self.store.meetings.items(meeting_id)}:
            raise InvalidInputError(
                f"dossier {case_id} staat niet op de agenda van deze vergadering"
            )
        case = self.store.case(case_id)
        spec = self.spec_of(case)
        if local(self.clock.now()).date() < meeting.day:
            raise TransitionRefused(
                f"de vergadering is pas op {meeting.day:%d-%m-%Y}; besluit dan",
                case_id=case_id,
                trigger=trigger,
                state=case.state,
            )
        if trigger not in {t.trigger for t in self.body_decisions(spec, case.state, meeting.body)}:
            raise TransitionRefused(
                f"dit is nu geen besluit van {label} (het dossier staat in "
                f"'{spec.states[case.state].label}')",
                case_id=case_id,
                trigger=trigger,
                state=case.state,
                allowed=self.machines.machine(spec).allowed(case.state),
            )
        return self.fire(
            case_id,
            trigger,
            actor_ref=actor_ref,
            inputs=inputs,
            note=note,
            role=meeting.body,
            meeting=meeting_id,
        )

    def meeting_decisions(self, meeting_id: int) -> list[DecisionLine]:
        """The decisions taken in the meeting (history rows naming it), in order."""
        return [self._decision_line(d) for d in self.store.meetings.decisions(meeting_id)]

    def _decision_line(self, decided: MeetingDecision) -> DecisionLine:
        spec = self.spec_of(self.store.case(decided.case_id))
        entry = decided.entry
        labels = {t.trigger: t.label for t in spec.transitions}
        state = spec.states.get(entry.to_state)
        return DecisionLine(
            case_id=decided.case_id,
            school=decided.school_name,
            label=labels.get(entry.trigger, entry.trigger.replace("_", " ")),
            outcome=state.label if state else entry.to_state,
            at=entry.at,
            actor_name=entry.actor_name,
            note=entry.note,
        )

    def meeting_view(self, meeting_id: int) -> MeetingView:
        meeting = self.meeting(meeting_id)
        body_label = self.body_label(meeting.body)
        members = self.members_of(meeting.partnership_id, meeting.body)
        decisions = self.meeting_decisions(meeting_id)
        items = []
        for item in self.store.meetings.items(meeting_id):
            case = self.store.case(item.case_id)
            spec = self.spec_of(case)
            state = spec.states[case.state]
            items.append(
                MeetingItemView(
                    item=item,
                    case=case,
                    spec=spec,
                    state_label=state.label,
                    step=state.step,
                    decisions=self.body_decisions(spec, case.state, meeting.body),
                    decided=[d for d in decisions if d.case_id == case.id],
                )
            )
        return MeetingView(
            meeting=meeting,
            partnership=self.store.partnership(meeting.partnership_id),
            body_label=body_label,
            title=meeting_title(body_label, meeting),
            members=members,
            present=[p for p in members if p.id in meeting.present],
            items=items,
            decisions=decisions,
        )

    def set_present(
        self, meeting_id: int, present: Sequence[str | int], *, actor_ref: str | int
    ) -> None:
        """Record who of the body's members were there."""
        meeting = self.meeting(meeting_id)
        self._require_organiser(meeting.partnership_id, meeting.body, self.person_id(actor_ref))
        chosen = self._members_among(meeting.partnership_id, meeting.body, present)
        self.store.meetings.set_present(meeting_id, chosen)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
