"""The protocols: which ones (and versions) there are, and one in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from toetreding.definition import ProtocolSpec
from toetreding.store import MAX_ID
from toetreding.web.api._common import ApiRoute, errors
from toetreding.web.deps import Me, ctx
from toetreding.web.schemas import ProtocolSummary

router = APIRouter(route_class=ApiRoute, tags=["protocollen"])


@router.get(
    "/protocollen",
    response_model=list[ProtocolSummary],
    summary="Protocollen",
    description=(
        "Elke protocolversie die de toepassing kent. / Every protocol version the application "
        "knows."
    ),
    responses=errors(401, 422),
)
def protocol_list(request: Request, _me: Me) -> list[ProtocolSummary]:
    return [ProtocolSummary.of(spec) for spec in ctx(request).service.registry.all()]


@router.get(
    "/protocollen/{protocol_id}/{version}",
    response_model=ProtocolSpec,
    response_model_by_alias=True,
    summary="Eén protocolversie",
    description=(
        "De volledige definitie van een protocolversie: stappen, toestanden, handelingen met "
        "rollen en invoer, termijnen en audit. Voor een versie waarop dossiers lopen is het "
        "precies de definitie waarmee die dossiers worden beslist. / The full definition of a "
        "protocol version; for a version cases run on, exactly the one they are decided by."
    ),
    responses=errors(401, 404, 422),
)
def protocol_view(
    request: Request,
    protocol_id: Annotated[str, Path(max_length=60, description="Bijv. partnerschap2")],
    version: Annotated[int, Path(ge=1, le=MAX_ID, description="Versienummer")],
    _me: Me,
) -> ProtocolSpec:
    return ctx(request).service.protocol(protocol_id, version)
