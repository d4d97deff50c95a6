"""frame answers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 01:44:38.255055
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "frame_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.String(60), nullable=False),
        sa.Column("framework_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(60), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "case_id", "framework_id", "question_id", "revision", name="uq_frame_answers_revision"
        ),
    )


def downgrade() -> None:
    op.drop_table("frame_answers")
