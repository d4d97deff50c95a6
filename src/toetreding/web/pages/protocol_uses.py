"""Protocolgebruik: an administrator sets, per partnership, which shared protocols (the
shipped ones and those published for all) it opens new cases on; running cases go on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from toetreding.web.deps import Me, ctx
from toetreding.web.pages._partnership_pages import PartnershipPage

router = APIRouter(include_in_schema=False)


def _values(request: Request, chosen: int) -> dict[str, Any]:
    return {"uses": ctx(request).service.protocol_uses(chosen)}


_PAGE = PartnershipPage("protocol_uses.html", _values)


@router.get("/protocolgebruik")
def protocol_uses(request: Request, me: Me, partnerschap: str = "") -> Response:
    return _PAGE.show(request, me, partnerschap)


@router.post("/protocolgebruik")
def set_protocol_use(
    request: Request,
    me: Me,
    csrf_token: str = Form(""),
    partnerschap: str = Form(""),
    protocol: str = Form(""),
    gebruiken: str = Form(""),
) -> Response:
    service = ctx(request).service
    used = gebruiken == "ja"

    def use(chosen: int) -> str:
        service.use_protocol(chosen, protocol, used=used, by=me.person_id)
        title = service.protocols().get(protocol).title
        name = service.partnership(chosen).name
        verb = "gebruikt" if used else "gebruikt niet langer"
        return f"{name} {verb} '{title}' voor nieuwe dossiers."

    return _PAGE.change(request, me, csrf_token, partnerschap, use)
