"""``GET /api/overzicht`` and ``GET /api/agenda``: the board by step, and what is due."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from toetreding.calendar import Region
from toetreding.definition.model import Sector
from toetreding.web.api._common import SKIP, ApiRoute, dutch, errors, total_count_header
from toetreding.web.deps import Me, ctx
from toetreding.web.schemas import (
    AgendaItemPublic,
    ProtocolBoard,
    StateCount,
)

router = APIRouter(route_class=ApiRoute, tags=["overzicht"])


@router.get(
    "/overzicht",
    response_model=list[ProtocolBoard],
    summary="Overzicht per stap",
    description=(
        "Per partnerschap en protocolversie: elke stap met het aantal dossiers en hoeveel "
        "daarvan een verlopen termijn hebben, alleen over de dossiers die u mag zien. / Per "
        "partnership and protocol version: every state with its number of cases and of "
        "overdue ones, counting only the cases visible to you."
    ),
    responses=errors(401, 422),
)
def overview(
    request: Request,
    me: Me,
    sector: Annotated[Sector | None, Query(description="Alleen scholen in deze sector")] = None,
    region: Annotated[
        Region | None,
        Query(description="Alleen scholen in deze regio", **dutch("regio", "region")),
    ] = None,
) -> list[ProtocolBoard]:
    app = ctx(request).service
    boards = app.board(today=app.today(), visible=me.scope, sector=sector, region=region)
    result = []
    for board in boards:
        result.append(
            ProtocolBoard(
                partnership=board.partnership,
                protocol_id=board.protocol.id,
                protocol_version=board.protocol.version,
                protocol_title=board.protocol.title,
                total=board.total,
                states=[
                    StateCount(
                        state=c.state,
                        label=c.label,
                        step=c.step,
                        final=c.final,
                        outcome=c.outcome,
                        who=list(c.who),
                        count=c.count,
                        overdue=c.overdue,
                    )
                    for c in board.columns
                ],
            )
        )
    return result


@router.get(
    "/agenda",
    response_model=list[AgendaItemPublic],
    summary="Agenda: lopende termijnen",
    description=(
        "Lopende termijnen van de dossiers die u mag zien, de eerstvolgende eerst: verlopen "
        "termijnen en (met within_days) wat binnen zoveel dagen moet; met `limit` en "
        "`offset` per pagina (het totaal staat in de header `X-Total-Count`). / Open "
        "deadlines of the cases visible to you, soonest first (total in `X-Total-Count`)."
    ),
    responses={200: total_count_header("De termijnen (van deze pagina)."), **errors(401, 422)},
)
def agenda(
    request: Request,
    response: Response,
    me: Me,
    within_days: Annotated[
        int | None,
        Query(
            ge=0,
            le=3660,
            description="Alleen wat binnen zoveel dagen moet (en wat verliep)",
            **dutch("binnen_dagen", "within_days"),
        ),
    ] = None,
    overdue: Annotated[
        bool, Query(description="Alleen verlopen termijnen", **dutch("verlopen", "overdue"))
    ] = False,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=10_000,
            description="Hoeveel ten hoogste (standaard alle)",
            **dutch("aantal", "limit"),
        ),
    ] = None,
    offset: Annotated[int, SKIP] = 0,
) -> list[AgendaItemPublic]:
    app = ctx(request).service
    today = app.today()
    total = app.agenda_size(
        today=today, within_days=within_days, overdue_only=overdue, visible=me.scope
    )
    response.headers["X-Total-Count"] = str(total)
    items = app.agenda(
        today=today,
        within_days=within_days,
        overdue_only=overdue,
        visible=me.scope,
        limit=limit,
        offset=offset,
    )
    return [AgendaItemPublic.of(item) for item in items]
