"""Answers kept for ``Idempotency-Key``: a repeated API request gets the first answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from toetreding.store.tables._base import SQLModel


class IdempotentRequest(SQLModel, table=True):
    """A state-changing API request made with an ``Idempotency-Key``: per person and key,
    a digest of the request and, once it is answered, the status and body of the answer
    (``status_code`` None: still being handled)."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (
        UniqueConstraint("person_id", "key", name="uq_idempotent_requests_key"),
        Index("ix_idempotent_requests_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None
    body: str | None = None
    created_at: datetime
