"""The server-rendered pages (Dutch)."""

from toetreding.web.pages import (
    account,
    advice_admin,
    agenda,
    audits,
    calendar,
    case_frames,
    cases,
    documents,
    files,
    frame_choices,
    framework_admin,
    meeting_documents,
    meetings,
    overview,
    protocol_admin,
    protocol_uses,
    protocols,
    sheets,
    sign_in,
    version_moves,
)

routers = [sign_in.router, overview.router, cases.router, audits.router, documents.router]
routers += [files.router, sheets.router]
routers += [agenda.router, meetings.router, meeting_documents.router, account.router]
routers += [protocols.router, protocol_admin.router, protocol_uses.router, version_moves.router]
routers += [framework_admin.router, advice_admin.router, frame_choices.router]
routers += [calendar.router, case_frames.router]
