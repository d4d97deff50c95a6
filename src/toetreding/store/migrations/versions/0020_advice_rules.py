"""advice rules per partnership

``advice_rules``: advice rules a partnership published (as JSON, with the text as written and
who published it), or shipped rules recorded as used by an audit (``partnership_id`` NULL),
immutable per id and version like ``frameworks``. ``audits.advice_id``/``advice_version``:
the rules an audit opened with, so its advice keeps reading them; audits opened before this
version have none and read the newest rules of their partnership.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 19:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "advice_rules",
        sa.Column("rules_id", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnerships.id"]),
        sa.ForeignKeyConstraint(["loaded_by"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    # NULLs are distinct in unique constraints: shipped rules get their own index.
    op.create_index(
        "uq_advice_rules_shipped_version",
        "advice_rules",
        ["rules_id", "version"],
        unique=True,
        sqlite_where=sa.text("partnership_id IS NULL"),
        postgresql_where=sa.text("partnership_id IS NULL"),
    )
    op.create_index(
        "uq_advice_rules_partnership_version",
        "advice_rules",
        ["partnership_id", "rules_id", "version"],
        unique=True,
        sqlite_where=sa.text("partnership_id IS NOT NULL"),
        postgresql_where=sa.text("partnership_id IS NOT NULL"),
    )
    # Plain ADD COLUMN: copying ``audits`` in batch mode would trip the keys that point at it.
    op.add_column("audits", sa.Column("advice_id", sa.String(length=60), nullable=True))
    op.add_column("audits", sa.Column("advice_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("audits", "advice_version")  # DROP COLUMN: SQLite 3.35 and later
    op.drop_column("audits", "advice_id")
    op.drop_index("uq_advice_rules_partnership_version", table_name="advice_rules")
    op.drop_index("uq_advice_rules_shipped_version", table_name="advice_rules")
    op.drop_table("advice_rules")
