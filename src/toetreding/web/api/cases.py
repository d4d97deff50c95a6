"""Cases: the list, one case with what this person may do now, and taking a step."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from toetreding._exceptions import FileRefused, FileTooLarge
from toetreding.service import CaseView
from toetreding.store import CaseFilter
from toetreding.web.access import Viewer, visible_case
from toetreding.web.api._common import (
    SKIP,
    ApiRoute,
    CaseId,
    Changer,
    dutch,
    errors,
    total_count_header,
    visible_partnership,
)
from toetreding.web.api.firing import fire_body, fire_create
from toetreding.web.deps import Me, ctx
from toetreding.web.schemas import (
    ActionPublic,
    CaseDetail,
    CasePublic,
    FireResult,
    case_detail,
    case_public,
)
from toetreding.web.uploads import receive_once
from toetreding.web.views import actions_for

router = APIRouter(route_class=ApiRoute, tags=["dossiers"])


@router.get(
    "/dossiers",
    response_model=list[CasePublic],
    summary="Dossiers",
    description=(
        "De dossiers die u mag zien, laatst gewijzigd eerst, per pagina (`limit`, `offset`; "
        "het totaal staat in de header `X-Total-Count`). Een contactpersoon van een "
        "school ziet alleen de dossiers van die school. / The cases visible to you, most "
        "recently changed first, a page at a time (total in `X-Total-Count`); a school "
        "contact sees only their school's cases."
    ),
    responses={200: total_count_header("De dossiers van deze pagina."), **errors(401, 404, 422)},
)
def case_list(
    request: Request,
    response: Response,
    me: Me,
    partnership: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Code of id van het partnerschap",
            **dutch("partnerschap", "partnership"),
        ),
    ] = None,
    state: Annotated[
        str | None,
        Query(max_length=60, description="Alleen in deze stap", **dutch("stap", "state")),
    ] = None,
    open_: Annotated[
        bool | None,
        Query(alias="open", description="true: alleen lopende, false: alleen afgesloten"),
    ] = None,
    school: Annotated[
        str | None, Query(max_length=100, description="Deel van de naam van de school")
    ] = None,
    limit: Annotated[
        int,
        Query(ge=1, le=500, description="Hoeveel dossiers ten hoogste", **dutch("aantal", "limit")),
    ] = 100,
    offset: Annotated[int, SKIP] = 0,
) -> list[CasePublic]:
    app = ctx(request).service
    partnership_id = visible_partnership(app, me, partnership) if partnership else None
    wanted = CaseFilter(
        partnership_id=partnership_id,
        state=state,
        running=open_,
        school_name=school.strip() if school else None,
        visible=me.scope,
    )
    response.headers["X-Total-Count"] = str(app.count_cases(wanted))
    rows = app.find_cases(wanted, limit=limit, offset=offset)
    return [case_public(app.spec_of(case), case, name) for case, name in rows]


@router.get(
    "/dossiers/{case_id}",
    response_model=CaseDetail,
    summary="Eén dossier",
    description=(
        "Het dossier met school, stap, wat u nu kunt doen (met de invoer die elke stap "
        "vraagt), wat er nu kan en door wie, termijnen en geschiedenis. Een onbekend dossier "
        "en een dossier dat u niet mag zien geven hetzelfde antwoord 404. / The case with "
        "its school, state, the actions you may take with their inputs, deadlines, history."
    ),
    responses=errors(401, 404, 422),
)
def case_view(request: Request, case_id: CaseId, me: Me) -> CaseDetail:
    app = ctx(request).service
    visible_case(app, me, case_id)
    return _detail(request, me, app.view(case_id))


@router.post(
    "/dossiers/{case_id}/handelingen/{trigger}",
    response_model=FireResult,
    summary="Een stap zetten",
    description=(
        "Zet een stap van het protocol (een 'handeling') met de invoer die hij vraagt. Het "
        "protocol controleert of de stap nu kan, of u hem mag zetten en of alle invoer er is; "
        "een weigering (422) noemt de reden en wat nu wel kan, en wijzigt niets. Met de "
        "sessiecookie is de header X-CSRF-Token nodig, met een API-token niet.\n\n"
        "Een documentinvoer vraagt een bestand: stuur `multipart/form-data` met het bestand "
        "onder de naam van de invoer (en `inputs` als JSON-tekst, `note`, `role`), of stuur "
        "JSON en geef het nummer van een bestand dat al in het dossier zit "
        "(`POST /api/dossiers/{case_id}/bestanden`). Stap en bestanden worden samen bewaard, "
        "of niet. / Fire a trigger; documents as multipart files or as numbers of files "
        "uploaded before; a refusal (422) changes nothing."
    ),
    responses=errors(400, 401, 403, 404, 409, 413, 422, refusal=True),
    openapi_extra={"requestBody": fire_body()},
)
async def fire(
    request: Request,
    case_id: CaseId,
    trigger: Annotated[str, Path(max_length=60, description="De handeling, bijv. stoppen")],
    me: Changer,
) -> FireResult:
    app = ctx(request).service
    visible_case(app, me, case_id)
    received = None
    if request.headers.get("content-type", "").startswith("multipart/"):
        received = await receive_once(request, app.new_upload, app.max_upload_bytes)
    try:
        if received is not None and received.refused:
            refusal = "; ".join(received.refused)
            raise FileTooLarge(refusal) if received.too_large else FileRefused(refusal)
        body = fire_create(received, None if received else await request.body())
        decision = await run_in_threadpool(
            partial(
                app.fire,
                case_id,
                trigger,
                actor_ref=me.person_id,
                inputs=body.inputs if received is None else {**body.inputs, **received.files},
                note=body.note,
                role=body.role,
            )
        )
    finally:
        if received is not None:
            received.discard()
    return FireResult(
        trigger=decision.trigger,
        role=decision.role,
        from_state=decision.from_state,
        to_state=decision.to_state,
        case=_detail(request, me, app.view(case_id)),
    )


class CorrectionCreate(BaseModel):
    """A correction of the case's newest step that still stands."""

    model_config = ConfigDict(extra="forbid")

    reden: str = Field(min_length=1, max_length=2000, description="Waarom de stap niet klopte")
    rij: int | None = Field(
        default=None,
        ge=1,
        description="De rij die u bedoelt; 409 als die niet de nieuwste stap is die nog staat",
    )


@router.post(
    "/dossiers/{case_id}/correctie",
    response_model=CaseDetail,
    summary="De nieuwste stap corrigeren",
    description=(
        "Een coördinator neemt de nieuwste stap van het dossier terug, met een reden: het "
        "dossier gaat terug naar de stap ervoor, termijnen gaan mee, en de geschiedenis houdt "
        "de gecorrigeerde rij en de correctie. Nog eens: dan de stap daarvoor. Andere rollen "
        "krijgen 422. / A coordinator takes back the case's newest step that still stands, "
        "with a reason; both rows stay in the history; again: the step before it."
    ),
    responses=errors(401, 403, 404, 409, 422, refusal=True),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CorrectionCreate.model_json_schema()}},
        }
    },
)
async def correct(request: Request, case_id: CaseId, me: Changer) -> CaseDetail:
    app = ctx(request).service
    visible_case(app, me, case_id)  # before the body: a hidden case answers as an unknown one
    try:
        body = CorrectionCreate.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    await run_in_threadpool(
        partial(app.correct_step, case_id, actor_ref=me.person_id, reason=body.reden, seq=body.rij)
    )
    return _detail(request, me, app.view(case_id))


def _detail(request: Request, me: Viewer, view: CaseView) -> CaseDetail:
    actions = [
        ActionPublic(
            trigger=a.trigger,
            label=a.label,
            role=a.role,
            description=a.transition.description.strip(),
            inputs=list(a.transition.inputs),
        )
        for a in actions_for(ctx(request).service, me, view)
    ]
    return case_detail(view, actions, ctx(request).service.today())
