"""axe-core (vendored, tests/browser/vendor/axe-core) in Chromium on the main pages: no
serious or critical violation. Only reads the shared demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from ..web_helpers import COORDINATOR
from .conftest import LiveServer, SignIn

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
PAGES = {
    "overzicht": "/overzicht",
    "dossiers": "/dossiers",
    "dossier": "/dossiers/6",
    "audit": "/dossiers/6/audit",
    "agenda": "/agenda",
    "account": "/account",
    "protocol van het dossier": "/dossiers/5/protocol",
}


def violations(driver: WebDriver) -> list[str]:
    """The serious and critical violations axe-core finds on the page shown, one line each."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done({ok: r.violations}), e => done({error: String(e)}));"
    )
    assert "error" not in found, found
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in found["ok"]
        if v["impact"] in SERIOUS
    ]


def test_the_sign_in_page_passes_axe(browser: WebDriver, live_server: LiveServer) -> None:
    browser.get(live_server.url("/inloggen"))
    assert violations(browser) == []


@pytest.mark.parametrize("name", list(PAGES))
def test_a_main_page_passes_axe(browser: WebDriver, sign_in: SignIn, name: str) -> None:
    sign_in(COORDINATOR, then=PAGES[name])
    assert violations(browser) == [], name


def test_the_meeting_pages_pass_axe_when_there_are_any(
    browser: WebDriver, sign_in: SignIn, live_server: LiveServer
) -> None:
    sign_in(COORDINATOR)
    browser.get(live_server.url("/vergaderingen"))
    if "Niet gevonden" in browser.title or "Fout 404" in browser.title:
        pytest.skip("this version has no meetings pages")
    assert violations(browser) == []


def test_the_check_finds_a_violation_when_there_is_one(
    browser: WebDriver, live_server: LiveServer
) -> None:
    browser.get(live_server.url("/inloggen"))
    browser.execute_script(  # a field without a label, in this page only (not stored)
        "const i = document.createElement('input'); document.querySelector('main').append(i);"
    )
    assert any("label" in line for line in violations(browser)), violations(browser)
