"""tamper-evident history: a hash per history row, chained per case, and the database's chain

Adds ``events.chain_hash`` and ``events.chain_seq`` and the one-row table ``history_chain``
(see ``store/history_chain.py``), and builds the chains for the rows already there: per case
in ``seq`` order, the database's chain in the order the rows were added (``id``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from toetreding.store.history_chain import GENESIS, HASHED, HEAD_ID, next_head, row_hash

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    *(sa.column(name, sa.JSON if name == "payload" else None) for name in HASHED),
    sa.column("chain_hash", sa.String),
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
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("chain_seq", sa.Integer(), nullable=True))
    op.create_table(
        "history_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_events).order_by(_events.c.case_id, _events.c.seq)
    ).mappings()
    previous: dict[int, str] = {}
    hashes: dict[int, str] = {}
    for row in rows:
        hashed = row_hash(previous.get(row["case_id"], GENESIS), row)
        previous[row["case_id"]] = hashes[row["id"]] = hashed
    head, links = GENESIS, []
    for position, event_id in enumerate(sorted(hashes), start=1):
        head = next_head(head, hashes[event_id])
        links.append({"e_id": event_id, "e_hash": hashes[event_id], "e_seq": position})
    if links:
        connection.execute(
            _events.update()
            .where(_events.c.id == sa.bindparam("e_id"))
            .values(chain_hash=sa.bindparam("e_hash"), chain_seq=sa.bindparam("e_seq")),
            links,
        )
    connection.execute(_head.insert().values(id=HEAD_ID, row_count=len(hashes), head_hash=head))


def downgrade() -> None:
    op.drop_table("history_chain")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("chain_seq")
        batch_op.drop_column("chain_hash")
