"""The store: every read and write of toetreding's data, over SQLite or PostgreSQL.

State changes go through :meth:`Store.apply`, which updates the case only if nobody moved
it meanwhile (``revision`` check) and appends the history row in the same transaction.
The request hot path (load, move, append) lives in :mod:`toetreding.store._hotpath`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Engine, Select, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from toetreding._exceptions import ConcurrentUpdateError, ConflictError, NotFoundError
from toetreding.clock import local
from toetreding.definition.model import ProtocolSpec
from toetreding.store._hotpath import CASE_WIDTH, HotPath
from toetreding.store.records import (
    CaseFilter,
    CaseForActor,
    CaseRecord,
    DeadlinePlan,
    DeadlineRecord,
    HistoryEntry,
    NewDeadline,
    Visibility,
)
from toetreding.store.tables import (
    Case,
    Deadline,
    DeadlineStatus,
    Event,
    Membership,
    Partnership,
    Person,
    ProtocolVersion,
    School,
    SchoolCreate,
    SchoolUpdate,
)

T = TypeVar("T")

_cases = Case.__table__  # type: ignore[attr-defined]
_events = Event.__table__  # type: ignore[attr-defined]
_people = Person.__table__  # type: ignore[attr-defined]
_memberships = Membership.__table__  # type: ignore[attr-defined]
_schools = School.__table__  # type: ignore[attr-defined]
_deadlines = Deadline.__table__  # type: ignore[attr-defined]


def _case_conditions(wanted: CaseFilter) -> list[ColumnElement[bool]]:
    equal = {
        _cases.c.partnership_id: wanted.partnership_id,
        _cases.c.state: wanted.state,
        _cases.c.protocol_id: wanted.protocol_id,
        _cases.c.school_id: wanted.school_id,
    }
    conditions = [column == value for column, value in equal.items() if value is not None]
    if wanted.running is not None:
        closed = _cases.c.closed_at
        conditions.append(closed.is_(None) if wanted.running else closed.is_not(None))
    if wanted.school_name:
        text = wanted.school_name.strip().lower()
        literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(_schools.c.name).like(f"%{literal}%", escape="\\"))
    if wanted.visible is not None:
        conditions.append(visible_cases(wanted.visible))
    return conditions


def _apply_deadline_plan(
    hot: Any, cursor: Any, case_id: int, at: datetime, actor_id: int | None, plan: DeadlinePlan
) -> None:
    common = {"d_case_id": case_id, "d_at": at}
    for name in plan.met:
        meet = {"d_name": name, "d_actor_id": actor_id, "d_met_from": plan.met_from}
        hot.meet_deadline.run(cursor, {**common, **meet})
    if plan.close_rest:
        hot.close_deadlines.run(cursor, {**common, "d_today": plan.today})
    for new in plan.new:
        hot.open_deadline.run(
            cursor,
            {
                **common,
                "d_state": new.state,
                "d_name": new.name,
                "d_due": new.due,
                "d_today": plan.today,
            },
        )


MAX_ID = 2**31 - 1  # the databases' integer keys


def is_id(ref: str | int) -> bool:
    """Whether ``ref`` names a row by its number (ASCII digits within the key range), rather
    than by a code, BRIN or e-mail address. '²' is a digit to Python, not an id."""
    text = str(ref)
    return isinstance(ref, int) or (text.isascii() and text.isdigit() and int(text) <= MAX_ID)


def _deadline_filters(
    query: Select[Any],
    case_id: int | None,
    partnership_id: int | None,
    open_only: bool,
    due_until: date | None,
    due_before: date | None,
    visible: Visibility | None = None,
) -> Select[Any]:
    """The agenda's filters, shared by the list and its count."""
    if case_id is not None:
        query = query.where(_deadlines.c.case_id == case_id)
    if partnership_id is not None:
        query = query.where(_cases.c.partnership_id == partnership_id)
    if open_only:
        query = query.where(_deadlines.c.status == DeadlineStatus.OPEN.value)
    if due_until is not None:
        query = query.where(_deadlines.c.due_date <= due_until)
    if due_before is not None:
        query = query.where(_deadlines.c.due_date < due_before)
    if visible is not None:
        query = query.where(visible_cases(visible))
    return query


def visible_cases(visible: Visibility) -> ColumnElement[bool]:
    """Cases of these partnerships, or of these schools (what a person may see)."""
    partnerships, schools = visible
    return or_(_cases.c.partnership_id.in_(partnerships), _cases.c.school_id.in_(schools))


def definition_digest(spec: BaseModel) -> str:
    """A digest of a definition's content (protocol, framework), blind to comments and
    layout of the file."""
    canonical = json.dumps(spec.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Store:
    """Reads and writes over one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._hot = HotPath(engine)

    def request_scope(self) -> AbstractContextManager[None]:
        """One pooled connection for the hot-path calls of one request (load, then apply)."""
        return self._hot.scope()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # --- partnerships, schools, people -------------------------------------------------

    def add_partnership(self, code: str, name: str, at: datetime) -> Partnership:
        return self._insert(
            Partnership(code=code, name=name, created_at=at),
            f"partnerschap met code '{code}' bestaat al",
        )

    def partnerships(self) -> list[Partnership]:
        with self.session() as session:
            return list(session.exec(select(Partnership).order_by(Partnership.code)).scalars())  # type: ignore[call-overload]

    def partnership(self, ref: str | int) -> Partnership:
        """By id or by code."""
        with self.session() as session:
            found = self._by_ref(session, Partnership, Partnership.code, ref)
        if found is None:
            raise NotFoundError(f"partnerschap '{ref}' bestaat niet")
        return found

    def add_school(self, data: SchoolCreate, at: datetime) -> School:
        self.partnership(data.partnership_id)
        school = School.model_validate(data, update={"created_at": at})
        return self._insert(
            school, f"een school met BRIN '{data.brin}' staat al in dit partnerschap"
        )

    def update_school(self, school_id: int, changes: SchoolUpdate) -> School:
        """Change the given fields of a school; an omitted field stays as it is."""
        with self.session() as session:
            school = session.get(School, school_id)
            if school is None:
                raise NotFoundError(f"school '{school_id}' bestaat niet")
            school.sqlmodel_update(changes.model_dump(exclude_unset=True))
            session.add(school)
            try:
                session.commit()
            except IntegrityError as exc:
                raise ConflictError(
                    f"een school met BRIN '{school.brin}' staat al in dit partnerschap"
                ) from exc
            session.refresh(school)
            return school

    def schools(self, partnership_id: int | None = None) -> list[School]:
        query = select(School).order_by(School.name)
        if partnership_id is not None:
            query = query.where(School.partnership_id == partnership_id)  # type: ignore[arg-type]
        with self.session() as session:
            return list(session.exec(query).scalars())  # type: ignore[call-overload]

    def school(self, ref: str | int, partnership_id: int | None = None) -> School:
        """By id, or by BRIN within a partnership."""
        with self.session() as session:
            if is_id(ref):
                found = session.get(School, int(ref))
            else:
                query = select(School).where(School.brin == ref)  # type: ignore[arg-type]
                if partnership_id is not None:
                    query = query.where(School.partnership_id == partnership_id)  # type: ignore[arg-type]
                found = session.exec(query).scalars().first()  # type: ignore[call-overload]
        if found is None:
            raise NotFoundError(f"school '{ref}' bestaat niet")
        return found

    def add_person(self, name: str, email: str, at: datetime) -> Person:
        return self._insert(
            Person(name=name, email=email.strip().lower(), created_at=at),
            f"er is al iemand met e-mailadres '{email}'",
        )

    def person(self, ref: str | int) -> Person:
        """By id or by e-mail address."""
        with self.session() as session:
            found = self._by_ref(session, Person, Person.email, str(ref).strip().lower())
        if found is None:
            raise NotFoundError(f"persoon '{ref}' bestaat niet")
        return found

    def people(self, partnership_id: int | None = None) -> list[tuple[Person, list[Membership]]]:
        with self.session() as session:
            people = list(session.exec(select(Person).order_by(Person.name)).scalars())  # type: ignore[call-overload]
            query = select(Membership)
            if partnership_id is not None:
                query = query.where(Membership.partnership_id == partnership_id)  # type: ignore[arg-type]
            memberships = list(session.exec(query).scalars())  # type: ignore[call-overload]
        by_person: dict[int, list[Membership]] = {}
        for membership in memberships:
            by_person.setdefault(membership.person_id, []).append(membership)
        if partnership_id is None:
            return [(p, by_person.get(p.id or 0, [])) for p in people]
        return [(p, by_person[p.id]) for p in people if p.id in by_person]

    def add_membership(
        self, person_id: int, partnership_id: int, role: str, school_id: int | None = None
    ) -> Membership:
        membership = Membership(
            person_id=person_id, partnership_id=partnership_id, role=role, school_id=school_id
        )
        return self._insert(membership, f"deze persoon heeft de rol '{role}' al")

    def roles_of(self, person_id: int, partnership_id: int) -> set[str]:
        query = select(_memberships.c.role).where(
            _memberships.c.person_id == person_id, _memberships.c.partnership_id == partnership_id
        )
        with self.engine.connect() as connection:
            return set(connection.execute(query).scalars())

    # --- protocol versions -------------------------------------------------------------

    def pin_protocol(self, spec: ProtocolSpec, at: datetime) -> None:
        """Record the definition of ``spec``; refuse a changed file under the same version."""
        digest = definition_digest(spec)
        with self.session() as session:
            stored = session.get(ProtocolVersion, (spec.id, spec.version))
            if stored is None:
                session.add(
                    ProtocolVersion(
                        protocol_id=spec.id,
                        version=spec.version,
                        digest=digest,
                        definition=spec.model_dump(mode="json", by_alias=True),
                        registered_at=at,
                    )
                )
                session.commit()
                return
        if stored.digest != digest:
            raise ConflictError(
                f"protocol '{spec.id}' versie {spec.version} is gewijzigd sinds er dossiers op "
                "zijn gestart; verhoog 'version' in het bestand zodat lopende dossiers hun "
                "oorspronkelijke versie houden"
            )

    def pinned_protocol(self, protocol_id: str, version: int) -> tuple[str, dict[str, Any]] | None:
        """The digest and definition stored when the first case started on this version."""
        with self.session() as session:
            stored = session.get(ProtocolVersion, (protocol_id, version))
        return None if stored is None else (stored.digest, stored.definition)

    # --- cases -------------------------------------------------------------------------

    def open_case(
        self,
        *,
        partnership_id: int,
        school_id: int,
        spec: ProtocolSpec,
        actor_id: int,
        role: str,
        at: datetime,
        note: str | None,
        deadlines: Sequence[NewDeadline] = (),
    ) -> int:
        """Create a case in the protocol's initial state with its opening history row."""
        with self.engine.begin() as connection:
            result = connection.execute(
                insert(_cases).values(
                    partnership_id=partnership_id,
                    school_id=school_id,
                    protocol_id=spec.id,
                    protocol_version=spec.version,
                    state=spec.initial,
                    revision=1,
                    opened_at=at,
                    updated_at=at,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            case_id = int(key[0])
            connection.execute(
                insert(_events).values(
                    case_id=case_id,
                    seq=1,
                    trigger="openen",
                    from_state=None,
                    to_state=spec.initial,
                    actor_id=actor_id,
                    role=role,
                    at=at,
                    note=note,
                    payload={},
                )
            )
            for new in deadlines:
                connection.execute(
                    insert(_deadlines).values(
                        case_id=case_id,
                        state=new.state,
                        name=new.name,
                        due_date=new.due,
                        original_due_date=new.due,
                        status=DeadlineStatus.OPEN.value,
                        created_at=at,
                        next_reminder_on=local(at).date(),
                    )
                )
        return case_id

    def open_case_of_school(self, school_id: int) -> int | None:
        query = select(_cases.c.id).where(
            _cases.c.school_id == school_id, _cases.c.closed_at.is_(None)
        )
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def case(self, case_id: int) -> CaseRecord:
        with self.engine.connect() as connection:
            row = connection.execute(select(_cases).where(_cases.c.id == case_id)).first()
        if row is None:
            raise NotFoundError(f"dossier {case_id} bestaat niet")
        return CaseRecord(**row._asdict())

    def case_for_actor(self, case_id: int, person_id: int) -> CaseForActor:
        """The case and the roles ``person_id`` holds for it, in one query."""
        with self._hot.cursor() as (hot, cursor):
            rows = hot.case_for_actor.rows(cursor, {"case_id": case_id, "person_id": person_id})
        if not rows:
            self.case(case_id)  # raises for an unknown case
            raise NotFoundError(f"persoon {person_id} bestaat niet")
        first = rows[0]
        roles = frozenset(
            role for row in rows for role in row[CASE_WIDTH + 1 :] if role is not None
        )
        return CaseForActor(CaseRecord(*first[:CASE_WIDTH]), first[CASE_WIDTH], roles)

    def apply(
        self,
        case: CaseRecord,
        *,
        to_state: str,
        final: bool,
        trigger: str,
        actor_id: int | None,
        role: str | None,
        at: datetime,
        note: str | None,
        payload: dict[str, Any],
        deadlines: DeadlinePlan | None = None,
    ) -> int:
        """Move ``case``, append its history row and apply ``deadlines``, in one transaction;
        returns the new revision.

        Raises :class:`ConcurrentUpdateError` (and writes nothing) if the case moved since
        it was loaded.
        """
        revision = case.revision + 1
        with self._hot.cursor(commit=True) as (hot, cursor):
            moved = hot.move_case.run(
                cursor,
                {
                    "m_id": case.id,
                    "m_revision": case.revision,
                    "m_state": to_state,
                    "m_new_revision": revision,
                    "m_at": at,
                    "m_closed_at": at if final else None,
                },
            )
            if moved.rowcount != 1:
                raise ConcurrentUpdateError(
                    f"dossier {case.id} is intussen door iemand anders gewijzigd; "
                    "er is niets opgeslagen, probeer het opnieuw"
                )
            hot.append_event.run(
                cursor,
                {
                    "e_case_id": case.id,
                    "e_seq": revision,
                    "e_trigger": trigger,
                    "e_from_state": case.state,
                    "e_to_state": to_state,
                    "e_actor_id": actor_id,
                    "e_role": role,
                    "e_at": at,
                    "e_note": note,
                    "e_payload": payload,
                },
            )
            if deadlines is not None:
                _apply_deadline_plan(hot, cursor, case.id, at, actor_id, deadlines)
        return revision

    def deadlines(
        self,
        *,
        case_id: int | None = None,
        partnership_id: int | None = None,
        open_only: bool = False,
        due_until: date | None = None,
        due_before: date | None = None,
        visible: Visibility | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[DeadlineRecord]:
        """Deadlines with their case's school and protocol, soonest first (uses the
        ``status, due_date`` index for the agenda); ``limit`` and ``offset`` page them."""
        query = (
            select(
                _deadlines,
                _schools.c.name.label("school_name"),
                _cases.c.partnership_id,
                _cases.c.protocol_id,
                _cases.c.protocol_version,
            )
            .join(_cases, _cases.c.id == _deadlines.c.case_id)
            .join(_schools, _schools.c.id == _cases.c.school_id)
            .order_by(_deadlines.c.due_date, _deadlines.c.id)
            .limit(limit)
            .offset(offset)
        )
        query = _deadline_filters(
            query, case_id, partnership_id, open_only, due_until, due_before, visible
        )
        with self.engine.connect() as connection:
            return [DeadlineRecord(**row._asdict()) for row in connection.execute(query)]

    def count_deadlines(
        self,
        *,
        partnership_id: int | None = None,
        open_only: bool = False,
        due_until: date | None = None,
        due_before: date | None = None,
        visible: Visibility | None = None,
    ) -> int:
        """How many deadlines :meth:`deadlines` would return without a limit."""
        query = select(func.count()).select_from(
            _deadlines.join(_cases, _cases.c.id == _deadlines.c.case_id)
        )
        query = _deadline_filters(
            query, None, partnership_id, open_only, due_until, due_before, visible
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def mark_consequence(self, deadline_id: int, at: datetime) -> bool:
        """Record that a missed deadline's consequence ran; False if it already had."""
        with self.engine.begin() as connection:
            marked = connection.execute(
                update(_deadlines)
                .where(_deadlines.c.id == deadline_id, _deadlines.c.consequence_at.is_(None))
                .values(consequence_at=at)
            )
        return marked.rowcount == 1

    def change_deadline(
        self,
        case: CaseRecord,
        deadline: DeadlineRecord,
        *,
        trigger: str,
        new_due: date | None,
        actor_id: int,
        role: str | None,
        at: datetime,
        reason: str,
    ) -> None:
        """Extend (``new_due``) or waive (no ``new_due``) a deadline, with its history row on
        the case, in one transaction."""
        values: dict[str, Any] = {"reason": reason}
        if new_due is None:
            values |= {"status": DeadlineStatus.WAIVED.value, "resolved_at": at}
            values["resolved_by"] = actor_id
        else:  # the reminder ladder starts again from the new due date
            values |= {"due_date": new_due, "next_reminder_on": local(at).date()}
        payload = {"termijn": deadline.name, "oude_datum": deadline.due_date.isoformat()}
        if new_due is not None:
            payload["nieuwe_datum"] = new_due.isoformat()
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(_deadlines)
                .where(
                    _deadlines.c.id == deadline.id,
                    _deadlines.c.status == DeadlineStatus.OPEN.value,
                )
                .values(**values)
            )
            moved = connection.execute(
                update(_cases)
                .where(_cases.c.id == case.id, _cases.c.revision == case.revision)
                .values(revision=case.revision + 1, updated_at=at)
            )
            if changed.rowcount != 1 or moved.rowcount != 1:
                raise ConcurrentUpdateError(
                    f"dossier {case.id} of termijn '{deadline.name}' is intussen gewijzigd; "
                    "er is niets opgeslagen, probeer het opnieuw"
                )
            connection.execute(
                insert(_events).values(
                    case_id=case.id,
                    seq=case.revision + 1,
                    trigger=trigger,
                    from_state=case.state,
                    to_state=case.state,
                    actor_id=actor_id,
                    role=role,
                    at=at,
                    note=reason,
                    payload=payload,
                )
            )

    def history(self, case_id: int) -> list[HistoryEntry]:
        with self._hot.cursor() as (hot, cursor):
            rows = hot.history.rows(cursor, {"case_id": case_id})
        return [HistoryEntry(*row) for row in rows]

    def board_peers_with(self, case_id: int, name: str) -> list[tuple[str, Any]]:
        """(school name, latest value of input ``name``) for the other running cases of
        schools of the same board in the same partnership that recorded ``name``."""
        this_case = _cases.alias("this_case")
        this_school = _schools.alias("this_school")
        value = _events.c.payload[name].as_string()
        query = (
            select(_cases.c.id, _schools.c.name, _events.c.seq, value.label("value"))
            .select_from(this_case)
            .join(this_school, this_school.c.id == this_case.c.school_id)
            .join(_schools, _schools.c.board == this_school.c.board)
            .join(_cases, _cases.c.school_id == _schools.c.id)
            .join(_events, _events.c.case_id == _cases.c.id)
            .where(
                this_case.c.id == case_id,
                _cases.c.partnership_id == this_case.c.partnership_id,
                _cases.c.id != case_id,
                _cases.c.closed_at.is_(None),
                value.is_not(None),
            )
            .order_by(_cases.c.id, _events.c.seq)
        )
        with self.engine.connect() as connection:
            latest = {row.id: (row.name, row.value) for row in connection.execute(query)}
        return list(latest.values())

    def cases(
        self,
        *,
        partnership_id: int | None = None,
        state: str | None = None,
        protocol_id: str | None = None,
        school_id: int | None = None,
        open_only: bool = False,
    ) -> list[tuple[CaseRecord, str]]:
        """Cases with their school's name, newest activity first."""
        wanted = CaseFilter(
            partnership_id, state, protocol_id, school_id, running=True if open_only else None
        )
        return self.find_cases(wanted)

    def find_cases(
        self, wanted: CaseFilter, *, limit: int | None = None, offset: int = 0
    ) -> list[tuple[CaseRecord, str]]:
        """The cases ``wanted`` describes with their school's name, newest activity first;
        ``limit`` and ``offset`` page through them."""
        query = (
            select(_cases, _schools.c.name.label("school_name"))
            .join(_schools, _schools.c.id == _cases.c.school_id)
            .where(*_case_conditions(wanted))
            .order_by(_cases.c.updated_at.desc(), _cases.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        result = []
        for row in rows:
            data = row._asdict()
            name = data.pop("school_name")
            result.append((CaseRecord(**data), name))
        return result

    def count_cases(self, wanted: CaseFilter) -> int:
        query = (
            select(func.count())
            .select_from(_cases)
            .join(_schools, _schools.c.id == _cases.c.school_id)
            .where(*_case_conditions(wanted))
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def count_by_state(self, partnership_id: int | None = None) -> list[tuple[str, int, str, int]]:
        """(protocol id, version, state, number of cases)."""
        query = select(
            _cases.c.protocol_id, _cases.c.protocol_version, _cases.c.state, func.count()
        ).group_by(_cases.c.protocol_id, _cases.c.protocol_version, _cases.c.state)
        if partnership_id is not None:
            query = query.where(_cases.c.partnership_id == partnership_id)
        with self.engine.connect() as connection:
            return [
                (str(pid), int(version), str(state), int(count))
                for pid, version, state, count in connection.execute(query).all()
            ]

    # --- helpers -----------------------------------------------------------------------

    def _insert(self, obj: T, conflict: str) -> T:
        with self.session() as session:
            session.add(obj)
            try:
                session.commit()
            except IntegrityError as exc:
                raise ConflictError(conflict) from exc
            session.refresh(obj)
        return obj

    @staticmethod
    def _by_ref(session: Session, model: type[T], column: Any, ref: str | int) -> T | None:
        if is_id(ref):
            return session.get(model, int(ref))
        return session.exec(select(model).where(column == ref)).scalars().first()  # type: ignore[call-overload,no-any-return]
