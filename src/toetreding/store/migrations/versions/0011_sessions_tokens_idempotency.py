"""sessions, API tokens, sign-in attempts, idempotent requests

Sign-in sessions move to the server (``web_sessions``: a session ends when its row goes, at
sign-out, a new password, a reset or an administrator's revoke). A person may have several
named API tokens that expire (``api_tokens``); the one token per account
(``accounts.api_token_hash``) moves there, named "API-token", valid for 90 days from this
migration. Failed sign-ins are counted in ``sign_in_attempts`` (throttling), and answers to
API requests made with an ``Idempotency-Key`` kept in ``idempotent_requests``.

Sessions signed in before this migration end (their cookie names no session row).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 12:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATED_TOKEN_NAME = "API-token"
MIGRATED_TOKEN_DAYS = 90


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("secret_hash", name="uq_web_sessions_secret"),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_web_sessions_person", ["person_id"], unique=False)
        batch_op.create_index("ix_web_sessions_expires", ["expires_at"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_hash"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_api_tokens_person", ["person_id"], unique=False)

    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(12), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_attempts_key", ["scope", "key", "at"], unique=False)

    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "key", name="uq_idempotent_requests_key"),
    )
    with op.batch_alter_table("idempotent_requests", schema=None) as batch_op:
        batch_op.create_index("ix_idempotent_requests_created", ["created_at"], unique=False)

    _move_api_tokens()
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_api_token")
        batch_op.drop_column("api_token_hash")


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_token_hash", sa.String(64), nullable=True))
        batch_op.create_index("ix_accounts_api_token", ["api_token_hash"], unique=False)
    _move_api_tokens_back()

    with op.batch_alter_table("idempotent_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotent_requests_created")
    op.drop_table("idempotent_requests")
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_attempts_key")
    op.drop_table("sign_in_attempts")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_api_tokens_person")
    op.drop_table("api_tokens")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_web_sessions_expires")
        batch_op.drop_index("ix_web_sessions_person")
    op.drop_table("web_sessions")


_ACCOUNTS = sa.table(
    "accounts",
    sa.column("person_id", sa.Integer()),
    sa.column("api_token_hash", sa.String()),
)
_TOKENS = sa.table(
    "api_tokens",
    sa.column("id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("token_hash", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("expires_at", sa.DateTime(timezone=True)),
)


def _move_api_tokens() -> None:
    """Each account's one API token becomes a named token that expires in 90 days."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    found = bind.execute(
        sa.select(_ACCOUNTS.c.person_id, _ACCOUNTS.c.api_token_hash).where(
            _ACCOUNTS.c.api_token_hash.is_not(None)
        )
    ).all()
    for person_id, token_hash in found:
        bind.execute(
            _TOKENS.insert().values(
                person_id=person_id,
                name=MIGRATED_TOKEN_NAME,
                token_hash=token_hash,
                created_at=now,
                expires_at=now + timedelta(days=MIGRATED_TOKEN_DAYS),
            )
        )


def _move_api_tokens_back() -> None:
    """Each person's newest API token becomes the account's one token again."""
    bind = op.get_bind()
    newest: dict[int, str] = {}
    for person_id, token_hash in bind.execute(
        sa.select(_TOKENS.c.person_id, _TOKENS.c.token_hash).order_by(_TOKENS.c.id)
    ):
        newest[person_id] = token_hash
    for person_id, token_hash in newest.items():
        bind.execute(
            _ACCOUNTS.update()
            .where(_ACCOUNTS.c.person_id == person_id)
            .values(api_token_hash=token_hash)
        )
