"""Sign-in sessions and failed sign-ins in the database.

A session row stands for one signed-in browser: its cookie holds a random secret, the row
its SHA-256. No row, no session: signing out, a new password, a reset or an
administrator's revoke delete rows, and the next request with the old cookie is signed out.
Failed sign-ins are rows per scope and key (an account's e-mail address, a client address),
counted over a sliding window by the service's throttle; rows older than the window go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, insert, select, update

from toetreding.store._common import core_table
from toetreding.store.tables import SignInAttempt, WebSession

WEB_SESSIONS = core_table(WebSession)
SIGN_IN_ATTEMPTS = core_table(SignInAttempt)


@dataclass(frozen=True)
class SessionRecord:
    """A signed-in session found by its secret's hash."""

    id: int
    person_id: int
    expires_at: datetime
    last_seen_at: datetime


class SessionStore:
    """Reads and writes ``web_sessions`` and ``sign_in_attempts``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- sessions -------------------------------------------------------------------------

    def add_session(
        self, person_id: int, secret_hash: str, at: datetime, expires_at: datetime
    ) -> None:
        """A new session; sessions of anybody that expired before ``at`` are deleted."""
        with self.engine.begin() as connection:
            connection.execute(delete(WEB_SESSIONS).where(WEB_SESSIONS.c.expires_at < at))
            connection.execute(
                insert(WEB_SESSIONS).values(
                    person_id=person_id,
                    secret_hash=secret_hash,
                    created_at=at,
                    expires_at=expires_at,
                    last_seen_at=at,
                )
            )

    def session(self, secret_hash: str) -> SessionRecord | None:
        query = select(
            WEB_SESSIONS.c.id,
            WEB_SESSIONS.c.person_id,
            WEB_SESSIONS.c.expires_at,
            WEB_SESSIONS.c.last_seen_at,
        ).where(WEB_SESSIONS.c.secret_hash == secret_hash)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else SessionRecord(*row)

    def touch_session(self, session_id: int, at: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(WEB_SESSIONS).where(WEB_SESSIONS.c.id == session_id).values(last_seen_at=at)
            )

    def end_session(self, secret_hash: str) -> bool:
        with self.engine.begin() as connection:
            ended = connection.execute(
                delete(WEB_SESSIONS).where(WEB_SESSIONS.c.secret_hash == secret_hash)
            )
        return bool(ended.rowcount)

    def end_sessions(self, person_id: int, *, keep: str | None = None) -> int:
        """End every session of the person (but the one whose secret has hash ``keep``)."""
        query = delete(WEB_SESSIONS).where(WEB_SESSIONS.c.person_id == person_id)
        if keep is not None:
            query = query.where(WEB_SESSIONS.c.secret_hash != keep)
        with self.engine.begin() as connection:
            return int(connection.execute(query).rowcount)

    def count_sessions(self, person_id: int, at: datetime) -> int:
        """The person's sessions that have not expired."""
        query = select(func.count()).where(
            WEB_SESSIONS.c.person_id == person_id, WEB_SESSIONS.c.expires_at > at
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    # --- failed sign-ins ------------------------------------------------------------------

    def attempts(self, scope: str, key: str, since: datetime) -> list[datetime]:
        """When the attempts of this scope and key since ``since`` were made, oldest first."""
        query = (
            select(SIGN_IN_ATTEMPTS.c.at)
            .where(
                SIGN_IN_ATTEMPTS.c.scope == scope,
                SIGN_IN_ATTEMPTS.c.key == key,
                SIGN_IN_ATTEMPTS.c.at > since,
            )
            .order_by(SIGN_IN_ATTEMPTS.c.at)
        )
        with self.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def add_attempts(
        self, keys: list[tuple[str, str]], at: datetime, before: datetime
    ) -> list[int]:
        """Record an attempt under each (scope, key); attempts older than ``before`` go."""
        ids = []
        with self.engine.begin() as connection:
            connection.execute(delete(SIGN_IN_ATTEMPTS).where(SIGN_IN_ATTEMPTS.c.at <= before))
            for scope, key in keys:
                added = connection.execute(
                    insert(SIGN_IN_ATTEMPTS).values(scope=scope, key=key, at=at)
                )
                assert added.inserted_primary_key is not None
                ids.append(int(added.inserted_primary_key[0]))
        return ids

    def forget_attempts(self, ids: list[int], *, scope: str | None = None, key: str = "") -> None:
        """Delete these attempts (a sign-in that succeeded), and with ``scope`` every attempt
        of that scope and key (an account signed in: its count starts again)."""
        with self.engine.begin() as connection:
            if ids:
                connection.execute(delete(SIGN_IN_ATTEMPTS).where(SIGN_IN_ATTEMPTS.c.id.in_(ids)))
            if scope is not None:
                connection.execute(
                    delete(SIGN_IN_ATTEMPTS).where(
                        SIGN_IN_ATTEMPTS.c.scope == scope, SIGN_IN_ATTEMPTS.c.key == key
                    )
                )
