"""Protocolbeheer in a real browser: an administrator edits a protocol with an error, sees it
on its line and nothing is published; fixed, it is published as version N+1 and a case
opened next uses it (its page shows the new label).

The test works on pilot-aspirant, which no other browser test uses, makes its own
administrator and school, and reads N from the server rather than assuming it.
"""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from toetreding.store.tables import SchoolCreate

from ..web_helpers import COORDINATOR, PASSWORD
from .conftest import LiveServer, SignIn, new_page

PROTOCOL = "pilot-aspirant"
ADMIN = "protocolbeheer@browser.example"
OLD_LABEL = 'label: "Verkennende gesprekken"'
NEW_LABEL = "Kennismakingsgesprekken met de school"


def _set_text(browser: WebDriver, text: str) -> None:
    """Put ``text`` in the editor (as a paste would; typing 5,000 characters is slow)."""
    editor = browser.find_element(By.ID, "tekst")
    browser.execute_script("arguments[0].value = arguments[1];", editor, text)


def _submit(browser: WebDriver, action: str) -> None:
    button = browser.find_element(By.CSS_SELECTOR, f"button[name=actie][value={action}]")
    new_page(browser, button.click)


def test_an_edited_protocol_is_refused_on_its_line_then_published_and_used(
    browser: WebDriver,
    sign_in: SignIn,
    live_server: LiveServer,
    artifacts: Path,
) -> None:
    service = live_server.app.state.ctx.service
    person = service.add_person("Beheerder Browser", ADMIN)
    service.accounts.set_password(person.id, PASSWORD, service.clock.now(), admin=True)
    newest = service.protocols().get(PROTOCOL).version

    sign_in(ADMIN, then=f"/protocolbeheer/{PROTOCOL}")
    text = browser.find_element(By.ID, "tekst").get_attribute("value") or ""
    assert f"version: {newest + 1}\n" in text and OLD_LABEL in text

    # An error: a state's label left out. Refused, on its line, nothing published.
    lines = text.split("\n")
    wrong_line = lines.index('    label: "Verkennende gesprekken"') + 1
    broken = text.replace('    label: "Verkennende gesprekken"\n', "    lable: Verkenning\n", 1)
    _set_text(browser, broken)
    _submit(browser, "publiceren")
    outcome = browser.find_element(By.ID, "uitkomst").text
    assert "Niet gepubliceerd" in outcome
    assert f"Regel {wrong_line}" in outcome and "onbekende sleutel 'lable'" in outcome
    assert "lable: Verkenning" in (
        browser.find_element(By.ID, "tekst").get_attribute("value") or ""
    )
    assert service.protocols().get(PROTOCOL).version == newest
    browser.save_screenshot(str(artifacts / "protocolbeheer-fout.png"))

    # Fixed: published as N+1.
    _set_text(browser, text.replace(OLD_LABEL, f'label: "{NEW_LABEL}"', 1))
    _submit(browser, "publiceren")
    assert f"Gepubliceerd als versie {newest + 1}" in browser.find_element(By.ID, "uitkomst").text
    browser.save_screenshot(str(artifacts / "protocolbeheer-gepubliceerd.png"))

    # A case opened now starts on the new version, and its page says so in its words.
    coordinator = service.store.person(COORDINATOR)
    partnership = service.store.partnership("part2")
    school = service.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id,
            name="Pilotschool Browser",
            sector="vo",
            region="midden",
            brin="PB01",
        ),
        service.clock.now(),
    )
    case_id = service.open_case(
        school_ref=school.id, protocol_id=PROTOCOL, actor_ref=coordinator.id
    )
    assert service.case(case_id).protocol_version == newest + 1
    browser.get(live_server.url(f"/dossiers/{case_id}"))
    assert NEW_LABEL in browser.find_element(By.TAG_NAME, "main").text
