"""Accounts in the database: password hashes, the hash of the calendar secret, and the
hashes of a person's API tokens. What a password or token *is* (hashing, checking, expiry)
is the service's business (``toetreding.service.accounts``); this module only keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Engine, delete, exists, func, insert, select, update

from toetreding.store._common import PEOPLE, core_table
from toetreding.store.tables import Account, AccountPublic, ApiToken, ApiTokenPublic, PersonPublic

ACCOUNTS = core_table(Account)
API_TOKENS = core_table(ApiToken)

TokenKind = Literal["api", "calendar"]


@dataclass(frozen=True)
class ApiTokenRecord:
    """An API token found by its hash: whose it is and until when it works."""

    id: int
    person_id: int
    expires_at: datetime
    last_used_at: datetime | None


class AccountStore:
    """Reads and writes the ``accounts`` and ``api_tokens`` tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def exists(self) -> bool:
        """Whether anybody has an account yet."""
        with self.engine.connect() as connection:
            return connection.execute(select(ACCOUNTS.c.id).limit(1)).first() is not None

    def account(self, person_id: int) -> AccountPublic | None:
        has_token = exists().where(API_TOKENS.c.person_id == ACCOUNTS.c.person_id)
        query = select(
            ACCOUNTS.c.person_id,
            ACCOUNTS.c.is_admin,
            ACCOUNTS.c.created_at,
            ACCOUNTS.c.password_changed_at,
            has_token.label("api_token"),
            ACCOUNTS.c.calendar_token_hash.is_not(None).label("calendar_token"),
            ACCOUNTS.c.handover_mail,
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

    def set_handover_mail(self, person_id: int, wanted: bool) -> bool:
        """Turn the person's hand-over e-mails on or off; False: they have no account."""
        with self.engine.begin() as connection:
            done = connection.execute(
                update(ACCOUNTS)
                .where(ACCOUNTS.c.person_id == person_id)
                .values(handover_mail=wanted)
            )
            return bool(done.rowcount == 1)

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

    # --- the calendar secret (one per account) ------------------------------------------

    def set_calendar_hash(self, person_id: int, token_hash: str | None) -> bool:
        """Store (or with None: clear) the calendar secret's hash; False without account."""
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(ACCOUNTS)
                .where(ACCOUNTS.c.person_id == person_id)
                .values(calendar_token_hash=token_hash)
            )
        return bool(changed.rowcount == 1)

    def person_for_calendar_hash(self, token_hash: str) -> int | None:
        """Whose calendar secret has this hash (indexed)."""
        query = select(ACCOUNTS.c.person_id).where(ACCOUNTS.c.calendar_token_hash == token_hash)
        with self.engine.connect() as connection:
            found: int | None = connection.execute(query).scalar()
        return found

    # --- API tokens (several per person) -------------------------------------------------

    def add_api_token(
        self, person_id: int, name: str, token_hash: str, at: datetime, expires_at: datetime
    ) -> int:
        with self.engine.begin() as connection:
            added = connection.execute(
                insert(API_TOKENS).values(
                    person_id=person_id,
                    name=name,
                    token_hash=token_hash,
                    created_at=at,
                    expires_at=expires_at,
                )
            )
        key = added.inserted_primary_key
        assert key is not None
        return int(key[0])

    def api_tokens(self, person_id: int) -> list[ApiTokenPublic]:
        """The person's API tokens, newest first."""
        query = (
            select(
                API_TOKENS.c.id,
                API_TOKENS.c.name,
                API_TOKENS.c.created_at,
                API_TOKENS.c.expires_at,
                API_TOKENS.c.last_used_at,
            )
            .where(API_TOKENS.c.person_id == person_id)
            .order_by(API_TOKENS.c.id.desc())
        )
        with self.engine.connect() as connection:
            return [
                ApiTokenPublic.model_validate(row._asdict()) for row in connection.execute(query)
            ]

    def api_token(self, token_hash: str) -> ApiTokenRecord | None:
        """The token with this hash (indexed)."""
        query = select(
            API_TOKENS.c.id,
            API_TOKENS.c.person_id,
            API_TOKENS.c.expires_at,
            API_TOKENS.c.last_used_at,
        ).where(API_TOKENS.c.token_hash == token_hash)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else ApiTokenRecord(*row)

    def touch_api_token(self, token_id: int, at: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(API_TOKENS).where(API_TOKENS.c.id == token_id).values(last_used_at=at)
            )

    def delete_api_tokens(self, person_id: int, token_id: int | None = None) -> int:
        """Delete one of the person's tokens (or, without ``token_id``, all); how many."""
        query = delete(API_TOKENS).where(API_TOKENS.c.person_id == person_id)
        if token_id is not None:
            query = query.where(API_TOKENS.c.id == token_id)
        with self.engine.begin() as connection:
            return int(connection.execute(query).rowcount)
