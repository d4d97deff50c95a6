"""case files

Uploaded files of a dossier: ``case_files`` holds their metadata (case, artefact, version,
name, media type, size, SHA-256, who uploaded them when, the step that brought them);
``file_chunks`` their bytes when they are kept in the database (the PostgreSQL file store).
Nothing existing changes: document names typed before this revision stay in the history
rows where they are, and are shown as a name without a file.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("artefact", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(40), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["uploaded_by"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "artefact", "version", "part", name="uq_case_files_version"),
    )
    with op.batch_alter_table("case_files", schema=None) as batch_op:
        batch_op.create_index("ix_case_files_sha256", ["sha256"], unique=False)

    op.create_table(
        "file_chunks",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "seq"),
    )


def downgrade() -> None:
    op.drop_table("file_chunks")
    with op.batch_alter_table("case_files", schema=None) as batch_op:
        batch_op.drop_index("ix_case_files_sha256")

    op.drop_table("case_files")
