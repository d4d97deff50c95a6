"""which shared protocols a partnership uses

``protocol_uses``: a partnership may leave a shared protocol (a shipped one, or a version
published for all) out, and take it up again; every choice is a row, the newest per
partnership and protocol counting. No row: the partnership uses it, as every partnership did
before this revision.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 20:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "protocol_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.String(length=60), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("chosen_by", sa.Integer(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnerships.id"]),
        sa.ForeignKeyConstraint(["chosen_by"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_protocol_uses_partnership", "protocol_uses", ["partnership_id", "protocol_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_protocol_uses_partnership", table_name="protocol_uses")
    op.drop_table("protocol_uses")
