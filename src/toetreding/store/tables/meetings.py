"""Meetings of a partnership's bodies (stuurgroep, bestuurdersnetwerk, …) and their agenda."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel


class Meeting(SQLModel, table=True):
    """A meeting of one body of a partnership: when, where, who was there. ``pack_version``
    counts the requests to send the meeting pack to the members (``meeting_pack_sendings``)."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_partnership_day", "partnership_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnerships.id")
    body: str = Field(max_length=40)
    day: date
    starts_at: time
    place: str = Field(max_length=200)
    present: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: int = Field(foreign_key="people.id")
    created_at: datetime
    pack_version: int = 0


class MeetingItem(SQLModel, table=True):
    """A case on a meeting's agenda, in order, with why it is there."""

    __tablename__ = "meeting_items"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id", name="uq_meeting_items_case"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id")
    case_id: int = Field(foreign_key="cases.id")
    position: int
    reason: str = Field(max_length=400)


class MeetingPackSending(SQLModel, table=True):
    """The meeting pack sent to one member, on one request (``pack_version``): to which
    address, who asked and when, and how it went: ``pending`` (being sent), ``sent``,
    ``failed`` (``problem`` says why, in Dutch) or ``no_address``."""

    __tablename__ = "meeting_pack_sendings"
    __table_args__ = (
        UniqueConstraint(
            "meeting_id", "pack_version", "person_id", name="uq_meeting_pack_sendings_person"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id")
    pack_version: int
    person_id: int = Field(foreign_key="people.id")
    email: str = Field(max_length=254)
    requested_by: int = Field(foreign_key="people.id")
    requested_at: datetime
    status: str = Field(max_length=20)
    finished_at: datetime | None = None
    problem: str | None = Field(default=None, max_length=1000)
