"""Agenda: the open deadlines of the cases someone may see, as a page and as a calendar feed.

The feed (``/kalender/<secret>.ics``) has no session: calendar programs fetch it on their own,
so the secret in the address identifies the person (made and revoked on the account page).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response

from toetreding._exceptions import NotFoundError
from toetreding.clock import LOCAL_TZ
from toetreding.deadlines import DATE_FOLLOWS
from toetreding.reminders import meeting_url
from toetreding.service import AgendaItem, Toetreding
from toetreding.store import MeetingRecord
from toetreding.web.access import load_viewer
from toetreding.web.deps import Me, ctx, link_base, page, page_number
from toetreding.web.ical import AllDayEvent, TimedEvent, calendar

router = APIRouter(include_in_schema=False)
WINDOWS = (7, 30, 90, 365)  # the choices of "binnen" on the page, in days
FEED_NAME = "toetreding — termijnen"
PAGE_SIZE = 100
MEETING_LENGTH = timedelta(hours=2)  # a meeting has a start time only


def when(days_left: int | None) -> str:
    """``over 20 dagen``, ``vandaag``, ``3 dagen te laat`` (Dutch)."""
    if days_left is None:
        return DATE_FOLLOWS
    if days_left < 0:
        return f"{-days_left} {'dag' if days_left == -1 else 'dagen'} te laat"
    if days_left == 0:
        return "vandaag"
    if days_left == 1:
        return "morgen"
    return f"over {days_left} dagen"


def within_days(binnen: str) -> int | None:
    """The ``?binnen=`` filter: a number of days, or None (every open deadline)."""
    return int(binnen) if binnen.isascii() and binnen.isdigit() and len(binnen) < 5 else None


@router.get("/agenda")
def agenda_page(
    request: Request, me: Me, binnen: str = "", te_laat: str = "", pagina: str = "1"
) -> Response:
    service = ctx(request).service
    today = service.today()
    within = within_days(binnen)
    overdue_only = te_laat not in ("", "0")
    total = service.agenda_size(
        today=today, within_days=within, overdue_only=overdue_only, visible=me.scope
    )
    number, pages = page_number(pagina, total, PAGE_SIZE)
    first = (number - 1) * PAGE_SIZE
    items = service.agenda(
        today=today,
        within_days=within,
        overdue_only=overdue_only,
        visible=me.scope,
        limit=PAGE_SIZE,
        offset=first,
    )
    return page(
        request,
        "agenda.html",
        me,
        items=items,
        total=total,
        overdue=service.agenda_size(today=today, overdue_only=True, visible=me.scope),
        number=number,
        pages=pages,
        first=first + 1,
        today=today,
        when=when,
        windows=WINDOWS,
        filters={"binnen": within, "te_laat": overdue_only},
    )


@router.get("/kalender/{token}.ics")
def calendar_feed(request: Request, token: str) -> Response:
    context = ctx(request)
    person_id = context.accounts.person_for_token(token, "calendar")
    if person_id is None:
        raise NotFoundError("deze agenda-link bestaat niet (meer)")
    service = context.service
    me = load_viewer(service, person_id)
    base_url = link_base(request)
    agenda = service.agenda(today=service.today(), visible=me.scope)
    # a deadline without a date yet (datum volgt) has no day to be in a calendar on
    events: list[AllDayEvent | TimedEvent] = [
        event_of(item, base_url) for item in agenda if item.deadline.due_date
    ]
    events += [meeting_event(service, m, base_url) for m in service.meetings_of_member(person_id)]
    body = calendar(events, name=FEED_NAME, stamp=service.clock.now())
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="toetreding.ics"'},
    )


def meeting_event(service: Toetreding, meeting: MeetingRecord, base_url: str) -> TimedEvent:
    """A meeting as a timed event of two hours; its UID follows the meeting, so a moved
    meeting moves in the calendar."""
    start = datetime.combine(meeting.day, meeting.starts_at, LOCAL_TZ)
    link = meeting_url(base_url, meeting.id)
    return TimedEvent(
        uid=f"vergadering-{meeting.id}@{urlsplit(base_url).netloc or 'toetreding'}",
        start=start,
        end=start + MEETING_LENGTH,
        summary=f"Vergadering {service.body_label(meeting.body).lower()}",
        location=meeting.place,
        description=f"Agenda en vergaderstukken: {link}",
        url=link,
    )


def event_of(item: AgendaItem, base_url: str) -> AllDayEvent:
    """One all-day event on the due date; the UID follows the deadline, not its date, so an
    extended deadline moves in the calendar instead of appearing twice."""
    deadline = item.deadline
    assert deadline.due_date is not None  # the feed leaves out deadlines without a date
    link = f"{base_url}/dossiers/{deadline.case_id}"
    lines = [f"{item.label}: {item.due}", f"Stap: {item.state_label}"]
    if item.who:
        lines.append(f"Aan zet: {', '.join(item.who)}")
    if item.overdue:
        lines.append("Deze termijn is verstreken.")
    lines.append(f"Dossier: {link}")
    return AllDayEvent(
        uid=f"termijn-{deadline.id}@{urlsplit(base_url).netloc or 'toetreding'}",
        day=deadline.due_date,
        summary=f"Termijn: {item.label} — {deadline.school_name}",
        description="\n".join(lines),
        url=link,
    )
