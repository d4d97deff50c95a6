"""The reminder ledger."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel

# --- reminders ------------------------------------------------------------------------------


class ReminderStatus(StrEnum):
    PENDING = "pending"  # due to go out
    SENDING = "sending"  # claimed by a scheduler process (until ``lease_until``)
    SENT = "sent"
    FAILED = "failed"  # the last attempt failed; retried from ``next_attempt_at``
    SKIPPED = "skipped"  # stale when a sweep came to it (``skip_reason`` says why)


class Reminder(SQLModel, table=True):
    """The ledger: one row per reminder that is, was or will not be sent. The unique key
    (deadline, rung, person, due date) is what makes a reminder go out at most once.

    A **hand-over** (a step gave the case to one of the person's roles) is a row with an
    ``event_id`` (the history row of that step) and no deadline: unique on (event, person).
    It goes out through the same claims, fence and channels as a reminder."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("deadline_id", "rung", "person_id", "due_date", name="uq_reminders_key"),
        UniqueConstraint("event_id", "person_id", name="uq_reminders_handover"),
        Index("ix_reminders_status_attempt", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int | None = Field(default=None, foreign_key="deadlines.id")
    event_id: int | None = Field(default=None, foreign_key="events.id")
    rung: int
    person_id: int = Field(foreign_key="people.id")
    role: str = Field(max_length=40)
    due_date: date
    send_on: date
    escalation: bool = False
    status: str = Field(default=ReminderStatus.PENDING, max_length=12)
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = None
    skip_reason: str | None = None
    created_at: datetime
    sent_at: datetime | None = None
