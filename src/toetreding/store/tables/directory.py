"""Partnerships, schools, people and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field

from toetreding.calendar import Region
from toetreding.definition.model import Sector
from toetreding.store.tables._base import SQLModel, partial_index

# --- partnerships -------------------------------------------------------------------------


class PartnershipBase(SQLModel):
    code: str = Field(max_length=40, description="Korte code, bijv. 'part2'")
    name: str = Field(max_length=200)


class Partnership(PartnershipBase, table=True):
    __tablename__ = "partnerships"
    __table_args__ = (UniqueConstraint("code", name="uq_partnerships_code"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime


class PartnershipCreate(PartnershipBase):
    pass


class PartnershipPublic(PartnershipBase):
    id: int
    created_at: datetime


# --- schools ------------------------------------------------------------------------------


class SchoolBase(SQLModel):
    name: str = Field(max_length=200)
    sector: Sector = Field(sa_type=String(10))
    brin: str | None = Field(default=None, max_length=20, description="BRIN of ander kenmerk")
    region: Region = Field(sa_type=String(10))
    board: str | None = Field(default=None, max_length=200, description="Schoolbestuur")


class School(SchoolBase, table=True):
    __tablename__ = "schools"
    __table_args__ = (
        UniqueConstraint("partnership_id", "brin", name="uq_schools_partnership_brin"),
        Index("ix_schools_partnership", "partnership_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnerships.id")
    created_at: datetime


class SchoolCreate(SchoolBase):
    partnership_id: int


class SchoolUpdate(SQLModel):
    """The fields of a school that can be corrected later; only those given change."""

    name: str | None = Field(default=None, max_length=200)
    brin: str | None = Field(default=None, max_length=20)
    region: Region | None = None
    board: str | None = Field(default=None, max_length=200)


class SchoolPublic(SchoolBase):
    id: int
    partnership_id: int
    created_at: datetime


# --- people and their roles ---------------------------------------------------------------


class PersonBase(SQLModel):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)


class Person(PersonBase, table=True):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("email", name="uq_people_email"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime


class PersonCreate(PersonBase):
    pass


class PersonPublic(PersonBase):
    id: int
    created_at: datetime


class Membership(SQLModel, table=True):
    """A person's role in a partnership; a ``school`` role is tied to one school."""

    __tablename__ = "memberships"
    __table_args__ = (
        # NULLs are distinct in unique constraints, so partnership-wide roles need their own.
        partial_index(
            "uq_memberships_partnership_role",
            "person_id",
            "partnership_id",
            "role",
            unique=True,
            where="school_id IS NULL",
        ),
        partial_index(
            "uq_memberships_school_role",
            "person_id",
            "partnership_id",
            "role",
            "school_id",
            unique=True,
            where="school_id IS NOT NULL",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    partnership_id: int = Field(foreign_key="partnerships.id")
    role: str = Field(max_length=40)
    school_id: int | None = Field(default=None, foreign_key="schools.id")


class MembershipPublic(SQLModel):
    """A role of a person in a partnership (``school_id``: the school a contact is tied to)."""

    id: int
    person_id: int
    partnership_id: int
    role: str
    school_id: int | None
