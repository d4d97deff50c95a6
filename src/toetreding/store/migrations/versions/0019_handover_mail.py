"""hand-over e-mails in the reminder ledger

When a step hands a case to another role, the people holding it get one e-mail, through the
reminder ledger. ``reminders.event_id``: such a row names the history row of the step and no
deadline (``deadline_id`` may now be empty), unique on (event, person). ``cases.handover_seq``:
the last history row the planner looked at; existing cases start at their current revision,
so nobody is told about steps taken before this version. ``accounts.handover_mail``: the
person's choice on the account page.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 05:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE = "revision > handover_seq"


def upgrade() -> None:
    # Plain ADD COLUMN (a default makes it valid on SQLite): copying ``cases`` or
    # ``accounts`` in batch mode would trip the foreign keys that point at them.
    op.add_column(
        "cases", sa.Column("handover_seq", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute("UPDATE cases SET handover_seq = revision")
    op.create_index(
        "ix_cases_handover_due",
        "cases",
        ["id"],
        unique=False,
        sqlite_where=sa.text(DUE),
        postgresql_where=sa.text(DUE),
    )
    op.add_column(
        "accounts",
        sa.Column("handover_mail", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.alter_column("deadline_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_reminders_event_id", "events", ["event_id"], ["id"])
        batch_op.create_unique_constraint("uq_reminders_handover", ["event_id", "person_id"])


def downgrade() -> None:
    op.execute("DELETE FROM reminders WHERE event_id IS NOT NULL")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reminders_handover", type_="unique")
        batch_op.drop_constraint("fk_reminders_event_id", type_="foreignkey")
        batch_op.drop_column("event_id")
        batch_op.alter_column("deadline_id", existing_type=sa.Integer(), nullable=False)
    op.drop_column("accounts", "handover_mail")  # DROP COLUMN: SQLite 3.35 and later
    op.drop_index("ix_cases_handover_due", table_name="cases")
    op.drop_column("cases", "handover_seq")
