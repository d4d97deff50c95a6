"""The base of every table and schema class in this package, imported from here so that its
setting holds before any of them is defined; and the partial indexes of the tables.

Every class here is a pydantic model. Pydantic builds a model's validator when the model is
first used, not when the class is made (``defer_build``): a command uses a few of the
seventy-odd, and building all of them took 8% of ``toetreding case show``'s start.
"""

from sqlalchemy import Index, text
from sqlmodel import SQLModel

SQLModel.model_config["defer_build"] = True

# Each partial index and the condition of its rows, see partial_index.
_PARTIAL: list[tuple[Index, str]] = []


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index on the rows for which the SQL condition ``where`` holds.

    The condition is for creating the index (the migrations do, with their own copy) and for
    comparing the tables with a database; no query needs it. So it is added to the index by
    :func:`complete_partial_indexes`, which ``register_all_tables`` calls: naming it here as
    ``postgresql_where`` made SQLAlchemy load its PostgreSQL dialect, with all its drivers,
    on every start, even on SQLite (a tenth of defining the tables)."""
    index = Index(name, *columns, unique=unique)
    _PARTIAL.append((index, where))
    return index


def complete_partial_indexes() -> None:
    """Give every partial index defined so far its condition, for SQLite and PostgreSQL."""
    for index, where in _PARTIAL:
        index.dialect_kwargs["sqlite_where"] = text(where)
        index.dialect_kwargs["postgresql_where"] = text(where)


__all__ = ["SQLModel", "complete_partial_indexes", "partial_index"]
