"""``Idempotency-Key``: a client that repeats a state-changing request (it lost the answer)
gets the first answer again, and nothing happens twice.

Per person and key the first request reserves the key, is handled, and its answer is kept
for a day. A repeat with the same request gets that answer; the same key with another request
is refused; a repeat while the first is still being handled (or after it broke off without
an answer) is told so, and nothing is done.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from toetreding._exceptions import ConflictError, InvalidInputError
from toetreding.clock import Clock

if TYPE_CHECKING:
    from toetreding.store import IdempotencyStore

KEEP = timedelta(days=1)  # how long an answer is kept for repeats
MAX_KEY = 200

KEY_REUSED = (
    "deze Idempotency-Key is al gebruikt voor een andere aanvraag; er is niets gewijzigd. "
    "Gebruik voor elke nieuwe aanvraag een nieuwe sleutel"
)
IN_PROGRESS = (
    "een aanvraag met deze Idempotency-Key is nog niet afgehandeld (of is afgebroken); er is "
    "niets gewijzigd. Probeer het zo opnieuw, of kijk in het dossier wat er is gebeurd"
)


@dataclass(frozen=True)
class Replay:
    """The first answer to a request, to give again."""

    status_code: int
    body: str


def request_digest(*parts: bytes) -> str:
    """A digest of what makes two requests the same (method, path, query, and the body's
    meaning: see ``web/api/_idempotency.py``)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def valid_key(key: str) -> bool:
    """1 to 200 visible ASCII characters (no spaces)."""
    return 0 < len(key) <= MAX_KEY and key.isascii() and all(33 <= ord(c) <= 126 for c in key)


class Idempotency:
    def __init__(self, store: IdempotencyStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def begin(
        self, person_id: int, key: str, digest: str, also: str | None = None
    ) -> Replay | None:
        """None: this request has the key now, go ahead (then :meth:`finish` or
        :meth:`abandon`). A Replay: the answer to give again. InvalidInputError: the key
        was used for another request; ConflictError: the first is not answered (yet).
        ``also``: another digest of the same request that an earlier request may have been
        kept under (before digests were taken of a request's meaning: its raw bytes)."""
        if not valid_key(key):
            raise InvalidInputError(
                f"de header Idempotency-Key moet 1 tot {MAX_KEY} zichtbare ASCII-tekens zijn"
            )
        now = self._clock.now()
        found = self._store.reserve(person_id, key, digest, now, before=now - KEEP)
        if found is None:
            return None
        if found.request_hash not in (digest, also):
            raise InvalidInputError(KEY_REUSED)
        if found.status_code is None:
            raise ConflictError(IN_PROGRESS)
        return Replay(found.status_code, found.body or "")

    def finish(self, person_id: int, key: str, status_code: int, body: str) -> None:
        """Keep the answer for repeats."""
        self._store.answer(person_id, key, status_code, body)

    def abandon(self, person_id: int, key: str) -> None:
        """The request changed nothing and its answer is not worth repeating (a conflict to
        try again, a failed sign-in): a repeat is handled afresh."""
        self._store.release(person_id, key)
