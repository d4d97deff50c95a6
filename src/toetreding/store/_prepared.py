"""A Core statement compiled once for one dialect and run on a DBAPI cursor with
SQLAlchemy's own bind and result processors (see ``_hotpath``); a long list's rows read as
the driver's tuples (``plain_rows``).

On SQLite, moments are converted by two short functions instead of SQLAlchemy's chain of
processors (the aware-UTC type, then SQLite's text format), used only after checking that
they give SQLAlchemy's own answer (``_same_as``); a JSON value is checked for NUL in its
encoded text (JSON writes a NUL as ``\\u0000``) instead of by walking it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
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

from toetreding._exceptions import InvalidInputError
from toetreding.store.database import refuse_nul

_Processor = Callable[[Any], Any]
R = TypeVar("R")
# Values of these types hold no text: the NUL check skips them (see ``Prepared.run``).
_NO_TEXT = (Integer, Numeric, Boolean, Date, DateTime, LargeBinary)


class Prepared:
    """One of the statements above, compiled for one dialect, run on a DBAPI cursor."""

    __slots__ = (
        "_dialect",
        "_get",
        "_literals",
        "_names",
        "_processes",
        "_results",
        "_select",
        "_single",
        "_texts",
        "sql",
    )

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)  # a statement's compiler, not a DDL one
        self.sql = compiled.string
        self._dialect = dialect
        escaped = compiled.escaped_bind_names
        order = compiled.positiontup if compiled.positional else list(compiled.binds)
        # By parameter, in the order of the SQL text: the caller's keys (read in one go),
        # the bind processor of each that has one, and the statement's literals, bound here.
        keys: list[str] = []
        self._processes: list[tuple[int, _Processor]] = []
        self._literals: list[tuple[int, Any]] = []
        # The caller's keys whose values may hold text: the only ones checked for NUL here.
        self._texts: list[str] = []
        for position, name in enumerate(order or ()):
            param = compiled.binds[name]
            process: _Processor | None = param.type.dialect_impl(dialect).bind_processor(dialect)
            if not param.required:
                value = param.effective_value
                self._literals.append((position, value if process is None else process(value)))
                continue
            kind = param.type
            if isinstance(kind, TypeDecorator):  # e.g. the aware UTC moments
                kind = kind.impl_instance
            if isinstance(kind, JSON) and process is not None:
                process = _nul_checked(process)  # checked as it is encoded
            elif isinstance(kind, DateTime) and process is not None:
                process = _same_as(process, _sqlite_moment, _A_MOMENT, dialect)
            elif not isinstance(kind, _NO_TEXT):
                self._texts.append(param.key)
            if process is not None:
                self._processes.append((len(keys), process))
            keys.append(param.key)
        self._single = len(keys) == 1  # itemgetter of one key gives the value, not a tuple
        self._get = itemgetter(*keys) if keys else None
        # Named parameters (psycopg) go as a dict; positional ones (sqlite3) as a list.
        names = [escaped.get(name, name) for name in order or ()]
        self._names = None if compiled.positional else names
        self._select = statement if isinstance(statement, Select) else None
        self._results: list[tuple[int, _Processor]] | None = None

    def run(self, cursor: Any, values: Mapping[str, Any]) -> Any:
        """Execute with ``values`` keyed by the bindparam keys; returns the cursor."""
        # As the engine does for every other statement, but only for the values that may be
        # text (ids, moments and dates are not; JSON is checked as it is encoded).
        if self._texts:
            refuse_nul([values[key] for key in self._texts])
        try:
            get = self._get
            bound = [] if get is None else [get(values)] if self._single else list(get(values))
            for index, process in self._processes:
                bound[index] = process(bound[index])
            for position, literal in self._literals:  # in order: each lands at its place
                bound.insert(position, literal)
            cursor.execute(
                self.sql,
                bound if self._names is None else dict(zip(self._names, bound, strict=True)),
            )
        except InvalidInputError:
            raise
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
            kind = column.type
            if isinstance(kind, TypeDecorator):
                kind = kind.impl_instance
            if isinstance(kind, DateTime):
                process = _same_as(process, _sqlite_moment_read, _A_STORED, dialect)
            found.append((index, process))
    return found


# --- SQLite's moments, without SQLAlchemy's chain of processors ---------------------------

_A_MOMENT = datetime(2026, 9, 2, 8, 30, 5, 120, tzinfo=UTC)
_A_STORED = "2026-09-02 08:30:05.000120"


def _sqlite_moment(value: Any) -> Any:
    """An aware moment as SQLite stores it: UTC, as text to the microsecond."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise _Declined  # SQLAlchemy's own processor says why it is refused
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_moment_read(value: Any) -> Any:
    """A stored moment read back: aware, in UTC."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _Declined(Exception):
    """A fast converter leaves this value to SQLAlchemy's processor."""


def _same_as(original: _Processor, fast: _Processor, sample: Any, dialect: Dialect) -> _Processor:
    """``fast`` where it gives what SQLAlchemy's ``original`` gives (checked once, on a
    sample), with ``original`` for what it declines; else ``original`` itself."""
    if dialect.name != "sqlite":
        return original
    try:
        if fast(sample) != original(sample) or fast(None) != original(None):
            return original
    except Exception:
        return original

    def converted(value: Any) -> Any:
        try:
            return fast(value)
        except _Declined:
            return original(value)
        except ValueError:  # what the fast one cannot read, SQLAlchemy's says why
            return original(value)

    return converted


def _nul_checked(process: _Processor) -> _Processor:
    """A JSON bind processor that refuses NUL anywhere in the value (see ``refuse_nul``):
    checked on the encoded text, where it shows as ``\\u0000``; walked only then (or if
    the driver is given something else than text)."""

    def checked(value: Any) -> Any:
        encoded = process(value)
        if not isinstance(encoded, str) or "\\u0000" in encoded:
            refuse_nul((value,))
        return encoded

    return checked


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
