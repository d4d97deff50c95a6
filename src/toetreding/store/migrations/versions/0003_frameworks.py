"""frameworks

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 02:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "frameworks",
        sa.Column("framework_id", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("frameworks", schema=None) as batch_op:
        # NULLs are distinct in unique constraints: shipped frameworks get their own index.
        batch_op.create_index(
            "uq_frameworks_shipped_version",
            ["framework_id", "version"],
            unique=True,
            sqlite_where=sa.text("partnership_id IS NULL"),
            postgresql_where=sa.text("partnership_id IS NULL"),
        )
        batch_op.create_index(
            "uq_frameworks_partnership_version",
            ["partnership_id", "framework_id", "version"],
            unique=True,
            sqlite_where=sa.text("partnership_id IS NOT NULL"),
            postgresql_where=sa.text("partnership_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("frameworks", schema=None) as batch_op:
        batch_op.drop_index("uq_frameworks_partnership_version")
        batch_op.drop_index("uq_frameworks_shipped_version")

    op.drop_table("frameworks")
