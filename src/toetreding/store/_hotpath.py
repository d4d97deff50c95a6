"""The request hot path: load a case for an actor, move it, append its history row.

``Connection.execute`` spends ~40 µs of Python per statement on its execution context, even
with the compiled form cached: more than SQLite needs to run the statement. What a request
runs is therefore built once as SQLAlchemy Core over the SQLModel tables, compiled once per
dialect (the SQL text is SQLAlchemy's, for SQLite and PostgreSQL alike) and executed on the
pooled DBAPI connection through SQLAlchemy's own bind and result processors of the column
types: values are stored and read exactly as through ``Connection.execute``, and errors are
wrapped the same way (``StatementError`` / ``DBAPIError`` subclasses).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import (
    Boolean,
    ClauseElement,
    Date,
    DateTime,
    Dialect,
    Engine,
    Integer,
    LargeBinary,
    Numeric,
    Select,
    TypeDecorator,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.compiler import SQLCompiler

from toetreding.roles import SCHOOL_ROLE
from toetreding.store._common import (
    CASES,
    DEADLINES,
    EVENTS,
    MEMBERSHIPS,
    PEOPLE,
    PUBLISHED_PROTOCOLS,
    SCHOOLS,
)
from toetreding.store.database import refuse_nul
from toetreding.store.history_chain import ADVANCE, HASHED, LINK
from toetreding.store.records import CaseRecord, HistoryEntry
from toetreding.store.tables import DeadlineStatus

CASE_WIDTH = len(fields(CaseRecord))
_wide = MEMBERSHIPS.alias("wide")  # the person's partnership-wide roles (no school)
_tied = MEMBERSHIPS.alias("tied")  # memberships tied to a school
# The two joins match the two partial unique indexes on memberships, so the roles are found
# by index; what they keep is what counts for this case: a 'school' role only for its school.
_CASE_FOR_ACTOR = (
    select(
        *(CASES.c[f.name] for f in fields(CaseRecord)),
        PEOPLE.c.name,
        _wide.c.role,
        _tied.c.role.label("tied_role"),
    )
    .select_from(CASES)
    .join(PEOPLE, PEOPLE.c.id == bindparam("person_id"))
    .outerjoin(
        _wide,
        (_wide.c.person_id == PEOPLE.c.id)
        & (_wide.c.partnership_id == CASES.c.partnership_id)
        & _wide.c.school_id.is_(None)
        & (_wide.c.role != SCHOOL_ROLE),
    )
    .outerjoin(
        _tied,
        (_tied.c.person_id == PEOPLE.c.id)
        & (_tied.c.partnership_id == CASES.c.partnership_id)
        & _tied.c.school_id.is_not(None)
        & ((_tied.c.role != SCHOOL_ROLE) | (_tied.c.school_id == CASES.c.school_id)),
    )
    .where(CASES.c.id == bindparam("case_id"))
)
_MOVE_CASE = (
    update(CASES)
    .where(CASES.c.id == bindparam("m_id"), CASES.c.revision == bindparam("m_revision"))
    .values(
        state=bindparam("m_state"),
        revision=bindparam("m_new_revision"),
        updated_at=bindparam("m_at"),
        closed_at=bindparam("m_closed_at"),
    )
)
_EVENT_COLUMNS = (*HASHED, "chain_hash", "chain_seq")  # every hashed field is written
_APPEND_EVENT = insert(EVENTS).values({name: bindparam(f"e_{name}") for name in _EVENT_COLUMNS})
_HISTORY = (
    select(
        *(
            PEOPLE.c.name.label("actor_name") if f.name == "actor_name" else EVENTS.c[f.name]
            for f in fields(HistoryEntry)
        )
    )
    .select_from(EVENTS)
    .outerjoin(PEOPLE, PEOPLE.c.id == EVENTS.c.actor_id)
    .where(EVENTS.c.case_id == bindparam("case_id"))
    .order_by(EVENTS.c.seq)
)

# Deadlines move with the case, in the same transaction (see ``DeadlinePlan``).
_MEET_DEADLINE = (
    update(DEADLINES)
    .where(
        DEADLINES.c.case_id == bindparam("d_case_id"),
        DEADLINES.c.status == DeadlineStatus.OPEN.value,
        DEADLINES.c.name == bindparam("d_name"),
        # a deadline still waiting for its date ("datum volgt") can be met too
        or_(DEADLINES.c.due_date.is_(None), DEADLINES.c.due_date >= bindparam("d_met_from")),
    )
    .values(
        status=DeadlineStatus.MET.value,
        resolved_at=bindparam("d_at"),
        resolved_by=bindparam("d_actor_id"),
    )
)
_CLOSE_DEADLINES = (
    update(DEADLINES)
    .where(
        DEADLINES.c.case_id == bindparam("d_case_id"),
        DEADLINES.c.status == DeadlineStatus.OPEN.value,
    )
    .values(
        status=case(
            (DEADLINES.c.due_date < bindparam("d_today"), DeadlineStatus.MISSED.value),
            else_=DeadlineStatus.CANCELLED.value,
        ),
        resolved_at=bindparam("d_at"),
    )
)
_OPEN_DEADLINE = insert(DEADLINES).values(
    case_id=bindparam("d_case_id"),
    state=bindparam("d_state"),
    name=bindparam("d_name"),
    due_date=bindparam("d_due"),
    original_due_date=bindparam("d_due"),
    waiting_for=bindparam("d_waiting"),
    status=DeadlineStatus.OPEN.value,
    created_at=bindparam("d_at"),
    next_reminder_on=bindparam("d_next"),
)

# Opening a case: the school (with its open case, if any), the person and every role they
# hold in the school's partnership, and the number of published protocol versions (which
# tells the service whether the protocols it knows are still all there are), in one query.
_open_case_of_school = (
    select(CASES.c.id)
    .where(CASES.c.school_id == SCHOOLS.c.id, CASES.c.closed_at.is_(None))
    .limit(1)
    .scalar_subquery()
)
OPENING_SCHOOL = tuple(SCHOOLS.c.keys())
OPENING_PERSON = tuple(PEOPLE.c.keys())
_OPENING = (
    select(
        *SCHOOLS.c,
        *PEOPLE.c,
        _open_case_of_school.label("open_case"),
        select(func.count()).select_from(PUBLISHED_PROTOCOLS).scalar_subquery(),
        MEMBERSHIPS.c.role,
    )
    .select_from(SCHOOLS)
    .join(PEOPLE, PEOPLE.c.id == bindparam("person_id"))
    .outerjoin(
        MEMBERSHIPS,
        (MEMBERSHIPS.c.person_id == PEOPLE.c.id)
        & (MEMBERSHIPS.c.partnership_id == SCHOOLS.c.partnership_id),
    )
    .where(SCHOOLS.c.id == bindparam("school_id"))
)
_INSERT_CASE = (
    insert(CASES)
    .values(
        partnership_id=bindparam("c_partnership_id"),
        school_id=bindparam("c_school_id"),
        protocol_id=bindparam("c_protocol_id"),
        protocol_version=bindparam("c_protocol_version"),
        state=bindparam("c_state"),
        revision=1,
        opened_at=bindparam("c_at"),
        updated_at=bindparam("c_at"),
    )
    .returning(CASES.c.id)
)
_Processor = Callable[[Any], Any]
# Values of these types hold no text: the NUL check skips them (see ``_Prepared.run``).
_NO_TEXT = (Integer, Numeric, Boolean, Date, DateTime, LargeBinary)


class _Prepared:
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
            results = self._results = self._result_processors(cursor.description)
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
        dialect = self._dialect
        return DBAPIError.instance(
            self.sql, dict(values), error, dialect.loaded_dbapi.Error, dialect=dialect
        )

    def _result_processors(self, description: Any) -> list[tuple[int, _Processor]]:
        assert self._select is not None
        dialect = self._dialect
        found: list[tuple[int, _Processor]] = []
        for index, (column, described) in enumerate(
            zip(self._select.selected_columns, description, strict=True)
        ):
            process = column.type.dialect_impl(dialect).result_processor(dialect, described[1])
            if process is not None:
                found.append((index, process))
        return found


@dataclass(frozen=True)
class _Statements:
    case_for_actor: _Prepared
    move_case: _Prepared
    append_event: _Prepared
    history: _Prepared
    meet_deadline: _Prepared
    close_deadlines: _Prepared
    open_deadline: _Prepared
    link: _Prepared  # the case's previous row and the database's chain head (locked)
    advance: _Prepared  # moves the head
    opening: _Prepared  # what opening a case checks
    insert_case: _Prepared  # a new case (its id returned)

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> _Statements:
        return cls(
            *(
                _Prepared(statement, dialect)
                for statement in (
                    _CASE_FOR_ACTOR,
                    _MOVE_CASE,
                    _APPEND_EVENT,
                    _HISTORY,
                    _MEET_DEADLINE,
                    _CLOSE_DEADLINES,
                    _OPEN_DEADLINE,
                    LINK,
                    ADVANCE,
                    _OPENING,
                    _INSERT_CASE,
                )
            )
        )


# The connection shared by a request's hot-path calls (see ``HotPath.scope``).
_SHARED: ContextVar[tuple[HotPath, Any] | None] = ContextVar("toetreding_shared", default=None)


class HotPath:
    """Runs the request statements of one engine on pooled DBAPI connections."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._statements: _Statements | None = None

    @property
    def statements(self) -> _Statements:
        if self._statements is None:
            self._statements = _Statements.for_dialect(self.engine.dialect)
        return self._statements

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Let the hot-path calls within share one pooled connection.

        For a request that loads a case and moves it: one pool checkout instead of one per
        call. Transactions are unchanged: ``cursor(commit=True)`` commits (or rolls back) its
        own, and whatever a read left open is rolled back when the connection goes back to the pool.
        """
        shared = _SHARED.get()
        if shared is not None and shared[0] is self:
            yield
            return
        connection = self.engine.raw_connection()
        token = _SHARED.set((self, connection))
        try:
            yield
        finally:
            _SHARED.reset(token)
            connection.close()

    @contextmanager
    def cursor(self, *, commit: bool = False) -> Iterator[tuple[_Statements, Any]]:
        """The hot-path statements and a cursor on a pooled DBAPI connection.

        With ``commit`` the block is one transaction: committed when it completes, rolled
        back when it raises (as is anything left open when the connection goes back).
        """
        hot = self.statements
        shared = _SHARED.get()
        if shared is not None and shared[0] is self:
            connection, owned = shared[1], False
        else:
            connection, owned = self.engine.raw_connection(), True
        try:
            cursor = connection.cursor()
            try:
                yield hot, cursor
            finally:
                cursor.close()
            if commit:
                try:
                    connection.commit()
                except Exception as error:
                    dialect = self.engine.dialect
                    raise DBAPIError.instance(
                        None, None, error, dialect.loaded_dbapi.Error, dialect=dialect
                    ) from error
        except BaseException:
            try:
                connection.rollback()
            except Exception:
                connection.invalidate()  # unusable now: the pool replaces it
            raise
        finally:
            if owned:
                connection.close()
