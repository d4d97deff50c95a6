"""Accounts in the database: password hashes and the hashes of API tokens and calendar
secrets, per person. What a password or token *is* (hashing, checking) is the service's
business (``toetreding.service.accounts``); this module only keeps the hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, func, insert, select, update

from toetreding.store._common import ACCOUNTS, PEOPLE
from toetreding.store.tables import AccountPublic, PersonPublic

TokenKind = Literal["api", "calendar"]
_TOKEN_COLUMN = {"api": ACCOUNTS.c.api_token_hash, "calendar": ACCOUNTS.c.calendar_token_hash}


class AccountStore:
    """Reads and writes the ``accounts`` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def exists(self) -> bool:
        """Whether anybody has an account yet."""
        with self.engine.connect() as connection:
            return connection.execute(select(ACCOUNTS.c.id).limit(1)).first() is not None

    def account(self, person_id: int) -> AccountPublic | None:
        query = select(
            ACCOUNTS.c.person_id,
            ACCOUNTS.c.is_admin,
            ACCOUNTS.c.created_at,
            ACCOUNTS.c.password_changed_at,
            ACCOUNTS.c.api_token_hash.is_not(None).label("api_token"),
            ACCOUNTS.c.calendar_token_hash.is_not(None).label("calendar_token"),
        ).where(ACCOUNTS.c.person_id == person_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else AccountPublic.model_validate(row._asdict())

    def save_password(
        self, person_id: int, password_hash: str, at: datetime, *, admin: bool | None
    ) -> None:
        """Create the account with this password hash, or replace the hash (and the admin
        flag when given) of an existing one."""
        changes: dict[str, object] = {"password_hash": password_hash, "password_changed_at": at}
        if admin is not None:
            changes["is_admin"] = admin
        with self.engine.begin() as connection:
            updated = connection.execute(
                update(ACCOUNTS).where(ACCOUNTS.c.person_id == person_id).values(**changes)
            )
            if updated.rowcount == 0:
                connection.execute(
                    insert(ACCOUNTS).values(
                        {"is_admin": False, **changes, "person_id": person_id, "created_at": at}
                    )
                )

    def password_hash(self, person_id: int) -> str | None:
        query = select(ACCOUNTS.c.password_hash).where(ACCOUNTS.c.person_id == person_id)
        with self.engine.connect() as connection:
            found: str | None = connection.execute(query).scalar()
        return found

    def credentials(self, email: str) -> tuple[PersonPublic, str] | None:
        """The person with this e-mail address (any case) and their password hash."""
        query = (
            select(PEOPLE, ACCOUNTS.c.password_hash)
            .join(ACCOUNTS, ACCOUNTS.c.person_id == PEOPLE.c.id)
            .where(func.lower(PEOPLE.c.email) == email.strip().lower())
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        data = row._asdict()
        return PersonPublic.model_validate(data), data["password_hash"]

    def set_token_hash(self, person_id: int, kind: TokenKind, token_hash: str | None) -> bool:
        """Store (or with None: clear) a token's hash; False when the person has no account."""
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(ACCOUNTS)
                .where(ACCOUNTS.c.person_id == person_id)
                .values({_TOKEN_COLUMN[kind]: token_hash})
            )
        return bool(changed.rowcount == 1)

    def person_for_token_hash(self, token_hash: str, kind: TokenKind) -> int | None:
        """Whose token has this hash (indexed)."""
        query = select(ACCOUNTS.c.person_id).where(_TOKEN_COLUMN[kind] == token_hash)
        with self.engine.connect() as connection:
            found: int | None = connection.execute(query).scalar()
        return found
