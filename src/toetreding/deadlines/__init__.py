"""Deadlines: due dates from the protocol and the school calendar, planned per transition."""

from toetreding.deadlines.compute import CaseFacts, add_duration, add_months, due_date
from toetreding.deadlines.planner import DeadlinePlanner, latest_inputs

__all__ = [
    "CaseFacts",
    "DeadlinePlanner",
    "add_duration",
    "add_months",
    "due_date",
    "latest_inputs",
]
