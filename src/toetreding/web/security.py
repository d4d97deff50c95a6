"""Signed session cookies and CSRF tokens.

The cookie is signed (not encrypted) and holds the session's CSRF token and, once signed in,
the secret of a session kept on the server (``Accounts.start_session``; the database holds
only its SHA-256). Whether someone is signed in is asked of the server on every request, so a
session ends at once when its row goes: signing out, a new password (every other session),
a reset or an administrator's revoke. HttpOnly, SameSite=Lax, Secure on https. Every form
and every state-changing request made with the session carries the CSRF token (form field
``csrf_token`` or header ``X-CSRF-Token``); API calls with a bearer token need none.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, TimestampSigner

COOKIE = "toetreding_sessie"
MAX_AGE = 12 * 3600  # a working day, as long as the session on the server


@dataclass(frozen=True)
class SessionData:
    secret: str | None  # of the session on the server; None: not signed in
    csrf: str


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._signer = TimestampSigner(secret, salt="toetreding-sessie")

    def dump(self, data: SessionData) -> str:
        payload = json.dumps({"sid": data.secret, "csrf": data.csrf})
        return self._signer.sign(payload.encode()).decode()

    def load(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            payload = self._signer.unsign(cookie, max_age=MAX_AGE)
            data = json.loads(payload)
            secret = data.get("sid")
            return SessionData(secret if isinstance(secret, str) else None, str(data["csrf"]))
        except (BadSignature, ValueError, KeyError, TypeError):
            return None


def new_session(secret: str | None = None) -> SessionData:
    """A cookie with a new CSRF token (and, signed in, the server session's secret)."""
    return SessionData(secret, secrets.token_urlsafe(24))


def csrf_matches(session: SessionData | None, given: str | None) -> bool:
    return bool(session and given and hmac.compare_digest(session.csrf, given))


def secret_key(configured: str | None, folder: Path) -> str:
    """The configured secret, else one kept in ``folder/.toetreding-secret`` (made once)."""
    if configured:
        return configured
    path = folder / ".toetreding-secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    secret = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(secret + "\n", encoding="utf-8")
    return secret
