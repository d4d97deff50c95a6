"""Protocolbeheer: an administrator edits a protocol's text in a plain editor, sees the
loader's problems and the domain warnings by line, previews the diagram and publishes the
text as the next version (immutable; new cases use it); and a new protocol, published for
the partnership chosen on the page (only that partnership sees and uses it)."""

from __future__ import annotations

import re
from functools import partial

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import ConflictError, DefinitionProblem, InvalidInputError
from toetreding.definition import ProtocolSpec
from toetreding.web.deps import Me, ctx, page, require_csrf
from toetreding.web.diagram import protocol_diagram
from toetreding.web.pages._editor import next_version_text, with_lines
from toetreding.web.pages._editor_post import Refused, editor_page, editor_post
from toetreding.web.views import protocol_warnings, require_admin

router = APIRouter(include_in_schema=False)

_MIGRATION_BLOCK = re.compile(r"^migration:.*\n(?:[ \t]+.*\n)*", re.MULTILINE)


@router.get("/protocolbeheer")
def admin_list(request: Request, me: Me) -> Response:
    require_admin(me)
    service = ctx(request).service
    registry, owners = service.protocols_and_owners()
    newest = {spec.id: spec for spec in registry.all()}  # by id and version: the last wins
    names = {p.id: p.name for p in service.partnerships()}
    whose = {key: names.get(owners.get(key) or 0, "Alle partnerschappen") for key in newest}
    return page(request, "protocol_admin_list.html", me, specs=list(newest.values()), whose=whose)


# Before /protocolbeheer/{protocol_id}, which would take 'nieuw' as an id.
@router.get("/protocolbeheer/nieuw")
def new_protocol(request: Request, me: Me) -> Response:
    require_admin(me)
    return _render(request, me, None, "")


@router.post("/protocolbeheer/nieuw")
def check_or_publish_new(
    request: Request,
    me: Me,
    csrf_token: str = Form(""),
    tekst: str = Form(""),
    partnerschap: str = Form(""),
    actie: str = Form("controleren"),
) -> Response:
    require_admin(me)
    require_csrf(request, csrf_token)
    service = ctx(request).service
    known = {str(p.id): p.id for p in service.partnerships()}
    chosen = known.get(partnerschap)

    def check(text: str) -> ProtocolSpec:
        spec, _ = protocol_warnings(ctx(request), text, "nieuw protocol")
        if any(other.id == spec.id for other in service.protocols().all()):
            raise InvalidInputError(
                f"protocol '{spec.id}' bestaat al: publiceer een nieuwe versie via Bewerken, "
                "of geef dit protocol een nieuwe 'id'"
            )
        service.check_next_version(spec, text, "nieuw protocol")  # as publishing will
        return spec

    def publish(text: str) -> Response:
        check(text)
        if chosen is None:
            raise InvalidInputError("kies het partnerschap waarvoor dit protocol is")
        spec = service.publish_protocol(
            text, by=me.person_id, filename="nieuw protocol", partnership=chosen
        )
        return _published(spec)

    return editor_post(
        tekst,
        partial(_render, request, me, None, chosen=chosen),
        check=check,
        publish=publish if actie == "publiceren" else None,
        refusals=((InvalidInputError, 422), (ConflictError, 422)),
    )


@router.get("/protocolbeheer/{protocol_id}")
def editor(request: Request, protocol_id: str, me: Me, gepubliceerd: int | None = None) -> Response:
    require_admin(me)
    service = ctx(request).service
    spec = service.protocols().get(protocol_id)
    text = service.protocol_text(spec.id, spec.version)
    published = spec if gepubliceerd == spec.version else None
    if published is None:
        text = next_protocol_text(text, spec.version + 1)
    return _render(request, me, spec, text, published=published)


@router.post("/protocolbeheer/{protocol_id}")
def check_or_publish(
    request: Request,
    protocol_id: str,
    me: Me,
    csrf_token: str = Form(""),
    tekst: str = Form(""),
    actie: str = Form("controleren"),
) -> Response:
    require_admin(me)
    require_csrf(request, csrf_token)
    service = ctx(request).service
    current = service.protocols().get(protocol_id)

    def check(text: str) -> ProtocolSpec:
        spec, _ = protocol_warnings(ctx(request), text, protocol_id)
        if spec.id != protocol_id:
            raise Refused(
                f"de tekst is van protocol '{spec.id}', niet van '{protocol_id}'; "
                "pas 'id' aan of publiceer het bij dat protocol"
            )
        service.check_next_version(spec, text, protocol_id)  # as publishing will
        return spec

    def publish(text: str) -> Response:
        check(text)
        return _published(service.publish_protocol(text, by=me.person_id, filename=protocol_id))

    return editor_post(
        tekst,
        partial(_render, request, me, current),
        check=check,
        publish=publish if actie == "publiceren" else None,
        refusals=((ConflictError, 409),),
    )


def _published(spec: ProtocolSpec) -> Response:
    """After publishing: the editor of the protocol, saying which version was published."""
    return RedirectResponse(
        f"/protocolbeheer/{spec.id}?gepubliceerd={spec.version}", status_code=303
    )


def next_protocol_text(text: str, version: int) -> str:
    """The text of the next protocol version: ``version`` set, and a ``migration`` block
    (which described the move to the current version) now from the current version, every
    state keeping its name; a state renamed or removed in the edit is mapped by its author."""
    text = next_version_text(text, version)
    block = (
        f"migration:\n  from: {version - 1}\n"
        "  # een stap hernoemd? states: {oude_naam: nieuwe_naam}\n"
        "  # een stap geschrapt? removed: {naam: reden}\n"
    )
    return _MIGRATION_BLOCK.sub(block, text, count=1)


def _render(
    request: Request,
    me: Me,
    current: ProtocolSpec | None,  # None: a new protocol
    text: str,
    *,
    chosen: int | None = None,
    problems: list[DefinitionProblem] | None = None,
    checked: ProtocolSpec | None = None,
    published: ProtocolSpec | None = None,
    refused: str = "",
    status: int = 200,
) -> Response:
    warnings: list[DefinitionProblem] = []
    preview = checked or published
    if preview is not None:
        _, warnings = protocol_warnings(ctx(request), text, preview.id)
    return editor_page(
        request,
        me,
        "protocol_admin.html",
        text,
        problems=problems,
        status=status,
        spec=current,
        warnings=with_lines(text, warnings),
        checked=checked,
        published=published,
        refused=refused,
        partnerships=ctx(request).service.partnerships() if current is None else [],
        chosen=chosen,
        diagram=protocol_diagram(preview) if preview is not None else None,
    )
