"""The locks that keep deadlines true to the calendar they were counted on.

A change of a partnership's days off and a save of summer vacations each recompute the open
deadlines they concern, inside their transaction. Each is serialized with the others of its
kind, and a case opened meanwhile must not count its deadlines on days off or vacations the
change is replacing (the change would not see the new case to move it):

* PostgreSQL: transaction-level advisory locks. A change of days off holds
  (:data:`DAYS_OFF_LOCK`, partnership id) exclusively, a save of vacations
  (:data:`VACATIONS_LOCK`, 0); opening a case holds both in shared mode while it counts and
  inserts its deadlines, so opens go on side by side and only wait for a change (and a
  change waits for the opens under way). Other partnerships and everything else go on.
* SQLite has one writer at a time: ``BEGIN IMMEDIATE`` takes the write lock before anything
  is read (the driver would begin the transaction only at the first write).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

#: The first key of the advisory lock on a partnership's days off (the second: its id).
DAYS_OFF_LOCK = 0x76726A64  # "vrjd"
#: The first key of the advisory lock on the summer vacations (the second: 0).
VACATIONS_LOCK = 0x7A6D7672  # "zmvr"

_SHARED_SQL = "SELECT pg_advisory_xact_lock_shared(%s, %s), pg_advisory_xact_lock_shared(%s, 0)"


def lock_exclusive(connection: Connection, key: int, ident: int) -> None:
    """Hold (``key``, ``ident``) until the transaction ends (SQLite: the write lock)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(key, ident)))
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_shared_for_open(cursor: Any, postgres: bool, partnership_id: int) -> None:
    """On a DBAPI ``cursor`` (the hot path) at the start of its transaction: share the
    partnership's days-off lock and the vacations lock (one round trip), or on SQLite take
    the write lock."""
    if postgres:
        cursor.execute(_SHARED_SQL, (DAYS_OFF_LOCK, partnership_id, VACATIONS_LOCK))
        cursor.fetchall()
    elif not cursor.connection.in_transaction:  # (one begun already holds what it holds)
        cursor.execute("BEGIN IMMEDIATE")
