"""Lists of cases: by filter, a page at a time, counted, per state; the board's rows; and
the other running cases of a school's board (for the po cluster rule)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, Engine, func, or_, select

from toetreding.store._common import CASE_RECORD, CASES, DEADLINES, EVENTS, SCHOOLS, visible_cases
from toetreding.store.records import BoardRow, CaseFilter, CasePulse, CaseRecord, Visibility
from toetreding.store.tables import DeadlineStatus
from toetreding.store.version_moves import MOVED

CaseOrder = Literal["recent", "deadline"]


class CaseListStore:
    """Reading many cases at once."""

    engine: Engine

    def board_peers_with(self, case_id: int, name: str) -> list[tuple[str, Any]]:
        """(school name, latest value of input ``name``) for the other running cases of
        schools of the same board in the same partnership that recorded ``name``."""
        this_case = CASES.alias("this_case")
        this_school = SCHOOLS.alias("this_school")
        value = EVENTS.c.payload[name].as_string()
        query = (
            select(CASES.c.id, SCHOOLS.c.name, EVENTS.c.seq, value.label("value"))
            .select_from(this_case)
            .join(this_school, this_school.c.id == this_case.c.school_id)
            .join(SCHOOLS, SCHOOLS.c.board == this_school.c.board)
            .join(CASES, CASES.c.school_id == SCHOOLS.c.id)
            .join(EVENTS, EVENTS.c.case_id == CASES.c.id)
            .where(
                this_case.c.id == case_id,
                CASES.c.partnership_id == this_case.c.partnership_id,
                CASES.c.id != case_id,
                CASES.c.closed_at.is_(None),
                value.is_not(None),
            )
            .order_by(CASES.c.id, EVENTS.c.seq)
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
        self,
        wanted: CaseFilter,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: CaseOrder = "recent",
    ) -> list[tuple[CaseRecord, str]]:
        """The cases ``wanted`` describes with their school's name, newest activity first
        (``order="deadline"``: soonest open deadline first, cases without one last);
        ``limit`` and ``offset`` page through them."""
        query = (
            select(*CASE_RECORD, SCHOOLS.c.name.label("school_name"))
            .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
            .where(*_case_conditions(wanted))
        )
        if order == "deadline":
            soonest = (
                select(DEADLINES.c.case_id, func.min(DEADLINES.c.due_date).label("due"))
                .where(DEADLINES.c.status == DeadlineStatus.OPEN.value)
                .group_by(DEADLINES.c.case_id)
                .subquery()
            )
            query = query.outerjoin(soonest, soonest.c.case_id == CASES.c.id).order_by(
                soonest.c.due.is_(None), soonest.c.due
            )
        query = (
            query.order_by(CASES.c.updated_at.desc(), CASES.c.id.desc()).limit(limit).offset(offset)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        result = []
        for row in rows:
            data = row._asdict()
            name = data.pop("school_name")
            result.append((CaseRecord(**data), name))
        return result

    def case_pulse(self, case_ids: Collection[int]) -> dict[int, CasePulse]:
        """For each of ``case_ids``: when it entered its current state (a row that changed
        the state, or opened the case; a deadline moved or the case moved to another protocol
        version is no new step) and its soonest open deadline."""
        ids = sorted(set(case_ids))
        if not ids:
            return {}
        # The newest row that changed the state entered the current one. Moving the case to
        # another version is no new step: its state there is the one it was in, renamed.
        entered = (
            select(EVENTS.c.case_id, func.max(EVENTS.c.at))
            .where(
                EVENTS.c.case_id.in_(ids),
                or_(EVENTS.c.from_state.is_(None), EVENTS.c.from_state != EVENTS.c.to_state),
                EVENTS.c.trigger != MOVED,
            )
            .group_by(EVENTS.c.case_id)
        )
        open_deadlines = (
            select(
                DEADLINES.c.case_id,
                DEADLINES.c.state,
                DEADLINES.c.name,
                DEADLINES.c.due_date,
            )
            .where(
                DEADLINES.c.case_id.in_(ids),
                DEADLINES.c.status == DeadlineStatus.OPEN.value,
            )
            # the last row per case wins: one waiting ('datum volgt') only without a dated one
            .order_by(
                DEADLINES.c.due_date.is_not(None),
                DEADLINES.c.due_date.desc(),
                DEADLINES.c.id.desc(),
            )
        )
        with self.engine.connect() as connection:
            since = dict(connection.execute(entered).all())
            soonest = {row.case_id: row for row in connection.execute(open_deadlines)}
        pulses = {}
        for case_id, at in since.items():
            row = soonest.get(case_id)
            pulses[case_id] = CasePulse(
                case_id,
                at,
                row.state if row else None,
                row.name if row else None,
                row.due_date if row else None,
            )
        return pulses

    def count_cases(self, wanted: CaseFilter) -> int:
        query = (
            select(func.count())
            .select_from(CASES)
            .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
            .where(*_case_conditions(wanted))
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def count_by_state(self, partnership_id: int | None = None) -> list[tuple[str, int, str, int]]:
        """(protocol id, version, state, number of cases)."""
        query = select(
            CASES.c.protocol_id, CASES.c.protocol_version, CASES.c.state, func.count()
        ).group_by(CASES.c.protocol_id, CASES.c.protocol_version, CASES.c.state)
        if partnership_id is not None:
            query = query.where(CASES.c.partnership_id == partnership_id)
        with self.engine.connect() as connection:
            return [
                (str(pid), int(version), str(state), int(count))
                for pid, version, state, count in connection.execute(query).all()
            ]

    def board_rows(
        self,
        visible: Visibility | None,
        *,
        partnership_id: int | None = None,
        sector: str | None = None,
        region: str | None = None,
        state: str | None = None,
    ) -> list[BoardRow]:
        """The cases on the overview board, by school name: (partnership id, protocol id,
        version, state, case id, school name), of the cases ``visible`` (None: all)."""
        query = (
            select(
                CASES.c.partnership_id,
                CASES.c.protocol_id,
                CASES.c.protocol_version,
                CASES.c.state,
                CASES.c.id,
                SCHOOLS.c.name,
            )
            .join(SCHOOLS, SCHOOLS.c.id == CASES.c.school_id)
            .order_by(SCHOOLS.c.name)
        )
        if visible is not None:
            query = query.where(visible_cases(visible))
        if partnership_id is not None:
            query = query.where(CASES.c.partnership_id == partnership_id)
        for column, value in ((SCHOOLS.c.sector, sector), (SCHOOLS.c.region, region)):
            if value:
                query = query.where(column == value)
        if state:
            query = query.where(CASES.c.state == state)
        with self.engine.connect() as connection:
            return [cast(BoardRow, tuple(row)) for row in connection.execute(query)]

    def protocol_versions_in_use(self, visible: Visibility | None) -> list[tuple[str, int]]:
        """(protocol id, version) of the cases ``visible`` (None: all), sorted."""
        query = select(CASES.c.protocol_id, CASES.c.protocol_version).distinct()
        if visible is not None:
            query = query.where(visible_cases(visible))
        with self.engine.connect() as connection:
            return sorted((str(p), int(v)) for p, v in connection.execute(query))

    def running_per_version(self, visible: Visibility | None) -> list[tuple[str, int, int]]:
        """(protocol id, version, number of running cases) of the cases ``visible`` (None:
        all), sorted."""
        query = (
            select(CASES.c.protocol_id, CASES.c.protocol_version, func.count())
            .where(CASES.c.closed_at.is_(None))
            .group_by(CASES.c.protocol_id, CASES.c.protocol_version)
        )
        if visible is not None:
            query = query.where(visible_cases(visible))
        with self.engine.connect() as connection:
            return sorted((str(p), int(v), int(n)) for p, v, n in connection.execute(query))


def _case_conditions(wanted: CaseFilter) -> list[ColumnElement[bool]]:
    equal = {
        CASES.c.partnership_id: wanted.partnership_id,
        CASES.c.state: wanted.state,
        CASES.c.protocol_id: wanted.protocol_id,
        CASES.c.school_id: wanted.school_id,
    }
    conditions = [column == value for column, value in equal.items() if value is not None]
    if wanted.running is not None:
        closed = CASES.c.closed_at
        conditions.append(closed.is_(None) if wanted.running else closed.is_not(None))
    if wanted.school_name:
        text = wanted.school_name.strip().lower()
        literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(SCHOOLS.c.name).like(f"%{literal}%", escape="\\"))
    if wanted.visible is not None:
        conditions.append(visible_cases(wanted.visible))
    return conditions
