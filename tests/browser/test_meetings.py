"""A stuurgroep meeting in a real browser: the coordinator plans it, the proposed agenda holds
every case waiting for the stuurgroep, and a member takes two decisions from the meeting page
— one refused with its reason, the other applied; the decision list names only the applied
one. Screenshots of the meeting page at 1400 and 390 px.

The live server is shared with the other browser tests, which move demo cases. So this test
brings two schools of its own (no other test knows them) and reads what else waits for the
stuurgroep from the service at the moment it plans the meeting.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec

from toetreding.calendar import Region
from toetreding.definition import Sector
from toetreding.files import sample_pdf
from toetreding.service import Toetreding
from toetreding.store import CaseFilter, SchoolCreate

from ..test_web_meetings import first_page_inked
from ..web_helpers import COORDINATOR, KERNGROEP, STUURGROEP
from .conftest import LiveServer, SignIn, new_page, wait
from .test_walk import full_page_png, pdf

SCHOOLS = {"VERG01": "Vergaderschool Oost (test)", "VERG02": "Vergaderschool West (test)"}


def _waiting_school(app: Toetreding, brin: str, name: str) -> int:
    """A school of its own whose self-evaluation waits for the stuurgroep."""
    partnership = app.partnership("part2")
    app.add_school(
        SchoolCreate(
            partnership_id=partnership.id or 0,
            name=name,
            sector=Sector.VO,
            region=Region.MIDDEN,
            brin=brin,
        )
    )
    case_id = app.open_case(school_ref=brin, protocol_id="partnerschap2", actor_ref=COORDINATOR)
    report = app.stage_bytes("verslag.pdf", sample_pdf("Verslag"))
    app.fire(
        case_id, "orientatie_afronden", actor_ref=KERNGROEP, inputs={"verslag_orientatie": report}
    )
    evaluation = app.stage_bytes("ze.pdf", sample_pdf("Zelfevaluatie"))
    app.fire(
        case_id,
        "zelfevaluatie_indienen",
        actor_ref=COORDINATOR,
        inputs={"zelfevaluatie": evaluation, "paginas": 8},
    )
    return case_id


def _waiting_for_the_stuurgroep(app: Toetreding) -> set[int]:
    partnership = app.partnership("part2").id
    return {
        case.id
        for case, _ in app.find_cases(CaseFilter(partnership_id=partnership, running=True))
        if app.body_decisions(app.spec_of(case), case.state, "stuurgroep")
    }


def _download(browser: WebDriver, address: str) -> bytes:
    """What ``address`` answers to this browser's session (its cookies)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(
        urllib.request.Request(address, headers={"Cookie": cookies}), timeout=60
    ) as answer:
        data: bytes = answer.read()
    return data


def _item(browser: WebDriver, case_id: int) -> WebElement:
    return browser.find_element(By.ID, f"punt-{case_id}")


def _decide(browser: WebDriver, case_id: int, label: str, fields: dict[str, str | Path]) -> None:
    """Open the decision ``label`` of the agenda item, fill it in and submit it."""
    offered = _item(browser, case_id).find_elements(By.CSS_SELECTOR, "details.decision")
    labels = [d.find_element(By.TAG_NAME, "summary").text.strip() for d in offered]
    assert label in labels, labels
    details = offered[labels.index(label)]
    details.find_element(By.TAG_NAME, "summary").click()
    form = details.find_element(By.TAG_NAME, "form")
    wait(browser).until(ec.visibility_of(form))
    for name, value in fields.items():
        form.find_element(By.NAME, name).send_keys(str(value))
    new_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)


def test_a_stuurgroep_meeting_proposes_its_agenda_and_decides_in_one_sitting(
    browser: WebDriver, sign_in: SignIn, live_server: LiveServer, artifacts: Path
) -> None:
    app: Toetreding = live_server.app.state.ctx.service
    east, west = (_waiting_school(app, brin, name) for brin, name in SCHOOLS.items())

    # The coordinator plans the meeting for today; the agenda is proposed.
    sign_in(COORDINATOR, then="/vergaderingen")
    waiting = _waiting_for_the_stuurgroep(app)
    assert {east, west} <= waiting
    browser.find_element(By.ID, "plaats").send_keys("Almelo, Saxion")
    form = browser.find_element(By.CSS_SELECTOR, "form.meeting-form")
    assert form.find_element(By.ID, "orgaan").get_attribute("value") == "stuurgroep"
    new_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
    meeting_page = browser.current_url
    assert "/vergaderingen/" in meeting_page
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Stuurgroep — ")
    items = browser.find_elements(By.CSS_SELECTOR, "li.agenda-item")
    on_agenda = {int(str(li.get_attribute("data-dossier"))) for li in items}
    assert waiting <= on_agenda
    for case_id in (east, west):
        reason = _item(browser, case_id).find_element(By.CSS_SELECTOR, ".reason").text
        assert (
            reason == "Wacht op een besluit van de stuurgroep (stap 3: Bespreking in de stuurgroep)"
        )

    # The meeting pack: the link on the page gives a PDF whose first page has ink on it.
    link = browser.find_element(By.LINK_TEXT, "PDF").get_attribute("href") or ""
    assert link.endswith("/vergaderstukken.pdf")
    pack = _download(browser, link)
    assert pack.startswith(b"%PDF") and first_page_inked(pack) > 0.005

    # A member of the stuurgroep records the decisions. Meanwhile a colleague decided on the
    # eastern school from its case page (this page was loaded before): deciding on it here
    # is refused and says why; the western school's decision is taken all the same.
    sign_in(STUURGROEP, then=meeting_page.removeprefix(live_server.base))
    app.fire(
        east,
        "traject_afwijzen",
        actor_ref=STUURGROEP,
        inputs={"besluit_stuurgroep": app.stage_bytes("b.pdf", sample_pdf("Besluit"))},
        note="Op de dossierpagina besloten.",
    )
    letter = pdf("besluit-vergadering.pdf")
    _decide(
        browser,
        east,
        "Stuurgroep zet het traject in en stelt voorwaarden",
        {
            "bestand_besluit_stuurgroep": letter,
            "invoer_voorwaarden": "Eerst een schoolopleider.",
            "toelichting": "Voldoende basis.",
        },
    )
    refusal = _item(browser, east).find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert refusal == (
        "Niet gelukt: dit is nu geen besluit van de stuurgroep (het dossier staat in "
        "'Geen traject ingezet')"
    )
    assert app.case(east).state == "geen_traject"  # as the colleague left it
    assert app.case(west).state == "bespreking_stuurgroep"  # the refusal touched nothing else
    _decide(
        browser,
        west,
        "Stuurgroep zet het traject in en stelt voorwaarden",
        {
            "bestand_besluit_stuurgroep": letter,
            "invoer_voorwaarden": "Twee getrainde werkplekbegeleiders.",
            "toelichting": "Goede basis.",
        },
    )
    assert browser.find_elements(By.CSS_SELECTOR, "[role=alert]") == []
    assert app.case(west).state == "voorwaarden_gesteld"
    done = _item(browser, west).find_element(By.CSS_SELECTOR, ".done").text
    assert done.startswith("Besloten: Stuurgroep zet het traject in en stelt voorwaarden")
    decisions = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ol.decisions > li")]
    assert decisions == [
        f"{SCHOOLS['VERG02']}: Stuurgroep zet het traject in en stelt voorwaarden → "
        "Voorwaarden liggen bij de school — Goede basis."
    ]

    for width, name in ((1400, "vergadering-1400.png"), (390, "vergadering-390.png")):
        browser.set_window_size(width, 900)
        inner = browser.execute_script("return document.documentElement.clientWidth")
        browser.set_window_size(width + width - inner, 900)  # the page itself this wide
        (artifacts / name).write_bytes(full_page_png(browser))
    browser.set_window_size(1280, 900)
