"""Tamper-evident history: every history row carries a hash chained to its case's previous
row, and the database keeps chains over all rows (``history_chain``, one row per chain).

A row's hash covers what the row says (case, seq, step, states, who, role, moment, note,
payload) and the hash of the case's previous row, so changing a byte of any row breaks its
case's chain from that row on. The database's chains hash every row's hash in the order the
rows were added (``events.chain_seq``), with the number of rows, so a deleted row (even the
last of a case, or a whole case) is noticed too. There are ``CHAINS`` of them, a case's rows
going to chain ``chain_of(case)`` (``events.chain_id``; rows written before migration 0018
are in chain 1): every row is in exactly one chain, and writers of different chains do not
wait for each other (on PostgreSQL a chain's head row stays locked until the commit). The
head is read with ``FOR UPDATE`` in the transaction that adds the row, after its first
write: writers of one chain take it one at a time.

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

HEAD_ID = 1  # the first chain (the only one before migration 0018)
CHAINS = 16  # the database's chains: rows 1 to 16 of ``history_chain``
CHAIN_COLUMNS = ("chain_hash", "chain_id", "chain_seq")  # of ``events``, besides ``HASHED``
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


def chain_of(case_id: int) -> int:
    """The database's chain that the rows of a case go to."""
    return 1 + case_id % CHAINS


# The previous row of the case and its chain's head, in one read; locks the head until commit.
LINK = (
    select(
        select(EVENTS.c.chain_hash)
        .where(EVENTS.c.case_id == bindparam("l_case_id"), EVENTS.c.seq == bindparam("l_prev"))
        .scalar_subquery(),
        HISTORY_CHAIN.c.row_count,
        HISTORY_CHAIN.c.head_hash,
    )
    .where(HISTORY_CHAIN.c.id == bindparam("l_chain"))
    .with_for_update()
)
# The head alone, when the previous row's hash was read with the case (``case_for_actor``).
HEAD = (
    select(HISTORY_CHAIN.c.row_count, HISTORY_CHAIN.c.head_hash)
    .where(HISTORY_CHAIN.c.id == bindparam("l_chain"))
    .with_for_update()
)
ADVANCE = (
    update(HISTORY_CHAIN)
    .where(HISTORY_CHAIN.c.id == bindparam("h_chain"))
    .values(row_count=bindparam("h_count"), head_hash=bindparam("h_head"))
)


def _utc(moment: datetime | str) -> str:
    """A moment as stored: UTC to the microsecond (a naive value is UTC already)."""
    if isinstance(moment, str):  # SQLite read without the column's type (migrations)
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


# ``json.dumps`` with these options makes a new encoder on every call; one will do.
_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def row_hash(previous: str | None, row: Mapping[Any, Any]) -> str:
    """The hash of a history row (keyed by the ``events`` columns) after ``previous``."""
    values = [_utc(row[name]) if name == "at" else row[name] for name in HASHED]
    text = _ENCODE(values)
    return hashlib.sha256(f"{previous or GENESIS}\n{text}".encode()).hexdigest()


def next_head(head: str, hashed: str) -> str:
    return hashlib.sha256(f"{head}\n{hashed}".encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """Where a new row goes: its columns ``chain_hash``/``chain_id``/``chain_seq`` and the
    chain's new head (``ADVANCE``'s parameters)."""

    chain_hash: str
    chain_id: int
    chain_seq: int
    head: dict[str, Any]

    def columns(self) -> dict[str, Any]:
        return {
            "chain_hash": self.chain_hash,
            "chain_id": self.chain_id,
            "chain_seq": self.chain_seq,
        }


def link_query(row: Mapping[str, Any]) -> dict[str, Any]:
    """:data:`LINK`'s parameters for the history row ``row``."""
    case_id = row["case_id"]
    return {"l_case_id": case_id, "l_prev": row["seq"] - 1, "l_chain": chain_of(case_id)}


def link(found: tuple[Any, ...], row: Mapping[str, Any]) -> Link:
    """The link for ``row`` from what :data:`LINK` read (previous hash, count, head)."""
    previous, count, head = found
    hashed, chain = row_hash(previous, row), chain_of(row["case_id"])
    advance = {"h_chain": chain, "h_count": count + 1, "h_head": next_head(head, hashed)}
    return Link(hashed, chain, count + 1, advance)


def append_event(connection: Connection, row: dict[str, Any]) -> None:
    """Insert the history row ``row`` (``events`` columns) chained, in the caller's
    transaction, which must already have written (see the module's note)."""
    linked = link(tuple(connection.execute(LINK, link_query(row)).one()), row)
    connection.execute(EVENTS.insert().values(**row, **linked.columns()))
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
    cases = {
        case: (revision, state)
        for case, revision, state in connection.execute(
            select(CASES.c.id, CASES.c.revision, CASES.c.state)
        )
    }
    revisions = {case: revision for case, (revision, _) in cases.items()}
    rows, case_id, expected, previous, reached = 0, None, 1, GENESIS, ""
    breaks: list[ChainBreak] = []

    def ended(case: int | None, last: int) -> None:
        counted = revisions.pop(case, last) if case is not None else last
        if counted != last:
            breaks.append(
                ChainBreak(
                    case or 0,
                    last + 1,
                    f"dossier {case}: rij {last + 1} en later ontbreken "
                    f"(het dossier telt {counted} gebeurtenissen)",
                )
            )
        elif case in cases and cases[case][1] != reached:
            # every row names the state it left the case in: the case is in the last one's
            breaks.append(
                ChainBreak(
                    case,
                    last,
                    f"dossier {case}: de stap van het dossier is gewijzigd buiten de geschiedenis "
                    f"om (zijn laatste rij, rij {last}, bracht het in een andere stap)",
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
        previous, expected, reached = hashed, expected + 1, values["to_state"]
    ended(case_id, expected - 1)
    if not breaks and revisions:  # cases without a single history row
        empty = min(revisions)
        breaks.append(ChainBreak(empty, 1, f"dossier {empty}: rij 1 ontbreekt"))
    return rows, breaks[0] if breaks else None


def _check_database(connection: Connection) -> ChainBreak | None:
    """The database's chains: every row's hash in the order rows were added, and the heads."""
    heads = {
        chain: (count, head)
        for chain, count, head in connection.execute(
            select(HISTORY_CHAIN.c.id, HISTORY_CHAIN.c.row_count, HISTORY_CHAIN.c.head_hash)
        )
    }
    for wanted in range(1, CHAINS + 1):
        if wanted not in heads:
            return ChainBreak(None, None, f"de kop van databaseketen {wanted} ontbreekt")
    query = select(EVENTS.c.chain_id, EVENTS.c.chain_seq, EVENTS.c.chain_hash).order_by(
        EVENTS.c.chain_id, EVENTS.c.chain_seq
    )
    # Every chain, the ones without rows too, from its first row to the end its head says.
    ended: dict[int, tuple[str, int]] = dict.fromkeys(heads, (GENESIS, 0))
    chain: int | None = None
    computed, count = GENESIS, 0
    for chain_id, chain_seq, hashed in connection.execution_options(
        stream_results=True, yield_per=5000
    ).execute(query):
        if chain_id != chain:
            if chain_id not in heads:
                return ChainBreak(None, None, f"databaseketen {chain_id} heeft geen kop")
            chain, computed, count = chain_id, GENESIS, 0
        count += 1
        if chain_seq != count:  # a deleted row: whose it was, the chain cannot say
            return ChainBreak(
                None, None, f"databaseketen {chain}: de rij op positie {count} ontbreekt"
            )
        computed = next_head(computed, hashed)
        ended[chain_id] = (computed, count)
    for chain_id, (computed, count) in sorted(ended.items()):
        broken = _chain_end(chain_id, heads[chain_id], computed, count)
        if broken:
            return broken
    return None


def _chain_end(chain: int, head: tuple[int, str], computed: str, count: int) -> ChainBreak | None:
    """Whether ``chain`` ends where its head says: ``count`` rows hashing to ``computed``."""
    recorded, head_hash = head
    if count < recorded:
        missing = (
            f"de rij op positie {recorded} ontbreekt"
            if recorded == count + 1
            else f"de rijen op positie {count + 1} t/m {recorded} ontbreken"
        )
        return ChainBreak(
            None,
            None,
            f"databaseketen {chain}: {missing} ({recorded} rijen vastgelegd, {count} gevonden)",
        )
    if count > recorded or computed != head_hash:
        return ChainBreak(None, None, f"databaseketen {chain}: de kop klopt niet met de rijen")
    return None


def verify(engine: Engine) -> ChainReport:
    """Check every case's chain and the database's; the first break, if any."""
    with engine.connect() as connection:
        rows, broken = _check_cases(connection)
        broken = broken or _check_database(connection)
        cases = connection.execute(select(func.count()).select_from(CASES)).scalar_one()
    return ChainReport(rows, int(cases), broken)
