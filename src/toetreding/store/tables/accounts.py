"""Accounts for the web app: passwords, sign-in sessions, API tokens, failed sign-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, Index, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel

# --- accounts for the web app ---------------------------------------------------------------


class Account(SQLModel, table=True):
    """How a person signs in: a password hash (argon2), optionally a calendar feed secret
    (stored hashed, revocable), and whether they administer. API tokens and sign-in
    sessions have tables of their own."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("person_id", name="uq_accounts_person"),
        Index("ix_accounts_calendar_token", "calendar_token_hash"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    password_hash: str = Field(max_length=200)
    is_admin: bool = False
    calendar_token_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime
    password_changed_at: datetime
    # An e-mail when a step hands a case to one of this person's roles (``False``: none).
    handover_mail: bool = Field(
        sa_column=Column(Boolean, nullable=False, server_default=sa_true()), default=True
    )


class AccountPublic(SQLModel):
    """An account as shown to its owner: never a hash, only whether a token is active."""

    person_id: int
    is_admin: bool
    created_at: datetime
    password_changed_at: datetime
    api_token: bool = Field(description="Er is minstens één API-token")
    calendar_token: bool = Field(description="Er is een geldige agenda-link")
    handover_mail: bool = Field(
        default=True, description="Een e-mail wanneer een stap een dossier aan u overdraagt"
    )


class WebSession(SQLModel, table=True):
    """A browser signed in: the cookie holds a random secret, the database its SHA-256.
    Signing out deletes the row; so do a new password (every other session of the person),
    a password reset and an administrator's revoke (all of them)."""

    __tablename__ = "web_sessions"
    __table_args__ = (
        UniqueConstraint("secret_hash", name="uq_web_sessions_secret"),
        Index("ix_web_sessions_person", "person_id"),
        Index("ix_web_sessions_expires", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    secret_hash: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime


class ApiToken(SQLModel, table=True):
    """One of a person's API tokens: its name, its SHA-256 (the token is shown once), until
    when it works, and when it was last used."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash", name="uq_api_tokens_hash"),
        Index("ix_api_tokens_person", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    name: str = Field(max_length=60)
    token_hash: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None


class ApiTokenPublic(SQLModel):
    """An API token as its owner sees it on the account page (never the token itself)."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


class SignInAttempt(SQLModel, table=True):
    """A failed (or not yet checked) sign-in, counted per account and per client address
    over the last minute to throttle guessing; older rows are deleted as new ones come."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_key", "scope", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=12)  # 'account', 'address' or 'token'
    key: str = Field(max_length=200)  # the e-mail address (lower case) or the client address
    at: datetime
