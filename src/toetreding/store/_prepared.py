"""A Core statement compiled once for one dialect and run on a DBAPI cursor with
SQLAlchemy's own bind and result processors (see ``_hotpath``); a long list's rows read as
the driver's tuples (``plain_rows``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    ClauseElement,
    Connection,
    Date,
    DateTime,
    Dialect,
    Integer,
    LargeBinary,
    Numeric,
    Select,
    TypeDecorator,
)
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.compiler import SQLCompiler

from toetreding.store.database import refuse_nul

_Processor = Callable[[Any], Any]
R = TypeVar("R")
# Values of these types hold no text: the NUL check skips them (see ``Prepared.run``).
_NO_TEXT = (Integer, Numeric, Boolean, Date, DateTime, LargeBinary)


class Prepared:
    """One of the statements above, compiled for one dialect, run on a DBAPI cursor."""

    __slots__ = ("_dialect", "_names", "_results", "_select", "_slots", "_texts", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)  # a statement's compiler, not a DDL one
        self.sql = compiled.string
        self._dialect = dialect
        escaped = compiled.escaped_bind_names
        order = compiled.positiontup if compiled.positional else list(compiled.binds)
        # By parameter, in the order of the SQL text: the caller's key and the bind processor
        # of its type, or for a literal of the statement: None and its value, bound here.
        self._slots: list[tuple[str | None, Any]] = []
        # The caller's keys whose values may hold text: the only ones checked for NUL.
        self._texts: list[str] = []
        for name in order or ():
            param = compiled.binds[name]
            process = param.type.dialect_impl(dialect).bind_processor(dialect)
            if param.required:
                self._slots.append((param.key, process))
                kind = param.type
                if isinstance(kind, TypeDecorator):  # e.g. the aware UTC moments
                    kind = kind.impl_instance
                if not isinstance(kind, _NO_TEXT):
                    self._texts.append(param.key)
            else:
                value = param.effective_value
                self._slots.append((None, value if process is None else process(value)))
        # Named parameters (psycopg) go as a dict; positional ones (sqlite3) as a list.
        names = [escaped.get(name, name) for name in order or ()]
        self._names = None if compiled.positional else names
        self._select = statement if isinstance(statement, Select) else None
        self._results: list[tuple[int, _Processor]] | None = None

    def run(self, cursor: Any, values: Mapping[str, Any]) -> Any:
        """Execute with ``values`` keyed by the bindparam keys; returns the cursor."""
        # As the engine does for every other statement, but only for the values that may be
        # text (ids, moments and dates are not): the JSON payload is walked once per step.
        refuse_nul([values[key] for key in self._texts])
        try:
            bound = [
                given if key is None else values[key] if given is None else given(values[key])
                for key, given in self._slots
            ]
            cursor.execute(
                self.sql,
                bound if self._names is None else dict(zip(self._names, bound, strict=True)),
            )
        except Exception as error:
            raise self._wrapped(error, values) from error
        return cursor

    def rows(self, cursor: Any, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Execute a select; its rows with the result processors applied."""
        try:
            fetched = self.run(cursor, values).fetchall()
        except StatementError:
            raise
        except Exception as error:  # while fetching
            raise self._wrapped(error, values) from error
        results = self._results
        if results is None:
            assert self._select is not None
            columns = self._select.selected_columns
            results = self._results = result_processors(columns, cursor.description, self._dialect)
        if not results:
            return [tuple(row) for row in fetched]
        rows = []
        for row in fetched:
            processed = list(row)
            for index, process in results:
                processed[index] = process(processed[index])
            rows.append(tuple(processed))
        return rows

    def value(self, cursor: Any, values: Mapping[str, Any]) -> Any:
        """Execute a statement returning one value (an insert's new id); that value."""
        try:
            found = self.run(cursor, values).fetchone()
        except StatementError:
            raise
        except Exception as error:  # while fetching
            raise self._wrapped(error, values) from error
        return found[0]

    def _wrapped(self, error: Exception, values: Mapping[str, Any]) -> BaseException:
        """The error as ``Connection.execute`` raises it: a ``StatementError`` (subclass)."""
        return _wrapped(self.sql, dict(values), error, self._dialect)


def _wrapped(sql: str, values: Any, error: Exception, dialect: Dialect) -> BaseException:
    return DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error, dialect=dialect)


def result_processors(
    columns: Iterable[Any], description: Sequence[Any], dialect: Dialect
) -> list[tuple[int, _Processor]]:
    """By position: SQLAlchemy's result processor of each selected column that needs one
    on this dialect (SQLite's dates come as text; PostgreSQL's as dates, needing none)."""
    found: list[tuple[int, _Processor]] = []
    for index, (column, described) in enumerate(zip(columns, description, strict=True)):
        process = column.type.dialect_impl(dialect).result_processor(dialect, described[1])
        if process is not None:
            found.append((index, process))
    return found


def plain_rows(connection: Connection, query: Select[Any], make: Callable[[Any], R]) -> list[R]:
    """Run a select and make each row with ``make`` from the driver's own tuple, processed
    as SQLAlchemy would (each distinct value once: the values to process must be hashable,
    as dates and moments from the driver are), without a ``Row`` object per row: for the
    long lists (the agenda), where those cost time and, kept alive together, the garbage
    collector's full passes."""
    result = connection.execute(query)
    cursor = result.cursor
    assert cursor is not None and cursor.description is not None  # a select has columns
    processors = result_processors(query.selected_columns, cursor.description, connection.dialect)
    try:
        fetched = cursor.fetchall()
    except Exception as error:  # while fetching, as ``Result.all`` would raise it
        raise _wrapped(str(query), None, error, connection.dialect) from error
    finally:
        result.close()
    if not processors:
        return list(map(make, fetched))
    # per processed column: the driver's value -> processed (a few hundred distinct dates)
    memos: list[tuple[int, _Processor, dict[Any, Any]]] = [(i, p, {}) for i, p in processors]

    def processed(row: Sequence[Any]) -> R:
        values = list(row)
        for index, process, done in memos:
            value = values[index]
            if value in done:
                values[index] = done[value]
            else:
                values[index] = done[value] = process(value)
        return make(values)

    return list(map(processed, fetched))
