"""Overzicht: per partnership the candidate schools as a board by step."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Select, func, select

from toetreding.service import Toetreding
from toetreding.store.repository import visible_cases
from toetreding.store.tables import Case, Deadline, Partnership, School
from toetreding.web.access import Viewer
from toetreding.web.deps import Me, ctx, page

router = APIRouter(include_in_schema=False)
_cases = Case.__table__  # type: ignore[attr-defined]
_schools = School.__table__  # type: ignore[attr-defined]
_deadlines = Deadline.__table__  # type: ignore[attr-defined]
NAMES_SHOWN = 12
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass
class Column:
    """One state of a protocol on the board."""

    state: str
    label: str
    step: int | None
    final: bool
    outcome: str | None
    who: list[str]
    count: int = 0
    overdue: int = 0
    cases: list[tuple[int, str, bool]] = field(default_factory=list)  # id, school, overdue


@dataclass
class Board:
    partnership: Partnership
    protocol_title: str
    protocol_key: str
    columns: list[Column]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.columns)


@router.get("/overzicht")
def overview(
    request: Request,
    me: Me,
    sector: str | None = None,
    regio: str | None = None,
    stap: str | None = None,
) -> Response:
    today = ctx(request).service.today()
    boards = build_boards(request, me, today, sector=sector, region=regio, state=stap)
    return page(
        request,
        "overview.html",
        me,
        boards=boards,
        state_choices=state_choices(request, me),
        filters={"sector": sector or "", "regio": regio or "", "stap": stap or ""},
        today=today,
    )


def build_boards(
    request: Request,
    me: Viewer,
    today: date,
    *,
    sector: str | None = None,
    region: str | None = None,
    state: str | None = None,
) -> list[Board]:
    service = ctx(request).service
    query = (
        select(
            _cases.c.partnership_id,
            _cases.c.protocol_id,
            _cases.c.protocol_version,
            _cases.c.state,
            _cases.c.id,
            _schools.c.name,
        )
        .join(_schools, _schools.c.id == _cases.c.school_id)
        .order_by(_schools.c.name)
    )
    query = _visible_to(me, query)
    for column, value in ((_schools.c.sector, sector), (_schools.c.region, region)):
        if value:
            query = query.where(column == value)
    if state:
        query = query.where(_cases.c.state == state)
    overdue_query = (
        select(_deadlines.c.case_id, func.count())
        .where(_deadlines.c.status == "open", _deadlines.c.due_date < today)
        .group_by(_deadlines.c.case_id)
    )
    with service.store.engine.connect() as connection:
        rows = connection.execute(query).all()
        overdue = {row[0]: int(row[1]) for row in connection.execute(overdue_query)}
    partnerships = {p.id: p for p in service.store.partnerships()}
    grouped: dict[tuple[int, str, int], list[tuple[str, int, str]]] = defaultdict(list)
    for pid, protocol, version, case_state, case_id, school in rows:
        grouped[(pid, protocol, version)].append((case_state, case_id, school))
    return [
        _board(service, partnerships[pid], protocol, version, cases, overdue)
        for (pid, protocol, version), cases in sorted(grouped.items())
    ]


def state_choices(request: Request, me: Viewer) -> list[tuple[str, list[tuple[str, str]]]]:
    """The states to filter on, per protocol (version) of the cases this person sees:
    (protocol title, [(state, label)])."""
    service = ctx(request).service
    query = _visible_to(me, select(_cases.c.protocol_id, _cases.c.protocol_version).distinct())
    with service.store.engine.connect() as connection:
        versions = sorted(connection.execute(query).all())
    choices = []
    for protocol, version in versions:
        spec = service.protocol(protocol, version)
        states = [
            (name, f"{state.label} (stap {state.step})" if state.step else state.label)
            for name, state in spec.states.items()
        ]
        choices.append((f"{spec.title} (v{spec.version})", states))
    return choices


def _visible_to(me: Viewer, query: _Query) -> _Query:
    return query if me.scope is None else query.where(visible_cases(me.scope))


def _board(
    service: Toetreding,
    partnership: Partnership,
    protocol: str,
    version: int,
    cases: list[tuple[str, int, str]],
    overdue: dict[int, int],
) -> Board:
    spec = service.protocol(protocol, version)
    machine = service.engine.machine(spec)
    columns = {
        name: Column(
            name,
            state.label,
            state.step,
            state.final,
            state.outcome,
            [spec.roles.get(r, r) for r in machine.acting_roles(name)] if not state.final else [],
        )
        for name, state in spec.states.items()
    }
    for case_state, case_id, school in cases:
        column = columns[case_state]
        column.count += 1
        late = overdue.get(case_id, 0) > 0
        column.overdue += late
        if len(column.cases) < NAMES_SHOWN:
            column.cases.append((case_id, school, late))
    return Board(
        partnership,
        spec.title,
        f"{spec.id} v{spec.version}",
        list(columns.values()),
    )
