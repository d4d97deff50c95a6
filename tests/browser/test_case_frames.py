"""A school contact maps the mbo institution's basic quality in a real browser: the case page
leads to the conversation frame, the contact types an answer per waarborg, saves once, and
sees what was recorded with its version. Screenshots of the page at 1280 and 390 px (the
page is no wider than the phone).

The live server is shared with the other browser tests, so this test brings a school and a
contact of its own (no other test knows them).
"""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from toetreding.calendar import Region
from toetreding.definition import Sector
from toetreding.files import sample_pdf
from toetreding.service import Toetreding
from toetreding.store import SchoolCreate

from ..web_helpers import COORDINATOR, PASSWORD
from .conftest import LiveServer, SignIn, new_page
from .test_walk import full_page_png

CONTACT = "contact@roc-kader.example"


def _mbo_case_in_step_2(app: Toetreding) -> int:
    partnership = app.partnership("part2")
    app.add_school(
        SchoolCreate(
            partnership_id=partnership.id or 0,
            name="ROC Kaderstad (test)",
            sector=Sector.MBO,
            region=Region.MIDDEN,
            brin="KADR01",
        )
    )
    person = app.add_person("Ria Kader", CONTACT, partnership_ref="part2", roles=("school",),
                            school_ref="KADR01")  # fmt: skip
    app.accounts.set_password(person.id, PASSWORD, app.clock.now())
    case_id = app.open_case(
        school_ref="KADR01", protocol_id="mbo-aansluiting", actor_ref=COORDINATOR
    )
    report = app.stage_bytes("verkenning.pdf", sample_pdf("Verkenning"))
    app.fire(
        case_id,
        "verkenning_afronden",
        actor_ref=COORDINATOR,
        inputs={"verslag_verkenning": report, "rol_instelling": "Eerst klein beginnen"},
    )
    return case_id


def test_a_school_contact_records_the_waarborgen_in_the_page(
    browser: WebDriver, live_server: LiveServer, sign_in: SignIn, artifacts: Path
) -> None:
    case_id = _mbo_case_in_step_2(live_server.app.state.ctx.service)
    sign_in(CONTACT, then=f"/dossiers/{case_id}")
    link = browser.find_element(By.LINK_TEXT, "Gesprekskader invullen")
    new_page(browser, link.click)
    assert (
        browser.find_element(By.TAG_NAME, "h1").text == "Eigen basiskwaliteit op de vier waarborgen"
    )
    assert "4 van 4 vragen nog niet beantwoord" in browser.find_element(By.TAG_NAME, "main").text

    browser.find_element(By.ID, "antwoord-1").send_keys(
        "Werkt: de schoolopleider.\nNiet: intervisie."
    )
    browser.find_element(By.ID, "antwoord-2").send_keys(
        "Begeleiding van pdg'ers is nog niet geregeld."
    )
    save = browser.find_element(By.CSS_SELECTOR, "form.frame-form button[type=submit]")
    new_page(browser, save.click)

    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Opgeslagen: 2 antwoorden vastgelegd." in main
    assert "2 van 4 vragen nog niet beantwoord: Waarborg 3, Waarborg 4" in main
    first = browser.find_element(By.ID, "vraag-1")
    assert "Versie 1, vastgelegd door Ria Kader" in first.text
    typed = browser.find_element(By.ID, "antwoord-1").get_attribute("value")
    assert typed == "Werkt: de schoolopleider.\nNiet: intervisie."

    for width, name in ((1280, "gesprekskader-1280.png"), (390, "gesprekskader-390.png")):
        browser.set_window_size(width, 900)
        inner = browser.execute_script("return document.documentElement.clientWidth")
        browser.set_window_size(width + width - inner, 900)  # the page itself this wide
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        (artifacts / name).write_bytes(full_page_png(browser))
    browser.set_window_size(1280, 900)
