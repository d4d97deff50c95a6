"""Keeping claims alive while their reminders go out.

A claim's lease is seconds long (:data:`DEFAULT_LEASE`), so a process that dies leaves its
rows to another within seconds. A live process must therefore renew its leases for as long
as it sends: :class:`LeaseKeeper` does that on a thread, every third of the lease, while the
sweep sends a batch, so a slow mail server (or a long batch) never lets a lease run out under
a live sender. Whether a row may still be sent is decided by the ledger's fence right before
each message, never by the keeper: a renewal that fails (the database did not answer) only
means the fence may later find the row taken over, and then the row is not sent.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from types import TracebackType

from toetreding.clock import Clock
from toetreding.store import Ledger

DEFAULT_LEASE = timedelta(seconds=30)
"""How long a claim holds without renewal: a dead sender's rows wait at most this long."""

DEFAULT_BATCH = 10
"""Reminders claimed at a time: small, so another process takes its share at once."""


class LeaseKeeper:
    """Renews the lease of one claim every third of ``lease``, on a thread, until the
    ``with`` block ends."""

    def __init__(self, ledger: Ledger, token: str, lease: timedelta, clock: Clock) -> None:
        self.ledger = ledger
        self.token = token
        self.lease = lease
        self.clock = clock
        self.renewals = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="toetreding-lease", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        every = self.lease.total_seconds() / 3
        while not self._done.wait(every):
            try:
                if self.ledger.renew([self.token], self.clock.now(), self.lease) == 0:
                    return  # nothing left sending under this claim
                self.renewals += 1
            except Exception:  # the fence decides; try again next time
                continue
