"""Advice rules a partnership published (or shipped rules recorded as used by an audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel
from toetreding.store.tables.frameworks import versions_per_partnership


class AdviceRulesBase(SQLModel):
    rules_id: str = Field(max_length=60)
    version: int
    title: str
    digest: str = Field(max_length=64, description="SHA-256 van de canonieke JSON")


class AdviceRules(AdviceRulesBase, table=True):
    """A version of advice rules, kept as JSON (and the text as written) so it stays
    readable and unchanged; ``partnership_id`` NULL is a shipped version recorded as used."""

    __tablename__ = "advice_rules"
    __table_args__ = versions_per_partnership("advice_rules", "rules_id")

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int | None = Field(default=None, foreign_key="partnerships.id")
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    text: str | None = Field(default=None, description="De tekst zoals gepubliceerd")
    loaded_at: datetime
    loaded_by: int | None = Field(default=None, foreign_key="people.id")


class AdviceRulesPublic(AdviceRulesBase):
    partnership_id: int | None = Field(description="Leeg: meegeleverde regels")
    loaded_at: datetime | None = Field(description="Leeg: meegeleverd en nog niet gebruikt")
    framework_id: str
    outcomes: list[str]
