"""Two limits every request meets before a route does its work.

* The body of a request (JSON for the API, a form for the pages) is read up to
  ``TOETREDING_MAX_BODY_KB`` (1024): a larger ``Content-Length`` is refused before one byte
  is read, and a body without one is counted while it streams in. The answer is 413 with a
  Dutch message (a page, or JSON under /api). Uploads (multipart to a route that takes
  files, ``UPLOAD_PATHS``) have their own limits per file and per request (``uploads.py``),
  so they pass here; multipart to any other route meets this limit like any body (a JSON
  route would otherwise read it whole into memory).
* A database that is down answers 503 with ``Retry-After``, never a traceback.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toetreding.files import describe_size

RETRY_AFTER_S = 30
DATABASE_DOWN_MESSAGE = (
    "de database is even niet bereikbaar; er is niets veranderd. Probeer het over een halve "
    "minuut opnieuw"
)


# The routes that take files (``uploads.receive`` or a spreadsheet form): pages and API.
UPLOAD_PATHS = re.compile(
    r"(/api)?/dossiers/\d+/(handelingen/[^/]+|bestanden)"
    r"|/inlezen"
    r"|/vergaderingen/\d+/besluiten/\d+/[^/]+"
)


class BodyTooLarge(HTTPException):
    """Raised while the body is read: FastAPI passes an HTTPException on untouched."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"de aanvraag is groter dan {describe_size(limit)}; er is niets van bewaard. "
            "Maak de tekst korter",
        )


class BodyLimit:
    """ASGI middleware: at most ``limit`` bytes of a request body are read, but for files
    sent to a route that takes them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _upload(scope):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        too_large = declared.isdigit() and int(declared) > self.limit
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if too_large:
                raise BodyTooLarge(self.limit)  # before a byte of it is read
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)


def _header(scope: Scope, name: bytes) -> str:
    headers: Any = scope.get("headers", [])
    for key, value in headers:
        if key.lower() == name:
            return str(value.decode("latin-1")).strip()
    return ""


def _upload(scope: Scope) -> bool:
    multipart = _header(scope, b"content-type").lower().startswith("multipart/form-data")
    return multipart and UPLOAD_PATHS.fullmatch(str(scope.get("path", ""))) is not None
