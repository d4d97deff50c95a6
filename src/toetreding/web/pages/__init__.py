"""The server-rendered pages (Dutch)."""

from toetreding.web.pages import (
    account,
    account_page,
    agenda,
    audits,
    cases,
    documents,
    overview,
    protocols,
)

routers = [account.router, overview.router, cases.router, audits.router, documents.router]
routers += [agenda.router, account_page.router, protocols.router]
