"""the conversation frame a partnership chose

``frame_choices``: where a protocol's step asks for a conversation frame (the FROSK intake
questions), a partnership may use a framework of its own or another shipped one. Every choice
is a row; the newest per (partnership, frame) counts and the older ones are its log.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "frame_choices",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("frame_id", sa.String(length=60), nullable=False),
        sa.Column("framework_id", sa.String(length=60), nullable=False),
        sa.Column("chosen_by", sa.Integer(), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnerships.id"]),
        sa.ForeignKeyConstraint(["chosen_by"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_frame_choices_partnership", "frame_choices", ["partnership_id", "frame_id"])


def downgrade() -> None:
    op.drop_index("ix_frame_choices_partnership", table_name="frame_choices")
    op.drop_table("frame_choices")
