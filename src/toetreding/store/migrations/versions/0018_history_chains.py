"""the database's chain over the history rows as 16 chains, so writers need not queue

``events.chain_id`` names the chain a row is in; ``history_chain`` gets a head row per chain
(ids 2 to 16, empty). The rows already there stay where they are: chain 1, in their order.
A new row goes to the chain of its case (``store/history_chain.py``: ``chain_of``), so two
requests on cases of different chains do not wait for each other's head.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from toetreding.store.history_chain import GENESIS, HEAD_ID, next_head

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHAINS = 16  # as history_chain.CHAINS when this was written
_events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("chain_hash", sa.String),
    sa.column("chain_id", sa.Integer),
    sa.column("chain_seq", sa.Integer),
)
_head = sa.table(
    "history_chain",
    sa.column("id", sa.Integer),
    sa.column("row_count", sa.Integer),
    sa.column("head_hash", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_id", sa.Integer(), nullable=True))
    connection = op.get_bind()
    connection.execute(_events.update().values(chain_id=HEAD_ID))
    connection.execute(
        _head.insert(),
        [{"id": chain, "row_count": 0, "head_hash": GENESIS} for chain in range(2, CHAINS + 1)],
    )


def downgrade() -> None:
    """One chain again: every row in the order the rows were added (``id``)."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(_events.c.id, _events.c.chain_hash).order_by(_events.c.id))
    head, links = GENESIS, []
    for position, (event_id, hashed) in enumerate(rows, start=1):
        head = next_head(head, hashed)
        links.append({"e_id": event_id, "e_seq": position})
    if links:
        connection.execute(
            _events.update()
            .where(_events.c.id == sa.bindparam("e_id"))
            .values(chain_seq=sa.bindparam("e_seq")),
            links,
        )
    connection.execute(_head.delete().where(_head.c.id != HEAD_ID))
    connection.execute(
        _head.update().where(_head.c.id == HEAD_ID).values(row_count=len(links), head_hash=head)
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("chain_id")
