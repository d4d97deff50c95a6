"""Hand-over e-mails: planning them from the steps taken, and what each one says.

Each heartbeat looks at the cases that took a step since it last looked (the store's
:class:`~toetreding.store.HandoverBatch`): the last step of each is handed over to the
roles the service names (``handover_roles``), and every person holding one of them for the
case gets a ledger row, which goes out like a reminder (claim, fence, channels). Only the
last step counts: one the case has already moved on from, or one older than
:data:`HANDOVER_STALE` (the scheduler was off), tells nobody anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from toetreding.clock import local
from toetreding.documents.filters import dutch_date
from toetreding.reminders.message import HandoverMessage, Recipient, account_url, case_url
from toetreding.service import Toetreding
from toetreding.store import Claimed, NewHandover

HANDOVER_STALE = timedelta(days=3)
"""A step older than this when the planner first sees it is not announced any more."""

PLAN_BATCH = 500  # cases looked at per transaction


def plan_handovers(app: Toetreding, now: datetime) -> int:
    """Record the hand-over e-mails of the steps taken since the last look; how many."""
    planned = 0
    while True:
        with app.reminder_ledger.handovers() as batch:
            stepped = batch.stepped_cases(PLAN_BATCH)
            for case in stepped:
                if case.at >= now - HANDOVER_STALE:
                    roles = app.handover_roles(
                        case.protocol_id,
                        case.protocol_version,
                        case.from_state,
                        case.to_state,
                        case.trigger,
                        case.role,
                    )
                    day = local(case.at).date()
                    planned += batch.record(
                        (
                            NewHandover(case.event_id, person_id, role, day)
                            for person_id, role in batch.people_to_tell(case, roles)
                        ),
                        now,
                    )
                batch.looked_at(case)
        if len(stepped) < PLAN_BATCH:
            return planned


def handover_message(app: Toetreding, claim: Claimed, base_url: str) -> HandoverMessage:
    """The e-mail of a claimed hand-over row, in the words of the case's protocol."""
    assert claim.event_state is not None  # a hand-over row names its step
    brief = app.handover_brief(
        claim.case_id, claim.protocol_id, claim.protocol_version, claim.event_state, claim.role
    )
    return HandoverMessage(
        key=claim.key,
        recipient=Recipient(claim.person_name, claim.email),
        partnership_name=claim.partnership_name,
        school_name=claim.school_name,
        case_id=claim.case_id,
        step_label=brief.step_label,
        step_description=brief.step_description,
        role_label=brief.role_label,
        actions=brief.actions,
        documents=brief.documents,
        deadline_label=brief.deadline_label,
        deadline_due=(
            f"uiterlijk {dutch_date(brief.due_date)}" if brief.due_date else brief.deadline_due
        ),
        case_url=case_url(base_url, claim.case_id),
        account_url=account_url(base_url),
    )
