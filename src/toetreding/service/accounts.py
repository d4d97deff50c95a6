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

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.store import AccountPublic, AccountStore, PersonPublic, TokenKind

_hasher = PasswordHasher()
MIN_PASSWORD = 10


def new_password() -> str:
    """A random password to print once (about 80 bits)."""
    return secrets.token_urlsafe(10)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Signing in and the secrets that stand for a person."""

    def __init__(self, store: AccountStore) -> None:
        self._store = store

    def exists(self) -> bool:
        """Whether anybody has an account yet."""
        return self._store.exists()

    def account(self, person_id: int) -> AccountPublic | None:
        return self._store.account(person_id)

    def is_admin(self, person_id: int) -> bool:
        account = self._store.account(person_id)
        return bool(account and account.is_admin)

    def set_password(
        self, person_id: int, password: str, at: datetime, *, admin: bool | None = None
    ) -> None:
        """Create the account or change its password (and admin flag, when given)."""
        if len(password) < MIN_PASSWORD:
            raise InvalidInputError(f"een wachtwoord heeft minstens {MIN_PASSWORD} tekens")
        self._store.save_password(person_id, _hasher.hash(password), at, admin=admin)

    def verify(self, email: str, password: str) -> PersonPublic | None:
        """The person when e-mail and password match, else None (never says which failed)."""
        found = self._store.credentials(email)
        if found is None:
            _hasher.hash(password)  # spend the same time as a real check
            return None
        person, password_hash = found
        try:
            _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return person

    def session_stamp(self, person_id: int) -> str | None:
        """A short digest of the current password hash (salted, so new with every password);
        sessions carry it, and one with another stamp is no longer signed in."""
        password_hash = self._store.password_hash(person_id)
        return None if password_hash is None else token_hash(password_hash)[:16]

    def issue_token(self, person_id: int, kind: TokenKind) -> str:
        """A new API token ('api') or calendar secret ('calendar'); the old one stops working."""
        token = secrets.token_urlsafe(24)
        if not self._store.set_token_hash(person_id, kind, token_hash(token)):
            raise NotFoundError("deze persoon heeft nog geen account")
        return token

    def revoke_token(self, person_id: int, kind: TokenKind) -> None:
        self._store.set_token_hash(person_id, kind, None)

    def person_for_token(self, token: str, kind: TokenKind) -> int | None:
        return self._store.person_for_token_hash(token_hash(token), kind)
