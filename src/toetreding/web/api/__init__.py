"""The JSON API under ``/api/`` (OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``).

Every route needs a signed-in person: a session cookie (changes then need the header
``X-CSRF-Token``) or ``Authorization: Bearer <API token>``. What someone may see follows
``web.access`` (a school contact: only their own school's cases; an unknown and an invisible
case both answer 404); what they may do is checked by the service and the audit desk. Every
query parameter takes one value; a repeated one is refused with 422.
"""

from fastapi import APIRouter, Depends

from toetreding.web.api import (
    advice,
    audits,
    calendar,
    cases,
    files,
    frames,
    meetings,
    overview,
    people,
    protocols,
)
from toetreding.web.api._common import AUTH, single_query_values

router = APIRouter(prefix="/api", dependencies=[*AUTH, Depends(single_query_values)])
_MODULES = (people, overview, cases, files, audits, frames, meetings, protocols, calendar, advice)
for _module in _MODULES:
    router.include_router(_module.router)

__all__ = ["router"]
