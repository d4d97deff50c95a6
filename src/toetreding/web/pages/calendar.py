"""The Schoolkalender page (top menu, administrators only): the summer vacations per region,
with their source; saving dates every deadline that waited for them ("datum volgt"), and a
correction gives the open deadlines counted with it a new date (the page says how many). And a
partnership's days off: adding or removing one moves its deadlines counted in working days, and
the page says which."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.calendar import REGIONS
from toetreding.service import Saved, moved_heading
from toetreding.web.access import Viewer
from toetreding.web.deps import Me, ctx, page, require_csrf

router = APIRouter(include_in_schema=False)
PATH = "/beheer/schoolkalender"


def _admin(me: Viewer) -> None:
    if not me.is_admin:
        raise NotFoundError("deze pagina is er alleen voor beheerders")


@router.get(PATH)
def calendar_page(
    request: Request,
    me: Me,
    schooljaar: str = "",
    opgeslagen: str = "",
    gedateerd: str = "",
    verschoven: str = "",
) -> Response:
    _admin(me)
    form: dict[str, str] = {"schooljaar": schooljaar[:9]}
    for row in ctx(request).service.calendar_years():
        if row.school_year == form["schooljaar"]:  # correcting a year: start from its data
            for region, found in row.regions.items():
                if found is not None:
                    form[f"{region}_begin"] = found.start.isoformat()
                    form[f"{region}_eind"] = found.end.isoformat()
                    form["bron"] = found.source
    saved = (
        {
            "jaar": opgeslagen[:9],
            "gedateerd": gedateerd,
            "verschoven": Saved(0, 0, int(verschoven[:6] or 0)).redated_words
            if verschoven[:6].isdigit()
            else "",
        }
        if opgeslagen
        else None
    )
    return _render(request, me, form=form, saved=saved)


@router.post(PATH)
async def save_school_year(request: Request, me: Me, csrf_token: str = Form("")) -> Response:
    _admin(me)
    require_csrf(request, csrf_token)
    given = {key: str(value).strip() for key, value in (await request.form()).items()}
    form = {key: value for key, value in given.items() if key != "csrf_token"}
    try:
        saved = ctx(request).service.set_summer_vacations(
            form.get("schooljaar", ""),
            _periods(form),
            source=form.get("bron", ""),
            by=me.person_id,
        )
    except InvalidInputError as exc:  # the form comes back as it was filled in
        response = _render(request, me, form=form, error=str(exc))
        response.status_code = 422
        return response
    year = form.get("schooljaar", "")
    return RedirectResponse(
        f"{PATH}?opgeslagen={year}&gedateerd={saved.dated}&verschoven={saved.redated}",
        status_code=303,
    )


@router.post(f"{PATH}/vrije-dagen")
async def save_day_off(request: Request, me: Me, csrf_token: str = Form("")) -> Response:
    """Add a day off (``naam`` given) or remove one (``verwijderen``) of a partnership."""
    _admin(me)
    require_csrf(request, csrf_token)
    given = {key: str(value).strip() for key, value in (await request.form()).items()}
    form = {key: value for key, value in given.items() if key != "csrf_token"}
    remove = "verwijderen" in form
    try:
        day = _date(form.get("dag", ""), "de dag")
        moved = ctx(request).service.set_day_off(
            form.get("partnerschap", ""),
            day,
            label=None if remove else form.get("naam", ""),
            source=form.get("bron", ""),
            by=me.person_id,
        )
    except (InvalidInputError, NotFoundError) as exc:  # the form comes back as filled in
        response = _render(request, me, form={}, day_off_form=form, day_off_error=str(exc))
        response.status_code = 422 if isinstance(exc, InvalidInputError) else 404
        return response
    partnership = ctx(request).service.partnership(form.get("partnerschap", ""))
    done = {"day": day, "partnership": partnership.name, "removed": remove}
    return _render(request, me, form={}, day_off_form={}, day_off_done=done, moved=moved)


def _periods(form: dict[str, str]) -> dict[str, tuple[date, date]]:
    periods = {}
    for region in REGIONS:
        start, end = form.get(f"{region}_begin", ""), form.get(f"{region}_eind", "")
        if not start and not end:
            continue
        if not start or not end:
            raise InvalidInputError(f"geef van regio {region} zowel de eerste als de laatste dag")
        periods[region] = (_date(start, f"regio {region}"), _date(end, f"regio {region}"))
    return periods


def _date(text: str, where: str) -> date:
    if not text:
        raise InvalidInputError(f"geef {where} (JJJJ-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"'{text}' bij {where} is geen datum (JJJJ-MM-DD)") from None


def _render(request: Request, me: Viewer, **values: Any) -> Response:
    service = ctx(request).service
    today = service.today()
    return page(
        request,
        "school_calendar.html",
        me,
        years=service.calendar_years(today),
        findings=service.doctor(today),
        changes=service.calendar_changes(30),
        days_off=service.days_off(),
        partnerships={p.id: p for p in service.partnerships()},
        moved_heading=moved_heading,
        regions=REGIONS,
        **values,
    )
