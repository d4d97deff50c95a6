"""The school calendar kept by the partnership's administrators: summer vacations per
region and school year, days off of one partnership, and the audit trail of every change."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel


class SchoolVacation(SQLModel, table=True):
    """The summer vacation of one region that ends one school year, with its source."""

    __tablename__ = "school_vacations"

    school_year: str = Field(primary_key=True, max_length=9)  # '2027-2028'
    region: str = Field(primary_key=True, max_length=10)
    start_date: date
    end_date: date
    source: str
    updated_at: datetime
    updated_by: int | None = Field(default=None, foreign_key="people.id")


class DayOff(SQLModel, table=True):
    """A day on which a partnership's schools are closed beyond the public holidays."""

    __tablename__ = "partnership_days_off"

    partnership_id: int = Field(primary_key=True, foreign_key="partnerships.id")
    day: date = Field(primary_key=True)
    label: str = Field(max_length=120)
    source: str
    updated_at: datetime
    updated_by: int | None = Field(default=None, foreign_key="people.id")


class CalendarChange(SQLModel, table=True):
    """Append-only: who changed which calendar entry when, from what to what, on whose word."""

    __tablename__ = "calendar_changes"
    __table_args__ = (Index("ix_calendar_changes_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    person_id: int | None = Field(default=None, foreign_key="people.id")
    subject: str = Field(max_length=120)  # 'zomervakantie 2027-2028 noord', 'vrije dag ...'
    old_value: str | None = Field(default=None, max_length=120)
    new_value: str | None = Field(default=None, max_length=120)
    source: str
