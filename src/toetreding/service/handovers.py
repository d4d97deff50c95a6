"""Hand-overs: when a step gives a case to another role, who is told and what is asked.

A step hands a case over to the roles that can move it on from its new state and could not
from the old one, leaving out the role that took the step (``handover_roles``). The people
holding those roles for the case get one e-mail each, through the reminder ledger (planned
by ``toetreding.reminders``); :meth:`HandoverService.handover_brief` is what it says: the
step, what the role may do there, the documents expected and the open deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from toetreding.deadlines import declared_deadline, due_text
from toetreding.service._base import ServiceBase


@dataclass(frozen=True)
class HandoverBrief:
    """What a hand-over e-mail says, in the protocol's words (all Dutch labels)."""

    step_label: str  # the state the case is in now ("Zelfevaluatie beoordelen")
    step_description: str
    role_label: str  # the role the person is told as ("Stuurgroep")
    actions: tuple[str, ...]  # what that role may do there ("Traject vaststellen", …)
    documents: tuple[str, ...]  # documents expected in the step
    deadline_label: str | None  # the soonest open deadline of the step, if any
    deadline_due: str | None  # its date as the agenda says it ("datum volgt (…)" too)
    due_date: date | None


class HandoverService(ServiceBase):
    def handover_roles(
        self,
        protocol_id: str,
        version: int,
        from_state: str | None,
        to_state: str,
        trigger: str,
        actor_role: str | None,
    ) -> list[str]:
        """The roles a step hands the case to (none for a final state, a correction or a
        row written outside the protocol's transitions, such as a moved deadline)."""
        spec = self.protocol(protocol_id, version)
        state = spec.states.get(to_state)
        opening = from_state is None
        if state is None or state.final or not (opening or trigger in spec.triggers()):
            return []
        machine = self.machines.machine(spec)
        before = (
            set()
            if opening or from_state not in spec.states
            else set(machine.acting_roles(from_state))
        )
        return [
            role
            for role in machine.acting_roles(to_state)
            if role not in before and role != actor_role
        ]

    def handover_brief(
        self, case_id: int, protocol_id: str, version: int, state_name: str, role: str
    ) -> HandoverBrief:
        """What ``role`` is asked to do on the case in ``state_name``."""
        spec = self.protocol(protocol_id, version)
        state = spec.states[state_name]
        machine = self.machines.machine(spec)
        actions = tuple(a.label for a in machine.allowed(state_name) if role in a.roles)
        waiting = [
            d
            for d in self.store.deadlines(case_id=case_id, open_only=True)
            if d.state == state_name
        ]
        soonest = min(waiting, key=lambda d: (d.due_date is None, d.due_date), default=None)
        declared = declared_deadline(spec, state_name, soonest.name) if soonest else None
        return HandoverBrief(
            step_label=state.label,
            step_description=" ".join(state.description.split()),
            role_label=spec.roles.get(role, role),
            actions=actions,
            documents=tuple(a.label for a in state.artefacts),
            deadline_label=(declared.label if declared else None) if soonest else None,
            deadline_due=(
                due_text(soonest.due_date, waiting_for=soonest.waiting_for) if soonest else None
            ),
            due_date=soonest.due_date if soonest else None,
        )
