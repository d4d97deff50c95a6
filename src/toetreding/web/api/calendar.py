"""The school calendar, for administrators: the summer vacations per school year and region
with their source, a partnership's days off, and the deadlines waiting for calendar data.
Setting a vacation dates the deadlines that waited for it; adding or removing a day off moves
the partnership's deadlines counted in working days. Every change is in the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from toetreding.web.api._common import ApiRoute, Changer, errors
from toetreding.web.calendar_schemas import (
    CalendarPublic,
    DayOffCreate,
    DayOffPublic,
    DayOffSaved,
    SchoolYearPublic,
    SchoolYearSaved,
    SchoolYearSet,
    TodoPublic,
    WaitingPublic,
)
from toetreding.web.deps import Me, ctx
from toetreding.web.schemas import Text
from toetreding.web.views import require_admin

router = APIRouter(route_class=ApiRoute, tags=["schoolkalender"])
WHAT = "de schoolkalender beheren"
Partnership = Annotated[str, Path(max_length=60, description="De code van het partnerschap")]
Source = Annotated[Text, Query(min_length=1, max_length=500, description="Bron, bijv. het besluit")]


@router.get(
    "/kalender",
    response_model=CalendarPublic,
    summary="De schoolkalender",
    description=(
        "De zomervakanties per schooljaar en regio met hun bron, de vrije dagen van de "
        "partnerschappen, de termijnen die op kalenderdata wachten ('datum volgt') en wat een "
        "beheerder moet doen. Alleen voor beheerders. / The school calendar (administrators)."
    ),
    responses=errors(401, 403, 422),
)
def calendar(request: Request, me: Me) -> CalendarPublic:
    require_admin(me, WHAT)
    service = ctx(request).service
    partnerships = {p.id: p for p in service.partnerships()}
    return CalendarPublic(
        schooljaren=[SchoolYearPublic.of(row) for row in service.calendar_years()],
        vrije_dagen=[DayOffPublic.of(d, partnerships) for d in service.days_off()],
        wachtende_termijnen=[WaitingPublic.of(w) for w in service.waiting_deadlines()],
        te_doen=[TodoPublic.of(f) for f in service.doctor()],
    )


@router.put(
    "/kalender/{schooljaar}",
    response_model=SchoolYearSaved,
    summary="De zomervakantie van een schooljaar invoeren of corrigeren",
    description=(
        "Zet de zomervakantie van de genoemde regio's, met de bron; elke termijn die erop "
        "wachtte krijgt in dezelfde transactie zijn datum (met een rij in de geschiedenis van "
        "het dossier); een correctie telt elke open termijn van de regio die ermee geteld is "
        "opnieuw vanaf zijn begin (verschoven; een met de hand verlengde blijft staan). "
        "Alleen voor beheerders. / Set a school year's summer vacation per region with its "
        "source; waiting deadlines get their date, a correction re-dates the open ones."
    ),
    responses=errors(401, 403, 409, 422),
)
def set_school_year(
    request: Request,
    schooljaar: Annotated[str, Path(max_length=9, description="Bijv. 2026-2027")],
    body: SchoolYearSet,
    me: Changer,
) -> SchoolYearSaved:
    require_admin(me, WHAT)
    saved = ctx(request).service.set_summer_vacations(
        schooljaar,
        {str(region): (p.begin, p.eind) for region, p in body.zomervakanties.items()},
        source=body.bron,
        by=me.person_id,
    )
    return SchoolYearSaved(
        schooljaar=schooljaar,
        gewijzigd=saved.changed,
        gedateerd=saved.dated,
        verschoven=saved.redated,
        melding=saved.redated_words,
    )


@router.post(
    "/kalender/vrije-dagen",
    response_model=DayOffSaved,
    status_code=201,
    summary="Een vrije dag van een partnerschap toevoegen (of hernoemen)",
    description=(
        "Een vrije dag is voor dat partnerschap geen werkdag: de lopende termijnen in "
        "werkdagen die hij raakt schuiven in dezelfde transactie mee (elk met een rij in de "
        "geschiedenis; hun herinneringen volgen). Een met de hand verlengde datum en een "
        "termijn op een vaste dag blijven staan. Alleen voor beheerders. / Add a day off; the "
        "deadlines in working days it concerns move."
    ),
    responses=errors(401, 403, 404, 409, 422),
)
def add_day_off(request: Request, body: DayOffCreate, me: Changer) -> DayOffSaved:
    require_admin(me, WHAT)
    moved = ctx(request).service.set_day_off(
        body.partnerschap, body.dag, label=body.naam, source=body.bron, by=me.person_id
    )
    return DayOffSaved.of(body.partnerschap, body.dag, moved)


@router.delete(
    "/kalender/vrije-dagen/{partnerschap}/{dag}",
    response_model=DayOffSaved,
    summary="Een vrije dag van een partnerschap verwijderen",
    description=(
        "De termijnen in werkdagen die de dag raakte schuiven terug, in dezelfde transactie. "
        "De bron (waarom) gaat in het logboek. Alleen voor beheerders. / Remove a day off; the "
        "deadlines it moved move back."
    ),
    responses=errors(401, 403, 404, 409, 422),
)
def remove_day_off(
    request: Request,
    partnerschap: Partnership,
    dag: Annotated[date, Path(description="JJJJ-MM-DD")],
    bron: Source,
    me: Changer,
) -> DayOffSaved:
    require_admin(me, WHAT)
    moved = ctx(request).service.set_day_off(
        partnerschap, dag, label=None, source=bron, by=me.person_id
    )
    return DayOffSaved.of(partnerschap, dag, moved)
