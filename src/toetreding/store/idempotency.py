"""Answers to API requests made with an ``Idempotency-Key``, per person and key.

A request first *reserves* its key (a row without an answer: the unique key on person and
key lets only one request in), then stores its answer. A repeat finds the row: the answer
to give again, or that the first request is still being handled. Rows older than a day go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from toetreding.store._common import core_table
from toetreding.store.tables import IdempotentRequest

IDEMPOTENT_REQUESTS = core_table(IdempotentRequest)


@dataclass(frozen=True)
class StoredRequest:
    """What an earlier request with the same key left: its digest and its answer (None
    while it is being handled)."""

    request_hash: str
    status_code: int | None
    body: str | None
    created_at: datetime


class IdempotencyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def reserve(
        self, person_id: int, key: str, request_hash: str, at: datetime, before: datetime
    ) -> StoredRequest | None:
        """Reserve the key for this request: None when it is now this request's, else what
        the earlier request with the key left. Keys older than ``before`` are forgotten."""
        table = IDEMPOTENT_REQUESTS
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(table).where(table.c.created_at < before))
                connection.execute(
                    insert(table).values(
                        person_id=person_id, key=key, request_hash=request_hash, created_at=at
                    )
                )
            return None
        except IntegrityError:
            pass
        query = select(
            table.c.request_hash, table.c.status_code, table.c.body, table.c.created_at
        ).where(table.c.person_id == person_id, table.c.key == key)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:  # forgotten in between: try once more
            return self.reserve(person_id, key, request_hash, at, before)
        return StoredRequest(*row)

    def answer(self, person_id: int, key: str, status_code: int, body: str) -> None:
        table = IDEMPOTENT_REQUESTS
        with self.engine.begin() as connection:
            connection.execute(
                update(table)
                .where(table.c.person_id == person_id, table.c.key == key)
                .values(status_code=status_code, body=body)
            )

    def release(self, person_id: int, key: str) -> None:
        """Forget a reservation whose request changed nothing (it may be made again)."""
        table = IDEMPOTENT_REQUESTS
        with self.engine.begin() as connection:
            connection.execute(
                delete(table).where(
                    table.c.person_id == person_id,
                    table.c.key == key,
                    table.c.status_code.is_(None),
                )
            )
