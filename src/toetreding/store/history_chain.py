"""Tamper-evident history: every history row carries a hash chained to its case's previous
row, and the database keeps one chain over all rows (``history_chain``, one row).

A row's hash covers what the row says (case, seq, step, states, who, role, moment, note,
payload) and the hash of the case's previous row, so changing a byte of any row breaks its
case's chain from that row on. The database's head hashes every row's hash in the order the
rows were added (``events.chain_seq``), with the number of rows, so a deleted row (even the
last of a case, or a whole case) is noticed too. The head is read with ``FOR UPDATE`` in
the transaction that adds the row, after its first write: writers take it one at a time.

The hash proves nothing against someone who rewrites the rows, every later hash and the head
together; keep backups (``toetreding backup``) to compare against.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from toetreding.store._common import CASES, EVENTS, HISTORY_CHAIN

HEAD_ID = 1
GENESIS = ""  # the previous hash of a case's first row, and the head of an empty database
HASHED = (
    "case_id",
    "seq",
    "trigger",
    "from_state",
    "to_state",
    "actor_id",
    "role",
    "at",
    "note",
    "payload",
)

# The previous row of the case and the head, in one read; locks the head until commit.
LINK = (
    select(
        select(EVENTS.c.chain_hash)
        .where(EVENTS.c.case_id == bindparam("l_case_id"), EVENTS.c.seq == bindparam("l_prev"))
        .scalar_subquery(),
        HISTORY_CHAIN.c.row_count,
        HISTORY_CHAIN.c.head_hash,
    )
    .where(HISTORY_CHAIN.c.id == HEAD_ID)
    .with_for_update()
)
ADVANCE = (
    update(HISTORY_CHAIN)
    .where(HISTORY_CHAIN.c.id == HEAD_ID)
    .values(row_count=bindparam("h_count"), head_hash=bindparam("h_head"))
)


def _utc(moment: datetime | str) -> str:
    """A moment as stored: UTC to the microsecond (a naive value is UTC already)."""
    if isinstance(moment, str):  # SQLite read without the column's type (migrations)
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def row_hash(previous: str | None, row: Mapping[Any, Any]) -> str:
    """The hash of a history row (keyed by the ``events`` columns) after ``previous``."""
    values = [_utc(row[name]) if name == "at" else row[name] for name in HASHED]
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous or GENESIS}\n{text}".encode()).hexdigest()


def next_head(head: str, hashed: str) -> str:
    return hashlib.sha256(f"{head}\n{hashed}".encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """Where a new row goes: its columns ``chain_hash``/``chain_seq`` and the new head."""

    chain_hash: str
    chain_seq: int
    head: dict[str, Any]


def link(found: tuple[Any, ...], row: Mapping[str, Any]) -> Link:
    """The link for ``row`` from what :data:`LINK` read (previous hash, count, head)."""
    previous, count, head = found
    hashed = row_hash(previous, row)
    return Link(hashed, count + 1, {"h_count": count + 1, "h_head": next_head(head, hashed)})


def append_event(connection: Connection, row: dict[str, Any]) -> None:
    """Insert the history row ``row`` (``events`` columns) chained, in the caller's
    transaction, which must already have written (see the module's note)."""
    found = connection.execute(LINK, {"l_case_id": row["case_id"], "l_prev": row["seq"] - 1})
    linked = link(tuple(found.one()), row)
    connection.execute(
        EVENTS.insert().values(**row, chain_hash=linked.chain_hash, chain_seq=linked.chain_seq)
    )
    connection.execute(ADVANCE, linked.head)


# --- checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the history is not what was written."""

    case_id: int | None  # None: the database's chain, no case to name
    seq: int | None
    message: str


@dataclass(frozen=True)
class ChainReport:
    rows: int
    cases: int
    broken: ChainBreak | None


def _case_rows(connection: Connection) -> Iterator[Any]:
    columns = [EVENTS.c[name] for name in HASHED]
    query = select(*columns, EVENTS.c.chain_hash).order_by(EVENTS.c.case_id, EVENTS.c.seq)
    yield from connection.execution_options(stream_results=True, yield_per=2000).execute(query)


def _check_cases(connection: Connection) -> tuple[int, ChainBreak | None]:
    """Every case's chain, case by case; the number of rows and the first break."""
    revisions = dict(connection.execute(select(CASES.c.id, CASES.c.revision)).all())
    rows, case_id, expected, previous = 0, None, 1, GENESIS
    breaks: list[ChainBreak] = []

    def ended(case: int | None, last: int) -> None:
        if case is not None and revisions.pop(case, last) != last:
            breaks.append(
                ChainBreak(
                    case,
                    last + 1,
                    f"dossier {case}: rij {last + 1} en later ontbreken "
                    f"(het dossier telt {revisions.get(case, '?')} gebeurtenissen)",
                )
            )

    for row in _case_rows(connection):
        rows += 1
        values = row._mapping
        if values["case_id"] != case_id:
            ended(case_id, expected - 1)
            if breaks:
                return rows, breaks[0]
            case_id, expected, previous = values["case_id"], 1, GENESIS
        seq = values["seq"]
        if seq != expected:
            return rows, ChainBreak(
                case_id, expected, f"dossier {case_id}: rij {expected} ontbreekt"
            )
        hashed = row_hash(previous, values)
        if values["chain_hash"] != hashed:
            return rows, ChainBreak(
                case_id,
                seq,
                f"dossier {case_id}, rij {seq}: de rij is gewijzigd na het vastleggen "
                "(de vingerafdruk klopt niet)",
            )
        previous, expected = hashed, expected + 1
    ended(case_id, expected - 1)
    if not breaks and revisions:  # cases without a single history row
        empty = min(revisions)
        breaks.append(ChainBreak(empty, 1, f"dossier {empty}: rij 1 ontbreekt"))
    return rows, breaks[0] if breaks else None


def _check_database(connection: Connection) -> ChainBreak | None:
    """The database's chain: every row's hash in the order rows were added, and the head."""
    head = connection.execute(
        select(HISTORY_CHAIN.c.row_count, HISTORY_CHAIN.c.head_hash).where(
            HISTORY_CHAIN.c.id == HEAD_ID
        )
    ).first()
    if head is None:
        return ChainBreak(None, None, "de kop van de databaseketen ontbreekt")
    query = select(EVENTS.c.chain_seq, EVENTS.c.chain_hash).order_by(EVENTS.c.chain_seq)
    computed, count = GENESIS, 0
    for chain_seq, hashed in connection.execution_options(
        stream_results=True, yield_per=5000
    ).execute(query):
        count += 1
        if chain_seq != count:  # a deleted row: whose it was, the chain cannot say
            return ChainBreak(None, None, f"databaseketen: de rij op positie {count} ontbreekt")
        computed = next_head(computed, hashed)
    if count != head.row_count:
        return ChainBreak(
            None,
            None,
            f"databaseketen: {head.row_count} rijen vastgelegd, {count} gevonden; "
            f"rijen {count + 1} t/m {head.row_count} ontbreken",
        )
    if computed != head.head_hash:
        return ChainBreak(None, None, "databaseketen: de kop klopt niet met de rijen")
    return None


def verify(engine: Engine) -> ChainReport:
    """Check every case's chain and the database's; the first break, if any."""
    with engine.connect() as connection:
        rows, broken = _check_cases(connection)
        broken = broken or _check_database(connection)
        cases = connection.execute(select(func.count()).select_from(CASES)).scalar_one()
    return ChainReport(rows, int(cases), broken)
