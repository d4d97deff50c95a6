"""audit interviews

An audit's interviews with the protocol's groups were called sessions, a word that also
means the database session and the sign-in session. Table ``audit_sessions`` becomes
``audit_interviews``, ``findings.session_id`` becomes ``interview_id`` (with its foreign
key), and the findings frozen in a report's content name their interview under
``interview`` instead of ``session``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL named these after the old table and column (SQLite's constraints are unnamed):
# (table, name before, name after).
POSTGRES_CONSTRAINTS = (
    ("audit_interviews", "audit_sessions_pkey", "audit_interviews_pkey"),
    ("audit_interviews", "audit_sessions_audit_id_fkey", "audit_interviews_audit_id_fkey"),
    ("findings", "findings_session_id_fkey", "findings_interview_id_fkey"),
)
POSTGRES_SEQUENCE = ("audit_sessions_id_seq", "audit_interviews_id_seq")


def upgrade() -> None:
    with op.batch_alter_table("audit_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_sessions_audit")
    op.rename_table("audit_sessions", "audit_interviews")
    with op.batch_alter_table("audit_interviews", schema=None) as batch_op:
        batch_op.create_index("ix_audit_interviews_audit", ["audit_id"], unique=False)

    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.alter_column("session_id", new_column_name="interview_id")
    _rename_postgres_names(forward=True)
    _rename_report_key("session", "interview")


def downgrade() -> None:
    _rename_report_key("interview", "session")
    _rename_postgres_names(forward=False)
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.alter_column("interview_id", new_column_name="session_id")

    with op.batch_alter_table("audit_interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_interviews_audit")
    op.rename_table("audit_interviews", "audit_sessions")
    with op.batch_alter_table("audit_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_audit_sessions_audit", ["audit_id"], unique=False)


def _rename_postgres_names(*, forward: bool) -> None:
    """Keep PostgreSQL's generated names in step with the table and column they name
    (called while the table is ``audit_interviews``, in both directions)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, before, after in POSTGRES_CONSTRAINTS:
        old, new = (before, after) if forward else (after, before)
        op.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}")
    old, new = POSTGRES_SEQUENCE if forward else POSTGRES_SEQUENCE[::-1]
    op.execute(f"ALTER SEQUENCE {old} RENAME TO {new}")


def _rename_report_key(old: str, new: str) -> None:
    """Rename the key of every finding in every report's frozen content (``content``
    ``findings`` → criterion → key), keeping the keys' order."""
    reports = sa.table("reports", sa.column("id", sa.Integer()), sa.column("content", sa.JSON()))
    bind = op.get_bind()
    for report_id, content in bind.execute(sa.select(reports.c.id, reports.c.content)).all():
        findings = content.get("findings") or {}
        if not any(old in (finding or {}) for finding in findings.values()):
            continue
        renamed = {
            **content,
            "findings": {c: _renamed(f, old, new) for c, f in findings.items()},
        }
        bind.execute(reports.update().where(reports.c.id == report_id).values(content=renamed))


def _renamed(finding: dict[str, Any] | None, old: str, new: str) -> dict[str, Any] | None:
    if not finding:
        return finding
    return {new if key == old else key: value for key, value in finding.items()}
