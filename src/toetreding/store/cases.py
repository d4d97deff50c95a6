"""Cases: the protocol versions they are pinned to, opening one, loading it for a request,
moving it with its history row (and its deadlines) in one guarded transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session

from toetreding._exceptions import ConcurrentUpdateError, ConflictError, NotFoundError
from toetreding.clock import local
from toetreding.deadlines.plan import DeadlinePlan, NewDeadline
from toetreding.definition.model import ProtocolSpec
from toetreding.files import StagedFile
from toetreding.store._common import CASE_RECORD, CASES, PROTOCOL_VERSIONS, definition_digest
from toetreding.store._hotpath import CASE_WIDTH, OPENING_PERSON, OPENING_SCHOOL, HotPath
from toetreding.store.calendar_locks import lock_shared_for_open
from toetreding.store.files import FileRecordStore, Uploader
from toetreding.store.history_chain import chain_of, link, link_query, row_hash
from toetreding.store.records import CaseForActor, CaseRecord, HistoryEntry, Opening
from toetreding.store.tables import PersonPublic, ProtocolVersion, SchoolPublic


class CaseStore(FileRecordStore):
    """Opening, loading and moving cases; the request hot path for loading and moving."""

    engine: Engine
    _hot: HotPath

    def request_scope(self) -> AbstractContextManager[None]:
        """One pooled connection for the hot-path calls of one request (load, then apply)."""
        return self._hot.scope()

    # --- protocol versions -------------------------------------------------------------

    def pin_protocol(self, spec: ProtocolSpec, at: datetime) -> None:
        """Record the definition of ``spec``; refuse a changed file under the same version."""
        digest = definition_digest(spec)
        with Session(self.engine, expire_on_commit=False) as session:
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
        columns = PROTOCOL_VERSIONS.c
        query = select(columns.digest, columns.definition).where(
            columns.protocol_id == protocol_id, columns.version == version
        )
        with self.engine.connect() as connection:  # Core: the ORM's first use costs 15 ms
            stored = connection.execute(query).first()
        return None if stored is None else (stored.digest, stored.definition)

    # --- cases -------------------------------------------------------------------------

    def opening(self, school_id: int, person_id: int) -> Opening | None:
        """The school and the person for opening a case, in one query; None when either
        does not exist (the caller then looks them up one by one, for the error)."""
        with self._hot.cursor() as (hot, cursor):
            rows = hot.opening.rows(cursor, {"school_id": school_id, "person_id": person_id})
        if not rows:
            return None
        first, width = rows[0], len(OPENING_SCHOOL)
        end = width + len(OPENING_PERSON)
        return Opening(
            school=SchoolPublic.model_validate(
                dict(zip(OPENING_SCHOOL, first[:width], strict=True))
            ),
            open_case=first[end],
            person=PersonPublic.model_validate(
                dict(zip(OPENING_PERSON, first[width:end], strict=True))
            ),
            published=first[end + 1],
            choices=first[end + 2],
            roles=frozenset(row[end + 3] for row in rows if row[end + 3] is not None),
        )

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
        deadlines: Sequence[NewDeadline] | Callable[[], Sequence[NewDeadline]] = (),
        calendar_lock: bool = False,
    ) -> int:
        """Create a case in the protocol's initial state with its opening history row (and
        the deadlines of that state), in one transaction on the request hot path.

        ``calendar_lock``: the deadlines are counted on the partnership's days off or the
        summer vacations; the transaction first shares their locks (``calendar_locks``), so
        a change of either waits for this case or this case for the change, and
        ``deadlines`` (a function then) counts them inside it, never on data a change
        under way is replacing (that change would not see this case to move it)."""
        with self._hot.cursor(commit=True) as (hot, cursor):
            if calendar_lock:
                postgres = self.engine.dialect.name == "postgresql"
                lock_shared_for_open(cursor, postgres, partnership_id)
            if callable(deadlines):
                deadlines = deadlines()
            case_id = int(
                hot.insert_case.value(
                    cursor,
                    {
                        "c_partnership_id": partnership_id,
                        "c_school_id": school_id,
                        "c_protocol_id": spec.id,
                        "c_protocol_version": spec.version,
                        "c_state": spec.initial,
                        "c_at": at,
                    },
                )
            )
            for new in deadlines:
                hot.open_deadline.run(
                    cursor,
                    {
                        "d_case_id": case_id,
                        "d_state": new.state,
                        "d_name": new.name,
                        "d_due": new.due,
                        "d_waiting": new.waiting_for,
                        "d_waiting_year": new.waiting_year,
                        "d_waiting_region": new.waiting_region,
                        "d_at": at,
                        # no ladder while the date is not known ("datum volgt")
                        "d_next": local(at).date() if new.due else None,
                    },
                )
            _append_chained(
                hot,
                cursor,
                {
                    "case_id": case_id,
                    "seq": 1,
                    "trigger": "openen",
                    "from_state": None,
                    "to_state": spec.initial,
                    "actor_id": actor_id,
                    "role": role,
                    "at": at,
                    "note": note,
                    "payload": {},
                },
                None,  # the first row of its case
                known=True,
            )
        return case_id

    def open_case_of_school(self, school_id: int) -> int | None:
        query = select(CASES.c.id).where(
            CASES.c.school_id == school_id, CASES.c.closed_at.is_(None)
        )
        with self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def case(self, case_id: int) -> CaseRecord:
        with self.engine.connect() as connection:
            row = connection.execute(select(*CASE_RECORD).where(CASES.c.id == case_id)).first()
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
            role for row in rows for role in row[CASE_WIDTH + 2 :] if role is not None
        )
        case = CaseRecord(*first[:CASE_WIDTH])
        # what the case's next history row is chained to, for this request's apply
        self._hot.remember_hash(case.id, case.revision, first[CASE_WIDTH + 1])
        return CaseForActor(case, first[CASE_WIDTH], roles)

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
        files: Mapping[str, Sequence[StagedFile]] | None = None,
    ) -> int:
        """Move ``case``, append its history row, apply ``deadlines`` and keep ``files``
        (new uploads per document input, whose entries in ``payload`` have no ``file_id``
        yet), in one transaction; returns the new revision.

        Raises :class:`ConcurrentUpdateError` (and writes nothing) if the case moved since
        it was loaded. When the transaction does not commit, the files' bytes that no row
        references are gone again (see ``filestores.base``).
        """
        revision = case.revision + 1
        if at.tzinfo is not None:  # once: the hash and each statement take it in UTC
            at = at.astimezone(UTC)
        staged = [file for group in (files or {}).values() for file in group]
        row = {
            "case_id": case.id,
            "seq": revision,
            "trigger": trigger,
            "from_state": case.state,
            "to_state": to_state,
            "actor_id": actor_id,
            "role": role,
            "at": at,
            "note": note,
            "payload": payload,
        }
        move = {
            "m_id": case.id,
            "m_revision": case.revision,
            "m_state": to_state,
            "m_new_revision": revision,
            "m_at": at,
            "m_closed_at": at if final else None,
        }
        if self._hot.statements.step is not None and not staged and not _writes(deadlines):
            self._one_statement_step(case, move, row)
            return revision
        keeping = self.file_store.keeping(staged, self.unreferenced) if staged else nullcontext()
        with keeping, self._hot.cursor(commit=True) as (hot, cursor):
            moved = hot.move_case.run(cursor, move)
            if moved.rowcount != 1:
                raise _moved_meanwhile(case.id)
            if staged and files:
                who = Uploader(actor_id, role, at, event_seq=revision)
                row["payload"] = self.keep_step_files(cursor, case.id, files, payload, who)
            if deadlines is not None:
                _apply_deadline_plan(hot, cursor, case.id, at, actor_id, deadlines)
            # Last, so the chain's head stays locked only for the insert and the commit.
            previous = self._hot.known_hash(case.id, case.revision)
            _append_chained(hot, cursor, row, previous, known=previous is not None)
        return revision

    def _one_statement_step(
        self, case: CaseRecord, move: dict[str, Any], row: dict[str, Any]
    ) -> None:
        """``apply`` on PostgreSQL for a step that changes no deadline and keeps no file:
        one statement, its own transaction (``_pg_step``); the row's hash from the case's
        previous row as read with the case (or read now)."""
        previous = self._hot.known_hash(case.id, case.revision)
        if previous is None:
            with self._hot.cursor() as (hot, cursor):
                found = hot.previous_hash.rows(
                    cursor, {"l_case_id": case.id, "l_prev": case.revision}
                )
            previous = found[0][0] if found else None
        with self._hot.cursor(single=True) as (hot, cursor):
            assert hot.step is not None
            added = hot.step.run(cursor, move | _chained_values(row, previous))
            if added.rowcount != 1:
                raise _moved_meanwhile(case.id)

    def history(self, case_id: int) -> list[HistoryEntry]:
        with self._hot.cursor() as (hot, cursor):
            rows = hot.history.rows(cursor, {"case_id": case_id})
        return [HistoryEntry(*row) for row in rows]


def _writes(plan: DeadlinePlan | None) -> bool:
    """Whether applying ``plan`` runs any statement."""
    return plan is not None and bool(plan.met or plan.close_rest or plan.new)


def _moved_meanwhile(case_id: int) -> ConcurrentUpdateError:
    return ConcurrentUpdateError(
        f"dossier {case_id} is intussen door iemand anders gewijzigd; "
        "er is niets opgeslagen, probeer het opnieuw"
    )


def _chained_values(row: dict[str, Any], previous: str | None) -> dict[str, Any]:
    """The parameters of ``_pg_step``'s statements for the history row ``row``."""
    values = {f"e_{k}": v for k, v in row.items()}
    values["e_chain_hash"] = row_hash(previous, row)
    values["e_chain_id"] = chain_of(row["case_id"])
    return values


def _append_chained(
    hot: Any, cursor: Any, row: dict[str, Any], previous: str | None = None, *, known: bool
) -> None:
    """Insert the history row ``row`` (``events`` columns), chained to its case's previous
    row (``previous``, the hash of that row, when ``known``) and its chain's head, which it
    moves (see ``history_chain``). On PostgreSQL the row and the head are one statement."""
    if hot.chain is not None:
        if not known:
            found = hot.previous_hash.rows(
                cursor, {"l_case_id": row["case_id"], "l_prev": row["seq"] - 1}
            )
            previous = found[0][0] if found else None
        hot.chain.run(cursor, _chained_values(row, previous))
        return
    asked = link_query(row)
    if known:  # only the head to read
        found = (previous, *hot.head.rows(cursor, asked)[0])
    else:
        found = hot.link.rows(cursor, asked)[0]
    linked = link(found, row)
    hot.append_event.run(cursor, {f"e_{k}": v for k, v in (row | linked.columns()).items()})
    hot.advance.run(cursor, linked.head)


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
                "d_waiting": new.waiting_for,
                "d_waiting_year": new.waiting_year,
                "d_waiting_region": new.waiting_region,
                "d_next": plan.today if new.due else None,
            },
        )
