"""Protocolgebruik: an administrator sets, per partnership, which shared protocols (the
shipped ones and those published for all) it opens new cases on; running cases go on."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.web.deps import Me, ctx, known_partnership, page, require_csrf
from toetreding.web.views import require_admin

router = APIRouter(include_in_schema=False)


@router.get("/protocolgebruik")
def protocol_uses(request: Request, me: Me, partnerschap: str = "") -> Response:
    require_admin(me)
    return _render(request, me, known_partnership(request, partnerschap))


@router.post("/protocolgebruik")
def set_protocol_use(
    request: Request,
    me: Me,
    csrf_token: str = Form(""),
    partnerschap: str = Form(""),
    protocol: str = Form(""),
    gebruiken: str = Form(""),
) -> Response:
    require_admin(me)
    require_csrf(request, csrf_token)
    chosen = known_partnership(request, partnerschap)
    if chosen is None:
        return _render(request, me, None, refused="kies het partnerschap", status=422)
    service = ctx(request).service
    used = gebruiken == "ja"
    try:
        service.use_protocol(chosen, protocol, used=used, by=me.person_id)
        title = service.protocols().get(protocol).title
    except (InvalidInputError, NotFoundError) as exc:
        return _render(request, me, chosen, refused=str(exc), status=422)
    name = service.partnership(chosen).name
    done = (
        f"{name} {'gebruikt' if used else 'gebruikt niet langer'} '{title}' voor nieuwe dossiers."
    )
    return _render(request, me, chosen, done=done)


def _render(
    request: Request,
    me: Me,
    chosen: int | None,
    *,
    done: str = "",
    refused: str = "",
    status: int = 200,
) -> Response:
    service = ctx(request).service
    response = page(
        request,
        "protocol_uses.html",
        me,
        chosen=chosen,
        partnerships=service.partnerships(),
        uses=service.protocol_uses(chosen) if chosen is not None else [],
        done=done,
        refused=refused,
    )
    response.status_code = status
    return response
