"""what a waiting deadline waits for, as data

``deadlines.waiting_year`` and ``deadlines.waiting_region``: a deadline whose date follows
("datum volgt") names the school year whose summer vacation is missing and its region (NULL:
the year as a whole), beside ``waiting_for``, the same in words. ``toetreding doctor`` reads
these instead of the words. The deadlines already waiting get them from their words, as
written until now (``zomervakantie 2025-2026 van regio noord``); words that read otherwise
are left as they are (NULL).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 01:10:00.000000
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words every waiting deadline was written with before this revision.
_WORDS = re.compile(r"^zomervakantie (?P<year>\d{4}-\d{4})(?: van regio (?P<region>\w+))?$")


def upgrade() -> None:
    # plain ALTER TABLE, also on SQLite: a batch rebuild drops ``deadlines``, which the
    # reminders' foreign keys refuse (as in 0014)
    op.add_column("deadlines", sa.Column("waiting_year", sa.String(length=9), nullable=True))
    op.add_column("deadlines", sa.Column("waiting_region", sa.String(length=20), nullable=True))
    deadlines = sa.table(
        "deadlines",
        sa.column("id", sa.Integer()),
        sa.column("waiting_for", sa.String()),
        sa.column("waiting_year", sa.String()),
        sa.column("waiting_region", sa.String()),
    )
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(deadlines.c.id, deadlines.c.waiting_for).where(
            deadlines.c.waiting_for.is_not(None)
        )
    ).all()
    for deadline_id, words in waiting:
        found = _WORDS.match(words)
        if found is None:
            continue
        connection.execute(
            deadlines.update()
            .where(deadlines.c.id == deadline_id)
            .values(waiting_year=found["year"], waiting_region=found["region"])
        )


def downgrade() -> None:
    op.drop_column("deadlines", "waiting_region")
    op.drop_column("deadlines", "waiting_year")
