"""Signed session cookies and CSRF tokens.

The session is a signed (not encrypted) cookie holding the person id, the session's CSRF
token and a stamp of the account's password hash (``Accounts.session_stamp``): a new
password, set by the person or reset by an administrator, ends every session signed in with
the old one. HttpOnly, SameSite=Lax, Secure on https. Every form and every state-changing request
made with the session carries the CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``); API calls with a bearer token need none.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, TimestampSigner

COOKIE = "toetreding_sessie"
MAX_AGE = 12 * 3600  # a working day


@dataclass(frozen=True)
class SessionData:
    person_id: int | None
    csrf: str
    stamp: str = ""  # of the password the session signed in with


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._signer = TimestampSigner(secret, salt="toetreding-sessie")

    def dump(self, data: SessionData) -> str:
        payload = json.dumps({"pid": data.person_id, "csrf": data.csrf, "pw": data.stamp})
        return self._signer.sign(payload.encode()).decode()

    def load(self, cookie: str | None) -> SessionData | None:
        if not cookie:
            return None
        try:
            payload = self._signer.unsign(cookie, max_age=MAX_AGE)
            data = json.loads(payload)
            return SessionData(data.get("pid"), str(data["csrf"]), str(data.get("pw", "")))
        except (BadSignature, ValueError, KeyError, TypeError):
            return None


def new_session(person_id: int | None = None, stamp: str = "") -> SessionData:
    return SessionData(person_id, secrets.token_urlsafe(24), stamp)


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
