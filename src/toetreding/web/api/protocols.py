"""The protocols: which ones (and versions) there are, and one in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from toetreding._exceptions import DefinitionError
from toetreding.definition import ProtocolSpec
from toetreding.store import MAX_ID
from toetreding.web.api._common import ApiRoute, Changer, errors, not_published
from toetreding.web.deps import Me, ctx
from toetreding.web.move_schemas import MoveCreate, MoveOutcomePublic, MovePlanPublic
from toetreding.web.protocol_schemas import (
    DefinitionProblems,
    LineMessage,
    ProtocolSummary,
    ProtocolText,
    PublishedProtocol,
)
from toetreding.web.views import protocol_warnings, require_admin

router = APIRouter(route_class=ApiRoute, tags=["protocollen"])


@router.get(
    "/protocollen",
    response_model=list[ProtocolSummary],
    summary="Protocollen",
    description=(
        "Elke protocolversie die u mag zien: de gedeelde plus die van uw eigen "
        "partnerschappen (een beheerder ziet alles). / Every protocol version the application "
        "knows."
    ),
    responses=errors(401, 422),
)
def protocol_list(request: Request, me: Me) -> list[ProtocolSummary]:
    specs = ctx(request).service.visible_protocols(me.protocol_scope)
    return [ProtocolSummary.of(spec) for spec in specs]


# Before /protocollen/{protocol_id}/{version}, which would take 'overzetten' as a version.
@router.get(
    "/protocollen/{protocol_id}/overzetten",
    response_model=MovePlanPublic,
    summary="Plan om lopende dossiers naar een nieuwere versie over te zetten",
    description=(
        "Per lopend dossier op versie 'van': de stap waar het in versie 'naar' landt, welke "
        "termijnen blijven, vervallen of nieuw zijn, of waarom het niet over kan. Er verandert "
        "niets. Voor coördinatoren en beheerders. / The dry run of moving the running cases "
        "of a version onto a newer one; nothing changes."
    ),
    responses=errors(401, 403, 404, 422),
)
def move_plan(
    request: Request,
    protocol_id: Annotated[str, Path(max_length=60, description="Bijv. partnerschap2")],
    van: Annotated[int, Query(ge=1, le=MAX_ID, description="De versie van de dossiers")],
    naar: Annotated[int, Query(ge=1, le=MAX_ID, description="De nieuwere versie")],
    me: Me,
) -> MovePlanPublic:
    plan = ctx(request).service.plan_move(protocol_id, van, naar, by=me.person_id)
    return MovePlanPublic.of(plan)


@router.post(
    "/protocollen/{protocol_id}/overzetten",
    response_model=list[MoveOutcomePublic],
    summary="Lopende dossiers naar een nieuwere versie overzetten",
    description=(
        "Zet elk dossier dat over kan over, elk in een eigen transactie, met een rij in de "
        "geschiedenis die beide versies noemt; de andere worden geweigerd met de reden. "
        "Afgesloten dossiers blijven op hun versie. Voor coördinatoren en beheerders. / Move "
        "every movable case, each in its own transaction; the others are refused with the "
        "reason."
    ),
    responses=errors(401, 403, 404, 409, 413, 422),
)
def move_cases(
    request: Request,
    protocol_id: Annotated[str, Path(max_length=60, description="Bijv. partnerschap2")],
    body: MoveCreate,
    me: Changer,
) -> list[MoveOutcomePublic]:
    expected = None if body.dossiers is None else {c.dossier: c.revisie for c in body.dossiers}
    outcomes = ctx(request).service.apply_move(
        protocol_id, body.van, body.naar, by=me.person_id, expected=expected
    )
    return [MoveOutcomePublic.of(o) for o in outcomes]


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
    me: Me,
) -> ProtocolSpec:
    ctx(request).service.require_visible_protocol(protocol_id, me.protocol_scope)
    return ctx(request).service.protocol(protocol_id, version)


@router.post(
    "/protocollen",
    response_model=PublishedProtocol,
    status_code=201,
    summary="Een nieuwe protocolversie publiceren",
    description=(
        "Publiceert de YAML-tekst als nieuwe versie van het protocol ('version' is de "
        "nieuwste + 1; een nieuw protocol begint bij 1). Alleen voor beheerders. Een "
        "gepubliceerde versie verandert nooit meer; nieuwe dossiers gebruiken haar. Een tekst "
        "met fouten (422) publiceert niets en noemt elk probleem met zijn regel; "
        "waarschuwingen houden publiceren niet tegen. / Publish the YAML text as the next "
        "version (administrators only); a text with errors (422) publishes nothing."
    ),
    responses={
        **errors(401, 403, 409, 413),  # 413: the text is larger than the body limit
        422: {"model": DefinitionProblems, "description": "Fouten in de tekst / errors"},
    },
)
def publish(request: Request, body: ProtocolText, me: Changer) -> Response | PublishedProtocol:
    require_admin(me)
    context = ctx(request)
    try:
        spec = context.service.publish_protocol(
            body.tekst, by=me.person_id, partnership=body.partnerschap
        )
    except DefinitionError as exc:
        return not_published(exc)
    _, warnings = protocol_warnings(context, body.tekst, "protocol")
    return PublishedProtocol(
        protocol=ProtocolSummary.of(spec), warnings=[LineMessage.of(w) for w in warnings]
    )
