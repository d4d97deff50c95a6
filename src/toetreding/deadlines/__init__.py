"""Deadlines: due dates from the protocol and the school calendar, planned per transition."""

from toetreding.deadlines.compute import (
    CaseFacts,
    add_duration,
    add_months,
    due_date,
    ladder_calendar,
    rung_days,
)
from toetreding.deadlines.plan import (
    DATE_FOLLOWS,
    DeadlinePlan,
    NewDeadline,
    declared_deadline,
    due_text,
    reads_calendar,
)
from toetreding.deadlines.planner import DeadlinePlanner, latest_inputs

__all__ = [
    "DATE_FOLLOWS",
    "CaseFacts",
    "DeadlinePlan",
    "DeadlinePlanner",
    "NewDeadline",
    "add_duration",
    "add_months",
    "declared_deadline",
    "due_date",
    "due_text",
    "ladder_calendar",
    "latest_inputs",
    "reads_calendar",
    "rung_days",
]
