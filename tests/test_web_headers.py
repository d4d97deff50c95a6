"""Security headers on every answer, and pages that keep to their Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from .web_helpers import AUDIT_CHAIR, COORDINATOR, sign_in, token

FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
PAGES = [
    "/overzicht",
    "/dossiers",
    "/dossiers/6",
    "/dossiers/6/audit",
    "/dossiers/2/documenten",
    "/agenda",
    "/account",
    "/protocollen",
    "/protocollen/partnerschap2/2",
    "/kaders",
]


def directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_fixed_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in FIXED.items():
        assert headers[name] == value, (name, headers.get(name))
    assert directives(headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_every_kind_of_answer_carries_the_security_headers(client: TestClient) -> None:
    answers = {
        "login page": client.get("/inloggen"),
        "redirect": client.get("/overzicht", follow_redirects=False),
        "static file": client.get("/static/style.css"),
        "api 401": client.get("/api/ik"),
        "api": client.get("/api/ik", headers=token(client, COORDINATOR)),
        "openapi": client.get("/api/openapi.json"),
        "nul refused": client.get("/overzicht?stap=%00"),
    }
    sign_in(client, COORDINATOR)
    answers["page"] = client.get("/overzicht")
    answers["error page"] = client.get("/dossiers/999")
    answers["document"] = client.get("/dossiers/2/documenten/rapport-1.html")
    for what, response in answers.items():
        assert response.status_code < 500, what
        assert_fixed_headers(response)
    assert answers["error page"].status_code == 404
    assert "Strict-Transport-Security" not in answers["page"].headers  # http here


def test_pages_load_only_from_this_site_and_post_only_here(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    policy = directives(client.get("/overzicht").headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["form-action"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]


def test_a_document_keeps_its_own_stricter_policy_and_may_not_be_framed(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    document = client.get("/dossiers/2/documenten/rapport-1.html")
    policy = directives(document.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"] and policy["style-src"] == ["'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_need_nothing_their_policy_forbids(client: TestClient, path: str) -> None:
    """No inline script, style element, style attribute, event handler or javascript: link,
    and nothing loaded from elsewhere: what 'self' allows is all the pages use."""
    sign_in(client, AUDIT_CHAIR if "audit" in path else COORDINATOR)
    page = client.get(path)
    assert page.status_code == 200, path
    html = page.text
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"<script[^>]*src=\"(?!/static/)[^\"]*\"", html) == []
    assert "<style" not in html
    assert re.findall(r"\sstyle\s*=", html) == []
    assert re.findall(r"\son[a-z]+\s*=", html, flags=re.IGNORECASE) == []
    assert "javascript:" not in html.lower()
    assert re.findall(r"(?:src|href)=\"(?:https?:)?//", html) == []


def test_the_api_documentation_may_run_its_own_inline_script_and_nothing_else(
    client: TestClient,
) -> None:
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert_fixed_headers(docs)
    policy = directives(docs.headers["Content-Security-Policy"])
    [inline] = re.findall(r"<script>(.*?)</script>", docs.text, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert policy["script-src"] == ["https://cdn.jsdelivr.net", f"'sha256-{digest}'"]
    assert policy["connect-src"] == ["'self'"] and policy["default-src"] == ["'none'"]
    assert int(docs.headers["content-length"]) == len(docs.content)


def test_on_https_browsers_are_told_to_stay_on_https(tmp_path: object) -> None:
    from datetime import datetime
    from pathlib import Path

    from toetreding.clock import FixedClock
    from toetreding.settings import Settings
    from toetreding.web import create_app

    from .conftest import PROTOCOLS

    assert isinstance(tmp_path, Path)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'https.db'}",
        protocols_dir=PROTOCOLS,
        base_url="https://toetreding.example",
    )
    with TestClient(create_app(settings, FixedClock(datetime(2026, 11, 23)), secret="s")) as app:
        assert app.get("/inloggen").headers["Strict-Transport-Security"] == "max-age=31536000"
