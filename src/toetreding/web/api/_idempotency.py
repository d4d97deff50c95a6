"""``Idempotency-Key`` on the API's state-changing routes (firing a step, recording a
finding): a client that lost the answer repeats the request with the same key and gets the
first answer again (header ``Idempotency-Replayed: true``); nothing happens twice.

Only a successful answer (2xx) is kept, for a day. A request that was refused or failed
changed nothing and leaves no trace: a repeat is handled afresh. The same key with another
request (method, address, query or body) is refused with 422; a repeat while the first is
still being handled (or after it broke off without an answer: a crash) gets 409, and
nothing is done: look at the case, and use a new key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from toetreding._exceptions import ToetredingError
from toetreding.service import request_digest
from toetreding.web.deps import CsrfFailed, LoginRequired, ctx, viewer

HEADER = "Idempotency-Key"
REPLAYED = "Idempotency-Replayed"
DESCRIPTION = (
    "Optioneel: een unieke sleutel per wijziging (bijv. een UUID). Herhaalt u de aanvraag met "
    "dezelfde sleutel (omdat het antwoord zoekraakte), dan krijgt u het eerste antwoord "
    "opnieuw en gebeurt er niets twee keer; dezelfde sleutel met een andere aanvraag geeft "
    "422. / An optional unique key per change: a repeat with the same key returns the first "
    "answer and changes nothing; the same key with a different request is refused (422)."
)
# Refusals and failures that changed nothing: the key is free again for a repeat.
NOTHING_CHANGED = (
    ToetredingError,
    CsrfFailed,
    LoginRequired,
    HTTPException,
    RequestValidationError,
)


async def idempotent(
    request: Request, key: str, handle: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Handle the request once per (person, key); a repeat gets the first answer."""
    me = await run_in_threadpool(viewer, request)
    body = await request.body()  # read once; the route reads the same bytes
    digest = request_digest(
        request.method.encode(), request.url.path.encode(), request.url.query.encode(), body
    )
    keys = ctx(request).service.idempotency
    replay = await run_in_threadpool(keys.begin, me.person_id, key, digest)
    if replay is not None:
        return Response(
            replay.body,
            status_code=replay.status_code,
            media_type="application/json",
            headers={REPLAYED: "true"},
        )
    try:
        response = await handle(request)
    except NOTHING_CHANGED:
        await run_in_threadpool(keys.abandon, me.person_id, key)
        raise
    # Anything else that escapes keeps the key reserved: whether it changed something is
    # unknown, so a repeat is told so (409) rather than done again.
    if 200 <= response.status_code < 300:
        await run_in_threadpool(
            keys.finish, me.person_id, key, response.status_code, bytes(response.body).decode()
        )
    else:
        await run_in_threadpool(keys.abandon, me.person_id, key)
    return response
