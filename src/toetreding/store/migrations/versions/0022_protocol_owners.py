"""the partnership a published protocol belongs to

``published_protocols.partnership_id``: a protocol published in the app for one partnership
is seen and used by that partnership only; NULL is a shared version (a new version of a
shipped protocol, and every version published before this revision), seen by all.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("published_protocols", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partnership_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_published_protocols_partnership", "partnerships", ["partnership_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("published_protocols", schema=None) as batch_op:
        batch_op.drop_constraint("fk_published_protocols_partnership", type_="foreignkey")
        batch_op.drop_column("partnership_id")
