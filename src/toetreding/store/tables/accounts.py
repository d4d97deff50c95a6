"""Accounts for the web app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

# --- accounts for the web app ---------------------------------------------------------------


class Account(SQLModel, table=True):
    """How a person signs in: a password hash (argon2), optionally an API token and a
    calendar feed secret (both stored hashed, revocable), and whether they administer."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("person_id", name="uq_accounts_person"),
        Index("ix_accounts_api_token", "api_token_hash"),
        Index("ix_accounts_calendar_token", "calendar_token_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    password_hash: str = Field(max_length=200)
    is_admin: bool = False
    api_token_hash: str | None = Field(default=None, max_length=64)
    calendar_token_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime
    password_changed_at: datetime


class AccountPublic(SQLModel):
    """An account as shown to its owner: never a hash, only whether a token is active."""

    person_id: int
    is_admin: bool
    created_at: datetime
    password_changed_at: datetime
    api_token: bool = Field(description="Er is een geldig API-token")
    calendar_token: bool = Field(description="Er is een geldige agenda-link")
