"""``Idempotency-Key`` on the API's state-changing routes (firing a step, recording a
finding): a client that lost the answer repeats the request with the same key and gets the
first answer again (header ``Idempotency-Replayed: true``); nothing happens twice.

Only a successful answer (2xx) is kept, for a day. A request that was refused or failed
changed nothing and leaves no trace: a repeat is handled afresh. The same key with another
request (method, address, query or body) is refused with 422; a repeat while the first is
still being handled (or after it broke off without an answer: a crash) gets 409, and
nothing is done: look at the case, and use a new key.

Two requests are the same when they mean the same, not when their bytes are: a JSON body
counts as its parsed value (keys sorted, spacing ignored); a form with files
(``multipart/form-data``, on the routes that take files) as its text fields by name, and per
file field the file names and the SHA-256 of each file's content; the boundary and the
order of the fields do not count (every client sends another boundary each time). The form
is received once, into staging under the upload limits, and the route takes it from there
(``uploads.receive_once``). Answers kept before this held the digest of the raw body: a
JSON repeat still matches it; a form repeat did not match it then either.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from toetreding._exceptions import ToetredingError
from toetreding.service import request_digest
from toetreding.web.deps import CsrfFailed, LoginRequired, ctx, viewer
from toetreding.web.uploads import Received, receive_once

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
    request: Request,
    key: str,
    handle: Callable[[Request], Awaitable[Response]],
    *,
    takes_files: bool = False,
) -> Response:
    """Handle the request once per (person, key); a repeat gets the first answer.
    ``takes_files``: the route reads a ``multipart/form-data`` body with ``receive_once``."""
    me = await run_in_threadpool(viewer, request)
    head = (request.method.encode(), request.url.path.encode(), request.url.query.encode())
    received: Received | None = None
    if takes_files and request.headers.get("content-type", "").startswith("multipart/"):
        service = ctx(request).service
        received = await receive_once(request, service.new_upload, service.max_upload_bytes)
        digest, also = request_digest(*head, form_meaning(received)), None
    else:
        body = await request.body()  # read once; the route reads the same bytes
        digest, also = request_digest(*head, json_meaning(body)), request_digest(*head, body)
    try:
        return await _once(request, me.person_id, key, digest, also, handle)
    finally:
        if received is not None:
            received.discard()  # what the step kept was moved already


async def _once(
    request: Request,
    person_id: int,
    key: str,
    digest: str,
    also: str | None,
    handle: Callable[[Request], Awaitable[Response]],
) -> Response:
    keys = ctx(request).service.idempotency
    replay = await run_in_threadpool(keys.begin, person_id, key, digest, also)
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
        await run_in_threadpool(keys.abandon, person_id, key)
        raise
    # Anything else that escapes keeps the key reserved: whether it changed something is
    # unknown, so a repeat is told so (409) rather than done again.
    if 200 <= response.status_code < 300:
        await run_in_threadpool(
            keys.finish, person_id, key, response.status_code, bytes(response.body).decode()
        )
    else:
        await run_in_threadpool(keys.abandon, person_id, key)
    return response


def json_meaning(body: bytes) -> bytes:
    """A JSON body as its parsed value, keys sorted (any other body: its bytes)."""
    try:
        value = json.loads(body)
    except ValueError:  # not JSON (nor UTF-8): the route refuses it, or reads it otherwise
        return body
    return _canonical(value)


def form_meaning(received: Received) -> bytes:
    """A form by its text fields, and per file field the names and contents of its files
    (SHA-256); the values of one name keep their order, the names do not."""
    return _canonical(
        {
            "fields": received.fields,
            "chosen": received.chosen,  # the file names as sent
            "files": {
                name: [[file.name, file.sha256] for file in files]
                for name, files in received.files.items()
            },
            "refused": received.refused,
        }
    )


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
