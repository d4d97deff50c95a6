"""Throttling sign-ins: at most a few failed attempts per account and per client address in
a sliding minute, kept in the database so that every worker process counts the same.

An attempt is recorded *before* its password is checked and forgotten when it succeeded, so
attempts made at the same moment count each other, and a throttled attempt costs a count
query: never the argon2 check (a fifth of a second of CPU each) that throttling protects.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from toetreding._exceptions import TooManyAttempts
from toetreding.clock import Clock

if TYPE_CHECKING:
    from toetreding.store import SessionStore

WINDOW = timedelta(minutes=1)
LIMITS = {
    "account": 5,  # wrong passwords for one e-mail address (known or not)
    "address": 20,  # wrong passwords from one client address, over all accounts
    "token": 20,  # unknown or expired API tokens from one client address
}

Key = tuple[str, str]  # (scope, key): ('account', e-mail address), ('address', '10.0.0.1')


class SignInThrottle:
    def __init__(self, store: SessionStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def begin(self, keys: list[Key]) -> list[int]:
        """Record an attempt under each key, or raise TooManyAttempts (recording nothing)
        when one of them already had its limit of attempts in the last minute. The ids of
        the recorded attempts, for :meth:`succeeded`."""
        now = self._clock.now()
        self._refuse_over_limit(keys, now)
        ids = self._store.add_attempts(keys, now, before=now - WINDOW)
        try:  # attempts made at the same moment count each other
            self._refuse_over_limit(keys, now, own=1)
        except TooManyAttempts:
            self._store.forget_attempts(ids)
            raise
        return ids

    def succeeded(self, ids: list[int], account: Key | None = None) -> None:
        """The attempt succeeded: it does not count, and neither do the account's earlier
        failures (the address's do)."""
        if account is None:
            self._store.forget_attempts(ids)
        else:
            self._store.forget_attempts(ids, scope=account[0], key=account[1])

    def _refuse_over_limit(self, keys: list[Key], now: datetime, own: int = 0) -> None:
        """TooManyAttempts when a key had its limit of attempts in the last minute, besides
        the ``own`` one just recorded."""
        waits = []
        for scope, key in keys:
            limit = LIMITS[scope]
            earlier = self._store.attempts(scope, key, since=now - WINDOW)
            earlier = earlier[: len(earlier) - own]
            if len(earlier) >= limit:
                # Allowed again once all but limit - 1 of them have left the window.
                frees = earlier[len(earlier) - limit] + WINDOW
                waits.append(max(1, math.ceil((frees - now).total_seconds())))
        if waits:
            raise TooManyAttempts(max(waits))
