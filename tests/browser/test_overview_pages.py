"""The pages a coordinator prepares a meeting with, in Chromium: the protocol diagram opens
at the case's current step, and screenshots of the main pages at 1400 and 390 px.

Only reads the shared demo data, and only cases no other browser test changes (case 5,
Vakcollege Hengelo, decided as volgschool; case 6, Twents Carmel, its audit)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from ..web_helpers import COORDINATOR
from .conftest import WINDOW, SignIn


@pytest.fixture
def narrow(browser: WebDriver) -> Iterator[WebDriver]:
    """The shared browser at a phone's width; back to its usual size afterwards."""
    browser.set_window_size(390, 900)
    try:
        yield browser
    finally:
        browser.set_window_size(*WINDOW)


def test_the_protocol_diagram_opens_at_the_current_step(narrow: WebDriver, sign_in: SignIn) -> None:
    sign_in(COORDINATOR, then="/dossiers/5/protocol")  # decided: the last column
    box = narrow.find_element(By.CSS_SELECTOR, ".diagram-scroll")
    current = box.find_element(By.CSS_SELECTOR, '[aria-current="step"]')
    seen = narrow.execute_script(
        "const b = arguments[0].getBoundingClientRect(), s = arguments[1].getBoundingClientRect();"
        "return [b.left, b.right, s.left, s.right, arguments[0].scrollLeft,"
        " arguments[0].scrollWidth > arguments[0].clientWidth];",
        box,
        current,
    )
    left, right, step_left, step_right, scrolled, overflows = seen
    assert overflows  # at 390 px the diagram does not fit: it has to be scrolled …
    assert scrolled > 0  # … and it was, by itself,
    assert left <= step_left and step_right <= right, seen  # so the current step is in view
    assert narrow.execute_script("return window.scrollY") == 0  # the page itself did not move


@pytest.mark.parametrize(
    "page",
    [
        "/dossiers/5",
        "/dossiers/6",
        "/dossiers/6/audit",
        "/kaders/nvao-opleidingsschool-2009",
        "/agenda",
        "/account",
    ],
)
def test_the_case_audit_framework_agenda_and_account_pages_do_not_scroll_sideways_on_a_phone(
    narrow: WebDriver, sign_in: SignIn, page: str
) -> None:
    """Their tables (files, deadlines, committee, interviews, reports, scores, the scale,
    the agenda, one's roles) stack as cards at 390 px, each value with its column's name."""
    sign_in(COORDINATOR, then=page)
    width = narrow.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], width
    stacked = narrow.find_elements(By.CSS_SELECTOR, "table.stack td[data-label]")
    assert stacked and all(td.value_of_css_property("display") != "table-cell" for td in stacked)
