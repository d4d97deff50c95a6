"""Alembic environment: runs against the engine handed over by toetreding.store.database."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from toetreding.store.tables import register_all_tables

register_all_tables()  # every table on SQLModel.metadata, for the drift check


def _render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render SQLModel's column types as plain SQLAlchemy ones in new migrations."""
    if kind == "type" and isinstance(obj, AutoString):
        return f"sa.String({obj.length or ''})"
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
    )
    context.run_migrations()
