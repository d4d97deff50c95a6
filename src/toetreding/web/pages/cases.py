"""Dossier: one case — where it stands, what may happen now (with the files a step asks
for), its files, deadlines, history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from toetreding._exceptions import (
    ConflictError,
    FileTooLarge,
    InvalidInputError,
    TransitionRefused,
)
from toetreding.definition import InputKind
from toetreding.documents.filters import dutch_date
from toetreding.service import (
    WITHDRAWN,
    CaseView,
    Toetreding,
    artefact_labels,
    corrected_rows,
    deadline_payload,
    deadline_status,
    history_actor,
    history_heading,
    history_note,
    state_label,
    state_words,
    stays_in_step,
)
from toetreding.store import CORRECTED, CORRECTION, MEETING_KEY, MOVED, CaseFilter
from toetreding.web.access import Viewer, visible_case, visible_files
from toetreding.web.deps import Me, ctx, page, page_number, receive_form, require_csrf
from toetreding.web.uploads import Received
from toetreding.web.views import actions_for, upload_hint

router = APIRouter(include_in_schema=False)


PAGE_SIZE = 50
CORRECT_LABEL = "Stap corrigeren"
WITHDRAW_LABEL = "Dossier intrekken (ten onrechte geopend)"


@router.get("/dossiers")
def case_list(
    request: Request, me: Me, zoek: str = "", pagina: str = "1", volgorde: str = ""
) -> Response:
    """The cases this person sees, newest activity first (``volgorde=termijn``: soonest
    open deadline first), 50 to a page; ``zoek`` narrows them to schools whose name
    contains it."""
    service = ctx(request).service
    wanted = CaseFilter(school_name=zoek.strip()[:100] or None, visible=me.scope)
    total = service.count_cases(wanted)
    number, pages = page_number(pagina, total, PAGE_SIZE)
    by_deadline = volgorde == "termijn"
    rows = service.find_cases(
        wanted, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE, by_deadline=by_deadline
    )
    specs = {case.id: service.spec_of(case) for case, _ in rows}
    today = service.today()
    return page(
        request,
        "cases.html",
        me,
        rows=[(case, school, specs[case.id]) for case, school in rows],
        timing=service.timings(specs, today),
        by_deadline=by_deadline,
        zoek=zoek.strip(),
        total=total,
        number=number,
        pages=pages,
        first=(number - 1) * PAGE_SIZE + 1,
        state_words=state_words,
    )


@router.get("/dossiers/{case_id}")
def case_page(request: Request, case_id: int, me: Me, gedaan: int | None = None) -> Response:
    """The case; ``gedaan=N`` (after a step) confirms history row N, when it is this
    person's."""
    return _render_case(request, me, case_id, done_seq=gedaan)


@router.post("/dossiers/{case_id}/handelingen/{trigger}")
async def fire(request: Request, case_id: int, trigger: str, me: Me) -> Response:
    """Take a step with the form's inputs and files. The files and the step are kept
    together or not at all; a refusal shows the page again with what was typed and chosen."""
    service = ctx(request).service
    visible_case(service, me, case_id)

    try:
        received = await receive_form(request)
    except FileTooLarge as exc:
        return _refused(request, me, case_id, trigger, str(exc), Received(), 413)
    try:
        if received.refused:
            status = 413 if received.too_large else 422
            return _refused(
                request, me, case_id, trigger, "; ".join(received.refused), received, status
            )
        service.fire(
            case_id,
            trigger,
            actor_ref=me.person_id,
            inputs=received.step_inputs(),
            note=received.text("toelichting") or None,
            role=received.text("rol") or None,
        )
    except TransitionRefused as exc:
        return _refused(
            request, me, case_id, trigger, exc.reason, received, 422, open_frame=exc.open_frame
        )
    finally:
        received.discard()
    seq = service.case(case_id).revision
    return RedirectResponse(f"/dossiers/{case_id}?gedaan={seq}#nu", status_code=303)


@router.post("/dossiers/{case_id}/correctie")
def correct(
    request: Request,
    case_id: int,
    me: Me,
    csrf_token: str = Form(""),
    reden: str = Form(""),
    rij: str = Form(""),
    bevestigd: str = Form(""),
) -> Response:
    """Take back the newest standing step, or withdraw a case opened by mistake (the form
    asks for a reason and a confirmation)."""
    require_csrf(request, csrf_token)
    service = ctx(request).service
    visible_case(service, me, case_id)
    try:
        if bevestigd != "ja":
            raise InvalidInputError("vink aan dat u de stap wilt terugnemen")
        seq = int(rij) if rij.strip().isascii() and rij.strip().isdigit() else None
        done = service.correct_step(case_id, actor_ref=me.person_id, reason=reden[:2000], seq=seq)
    except (InvalidInputError, ConflictError, TransitionRefused) as exc:
        reason = exc.reason if isinstance(exc, TransitionRefused) else str(exc)
        given = {"reden": reden}
        response = _render_case(
            request, me, case_id, refusal=reason, tried=CORRECT_LABEL, given=given
        )
        response.status_code = 409 if isinstance(exc, ConflictError) else 422
        return response
    return RedirectResponse(f"/dossiers/{case_id}?gedaan={done}#nu", status_code=303)


def _refused(
    request: Request,
    me: Viewer,
    case_id: int,
    trigger: str,
    reason: str,
    received: Received,
    status: int,
    *,
    open_frame: bool = False,
) -> Response:
    """The case page again, the refusal on top, the form as the person filled it in; a
    refusal for unanswered questions of the step's frame links to the frame page (which
    everyone who sees the case may open)."""
    given = {key: received.text(key) for key in received.fields}
    response = _render_case(
        request,
        me,
        case_id,
        refusal=reason,
        tried=trigger,
        given=given,
        chosen=received.chosen,
        frame_link=f"/dossiers/{case_id}/gesprekskader" if open_frame else None,
    )
    response.status_code = status
    return response


def _render_case(
    request: Request, me: Viewer, case_id: int, done_seq: int | None = None, **extra: Any
) -> Response:
    service = ctx(request).service
    visible_case(service, me, case_id)
    view = service.view(case_id)
    done = _confirmation(view, me, done_seq)
    files = visible_files(service, me, case_id)
    return page(
        request,
        "case.html",
        me,
        view=view,
        actions=actions_for(service, me, view),
        kinds=InputKind,
        input_labels=view.input_labels,
        documents=artefact_labels(view.spec),
        files=files,
        files_of={group.artefact: group.files for group in files},
        upload=upload_hint(service.max_upload_bytes),
        today=service.today(),
        done=done,
        heading_of=history_heading,
        actor_of=history_actor,
        note_of=history_note,
        stays=stays_in_step,
        state_of=state_label,
        deadline_lines_of=deadline_payload,
        status_of=deadline_status,
        corrected=corrected_rows(view.history),
        correctable=service.correctable_row(case_id, me.person_id),
        correct_label=CORRECT_LABEL,
        withdraw_label=WITHDRAW_LABEL,
        withdrawn_words=WITHDRAWN,
        meeting_key=MEETING_KEY,
        moved=MOVED,
        correction=CORRECTION,
        corrected_key=CORRECTED,
        meetings_named=_meetings_named(service, view),
        **{"given": {}, "chosen": {}, "frame_link": None, **extra},
    )


def _meetings_named(service: Toetreding, view: CaseView) -> dict[int, str]:
    """'Stuurgroep, 10 december 2026' for each meeting a history row names (by its id)."""
    ids = {h.payload[MEETING_KEY] for h in view.history if MEETING_KEY in (h.payload or {})}
    named: dict[int, str] = {}
    for meeting in (service.meeting(i) for i in ids if isinstance(i, int)):
        named[meeting.id] = f"{service.body_label(meeting.body)}, {dutch_date(meeting.day)}"
    return named


def _confirmation(view: CaseView, me: Viewer, seq: int | None) -> str:
    """'Oriëntatie afronden — nu: Zelfevaluatie' for history row ``seq`` when this person
    took it (a link passed on confirms nothing to anyone else)."""
    entry = next((h for h in view.history if h.seq == seq), None)
    if entry is None or entry.actor_id != me.person_id:
        return ""
    state = view.spec.states.get(entry.to_state)
    now = WITHDRAWN if view.withdrawn else state.label if state else entry.to_state
    return f"{history_heading(view.spec, entry)} — nu: {now}"
