"""protocol versions published in the app

Administrators publish a new protocol version from the editor, the CLI or the API; its text
is kept unchanged in ``published_protocols`` (a change is a new version).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "published_protocols",
        sa.Column("protocol_id", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["published_by"], ["people.id"]),
        sa.PrimaryKeyConstraint("protocol_id", "version"),
    )


def downgrade() -> None:
    op.drop_table("published_protocols")
