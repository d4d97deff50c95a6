"""school calendar in the database; deadlines that wait for calendar data

The summer vacations per region (``school_vacations``) and a partnership's own days off
(``partnership_days_off``) move from the YAML file into the database, where administrators
keep them; every change is kept in ``calendar_changes``. Seeded with the one school year the
shipped ``protocols/calendar/zomervakanties.yaml`` has with a cited official source.

A deadline whose date needs calendar data that is missing no longer refuses the step: its
``due_date`` is empty ("datum volgt") and ``waiting_for`` names what is missing.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 02:40:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The data of protocols/calendar/zomervakanties.yaml at this revision (copied, so the
# migration means the same whatever the file says later).
SEED_SOURCE = (
    "https://rijksoverheid.nl/onderwerpen/schoolvakanties/overzicht-schoolvakanties-per-"
    "schooljaar/overzicht-schoolvakanties-2027-2028"
)
SEED = {
    "noord": (date(2028, 7, 15), date(2028, 8, 27)),
    "midden": (date(2028, 7, 8), date(2028, 8, 20)),
    "zuid": (date(2028, 7, 22), date(2028, 9, 3)),
}
SEEDED_AT = datetime(2026, 12, 6, 0, 0, tzinfo=UTC)


def upgrade() -> None:
    vacations = op.create_table(
        "school_vacations",
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"]),
        sa.PrimaryKeyConstraint("school_year", "region"),
    )
    op.create_table(
        "partnership_days_off",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnerships.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"]),
        sa.PrimaryKeyConstraint("partnership_id", "day"),
    )
    changes = op.create_table(
        "calendar_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("old_value", sa.String(length=120), nullable=True),
        sa.Column("new_value", sa.String(length=120), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_calendar_changes_at", "calendar_changes", ["at"], unique=False)
    op.bulk_insert(
        vacations,
        [
            {
                "school_year": "2027-2028",
                "region": region,
                "start_date": start,
                "end_date": end,
                "source": SEED_SOURCE,
                "updated_at": SEEDED_AT,
            }
            for region, (start, end) in SEED.items()
        ],
    )
    op.bulk_insert(
        changes,
        [
            {
                "at": SEEDED_AT,
                "subject": f"zomervakantie 2027-2028 {region}",
                "new_value": f"{start:%d-%m-%Y} t/m {end:%d-%m-%Y}",
                "source": SEED_SOURCE,
            }
            for region, (start, end) in SEED.items()
        ],
    )
    _due_dates(nullable=True)
    op.add_column("deadlines", sa.Column("waiting_for", sa.String(length=120), nullable=True))


def downgrade() -> None:
    op.drop_column("deadlines", "waiting_for")
    # A deadline still waiting for its date gets the day it was opened: it shows, overdue.
    op.execute(
        "UPDATE deadlines SET due_date = CAST(created_at AS DATE), "
        "original_due_date = CAST(created_at AS DATE) WHERE due_date IS NULL"
        if op.get_bind().dialect.name == "postgresql"
        else "UPDATE deadlines SET due_date = date(created_at), "
        "original_due_date = date(created_at) WHERE due_date IS NULL"
    )
    _due_dates(nullable=False)
    op.drop_index("ix_calendar_changes_at", table_name="calendar_changes")
    op.drop_table("calendar_changes")
    op.drop_table("partnership_days_off")
    op.drop_table("school_vacations")


def _due_dates(*, nullable: bool) -> None:
    """Make the two due-date columns (not) nullable.

    On SQLite without rebuilding ``deadlines``: a rebuild drops the table, which the
    reminders' foreign keys refuse. Instead each column is replaced by a new one (ALTER TABLE
    ADD/DROP/RENAME COLUMN, SQLite 3.35+), the index on it dropped and made again."""
    if op.get_bind().dialect.name != "sqlite":
        for column in ("due_date", "original_due_date"):
            op.alter_column("deadlines", column, existing_type=sa.Date(), nullable=nullable)
        return
    op.drop_index("ix_deadlines_status_due", table_name="deadlines")
    for column in ("due_date", "original_due_date"):
        null = "" if nullable else " NOT NULL DEFAULT '1970-01-01'"
        op.execute(f"ALTER TABLE deadlines ADD COLUMN {column}_new DATE{null}")
        op.execute(f"UPDATE deadlines SET {column}_new = {column}")
        op.execute(f"ALTER TABLE deadlines DROP COLUMN {column}")
        op.execute(f"ALTER TABLE deadlines RENAME COLUMN {column}_new TO {column}")
    op.create_index("ix_deadlines_status_due", "deadlines", ["status", "due_date"], unique=False)
