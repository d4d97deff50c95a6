"""Quality frameworks a partnership loaded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel, partial_index

# --- quality frameworks ---------------------------------------------------------------------


def versions_per_partnership(table: str, id_column: str) -> tuple[Index, Index]:
    """One row per id and version among the shipped versions recorded as used, and one per
    partnership, id and version (NULLs are distinct in unique constraints, so shipped
    versions need their own index)."""
    return (
        partial_index(
            f"uq_{table}_shipped_version",
            id_column,
            "version",
            unique=True,
            where="partnership_id IS NULL",
        ),
        partial_index(
            f"uq_{table}_partnership_version",
            "partnership_id",
            id_column,
            "version",
            unique=True,
            where="partnership_id IS NOT NULL",
        ),
    )


class FrameworkBase(SQLModel):
    framework_id: str = Field(max_length=60)
    version: int
    title: str
    digest: str = Field(max_length=64, description="SHA-256 van de canonieke JSON")


class Framework(FrameworkBase, table=True):
    """A quality framework a partnership loaded, kept as JSON so it stays readable and
    unchanged; ``partnership_id`` NULL is a shipped framework recorded as used."""

    __tablename__ = "frameworks"
    __table_args__ = versions_per_partnership("frameworks", "framework_id")

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int | None = Field(default=None, foreign_key="partnerships.id")
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    loaded_at: datetime


class FrameworkPublic(FrameworkBase):
    partnership_id: int | None = Field(description="Leeg: meegeleverd kader")
    loaded_at: datetime | None = Field(description="Leeg: meegeleverd en nog niet gebruikt")
    scored: bool
    domains: int
    criteria: int


# --- the conversation frame a partnership chose ---------------------------------------------


class FrameChoiceBase(SQLModel):
    """Where a protocol's step asks for conversation frame ``frame_id`` (e.g. the FROSK
    intake questions), this partnership uses framework ``framework_id`` instead."""

    partnership_id: int = Field(foreign_key="partnerships.id")
    frame_id: str = Field(max_length=60, description="Het gesprekskader dat het protocol noemt")
    framework_id: str = Field(max_length=60, description="Het kader dat het partnerschap koos")
    chosen_by: int = Field(foreign_key="people.id")
    chosen_at: datetime


class FrameChoice(FrameChoiceBase, table=True):
    """One choice; the newest per (partnership, frame) counts, the older ones are its log."""

    __tablename__ = "frame_choices"
    __table_args__ = (Index("ix_frame_choices_partnership", "partnership_id", "frame_id"),)

    id: int | None = Field(default=None, primary_key=True)


class FrameChoiceCreate(FrameChoiceBase):
    """A choice to record."""


class FrameChoicePublic(FrameChoiceBase):
    id: int
