"""What the meeting pages, the pack, the API and the CLI read of a meeting: plain records,
the meeting as plain data, and dates and times as people type them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from toetreding._exceptions import InvalidInputError
from toetreding.definition import ProtocolSpec, TransitionSpec
from toetreding.store import (
    CaseRecord,
    MeetingItemRecord,
    MeetingRecord,
    PartnershipPublic,
    PersonPublic,
)


@dataclass(frozen=True)
class ProposedItem:
    """A case proposed for a meeting's agenda, and why."""

    case_id: int
    school: str
    reason: str


@dataclass(frozen=True)
class DecisionLine:
    """A decision taken in a meeting, in words."""

    case_id: int
    school: str
    label: str  # the protocol's label of the step taken
    outcome: str  # the label of the state the case went to
    at: datetime
    actor_name: str | None
    note: str | None


@dataclass(frozen=True)
class MeetingItemView:
    """An agenda item with its case as it stands now and what the body may decide on it."""

    item: MeetingItemRecord
    case: CaseRecord
    spec: ProtocolSpec
    state_label: str
    step: int | None
    decisions: list[TransitionSpec]  # what the body may decide in the case's state now
    decided: list[DecisionLine]  # what was decided on it in this meeting


@dataclass(frozen=True)
class MeetingView:
    """Everything the meeting page, the pack and the CLI show of one meeting."""

    meeting: MeetingRecord
    partnership: PartnershipPublic
    body_label: str
    title: str  # 'Stuurgroep, 12-03-2027 14:00'
    members: list[PersonPublic]  # the people with the body's role in the partnership
    present: list[PersonPublic]
    items: list[MeetingItemView]
    decisions: list[DecisionLine]


def meeting_title(body_label: str, meeting: MeetingRecord) -> str:
    return f"{body_label}, {meeting.day:%d-%m-%Y} {meeting.starts_at:%H:%M}"


def meeting_data(view: MeetingView) -> dict[str, Any]:
    """The meeting as plain data: what the API and ``--json`` give."""
    meeting = view.meeting
    return {
        "id": meeting.id,
        "partnership": view.partnership.code,
        "body": meeting.body,
        "body_label": view.body_label,
        "date": meeting.day.isoformat(),
        "time": f"{meeting.starts_at:%H:%M}",
        "place": meeting.place,
        "present": [{"id": p.id, "name": p.name} for p in view.present],
        "agenda": [
            {
                "position": item.item.position,
                "case_id": item.case.id,
                "school": item.item.school_name,
                "state": item.case.state,
                "state_label": item.state_label,
                "reason": item.item.reason,
                "decisions": [{"trigger": t.trigger, "label": t.label} for t in item.decisions],
            }
            for item in view.items
        ],
        "decisions": [
            {
                "case_id": d.case_id,
                "school": d.school,
                "label": d.label,
                "outcome": d.outcome,
                "at": d.at.isoformat(),
                "by": d.actor_name,
                "note": d.note,
            }
            for d in view.decisions
        ],
    }


def parse_day(text: str) -> date:
    """A date as people type it: 12-03-2027 or 2027-03-12."""
    text = text.strip()
    for pattern in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise InvalidInputError(f"'{text}' is geen datum; schrijf bijvoorbeeld 12-03-2027")


def parse_time(text: str) -> time:
    """A time of day as people type it: 14:00 or 9.30."""
    text = text.strip().replace(".", ":")
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise InvalidInputError(f"'{text}' is geen tijd; schrijf bijvoorbeeld 14:00") from None
