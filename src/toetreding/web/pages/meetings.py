"""Vergaderingen: plan a meeting of a body (with its proposed agenda), change the agenda,
record who was there, and take the body's decisions item by item in one sitting."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from toetreding._exceptions import (
    ConflictError,
    FileTooLarge,
    InvalidInputError,
    TransitionRefused,
)
from toetreding.definition import InputKind
from toetreding.documents.meetings import meeting_letters
from toetreding.reminders import channel_from_settings
from toetreding.reminders.meeting_pack import send_meeting_pack
from toetreding.service import STATUS_LABELS, parse_day, parse_time
from toetreding.store import CaseFilter
from toetreding.web.access import Viewer, visible_files, visible_meeting, visible_meetings
from toetreding.web.deps import Me, ctx, link_base, page, receive_form, require_csrf
from toetreding.web.uploads import Received
from toetreding.web.views import upload_hint

router = APIRouter(include_in_schema=False)


@router.get("/vergaderingen")
def meetings_page(request: Request, me: Me) -> Response:
    return _render_list(request, me)


def _render_list(
    request: Request, me: Viewer, error: str | None = None, given: dict[str, str] | None = None
) -> Response:
    service = ctx(request).service
    today = service.today()
    partnerships = [p for p in service.partnerships() if me.sees_partnership(p.id or 0)]
    response = page(
        request,
        "meetings.html",
        me,
        meetings=[(m, service.body_label(m.body)) for m in visible_meetings(service, me)],
        bodies=service.bodies(),
        partnerships=partnerships,
        today=today,
        error=error,
        given=given or {},
    )
    if error:
        response.status_code = 422
    return response


@router.post("/vergaderingen")
async def create_meeting(request: Request, me: Me) -> Response:
    service = ctx(request).service
    form = await request.form()
    given = {key: str(value).strip() for key, value in form.items() if isinstance(value, str)}
    require_csrf(request, given.get("csrf_token"))
    try:
        partnership = given.get("partnerschap", "")
        if not partnership.isdigit() or not me.sees_partnership(int(partnership)):
            raise InvalidInputError("kies een partnerschap")
        meeting_id = service.create_meeting(
            partnership_ref=int(partnership),
            body=given.get("orgaan", ""),
            day=parse_day(given.get("datum", "")),
            starts_at=parse_time(given.get("tijd", "")),
            place=given.get("plaats", ""),
            actor_ref=me.person_id,
        )
    except InvalidInputError as exc:
        return _render_list(request, me, str(exc), given)
    return RedirectResponse(f"/vergaderingen/{meeting_id}", status_code=303)


@router.get("/vergaderingen/{meeting_id}")
def meeting_page(request: Request, meeting_id: int, me: Me) -> Response:
    return _render_meeting(request, me, meeting_id)


@router.post("/vergaderingen/{meeting_id}/aanwezig")
async def set_present(request: Request, meeting_id: int, me: Me) -> Response:
    service = ctx(request).service
    visible_meeting(service, me, meeting_id)
    form = await request.form()
    require_csrf(request, str(form.get("csrf_token") or ""))
    chosen = [int(v) for v in form.getlist("aanwezig") if isinstance(v, str) and v.isdigit()]
    try:
        service.set_present(meeting_id, chosen, actor_ref=me.person_id)
    except InvalidInputError as exc:
        return _refused_meeting(request, me, meeting_id, str(exc))
    return RedirectResponse(f"/vergaderingen/{meeting_id}", status_code=303)


@router.post("/vergaderingen/{meeting_id}/agenda")
async def change_agenda(request: Request, meeting_id: int, me: Me) -> Response:
    """One change of the agenda: add a case, remove one, move one up or down."""
    service = ctx(request).service
    visible_meeting(service, me, meeting_id)
    form = await request.form()
    require_csrf(request, str(form.get("csrf_token") or ""))
    what, case = str(form.get("wijziging") or ""), str(form.get("dossier") or "")
    try:
        if not case.isascii() or not case.isdigit() or len(case) > 9:
            raise InvalidInputError("kies een dossier")
        case_id = int(case)
        if what == "toevoegen":
            service.add_to_agenda(meeting_id, case_id, actor_ref=me.person_id)
        elif what == "weghalen":
            service.remove_from_agenda(meeting_id, case_id, actor_ref=me.person_id)
        elif what in ("omhoog", "omlaag"):
            steps = -1 if what == "omhoog" else 1
            service.move_on_agenda(meeting_id, case_id, steps, actor_ref=me.person_id)
        else:
            raise InvalidInputError("onbekende wijziging van de agenda")
    except InvalidInputError as exc:
        return _refused_meeting(request, me, meeting_id, str(exc))
    return RedirectResponse(f"/vergaderingen/{meeting_id}#agenda", status_code=303)


@router.post("/vergaderingen/{meeting_id}/besluiten/{case_id}/{trigger}")
async def decide(request: Request, meeting_id: int, case_id: int, trigger: str, me: Me) -> Response:
    """One decision on one agenda item, in its own transaction; a refusal shows the page
    again with the reason at that item and the form as it was filled in."""
    service = ctx(request).service
    visible_meeting(service, me, meeting_id)

    try:
        received = await receive_form(request)
    except FileTooLarge as exc:
        return _refused_item(request, me, meeting_id, case_id, trigger, str(exc), Received())
    try:
        if received.refused:
            reason = "; ".join(received.refused)
            return _refused_item(request, me, meeting_id, case_id, trigger, reason, received)
        service.decide_in_meeting(
            meeting_id,
            case_id,
            trigger,
            actor_ref=me.person_id,
            inputs=received.step_inputs(),
            note=received.text("toelichting") or None,
        )
    except TransitionRefused as exc:
        return _refused_item(request, me, meeting_id, case_id, trigger, exc.reason, received)
    except InvalidInputError as exc:
        return _refused_item(request, me, meeting_id, case_id, trigger, str(exc), received)
    finally:
        received.discard()
    return RedirectResponse(f"/vergaderingen/{meeting_id}#punt-{case_id}", status_code=303)


@router.post("/vergaderingen/{meeting_id}/vergaderstukken/versturen")
async def send_pack(request: Request, meeting_id: int, me: Me) -> Response:
    """The pack by e-mail to the body's members; once sent, only again when confirmed."""
    context = ctx(request)
    visible_meeting(context.service, me, meeting_id)
    form = await request.form()
    require_csrf(request, str(form.get("csrf_token") or ""))
    seen = str(form.get("versie") or "")
    settings = context.settings
    try:  # the PDF and the e-mails take seconds: not on the event loop
        await run_in_threadpool(
            send_meeting_pack,
            context.desk,
            meeting_id,
            actor_ref=me.person_id,
            channel=channel_from_settings(settings),
            sender=settings.mail_from,
            base_url=link_base(request),
            again=form.get("opnieuw") == "ja",
            seen_version=int(seen) if seen.isascii() and seen.isdigit() else None,
            templates_dir=settings.templates_dir,
        )
    except (InvalidInputError, ConflictError) as exc:
        response = _render_meeting(request, me, meeting_id, pack_error=str(exc))
        response.status_code = 409 if isinstance(exc, ConflictError) else 422
        return response
    return RedirectResponse(f"/vergaderingen/{meeting_id}#vergaderstukken", status_code=303)


def _refused_item(
    request: Request,
    me: Viewer,
    meeting_id: int,
    case_id: int,
    trigger: str,
    reason: str,
    received: Received,
) -> Response:
    given = {key: received.text(key) for key in received.fields}
    return _refused_meeting(
        request,
        me,
        meeting_id,
        None,
        refused=(case_id, trigger, reason),
        given=given,
        chosen=received.chosen,
    )


def _refused_meeting(
    request: Request, me: Viewer, meeting_id: int, error: str | None, **extra: Any
) -> Response:
    response = _render_meeting(request, me, meeting_id, error=error, **extra)
    response.status_code = 422
    return response


def _render_meeting(request: Request, me: Viewer, meeting_id: int, **extra: Any) -> Response:
    service = ctx(request).service
    meeting = visible_meeting(service, me, meeting_id)
    view = service.meeting_view(meeting_id)
    on_agenda = {item.case.id for item in view.items}
    running = service.find_cases(CaseFilter(partnership_id=meeting.partnership_id, running=True))
    roles = service.roles_of(me.person_id, meeting.partnership_id)
    files_of = {
        item.case.id: {g.artefact: g.files for g in visible_files(service, me, item.case.id)}
        for item in view.items
        if item.decisions
    }
    return page(
        request,
        "meeting.html",
        me,
        view=view,
        body_name=service.body_name(meeting.body),
        member=meeting.body in roles,
        organiser=meeting.body in roles or "coordinator" in roles,
        may_decide=service.today() >= meeting.day,
        letters=bool(view.decisions) and bool(meeting_letters(ctx(request).desk, meeting_id)),
        addable=[(case, school) for case, school in running if case.id not in on_agenda],
        kinds=InputKind,
        upload=upload_hint(service.max_upload_bytes),
        files_of=files_of,
        pack_rounds=service.pack_rounds(meeting_id),
        status_labels=STATUS_LABELS,
        **{"error": None, "pack_error": None, "refused": None, "given": {}, "chosen": {}, **extra},
    )
