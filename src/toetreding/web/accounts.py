"""Accounts: passwords (argon2), API tokens and calendar-feed secrets, per person.

Tokens are random and shown once; only their SHA-256 is stored, so a database leak does not
hand out working tokens. A new token replaces the old one (that is how a feed is revoked).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.store.tables import Account, Person

_hasher = PasswordHasher()
MIN_PASSWORD = 10


def new_password() -> str:
    """A random password to print once (about 80 bits)."""
    return secrets.token_urlsafe(10)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def exists(self) -> bool:
        with Session(self.engine) as session:
            return session.exec(select(Account.id).limit(1)).first() is not None

    def account(self, person_id: int) -> Account | None:
        with Session(self.engine) as session:
            return session.exec(select(Account).where(Account.person_id == person_id)).first()

    def set_password(
        self, person_id: int, password: str, at: datetime, *, admin: bool | None = None
    ) -> Account:
        """Create the account or change its password (and admin flag, when given)."""
        if len(password) < MIN_PASSWORD:
            raise InvalidInputError(f"een wachtwoord heeft minstens {MIN_PASSWORD} tekens")
        with Session(self.engine, expire_on_commit=False) as session:
            account = session.exec(select(Account).where(Account.person_id == person_id)).first()
            if account is None:
                account = Account(
                    person_id=person_id,
                    password_hash="",
                    created_at=at,
                    password_changed_at=at,
                )
            account.password_hash = _hasher.hash(password)
            account.password_changed_at = at
            if admin is not None:
                account.is_admin = admin
            session.add(account)
            session.commit()
            return account

    def verify(self, email: str, password: str) -> Person | None:
        """The person when e-mail and password match, else None (never says which failed)."""
        with Session(self.engine) as session:
            found = session.exec(
                select(Person, Account)
                .join(Account, Account.person_id == Person.id)  # type: ignore[arg-type]
                .where(func.lower(Person.email) == email.strip().lower())
            ).first()
        if found is None:
            _hasher.hash(password)  # spend the same time as a real check
            return None
        person, account = found
        try:
            _hasher.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return person

    def session_stamp(self, person_id: int) -> str | None:
        """A short digest of the current password hash (salted, so new with every password);
        sessions carry it, and one with another stamp is no longer signed in."""
        with Session(self.engine) as session:
            password_hash = session.exec(
                select(Account.password_hash).where(Account.person_id == person_id)
            ).first()
        return None if password_hash is None else token_hash(password_hash)[:16]

    def issue_token(self, person_id: int, kind: str) -> str:
        """A new API token ('api') or calendar secret ('calendar'); the old one stops working."""
        token = secrets.token_urlsafe(24)
        column = "api_token_hash" if kind == "api" else "calendar_token_hash"
        with Session(self.engine) as session:
            account = session.exec(select(Account).where(Account.person_id == person_id)).first()
            if account is None:
                raise NotFoundError("deze persoon heeft nog geen account")
            setattr(account, column, token_hash(token))
            session.add(account)
            session.commit()
        return token

    def revoke_token(self, person_id: int, kind: str) -> None:
        column = "api_token_hash" if kind == "api" else "calendar_token_hash"
        with Session(self.engine) as session:
            account = session.exec(select(Account).where(Account.person_id == person_id)).first()
            if account is not None:
                setattr(account, column, None)
                session.add(account)
                session.commit()

    def person_for_token(self, token: str, kind: str) -> int | None:
        column = Account.api_token_hash if kind == "api" else Account.calendar_token_hash
        with Session(self.engine) as session:
            return session.exec(
                select(Account.person_id).where(column == token_hash(token))
            ).first()
