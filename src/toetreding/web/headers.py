"""Security headers on every answer: pages, API, static files, errors.

* ``Content-Security-Policy``: the pages load scripts, styles and images only from this site
  (no inline script or style: the templates have none, ``static/audit.js`` is a file), post
  forms only here and may not be framed (``frame-ancestors 'none'``). An answer that brings
  its own policy (a document: inline styles, nothing else) keeps it and gets
  ``frame-ancestors 'none'`` added. The API's documentation page (``/api/docs``, Swagger UI
  from its CDN) gets a policy of its own, with the hash of its one inline script.
* ``X-Frame-Options: DENY`` (older browsers), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: same-origin`` (a calendar link's secret never leaves in a Referer),
  ``Cross-Origin-Opener-Policy: same-origin``; on https also
  ``Strict-Transport-Security``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SWAGGER_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (
    "default-src 'none'; script-src {scripts}; style-src " + SWAGGER_CDN + " 'unsafe-inline'; "
    "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def add_security_headers(app: FastAPI, *, https: bool, docs_url: str | None) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if docs_url is not None and request.url.path == docs_url:
            response = await _with_docs_policy(response)
        policy = response.headers.get("Content-Security-Policy")
        if policy is None:
            response.headers["Content-Security-Policy"] = PAGE_POLICY
        elif "frame-ancestors" not in policy:
            response.headers["Content-Security-Policy"] = f"{policy}; frame-ancestors 'none'"
        for name, value in FIXED.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


async def _with_docs_policy(response: Response) -> Response:
    """The Swagger UI page with a policy allowing its CDN and its own inline script."""
    body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(body)
    )
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    headers["Content-Security-Policy"] = DOCS_POLICY.format(scripts=f"{SWAGGER_CDN} {hashes}")
    return Response(body, status_code=response.status_code, headers=headers)
