"""Adviesbeheer in a real browser: a partnership's administrator starts from the shipped
rules, publishes them with an error (shown on its line, nothing published), then fixed as
version 2 of that partnership's rules. Screenshots at 1280 and 390 px wide.

The test makes its own partnership, so the demo's audits keep the shipped rules.
"""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from ..web_helpers import PASSWORD
from .conftest import WINDOW, LiveServer, SignIn, new_page

ADMIN = "adviesbeheer@browser.example"
RULES = "nvao-toetredingsadvies"


def _submit(browser: WebDriver, action: str) -> None:
    button = browser.find_element(By.CSS_SELECTOR, f"button[name=actie][value={action}]")
    new_page(browser, button.click)


def test_advice_rules_are_refused_on_their_line_then_published_for_the_partnership(
    browser: WebDriver, sign_in: SignIn, live_server: LiveServer, artifacts: Path
) -> None:
    context = live_server.app.state.ctx
    service = context.service
    own = service.store.add_partnership("adviesp", "Partnerschap Advies", service.clock.now())
    person = service.add_person("Beheer Advies", ADMIN, partnership_ref="adviesp", roles=("admin",))
    service.accounts.set_password(person.id, PASSWORD, service.clock.now())

    sign_in(ADMIN, then="/adviesbeheer")
    browser.get(live_server.url(f"/adviesbeheer?partnerschap={own.id}&regels={RULES}"))
    editor = browser.find_element(By.ID, "tekst")
    text = editor.get_attribute("value") or ""
    assert "version: 2\n" in text and "all_at_least: voldoende" in text
    wrong_line = text.split("\n").index("      all_at_least: voldoende") + 1
    browser.execute_script(
        "arguments[0].value = arguments[1];",
        editor,
        text.replace("all_at_least: voldoende", "all_at_least: geweldig", 1),
    )
    _submit(browser, "publiceren")
    outcome = browser.find_element(By.ID, "uitkomst").text
    assert "Niet gepubliceerd" in outcome and f"Regel {wrong_line}" in outcome
    assert "niveau 'geweldig' staat niet in de schaal" in outcome
    assert [r.version for r in context.desk.advice_list(own.id)] == [1]
    browser.save_screenshot(str(artifacts / "adviesbeheer-fout.png"))
    browser.set_window_size(390, WINDOW[1])
    try:
        width = browser.execute_script("return document.documentElement.scrollWidth")
        browser.save_screenshot(str(artifacts / "adviesbeheer-fout-390.png"))
        assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    finally:
        browser.set_window_size(*WINDOW)

    editor = browser.find_element(By.ID, "tekst")
    browser.execute_script(
        "arguments[0].value = arguments[1];",
        editor,
        text.replace("all_at_least: voldoende", "all_at_least: goed", 1),
    )
    _submit(browser, "publiceren")
    outcome = browser.find_element(By.ID, "uitkomst").text
    assert "Gepubliceerd voor Partnerschap Advies" in outcome and "versie 2" in outcome
    assert [r.version for r in context.desk.advice_list(own.id)] == [1, 2]
    browser.save_screenshot(str(artifacts / "adviesbeheer-gepubliceerd.png"))
