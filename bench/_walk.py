"""What the walking benchmarks share beside the toetreding driver: how the plain drivers
store a moment, append a chained history row and keep a file, and the check that two
databases hold the same rows."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any

from toetreding.store.history_chain import HASHED, chain_of, next_head, row_hash

INSERT = (
    "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor_id, role, at, "
    "note, payload, chain_hash, chain_id, chain_seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# The history row's link: its case's previous row and the head of the case's chain.
LINK = (
    "SELECT (SELECT chain_hash FROM events WHERE case_id=? AND seq=?), row_count, "
    "head_hash FROM history_chain WHERE id=?"
)
ADVANCE = "UPDATE history_chain SET row_count=?, head_hash=? WHERE id=?"


def stored(moment: datetime) -> str:
    """How SQLAlchemy's SQLite dialect stores an aware datetime (as UTC, no offset)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def append_chained(connection: sqlite3.Connection, row: tuple[Any, ...]) -> None:
    """Insert a history row (the ``events`` columns of ``HASHED``, in order, the payload a
    dict) with its hash chained to its case's previous row, and move its chain's head."""
    case_id, seq, payload = row[0], row[1], row[-1]
    chain = chain_of(case_id)
    previous, count, head = connection.execute(LINK, (case_id, seq - 1, chain)).fetchone()
    hashed = row_hash(previous, dict(zip(HASHED, row, strict=True)))
    connection.execute(INSERT, (*row[:-1], json.dumps(payload), hashed, chain, count + 1))
    connection.execute(ADVANCE, (count + 1, next_head(head, hashed), chain))


def keep_durably(files: Path, data: bytes) -> tuple[int, str]:
    """Write a file as the disk store does: temporary file, fsync, rename, fsync of the
    folder; (size, sha256)."""
    digest = hashlib.sha256(data).hexdigest()
    folder = files / digest[:2] / digest[2:4]
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{digest}.tmp"
    with temporary.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, folder / digest)
    handle = os.open(folder, os.O_RDONLY)
    os.fsync(handle)
    os.close(handle)
    return len(data), digest


def same_rows(one: Path, other: Path, tables: Iterable[str]) -> None:
    """Both databases hold the same rows in ``tables``: the baseline did the same writes."""
    first, second = sqlite3.connect(one), sqlite3.connect(other)
    for table in tables:
        query = f"SELECT * FROM {table} ORDER BY id"
        # Row by row, in step: the check itself holds no more than a row of each.
        for mine, theirs in zip_longest(first.execute(query), second.execute(query)):
            if mine != theirs:
                raise SystemExit(f"{one.name} and {other.name} differ: {mine} != {theirs}")
    first.close()
    second.close()
