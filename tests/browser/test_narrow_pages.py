"""No main page scrolls sideways on a phone: at 390 px every page fits the window's width
(what does not fit, a wide table or the protocol diagram, scrolls inside its own box).

One sign-in, one browser, one server: an administrator sees every page, the management
pages too. Only reads the shared demo data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from ..web_helpers import PASSWORD
from .conftest import WINDOW, LiveServer, SignIn

PHONE = 390
ADMIN = "smal@browser.example"
PAGES = (
    "/overzicht",
    "/overzicht?stap=orientatie",
    "/dossiers",
    "/dossiers/6",
    "/dossiers/6/audit",
    "/dossiers/6/documenten",
    "/dossiers/5/protocol",
    "/agenda",
    "/vergaderingen",
    "/protocollen",
    "/protocollen/partnerschap2/3",
    "/kaders",
    "/kaders/nvao-opleidingsschool-2009",
    "/gesprekskaders",
    "/protocolbeheer",
    "/protocolbeheer/partnerschap2",
    "/protocolbeheer/nieuw",
    "/protocolbeheer/partnerschap2/overzetten",
    "/protocolgebruik",
    "/kaderbeheer",
    "/adviesbeheer",
    "/beheer/schoolkalender",
    "/inlezen",
    "/account",
)


@pytest.fixture
def phone(browser: WebDriver) -> Iterator[WebDriver]:
    """The shared browser 390 px wide; back to its usual size afterwards."""
    browser.set_window_size(PHONE, 900)
    try:
        yield browser
    finally:
        browser.set_window_size(*WINDOW)


def test_no_main_page_scrolls_sideways_at_390_px(
    phone: WebDriver, sign_in: SignIn, live_server: LiveServer
) -> None:
    service = live_server.app.state.ctx.service
    person = service.add_person("Beheerder Smal", ADMIN)
    service.accounts.set_password(person.id, PASSWORD, service.clock.now(), admin=True)
    sign_in(ADMIN, then=PAGES[0])
    too_wide = {}
    for path in PAGES:
        phone.get(live_server.url(path))
        # the page itself, not the login or an error page (which would fit trivially)
        assert "/inloggen" not in phone.current_url, path
        assert not phone.title.startswith("Fout"), (path, phone.title)
        width = phone.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if width[0] > PHONE or width[0] > width[1]:
            too_wide[path] = width
    assert too_wide == {}, "these pages scroll sideways at 390 px (scrollWidth, clientWidth)"
