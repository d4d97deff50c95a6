"""A step as one PostgreSQL statement: move the case, move the chain's head, add the row.

On PostgreSQL every statement is a round trip to the server, and so are ``BEGIN`` and
``COMMIT``. A step that changes no deadline and keeps no file is therefore sent as one
statement run on its own (autocommit: the statement is its own transaction, all of it or
nothing), built from data-modifying CTEs:

* ``moved``: the guarded ``UPDATE`` of the case (``WHERE revision = :loaded``);
* ``head``: only when the case moved, the head of the case's chain one row further, its new
  hash computed by the server as ``history_chain.next_head`` computes it in Python
  (``sha256(head || '\\n' || row hash)`` as hex), which locks the head row to the commit
  that follows at once;
* the history row, with its hash (computed in Python from the case's previous row, read
  with the case) and its place in the database's chain (the head's new count).

When the case moved meanwhile nothing is written and no row is inserted (``rowcount`` 0).

``CHAIN`` is the same without the case: the history row and its chain's head in one
statement, for a transaction that moved the case (or inserted it) already.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, exists, func, insert, literal, select, update

from toetreding.store._common import CASES, EVENTS, HISTORY_CHAIN
from toetreding.store.history_chain import HASHED

_moved = (
    update(CASES)
    .where(CASES.c.id == bindparam("m_id"), CASES.c.revision == bindparam("m_revision"))
    .values(
        state=bindparam("m_state"),
        revision=bindparam("m_new_revision"),
        updated_at=bindparam("m_at"),
        closed_at=bindparam("m_closed_at"),
    )
    .returning(CASES.c.id)
    .cte("moved")
)
_hashed = bindparam("e_chain_hash", type_=EVENTS.c.chain_hash.type)
_chain = bindparam("e_chain_id", type_=EVENTS.c.chain_id.type)
_advanced = update(HISTORY_CHAIN).values(
    row_count=HISTORY_CHAIN.c.row_count + 1,
    head_hash=func.encode(
        func.sha256(func.convert_to(HISTORY_CHAIN.c.head_hash + literal("\n") + _hashed, "UTF8")),
        "hex",
    ),
)


def _chained(head: Any) -> Any:
    """The history row (``e_*`` parameters), at the place in its chain ``head`` returns."""
    return insert(EVENTS).from_select(
        [*HASHED, "chain_hash", "chain_id", "chain_seq"],
        select(
            *(bindparam(f"e_{name}", type_=EVENTS.c[name].type) for name in HASHED),
            _hashed,
            _chain,
            head.c.row_count,
        ),
    )


STEP = _chained(
    _advanced.where(HISTORY_CHAIN.c.id == _chain, exists(select(_moved.c.id)))
    .returning(HISTORY_CHAIN.c.row_count)
    .cte("head")
)
# The history row and its chain's head alone, in a transaction that has written already
# (opening a case, a step with deadline changes or files): one statement, not three.
CHAIN = _chained(
    _advanced.where(HISTORY_CHAIN.c.id == _chain).returning(HISTORY_CHAIN.c.row_count).cte("head")
)
