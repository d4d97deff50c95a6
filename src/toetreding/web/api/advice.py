"""A partnership's advice rules: which there are, one in full, and publishing a version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from toetreding._exceptions import AdminOnly, DefinitionError
from toetreding.advice import AdviceRulesSpec
from toetreding.store import MAX_ID, AdviceRulesPublic
from toetreding.web.advice_schemas import AdviceRulesText, PublishedAdviceRules
from toetreding.web.api._common import ApiRoute, Changer, errors, not_published, visible_partnership
from toetreding.web.deps import Me, ctx
from toetreding.web.protocol_schemas import DefinitionProblems

router = APIRouter(route_class=ApiRoute, tags=["adviesregels"])

PARTNERSHIP = Query(max_length=60, description="Code of nummer; toont ook de eigen regels ervan")


@router.get(
    "/adviesregels",
    response_model=list[AdviceRulesPublic],
    summary="Adviesregels",
    description=(
        "De meegeleverde adviesregels per versie, en met 'partnerschap' ook de eigen regels "
        "van dat partnerschap. / The shipped advice rules, and a partnership's own."
    ),
    responses=errors(401, 404, 422),
)
def rules_list(
    request: Request, me: Me, partnerschap: Annotated[str | None, PARTNERSHIP] = None
) -> list[AdviceRulesPublic]:
    context = ctx(request)
    owner = None if partnerschap is None else visible_partnership(context.service, me, partnerschap)
    return context.desk.advice_list(owner)


@router.get(
    "/adviesregels/{rules_id}/{version}",
    response_model=AdviceRulesSpec,
    response_model_by_alias=True,
    summary="Eén versie van adviesregels",
    description=(
        "De volledige regels: de uitkomsten in volgorde, met hun voorwaarden op de scores. / "
        "One version of advice rules in full."
    ),
    responses=errors(401, 404, 422),
)
def rules_view(
    request: Request,
    rules_id: Annotated[str, Path(max_length=60, description="Bijv. nvao-toetredingsadvies")],
    version: Annotated[int, Path(ge=1, le=MAX_ID, description="Versienummer")],
    me: Me,
    partnerschap: Annotated[str | None, PARTNERSHIP] = None,
) -> AdviceRulesSpec:
    context = ctx(request)
    owner = None if partnerschap is None else visible_partnership(context.service, me, partnerschap)
    return context.desk.advice_spec(owner, rules_id, version)


@router.post(
    "/adviesregels",
    response_model=PublishedAdviceRules,
    status_code=201,
    summary="Adviesregels van een partnerschap publiceren",
    description=(
        "Publiceert de YAML-tekst als nieuwe versie van de eigen adviesregels van het "
        "partnerschap ('version' is de nieuwste + 1). Alleen voor een beheerder van dat "
        "partnerschap. Een gepubliceerde versie verandert nooit meer; nieuwe audits van het "
        "partnerschap gebruiken haar, lopende audits houden hun versie. Een tekst met fouten "
        "(422) publiceert niets en noemt elk probleem met zijn regel. / Publish the YAML text "
        "as the next version of a partnership's advice rules (its administrators only); a "
        "text with errors (422) publishes nothing."
    ),
    responses={
        **errors(401, 403, 404, 409, 413),
        422: {"model": DefinitionProblems, "description": "Fouten in de tekst / errors"},
    },
)
def publish(
    request: Request, body: AdviceRulesText, me: Changer
) -> Response | PublishedAdviceRules:
    context = ctx(request)
    owner = visible_partnership(context.service, me, body.partnerschap)
    if not context.desk.may_manage_advice(me.person_id, owner):
        raise AdminOnly("alleen een beheerder van het partnerschap mag adviesregels publiceren")
    try:
        done = context.desk.publish_advice(
            body.tekst, partnership_ref=owner, by=me.person_id, filename="adviesregels"
        )
    except DefinitionError as exc:
        return not_published(exc)
    summary = next(
        r for r in context.desk.advice_list(owner) if (r.rules_id, r.version) == done.spec.key
    )
    return PublishedAdviceRules(regels=summary, nieuw=done.new)
