"""Who may see what: a signed-in person's partnerships, roles and schools.

People who work for a partnership (any role but ``school``) see all its cases; a school
contact sees only the cases of their own school(s), and of an audit only the report versions
the school has been sent; an administrator sees everything. What someone may *do* in a case
is the protocol's business (its role rules, checked by the engine).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from toetreding._exceptions import NotFoundError
from toetreding.audits import AuditDesk, AuditView
from toetreding.files import entries_of
from toetreding.roles import SCHOOL_ROLE
from toetreding.service import ArtefactFiles, Toetreding
from toetreding.store import (
    CaseFilePublic,
    CaseRecord,
    MeetingRecord,
    ReportPublic,
    Visibility,
)

COMMITTEE_ROLE = "auditcommissie"


@dataclass(frozen=True)
class Viewer:
    person_id: int
    name: str
    email: str
    is_admin: bool
    partnerships: frozenset[int]  # where they work for the partnership (not as a school)
    schools: frozenset[int]  # schools they are the contact of
    member_of: frozenset[int] = frozenset()  # every partnership they have a role in

    def sees_case(self, case: CaseRecord) -> bool:
        return (
            self.is_admin
            or case.partnership_id in self.partnerships
            or case.school_id in self.schools
        )

    def sees_partnership(self, partnership_id: int) -> bool:
        return self.is_admin or partnership_id in self.partnerships

    @property
    def scope(self) -> Visibility | None:
        """What a case list may show (``CaseFilter.visible``); None: everything (admin)."""
        return None if self.is_admin else (self.partnerships, self.schools)

    @property
    def protocol_scope(self) -> frozenset[int] | None:
        """Whose own protocols they see besides the shared ones; None: all (admin)."""
        return None if self.is_admin else self.member_of | self.partnerships

    @property
    def school_only(self) -> bool:
        return not self.is_admin and not self.partnerships


def load_viewer(app: Toetreding, person_id: int) -> Viewer:
    try:
        person = app.person(person_id)
    except NotFoundError:
        raise NotFoundError("onbekende gebruiker") from None
    memberships = app.memberships_of(person_id)
    return Viewer(
        person_id=person_id,
        name=person.name,
        email=person.email,
        is_admin=app.accounts.is_admin(person_id),
        partnerships=frozenset(m.partnership_id for m in memberships if m.role != SCHOOL_ROLE),
        schools=frozenset(m.school_id for m in memberships if m.school_id is not None),
        member_of=frozenset(m.partnership_id for m in memberships),
    )


def visible_case(app: Toetreding, viewer: Viewer, case_id: int) -> CaseRecord:
    """The case, or NotFoundError when it does not exist *or* the viewer may not see it
    (the answer is the same, so nobody learns which cases exist elsewhere)."""
    try:
        case = app.case(case_id)
    except NotFoundError:
        case = None
    if case is None or not viewer.sees_case(case):
        raise NotFoundError(f"dossier {case_id} bestaat niet")
    return case


def visible_meeting(app: Toetreding, viewer: Viewer, meeting_id: int) -> MeetingRecord:
    """The meeting, for the people who work for its partnership (not a school's contact:
    a meeting discusses several schools); NotFoundError otherwise, as for an unknown one."""
    try:
        meeting = app.meeting(meeting_id)
    except NotFoundError:
        meeting = None
    if meeting is None or not viewer.sees_partnership(meeting.partnership_id):
        raise NotFoundError(f"vergadering {meeting_id} bestaat niet")
    return meeting


def visible_meetings(app: Toetreding, viewer: Viewer) -> list[MeetingRecord]:
    return app.meetings(None if viewer.is_admin else viewer.partnerships)


def visible_reports(
    desk: AuditDesk, viewer: Viewer, case_id: int, number: int | None = None
) -> list[ReportPublic]:
    """The report versions of an audit of the case (default: the latest): all of them for
    the partnership's people, for a school contact only those sent to the school."""
    if viewer.school_only:
        return desk.released_reports(case_id, number)
    return desk.reports(case_id, number)


def visible_audit(
    desk: AuditDesk, viewer: Viewer, case_id: int, number: int | None = None
) -> AuditView:
    """An audit (default: the latest), its report list narrowed by :func:`visible_reports`."""
    view = desk.view(case_id, number)
    if not viewer.school_only:
        return view
    return replace(view, reports=desk.released_reports(case_id, number))


def require_visible_reports(
    desk: AuditDesk, viewer: Viewer, case_id: int, *versions: int, number: int | None = None
) -> None:
    """NotFoundError for a version this person may not read (as for one that does not
    exist, so a school does not learn of the committee's working drafts)."""
    if not viewer.school_only:
        return
    known = {report.version for report in desk.released_reports(case_id, number)}
    for version in versions:
        if version not in known:
            raise NotFoundError(f"rapportversie {version} bestaat niet")


# --- uploaded files ---------------------------------------------------------------------------


def visible_files(app: Toetreding, viewer: Viewer, case_id: int) -> list[ArtefactFiles]:
    """The files of a case this person may read (the case must be visible: call
    :func:`visible_case` first). A school contact reads its own school's files, but of the
    audit committee's files only those sent with a step: the committee's working files,
    added on their own, stay with the committee (as its draft reports do)."""
    groups = app.dossier_files(case_id)
    if not viewer.school_only:
        return groups
    sent = _sent_with_a_step(app, case_id)
    shown = []
    for group in groups:
        files = [f for f in group.files if _school_reads(f, sent)]
        if files or group.names_only:
            shown.append(replace(group, files=files))
    return shown


def visible_file(
    app: Toetreding, viewer: Viewer, case_id: int, file_id: int
) -> tuple[CaseFilePublic, Iterator[bytes]]:
    """A file of the case and its bytes; NotFoundError for an invisible case or file, the
    same answer as for one that does not exist."""
    visible_case(app, viewer, case_id)
    try:
        record = app.case_file(case_id, file_id)
    except NotFoundError:
        record = None
    if record is None or (
        viewer.school_only and not _school_reads(record, _sent_with_a_step(app, case_id))
    ):
        raise NotFoundError(f"bestand {file_id} bestaat niet in dossier {case_id}")
    return app.file_content(case_id, file_id)


def _school_reads(record: CaseFilePublic, sent: set[int]) -> bool:
    return record.role != COMMITTEE_ROLE or record.event_seq is not None or record.id in sent


def _sent_with_a_step(app: Toetreding, case_id: int) -> set[int]:
    """The files some step of the case used (its history row names them)."""
    return {
        entry.file_id
        for event in app.history(case_id)
        for value in event.payload.values()
        for entry in entries_of(value) or []
        if entry.file_id is not None
    }
