"""SQLite: the request hot path keeps one DBAPI connection per thread.

Checking a connection out of SQLAlchemy's pool and back costs more Python time per request
(the pool's bookkeeping and its reset on return) than SQLite needs to run a statement. A
SQLite connection is cheap to keep and is only ever used by one thread at a time, so each
thread keeps its own: taken from the engine's pool once (so with the engine's PRAGMAs),
detached from the pool, and closed when the thread ends, when the engine is disposed (or,
if the thread is using it then, as soon as it is done), or replaced in a forked process (a
SQLite connection must not be used across a fork). What the pool's return did, ``release``
does: whatever a block left open is rolled back.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

from sqlalchemy import Engine, event


class _Held:
    """A thread's connection: the thread-local value, so when the thread ends it goes,
    and with it the connection (sqlite3 closes a connection nobody refers to)."""

    __slots__ = ("__weakref__", "connection", "depth", "generation", "pid")

    def __init__(self, connection: Any, generation: int) -> None:
        self.connection = connection
        self.depth = 0  # blocks using it now (a block within a block shares it)
        self.generation = generation
        self.pid = os.getpid()


class ThreadConnections:
    """One kept SQLite connection per thread for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        # every open one, for ``dispose`` (weakly: a thread's ends with the thread)
        self._held: weakref.WeakValueDictionary[int, _Held] = weakref.WeakValueDictionary()
        self._generation = 0
        reference = weakref.ref(self)

        def disposed(_engine: Engine) -> None:
            kept = reference()
            if kept is not None:
                kept.dispose()

        event.listen(engine, "engine_disposed", disposed)

    def acquire(self) -> tuple[Any, bool]:
        """This thread's connection, and whether the caller is its outermost user (who
        must ``release`` it; a block within a block shares it and calls ``leave``)."""
        held: _Held | None = getattr(self._local, "held", None)
        if held is not None and held.depth and held.connection is not None:  # in use here
            held.depth += 1
            return held.connection, False
        if held is not None and held.pid == os.getpid():
            with self._lock:  # against a ``dispose`` closing it meanwhile
                if held.connection is not None:
                    held.depth += 1
                    return held.connection, held.depth == 1
        if held is not None and held.pid != os.getpid():
            _INHERITED.append(held)  # the parent's: never used nor closed here
        held = self._connect()
        return held.connection, True

    def release(self) -> None:
        """The outermost block is done: roll back what it left open (as the pool's return
        did), and close the connection if the engine was disposed meanwhile."""
        held: _Held = self._local.held
        connection = held.connection
        try:
            if connection is not None and connection.in_transaction:
                connection.rollback()
        except Exception:
            held.depth = 0
            self._close(held)
            raise
        with self._lock:
            held.depth = 0
            stale = held.generation != self._generation
        if stale:
            self._close(held)

    def leave(self) -> None:
        """A block that is not the outermost is done (see ``acquire``)."""
        self._local.held.depth -= 1  # still in use (``dispose`` only closes unused ones)

    def broken(self) -> None:
        """The connection failed beyond a rollback: closed, the thread's next use opens
        a new one."""
        self._close(self._local.held)

    def dispose(self) -> None:
        """Close every kept connection not in use now; the others when their use ends."""
        with self._lock:
            self._generation += 1
            idle = [held for held in list(self._held.values()) if held.depth == 0]
        for held in idle:
            self._close(held)

    def _connect(self) -> _Held:
        pooled = self.engine.raw_connection()
        connection = pooled.dbapi_connection  # sqlite3's own
        pooled.detach()  # ours from now on: the pool opens another in its place
        with self._lock:
            held = _Held(connection, self._generation)
            held.depth = 1
            self._held[id(held)] = held
        self._local.held = held
        return held

    def _close(self, held: _Held) -> None:
        with self._lock:
            self._held.pop(id(held), None)
            connection, held.connection = held.connection, None
        if connection is not None:
            _close_quietly(connection)


_INHERITED: list[_Held] = []  # connections a forked process inherited


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # already unusable: nothing more to release
        return
