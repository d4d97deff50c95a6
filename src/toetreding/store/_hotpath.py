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

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import (
    Dialect,
    Engine,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from toetreding.roles import SCHOOL_ROLE
from toetreding.store._common import (
    CASES,
    DEADLINES,
    EVENTS,
    MEMBERSHIPS,
    PEOPLE,
    PROTOCOL_USES,
    PUBLISHED_PROTOCOLS,
    SCHOOLS,
)
from toetreding.store._pg_step import CHAIN, STEP
from toetreding.store._prepared import Prepared
from toetreding.store._thread_connections import ThreadConnections
from toetreding.store.history_chain import ADVANCE, CHAIN_COLUMNS, HASHED, HEAD, LINK
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
        # the hash of the case's newest history row: what its next row is chained to
        select(EVENTS.c.chain_hash)
        .where(EVENTS.c.case_id == CASES.c.id, EVENTS.c.seq == CASES.c.revision)
        .scalar_subquery(),
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
_PREVIOUS_HASH = select(EVENTS.c.chain_hash).where(
    EVENTS.c.case_id == bindparam("l_case_id"), EVENTS.c.seq == bindparam("l_prev")
)
_EVENT_COLUMNS = (*HASHED, *CHAIN_COLUMNS)  # every hashed field is written
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
    waiting_year=bindparam("d_waiting_year"),
    waiting_region=bindparam("d_waiting_region"),
    status=DeadlineStatus.OPEN.value,
    created_at=bindparam("d_at"),
    next_reminder_on=bindparam("d_next"),
)

# Opening a case: the school (with its open case, if any), the person and every role they
# hold in the school's partnership, and the number of published protocol versions and of
# protocol choices (which tell the service whether what it knows of them is still all there
# is), in one query.
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
        select(func.count()).select_from(PROTOCOL_USES).scalar_subquery(),
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


@dataclass(frozen=True)
class _Statements:
    step: Prepared | None  # PostgreSQL: a step as one statement (see ``_pg_step``)
    chain: Prepared | None  # PostgreSQL: a history row and its chain's head, one statement
    case_for_actor: Prepared
    move_case: Prepared
    append_event: Prepared
    history: Prepared
    meet_deadline: Prepared
    close_deadlines: Prepared
    open_deadline: Prepared
    link: Prepared  # the case's previous row and the database's chain head (locked)
    head: Prepared  # the chain head alone (the previous row's hash known)
    advance: Prepared  # moves the head
    opening: Prepared  # what opening a case checks
    insert_case: Prepared  # a new case (its id returned)
    previous_hash: Prepared  # the hash of a case's row (outside the head's lock)

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> _Statements:
        postgres = dialect.name == "postgresql"
        return cls(
            Prepared(STEP, dialect) if postgres else None,
            Prepared(CHAIN, dialect) if postgres else None,
            *(
                Prepared(statement, dialect)
                for statement in (
                    _CASE_FOR_ACTOR,
                    _MOVE_CASE,
                    _APPEND_EVENT,
                    _HISTORY,
                    _MEET_DEADLINE,
                    _CLOSE_DEADLINES,
                    _OPEN_DEADLINE,
                    LINK,
                    HEAD,
                    ADVANCE,
                    _OPENING,
                    _INSERT_CASE,
                    _PREVIOUS_HASH,
                )
            ),
        )


@dataclass
class _Scope:
    """A request's shared connection, and the chain hashes it read with its cases."""

    path: HotPath
    connection: Any
    hashes: dict[tuple[int, int], str]  # (case id, revision) -> hash of the row of that seq


# The connection shared by a request's hot-path calls (see ``HotPath.scope``).
_SHARED: ContextVar[_Scope | None] = ContextVar("toetreding_shared", default=None)


class HotPath:
    """Runs the request statements of one engine on pooled DBAPI connections."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._statements: _Statements | None = None
        # PostgreSQL: reads and one-statement writes run in autocommit, so no BEGIN and
        # COMMIT go to the server for them (each is a round trip); psycopg's connection
        # is set back to transactions before it returns to the pool.
        self.autocommit = engine.dialect.name == "postgresql"
        # SQLite: each thread keeps its connection (no pool checkout per request).
        self._kept = ThreadConnections(engine) if engine.dialect.name == "sqlite" else None

    @property
    def statements(self) -> _Statements:
        if self._statements is None:
            self._statements = _Statements.for_dialect(self.engine.dialect)
        return self._statements

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Let the hot-path calls within share one pooled connection (on SQLite: the
        thread's), and the chain hashes they read.

        For a request that loads a case and moves it: one pool checkout instead of one per
        call. Transactions are unchanged: ``cursor(commit=True)`` commits (or rolls back) its
        own, and whatever a read left open is rolled back when the connection goes back to
        the pool (on SQLite: when the scope ends).
        """
        shared = _SHARED.get()
        if shared is not None and shared.path is self:
            yield
            return
        connection, owned = self._acquire()
        token = _SHARED.set(_Scope(self, connection, {}))
        try:
            yield
        finally:
            _SHARED.reset(token)
            self._release(connection, owned)

    def _acquire(self) -> tuple[Any, bool]:
        """A connection and whether the caller releases it: on SQLite the thread's kept
        one (see ``_thread_connections``), else one from the pool."""
        if self._kept is not None:
            return self._kept.acquire()
        return self.engine.raw_connection(), True

    def remember_hash(self, case_id: int, revision: int, hashed: str | None) -> None:
        """Within a request's scope: the hash of the case's row ``revision``, as read."""
        shared = _SHARED.get()
        if shared is not None and shared.path is self and hashed is not None:
            shared.hashes[case_id, revision] = hashed

    def known_hash(self, case_id: int, revision: int) -> str | None:
        """The hash ``remember_hash`` kept in this request's scope, if any."""
        shared = _SHARED.get()
        if shared is None or shared.path is not self:
            return None
        return shared.hashes.get((case_id, revision))

    @contextmanager
    def cursor(
        self, *, commit: bool = False, single: bool = False
    ) -> Iterator[tuple[_Statements, Any]]:
        """The hot-path statements and a cursor on a pooled DBAPI connection (on SQLite:
        the thread's, see ``_thread_connections``).

        With ``commit`` the block is one transaction: committed when it completes, rolled
        back when it raises (as is anything left open when the connection goes back).
        With ``single`` the block runs one statement, its own transaction (on PostgreSQL
        in autocommit: no ``BEGIN`` or ``COMMIT`` to wait for).
        """
        hot = self.statements
        shared = _SHARED.get()
        if self._kept is None and shared is not None and shared.path is self:
            connection, owned = shared.connection, False
        else:
            connection, owned = self._acquire()  # on SQLite: the thread's, shared within
        try:
            if self.autocommit:
                _set_autocommit(connection, single or not commit)
            cursor = connection.cursor()
            try:
                yield hot, cursor
            finally:
                cursor.close()
            if commit or single:
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
                self._broken(connection)  # unusable now: replaced by a new one
            raise
        finally:
            self._release(connection, owned)

    def _broken(self, connection: Any) -> None:
        if self._kept is not None:
            self._kept.broken()
        else:
            connection.invalidate()

    def _release(self, connection: Any, owned: bool) -> None:
        """Back to the pool, in transactions again (as SQLAlchemy hands connections out);
        on SQLite the thread keeps it, with nothing left open."""
        if self._kept is not None:
            if owned:
                self._kept.release()
            else:
                self._kept.leave()
            return
        if not owned:
            return
        if self.autocommit and connection.is_valid:
            try:
                connection.rollback()  # nothing to roll back unless a read failed midway
                _set_autocommit(connection, False)
            except Exception:
                connection.invalidate()
        connection.close()


def _set_autocommit(connection: Any, on: bool) -> None:
    """Switch psycopg's autocommit (no round trip: only allowed, and done, between
    transactions)."""
    raw = connection.dbapi_connection
    # Inside a transaction (a read within a write's block) the read joins it, as before.
    if raw is not None and raw.autocommit != on and raw.info.transaction_status == _IDLE:
        raw.autocommit = on


_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: between transactions
