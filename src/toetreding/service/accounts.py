"""Accounts: passwords (argon2), sign-in sessions, API tokens and calendar-feed secrets.

Secrets are random and shown once; only their SHA-256 is stored, so a database leak hands out
no working session, token or feed. A session lives on the server: it ends when its row goes
(signing out; a new password ends every other session of the person; a password reset and an
administrator's revoke end all of them, and all API tokens too). A person has any number of
named API tokens, each valid for a number of days. Sign-ins are throttled per account and per
client address (:mod:`.throttle`); a throttled one costs no argon2 check.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.clock import Clock
from toetreding.service.throttle import SignInThrottle
from toetreding.settings import DEFAULT_API_TOKEN_DAYS, MAX_API_TOKEN_DAYS

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from toetreding.store import (
        AccountPublic,
        AccountStore,
        ApiTokenPublic,
        PersonPublic,
        SessionStore,
        TokenKind,
    )

MIN_PASSWORD = 10
SESSION_LIFETIME = timedelta(hours=12)  # a working day; the cookie lives as long
API_TOKEN_DAYS = DEFAULT_API_TOKEN_DAYS  # a new API token's validity, unless asked otherwise
MAX_TOKEN_NAME = 60
_SEEN_EVERY = timedelta(minutes=1)  # how often a session's or token's last use is written


@cache
def _hasher() -> PasswordHasher:
    """argon2, loaded when a password is first set or checked (not by every command)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def new_password() -> str:
    """A random password to print once (about 80 bits)."""
    return secrets.token_urlsafe(10)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Revoked:
    """What an administrator's revoke (or a reset) ended."""

    sessions: int
    api_tokens: int
    calendar: bool


class Accounts:
    """Signing in, sessions and the secrets that stand for a person."""

    def __init__(self, store: AccountStore, sessions: SessionStore, clock: Clock) -> None:
        self._store = store
        self._sessions = sessions
        self._clock = clock
        self._throttle = SignInThrottle(sessions, clock)

    def exists(self) -> bool:
        """Whether anybody has an account yet."""
        return self._store.exists()

    def account(self, person_id: int) -> AccountPublic | None:
        return self._store.account(person_id)

    def is_admin(self, person_id: int) -> bool:
        account = self._store.account(person_id)
        return bool(account and account.is_admin)

    def set_handover_mail(self, person_id: int, wanted: bool) -> None:
        """Whether a step that hands a case to one of the person's roles e-mails them."""
        if not self._store.set_handover_mail(person_id, wanted):
            raise NotFoundError(f"persoon {person_id} heeft geen account")

    # --- passwords ------------------------------------------------------------------------

    def set_password(
        self,
        person_id: int,
        password: str,
        at: datetime | None = None,
        *,
        admin: bool | None = None,
        keep_session: str | None = None,
    ) -> int:
        """Create the account or change its password (and admin flag, when given). Every
        session of the person ends, except the one ``keep_session`` names (the browser in
        which the person changed their own password); how many ended."""
        if len(password) < MIN_PASSWORD:
            raise InvalidInputError(f"een wachtwoord heeft minstens {MIN_PASSWORD} tekens")
        self._store.save_password(
            person_id, _hasher().hash(password), at or self._clock.now(), admin=admin
        )
        keep = token_hash(keep_session) if keep_session else None
        return self._sessions.end_sessions(person_id, keep=keep)

    def reset_password(self, person_id: int) -> tuple[str, Revoked]:
        """An administrator's reset: a new random password (returned, to show once); every
        session and every API token of the person ends."""
        if self._store.account(person_id) is None:
            raise NotFoundError("deze persoon heeft nog geen account")
        password = new_password()
        sessions = self.set_password(person_id, password)
        return password, Revoked(sessions, self._store.delete_api_tokens(person_id), False)

    def revoke_all(self, person_id: int) -> Revoked:
        """An administrator's revoke: every session, API token and the calendar link of the
        person end at once (the password stays)."""
        account = self._store.account(person_id)
        if account is None:
            raise NotFoundError("deze persoon heeft nog geen account")
        self._store.set_calendar_hash(person_id, None)
        return Revoked(
            sessions=self._sessions.end_sessions(person_id),
            api_tokens=self._store.delete_api_tokens(person_id),
            calendar=account.calendar_token,
        )

    def verify(self, email: str, password: str) -> PersonPublic | None:
        """The person when e-mail and password match, else None (never says which failed).
        Not throttled: :meth:`sign_in` and :meth:`check_password` are."""
        found = self._store.credentials(email)
        if found is None:
            _hasher().hash(password)  # spend the same time as a real check
            return None
        person, password_hash = found
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            _hasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return person

    def sign_in(self, email: str, password: str, address: str) -> PersonPublic | None:
        """:meth:`verify`, throttled per account and per client address: TooManyAttempts
        (nothing checked) after too many failures in the last minute."""
        account = ("account", email.strip().lower()[:200])
        attempt = self._throttle.begin([account, ("address", address[:200])])
        person = self.verify(email, password)
        if person is not None:
            self._throttle.succeeded(attempt, account)
        return person

    def check_password(self, person: PersonPublic, password: str, address: str) -> bool:
        """Whether ``password`` is the person's (before a change), throttled like a sign-in."""
        found = self.sign_in(person.email, password, address)
        return found is not None and found.id == person.id

    # --- sessions -------------------------------------------------------------------------

    def start_session(self, person_id: int) -> str:
        """A new signed-in session; its secret (for the cookie) is returned once."""
        secret = secrets.token_urlsafe(32)
        now = self._clock.now()
        self._sessions.add_session(person_id, token_hash(secret), now, now + SESSION_LIFETIME)
        return secret

    def session_person(self, secret: str) -> int | None:
        """Who is signed in with this session, or None: ended, expired or unknown."""
        session = self._sessions.session(token_hash(secret))
        now = self._clock.now()
        if session is None or session.expires_at <= now:
            return None
        if now - session.last_seen_at >= _SEEN_EVERY:
            self._sessions.touch_session(session.id, now)
        return session.person_id

    def end_session(self, secret: str) -> None:
        self._sessions.end_session(token_hash(secret))

    def end_other_sessions(self, person_id: int, keep: str) -> int:
        """Sign out everywhere else; how many sessions ended."""
        return self._sessions.end_sessions(person_id, keep=token_hash(keep))

    def session_count(self, person_id: int) -> int:
        return self._sessions.count_sessions(person_id, self._clock.now())

    # --- API tokens -----------------------------------------------------------------------

    def issue_api_token(self, person_id: int, name: str, days: int = API_TOKEN_DAYS) -> str:
        """A new API token named ``name``, valid for ``days`` days; shown once."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_TOKEN_NAME:
            raise InvalidInputError(f"geef het token een naam van 1 tot {MAX_TOKEN_NAME} tekens")
        if not 1 <= days <= MAX_API_TOKEN_DAYS:
            raise InvalidInputError(
                f"een API-token is 1 tot {MAX_API_TOKEN_DAYS} dagen geldig, niet {days}"
            )
        if self._store.account(person_id) is None:
            raise NotFoundError("deze persoon heeft nog geen account")
        token = secrets.token_urlsafe(24)
        now = self._clock.now()
        self._store.add_api_token(
            person_id, name, token_hash(token), now, now + timedelta(days=days)
        )
        return token

    def api_tokens(self, person_id: int) -> list[ApiTokenPublic]:
        """The person's API tokens (expired ones too, until revoked), newest first."""
        return self._store.api_tokens(person_id)

    def revoke_api_token(self, person_id: int, token_id: int) -> bool:
        """End one of the person's tokens; False when it is not theirs (or gone)."""
        return self._store.delete_api_tokens(person_id, token_id) == 1

    def person_for_api_token(self, token: str, address: str | None = None) -> int | None:
        """Whose valid API token this is; None for an unknown or expired one. With the
        client's ``address``, unknown tokens are throttled per address (TooManyAttempts)."""
        found = self._store.api_token(token_hash(token))
        now = self._clock.now()
        if found is not None and found.expires_at > now:
            if found.last_used_at is None or now - found.last_used_at >= _SEEN_EVERY:
                self._store.touch_api_token(found.id, now)
            return found.person_id
        if address is not None:
            self._throttle.begin([("token", address[:200])])
        return None

    # --- calendar secrets, and the one-token-per-kind way of asking -------------------------

    def issue_token(self, person_id: int, kind: TokenKind) -> str:
        """A new calendar secret ('calendar': the old one stops working) or API token
        ('api': a new one named "API-token", beside the others)."""
        if kind == "api":
            return self.issue_api_token(person_id, "API-token")
        token = secrets.token_urlsafe(24)
        if not self._store.set_calendar_hash(person_id, token_hash(token)):
            raise NotFoundError("deze persoon heeft nog geen account")
        return token

    def revoke_token(self, person_id: int, kind: TokenKind) -> None:
        """End the calendar secret, or ('api') every API token of the person."""
        if kind == "api":
            self._store.delete_api_tokens(person_id)
        else:
            self._store.set_calendar_hash(person_id, None)

    def person_for_token(self, token: str, kind: TokenKind) -> int | None:
        if kind == "api":
            return self.person_for_api_token(token)
        return self._store.person_for_calendar_hash(token_hash(token))
