"""Through the pages in a real browser: sign in, walk a school from the orientation talk
through the internal audit (committee, interviews, a score per criterion saved without
reloading the page, reports, a factual correction) to the steering group's decision and its
letter, the overview board with its late cases in red, the skip link.

Demo case 4 (Lyceum Wierden, contact@demo04.example) starts at the orientation talk; the
other demo cases stay where they are (case 6 has a deadline that passed: a late case).
"""

from __future__ import annotations

import base64
import re
import struct
import tempfile
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select

from toetreding.files import sample_pdf

from ..web_helpers import COORDINATOR, KERNGROEP, PASSWORD, STUURGROEP
from .conftest import LiveServer, SignIn, new_page, wait

CASE = 4
PAGE = f"/dossiers/{CASE}"
AUDIT_PAGE = f"{PAGE}/audit"
SCHOOL = "contact@demo04.example"
SCHOOL_NAME = "Lyceum Wierden (demo)"
AUDIT_CHAIR = "audit@part2.example"
AUDIT_DAY = "2026-11-23"  # the live server's clock (FixedClock) stands on this day
# The NVAO criteria in the order of the audit page; 2.1 is short of voldoende (reparable),
# so the advice is volgschool.
CRITERIA = (
    "gerealiseerd_niveau",
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "1.5",
    "2.1",
    "2.2",
    "3.1",
    "4.1",
    "4.2",
    "4.3",
)
SHORT_OF = "2.1"
VOLGSCHOOL = "Toelaatbaar als volgschool"
STYLE = Path(__file__).resolve().parents[2] / "src/toetreding/web/static/style.css"


# --- page helpers -----------------------------------------------------------------------------


def now_heading(driver: WebDriver) -> str:
    """The "Nu: stap N — …" heading of the case page."""
    return driver.find_element(By.ID, "nu").text


def history(driver: WebDriver) -> list[str]:
    """The case's history as shown, newest first."""
    return [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ol.timeline > li")]


def open_action(driver: WebDriver, label: str) -> WebElement:
    """Open the ``<details>`` of the action called ``label``; return its form."""
    offered = driver.find_elements(By.CSS_SELECTOR, "details.action")
    labels = [d.find_element(By.TAG_NAME, "summary").text.strip() for d in offered]
    assert label in labels, f"action {label!r} is not offered; the page offers {labels}"
    details = offered[labels.index(label)]
    form = details.find_element(By.TAG_NAME, "form")
    if not form.is_displayed():
        details.find_element(By.TAG_NAME, "summary").click()
    wait(driver).until(ec.visibility_of(form))
    return form


def submit(driver: WebDriver, form: WebElement) -> None:
    """Press the form's button and wait for the page that answers."""
    new_page(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
    assert driver.find_elements(By.ID, "nu"), "the answer is not the case page"


def take_step(
    driver: WebDriver, label: str, fields: dict[str, str | Path], expect: str
) -> list[str]:
    """Fill in and submit an action's form (``fields``: element id → text, or the path of a
    file to choose; ``"x"`` for a checkbox named ``x``); check the case moved to ``expect``
    and the history grew by one."""
    before = history(driver)
    form = open_action(driver, label)
    for key, value in fields.items():
        if key.startswith("invoer_"):  # a confirmation: a checkbox without an id
            box = form.find_element(By.NAME, key)
            assert not box.is_selected()
            box.click()
            assert box.is_selected()
        elif isinstance(value, Path):  # a file input: choosing a file is typing its path
            form.find_element(By.ID, key).send_keys(str(value))
        else:
            field = form.find_element(By.ID, key)
            field.clear()
            field.send_keys(value)
    submit(driver, form)
    assert driver.find_elements(By.CSS_SELECTOR, "[role=alert]") == [], driver.find_element(
        By.CSS_SELECTOR, "[role=alert]"
    ).text
    assert expect in now_heading(driver)
    said = driver.find_element(By.CSS_SELECTOR, "p.done-note[role=status]").text
    assert said.startswith(f"Gelukt: {label}"), said  # the step's label, not its trigger
    after = history(driver)
    assert len(after) == len(before) + 1, (before, after)
    assert after[1:] == before  # newest first: the old rows stay, in order
    return after


def follow(driver: WebDriver, link: WebElement) -> None:
    """Click a link and wait for the page it opens."""
    new_page(driver, link.click)


def on_the_audit_page(driver: WebDriver, form: WebElement, done: str) -> None:
    """Press the audit page form's button; check the audit page answers with ``done`` (the
    line that says it worked) and no refusal."""
    new_page(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
    assert driver.find_element(By.TAG_NAME, "h1").text == f"Interne audit — {SCHOOL_NAME}"
    refused = driver.find_elements(By.CSS_SELECTOR, "[role=alert], p.error")
    assert refused == [], refused[0].text
    said = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "[role=status]")]
    assert any(done in text for text in said), said


def to_the_case_page_for(driver: WebDriver, label: str) -> None:
    """Follow the audit page's pointer to the action ``label`` on the case page."""
    links = driver.find_elements(By.CSS_SELECTOR, "p.next-step a")
    labels = [a.text for a in links]
    assert label in labels, f"the audit page points to {labels}, not to {label!r}"
    follow(driver, links[labels.index(label)])
    assert driver.find_elements(By.ID, "nu"), "the pointer does not lead to the case page"


def open_count(driver: WebDriver) -> str:
    """What the audit page's "Stand van de beoordeling" says is still open."""
    return driver.find_element(By.ID, "nog-open").text


def score_in_place(
    driver: WebDriver, criterion: str, level: str, evidence: str, **more: str
) -> WebElement:
    """Score one criterion through its form as audit.js saves it (no new page); wait until
    the criterion's status says it is scored. ``more``: field id prefix → text (a select for
    ``gesprek``). Returns the criterion's block."""
    block = driver.find_element(By.ID, f"criterium-{criterion}")
    status = block.find_element(By.CSS_SELECTOR, "[data-status]")
    assert status.text == "Nog open"
    assert "is-open" in (block.get_attribute("class") or "").split()  # marked as open
    form = block.find_element(By.CSS_SELECTOR, "form.score-form")
    form.find_element(By.CSS_SELECTOR, f"input[name=score][value={level}]").click()
    form.find_element(By.ID, f"onderbouwing-{criterion}").send_keys(evidence)
    for prefix, text in more.items():
        field = form.find_element(By.ID, f"{prefix}-{criterion}")
        if field.tag_name == "select":
            Select(field).select_by_value(text)
        else:
            field.send_keys(text)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    message = block.find_element(By.CSS_SELECTOR, "[data-message]")
    wait(driver).until(lambda _: message.text == "Opgeslagen." or "Niet gelukt" in message.text)
    assert message.text == "Opgeslagen.", message.text
    assert status.text.startswith("Gescoord:"), status.text
    assert "is-open" not in (block.get_attribute("class") or "").split()
    return block


# --- (a) signing in ---------------------------------------------------------------------------


def test_sign_in_through_the_login_form(browser: WebDriver, live_server: LiveServer) -> None:
    browser.get(live_server.url("/overzicht"))
    wait(browser).until(ec.url_contains("/inloggen?volgende=/overzicht"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Inloggen"

    browser.find_element(By.ID, "email").send_keys(COORDINATOR)
    browser.find_element(By.ID, "wachtwoord").send_keys("not-the-password")
    new_page(browser, browser.find_element(By.CSS_SELECTOR, "section.login button").click)
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert alert.text == "Onbekend e-mailadres of verkeerd wachtwoord."
    assert browser.find_element(By.ID, "email").get_attribute("value") == COORDINATOR

    browser.find_element(By.ID, "wachtwoord").send_keys(PASSWORD)
    new_page(browser, browser.find_element(By.CSS_SELECTOR, "section.login button").click)
    assert browser.current_url == live_server.url("/overzicht")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Overzicht"
    assert browser.find_element(By.CSS_SELECTOR, "header .who").text == "Carla de Vries"

    new_page(browser, browser.find_element(By.CSS_SELECTOR, "form.logout button").click)
    assert browser.current_url == live_server.url("/inloggen")
    browser.get(live_server.url("/overzicht"))
    wait(browser).until(ec.url_contains("/inloggen"))  # signed out: back to the form


# --- (b) a school's walk through the protocol -------------------------------------------------


def pdf(name: str) -> Path:
    """A real PDF named ``name`` on this machine, to choose in a file input."""
    folder = Path(tempfile.gettempdir()) / "toetreding-browser-bestanden"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(sample_pdf(name.removesuffix(".pdf").replace("-", " ").title()))
    return path


def _orientation_talk(browser: WebDriver, sign_in: SignIn) -> None:
    # Step 1: the kerngroep records the orientation talk.
    sign_in(KERNGROEP, then=PAGE)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Lyceum Wierden (demo)"
    assert "stap 1 — Oriënterend gesprek" in now_heading(browser)
    assert len(history(browser)) == 1  # opened
    shown = take_step(
        browser,
        "Genoeg aanknopingspunten: door naar de zelfevaluatie",
        {
            "orientatie_afronden-verslag_orientatie": pdf("verslag-orientatie-wierden.pdf"),
            "orientatie_afronden-toelichting": "Visie en personele inzet sluiten aan.",
        },
        expect="stap 2 — Zelfevaluatie schrijven",
    )
    assert "Genoeg aanknopingspunten: door naar de zelfevaluatie → " in shown[0]  # its label
    assert "door Ineke Bosman (Kerngroep)" in shown[0]
    assert (
        "Verslag van het oriënterend gesprek: verslag-orientatie-wierden.pdf (versie 1" in shown[0]
    )
    assert "Visie en personele inzet sluiten aan." in shown[0]


def _self_evaluation(browser: WebDriver, sign_in: SignIn) -> None:
    # Step 2: the school hands in its self-evaluation; too many pages is refused first.
    sign_in(SCHOOL, then=PAGE)
    form = open_action(browser, "Zelfevaluatie indienen")
    chosen = pdf("ze-wierden.pdf")
    form.find_element(By.ID, "zelfevaluatie_indienen-zelfevaluatie").send_keys(str(chosen))
    field = form.find_element(By.ID, "zelfevaluatie_indienen-paginas")
    assert (field.get_attribute("min"), field.get_attribute("max")) == ("1", "10")
    assert "Een getal van 1 tot en met 10." in form.text  # the protocol's range, said
    field.send_keys("14")
    # The browser holds 14 back itself; one that does not (or a script) reaches the server,
    # which refuses it by the field's label and range.
    assert browser.execute_script("return arguments[0].validity.rangeOverflow", field)
    browser.execute_script("arguments[0].removeAttribute('max')", field)
    submit(browser, form)
    refusal = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert refusal.startswith("Niet gelukt (Zelfevaluatie indienen)"), refusal
    assert "'Aantal pagina's': moet van 1 tot en met 10 zijn, niet 14" in refusal
    assert "stap 2" in now_heading(browser)
    assert len(history(browser)) == 2  # nothing stored
    # The form is open again as it was filled in; the file must be chosen again.
    again = open_action(browser, "Zelfevaluatie indienen")
    pages = again.find_element(By.ID, "zelfevaluatie_indienen-paginas")
    assert pages.get_attribute("value") == "14"
    assert "U had gekozen: ze-wierden.pdf" in again.text and "kies het opnieuw" in again.text
    shown = take_step(
        browser,
        "Zelfevaluatie indienen",
        {
            "zelfevaluatie_indienen-zelfevaluatie": chosen,
            "zelfevaluatie_indienen-paginas": "9",
        },
        expect="stap 3 — Bespreking in de stuurgroep",
    )
    assert "Zelfevaluatie (ontwikkelportfolio): ze-wierden.pdf (versie 1" in shown[0]
    assert "Aantal pagina's: 9" in shown[0]
    assert "(Aanvragende school)" in shown[0]


def _steering_group(browser: WebDriver, sign_in: SignIn) -> None:
    # Step 3: the steering group starts the track, with conditions.
    sign_in(STUURGROEP, then=PAGE)
    shown = take_step(
        browser,
        "Stuurgroep zet het traject in en stelt voorwaarden",
        {
            "traject_inzetten-besluit_stuurgroep": pdf("besluit-stuurgroep-wierden.pdf"),
            "traject_inzetten-voorwaarden": "Twee getrainde werkplekbegeleiders per sectie.",
            "traject_inzetten-motivering": "De zelfevaluatie laat voldoende basis zien.",
        },
        expect="stap 4 — Voorwaarden liggen bij de school",
    )
    assert "Voorwaarden tot toetreding: Twee getrainde werkplekbegeleiders per sectie." in shown[0]


def _school_starts(browser: WebDriver, sign_in: SignIn) -> None:
    # Step 4: the school accepts the conditions (the checkbox is required) and hands in
    # its plan; from then on it is a samenwerkingsschool.
    sign_in(SCHOOL, then=PAGE)
    form = open_action(browser, "School gaat schriftelijk akkoord met de voorwaarden")
    assert not browser.execute_script("return arguments[0].checkValidity()", form)
    take_step(
        browser,
        "School gaat schriftelijk akkoord met de voorwaarden",
        {"invoer_akkoord": "ja", "voorwaarden_accepteren-akkoordverklaring": pdf("akkoord.pdf")},
        expect="stap 4 — (Ontwikkel)plan van aanpak schrijven",
    )
    take_step(
        browser,
        "(Ontwikkel)plan van aanpak indienen; start als samenwerkingsschool",
        {"plan_van_aanpak_indienen-plan_van_aanpak": pdf("plan-van-aanpak-wierden.pdf")},
        expect="stap 4 — Samenwerkingsschool",
    )
    # Step 5: the school asks for the internal audit.
    shown = take_step(
        browser,
        "Interne audit aanvragen",
        {"audit_aanvragen-vervolgzelfevaluatie": pdf("vervolg-ze-wierden.pdf")},
        expect="stap 5 — Interne audit aangevraagd",
    )
    assert len(shown) == 7


def _audit_planned(browser: WebDriver, sign_in: SignIn) -> None:
    # The coordinator agrees on the audit date (a date field: set as the picker would).
    sign_in(COORDINATOR, then=PAGE)
    form = open_action(browser, "Auditdatum afspreken")
    date_field = form.find_element(By.ID, "audit_inplannen-auditdatum")
    assert date_field.get_attribute("type") == "date"
    browser.execute_script("arguments[0].value = arguments[1]", date_field, AUDIT_DAY)
    submit(browser, form)
    assert "stap 6 — Interne audit gepland" in now_heading(browser)
    shown = history(browser)
    assert len(shown) == 8
    assert f"Afgesproken datum van de interne audit: {AUDIT_DAY}" in shown[0]
    assert (
        browser.find_element(By.LINK_TEXT, "Audit")
        .get_attribute("href")
        .endswith(f"/dossiers/{CASE}/audit")
    )


def _report_waits_for_the_audit(browser: WebDriver, sign_in: SignIn) -> None:
    # The audit committee works on the audit pages (scores, draft report): the report step
    # is offered on the case page but refused until the draft exists.
    sign_in(AUDIT_CHAIR, then=PAGE)
    form = open_action(browser, "Concept-toetsingsrapport met toetredingsadvies naar de school")
    submit(browser, form)
    refusal = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert refusal.startswith(
        "Niet gelukt (Concept-toetsingsrapport met toetredingsadvies naar de school)"
    ), refusal
    assert "stap 6 — Interne audit gepland" in now_heading(browser)
    assert len(history(browser)) == 8


def _committee(browser: WebDriver, sign_in: SignIn) -> None:
    # The steering group opens the audit and forms a committee of two partners; with one
    # partner only the page warns.
    sign_in(STUURGROEP, then=PAGE)
    follow(browser, browser.find_element(By.LINK_TEXT, "Audit"))
    assert browser.find_element(By.ID, "openen-kop").text == "Nog geen audit"
    opening = browser.find_element(By.CSS_SELECTOR, "#openen form")
    on_the_audit_page(browser, opening, "De audit is geopend.")
    assert browser.find_elements(By.ID, "openen") == []  # opened once
    assert "Er zijn nog geen leden." in browser.find_element(By.ID, "commissie").text

    for email, partner, role in (
        (AUDIT_CHAIR, "Hogeschool Saxion", "voorzitter"),
        (KERNGROEP, "Het Erasmus Almelo", "lid"),
    ):
        form = open_action(browser, "Lid toevoegen")
        form.find_element(By.ID, "lid-email").send_keys(email)
        form.find_element(By.ID, "lid-partner").send_keys(partner)
        Select(form.find_element(By.ID, "lid-rol")).select_by_value(role)
        on_the_audit_page(browser, form, "Het lid is toegevoegd.")
        warnings = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#commissie .warning")]
        if role == "voorzitter":  # one member, so one partner
            assert len(warnings) == 1, warnings
            assert "alle leden van de auditcommissie komen van Hogeschool Saxion" in warnings[0]
        else:
            assert warnings == []
    rows = browser.find_elements(By.CSS_SELECTOR, "#commissie tbody tr")
    assert [row.text for row in rows] == [
        "Ruud Kamphuis Hogeschool Saxion voorzitter",
        "Ineke Bosman Het Erasmus Almelo lid",
    ]


def _interviews(browser: WebDriver, sign_in: SignIn) -> None:
    # On the audit day the chair records the three interviews of the protocol.
    sign_in(AUDIT_CHAIR, then=AUDIT_PAGE)
    sessions = (
        ("management", "Management en schoolbrede schoolopleider", ["Directeur", "Schoolopleider"]),
        ("begeleiders", "Schoolopleiders en werkplekbegeleiders", ["Drie werkplekbegeleiders"]),
        ("docenten", "Aankomende en net gestarte docenten", ["Twee studenten", "Een starter"]),
    )
    for number, (group, label, attendees) in enumerate(sessions, start=1):
        form = open_action(browser, "Gesprek vastleggen")
        Select(form.find_element(By.ID, "gesprek-groep")).select_by_value(group)
        day = form.find_element(By.ID, "gesprek-datum")
        assert day.get_attribute("type") == "date"
        browser.execute_script("arguments[0].value = arguments[1]", day, AUDIT_DAY)
        form.find_element(By.ID, "gesprek-aanwezigen").send_keys("\n".join(attendees))
        on_the_audit_page(browser, form, "Het gesprek is vastgelegd.")
        rows = browser.find_elements(By.CSS_SELECTOR, "#gesprek tbody tr")
        assert len(rows) == number
        cells = rows[-1].find_elements(By.TAG_NAME, "td")
        assert cells[0].text == label
        assert cells[1].find_element(By.TAG_NAME, "time").get_attribute("datetime") == AUDIT_DAY
        assert cells[2].text == ", ".join(attendees)  # one attendee per line


def _scores(browser: WebDriver) -> None:
    # The chair fills in the audit: each criterion saved on its own by audit.js, on the same
    # page (the mark on the document stays), the status and what is open follow at once.
    blocks = browser.find_elements(By.CSS_SELECTOR, "article.criterion")
    assert [b.get_attribute("id") for b in blocks] == [f"criterium-{c}" for c in CRITERIA]
    assert open_count(browser).startswith("12 van 12 criteria nog open")
    advice = browser.find_element(By.ID, "advies")
    assert "Het advies volgt zodra alle criteria gescoord zijn." in advice.text
    browser.execute_script("document.documentElement.dataset.samePage = 'yes'")
    address = browser.current_url

    first = browser.find_element(By.ID, f"criterium-{CRITERIA[0]}").find_element(
        By.TAG_NAME, "form"
    )
    first.find_element(By.CSS_SELECTOR, "input[name=score][value=voldoende]").click()
    assert not browser.execute_script("return arguments[0].checkValidity()", first)  # evidence

    for done, criterion in enumerate(CRITERIA, start=1):
        if criterion == SHORT_OF:
            block = score_in_place(
                browser,
                criterion,
                "onvoldoende_reparabel",
                "Twee van de zes secties hebben een getrainde werkplekbegeleider.",
                ontwikkel="Meer getrainde werkplekbegeleiders nodig.",
                gesprek="begeleiders",
            )
            expected = "Gescoord: Onvoldoende — reparabel op korte termijn (versie 1)"
        else:
            block = score_in_place(
                browser, criterion, "voldoende", f"Gelezen en gehoord over {criterion}."
            )
            expected = "Gescoord: Voldoende (versie 1)"
        assert block.find_element(By.CSS_SELECTOR, "[data-status]").text == expected
        left = len(CRITERIA) - done
        if left:
            assert "criteria nog open" in open_count(browser), open_count(browser)
            assert browser.find_element(By.CSS_SELECTOR, "#nog-open strong").text == str(left)
            still = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#nog-open li")]
            assert len(still) == left and not any(s.startswith(f"{criterion} ") for s in still)
            assert "Het advies volgt zodra" in advice.text
    assert re.fullmatch(r"Alle (12 )?criteria zijn gescoord\.", open_count(browser))
    assert advice.find_element(By.CSS_SELECTOR, ".advice strong").text == VOLGSCHOOL
    reasons = [li.text for li in advice.find_elements(By.CSS_SELECTOR, "li")]
    assert any(f"{SHORT_OF} Kwantiteit is onvoldoende" in reason for reason in reasons), reasons
    assert browser.execute_script("return document.documentElement.dataset.samePage") == "yes"
    assert browser.current_url == address


def _draft_report(browser: WebDriver) -> None:
    # The chair drafts the report (a new page: the scores were stored, not only shown) and
    # sends it to the school from the case page; the audit day is today.
    drafting = browser.find_element(By.CSS_SELECTOR, "#concept form")
    on_the_audit_page(browser, drafting, "Het concept-rapport is opgesteld.")
    assert open_count(browser) == "Alle 12 criteria zijn gescoord."
    advice = browser.find_element(By.CSS_SELECTOR, "#advies .advice strong").text
    assert advice == VOLGSCHOOL
    short = browser.find_element(By.ID, f"criterium-{SHORT_OF}").find_element(
        By.CSS_SELECTOR, "[data-status]"
    )
    assert short.text == "Gescoord: Onvoldoende — reparabel op korte termijn (versie 1)"
    chosen = Select(browser.find_element(By.ID, f"gesprek-{SHORT_OF}")).first_selected_option
    assert chosen.get_attribute("value") == "begeleiders"
    rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#rapporten tbody tr")]
    assert len(rows) == 1 and rows[0].startswith("1 Concept") and VOLGSCHOOL in rows[0], rows

    label = "Concept-toetsingsrapport met toetredingsadvies naar de school"
    to_the_case_page_for(browser, label)
    shown = take_step(browser, label, {}, expect="stap 6 — Concept-rapport bij de school")
    assert "Concept-toetsingsrapport met toetredingsadvies naar de school → " in shown[0]
    assert "door Ruud Kamphuis (Auditcommissie)" in shown[0]


def _school_corrects(browser: WebDriver, sign_in: SignIn) -> None:
    # The school reads the draft, reports a factual mistake and returns it on the case page.
    sign_in(SCHOOL, then=AUDIT_PAGE)
    assert browser.find_elements(By.ID, "criteria") == []  # a school reads reports only
    form = browser.find_element(By.CSS_SELECTOR, "#correctie form")
    Select(form.find_element(By.ID, "correctie-criterium")).select_by_value(SHORT_OF)
    form.find_element(By.ID, "correctie-tekst").send_keys(
        "Drie secties hebben een getrainde werkplekbegeleider, niet twee."
    )
    on_the_audit_page(browser, form, "Uw correctie is gemeld.")
    reported = browser.find_element(By.CSS_SELECTOR, "ol.corrections > li").text
    assert f"bij {SHORT_OF} " in reported
    assert "Drie secties hebben een getrainde werkplekbegeleider, niet twee." in reported
    assert "Besluit van de commissie: nog open" in reported

    label = "School geeft feitelijke onjuistheden terug"
    to_the_case_page_for(browser, label)
    take_step(
        browser,
        label,
        {"correcties_indienen-toelichting": "Eén correctie, bij criterium 2.1."},
        expect="stap 6 — Definitief rapport vaststellen",
    )


def _final_report(browser: WebDriver, sign_in: SignIn) -> None:
    # The chair takes the correction over, fixes the final report and sends it on.
    sign_in(AUDIT_CHAIR, then=AUDIT_PAGE)
    form = browser.find_element(By.CSS_SELECTOR, "ol.corrections > li form")
    form.find_element(By.CSS_SELECTOR, "input[name=besluit][value=overnemen]").click()
    form.find_element(By.CSS_SELECTOR, "textarea[name=reden]").send_keys(
        "Het rooster van de derde sectie bevestigt het."
    )
    on_the_audit_page(browser, form, "Het besluit is vastgelegd.")
    decided = browser.find_element(By.CSS_SELECTOR, "ol.corrections > li").text
    assert (
        "Besluit van de commissie: overgenomen — Het rooster van de derde sectie bevestigt het."
        in decided
    )

    finalizing = browser.find_element(By.CSS_SELECTOR, "#vaststellen form")
    on_the_audit_page(browser, finalizing, "Het definitieve rapport is vastgesteld.")
    assert "afgesloten met het definitieve rapport" in browser.find_element(By.ID, "inhoud").text
    assert browser.find_elements(By.CSS_SELECTOR, "form.score-form") == []  # closed
    rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#rapporten tbody tr")]
    assert len(rows) == 2 and rows[1].startswith("2 Definitief") and VOLGSCHOOL in rows[1], rows

    label = "Definitief toetsingsrapport met advies vaststellen en versturen"
    to_the_case_page_for(browser, label)
    take_step(browser, label, {}, expect="stap 7 — Besluitvorming in de stuurgroep")


def _decision(browser: WebDriver, sign_in: SignIn) -> None:
    # The steering group decides: against the advice only with a reason, so it follows it.
    sign_in(STUURGROEP, then=PAGE)
    form = open_action(browser, "Besluit: toelaatbaar als partner")
    form.find_element(By.ID, "besluit_partner-motivering").send_keys("Zonder reden afwijken.")
    submit(browser, form)
    refusal = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert refusal.startswith("Niet gelukt (Besluit: toelaatbaar als partner)"), refusal
    assert f"het advies is '{VOLGSCHOOL}'" in refusal, refusal
    assert "stap 7 — Besluitvorming in de stuurgroep" in now_heading(browser)

    reasoning = "De school volgt de visie; criterium 2.1 wordt binnen een jaar hersteld."
    shown = take_step(
        browser,
        "Besluit: toelaatbaar als volgschool",
        {"besluit_volgschool-motivering": reasoning},
        expect="stap 7 — Volgschool",
    )
    assert "Besluit: toelaatbaar als volgschool → Volgschool" in shown[0]
    assert "door Hans Wolters (Stuurgroep)" in shown[0]
    assert reasoning in shown[0]
    assert len(shown) == 12  # the whole walk, newest first
    for row, step in zip(
        shown[:4],
        (
            "Besluit: toelaatbaar als volgschool → Volgschool",
            "Definitief toetsingsrapport met advies vaststellen en versturen → Besluitvorming",
            "School geeft feitelijke onjuistheden terug → Definitief rapport vaststellen",
            "Concept-toetsingsrapport met toetredingsadvies naar de school → Concept-rapport",
        ),
        strict=True,
    ):
        assert step in row, (step, row)
    deadlines = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=termijnen]").text
    assert "Nieuwe interne audit aanvragen (tot een jaar na het besluit)" in deadlines


def _documents(browser: WebDriver) -> None:
    # The documents page lists both reports and the decision letter, which opens as HTML.
    follow(browser, browser.find_element(By.LINK_TEXT, "Bestanden en documenten"))
    assert browser.find_element(By.TAG_NAME, "h1").text == (
        f"Bestanden en documenten — {SCHOOL_NAME}"
    )
    handed_in = browser.find_element(By.CSS_SELECTOR, "table.files").text
    assert "ze-wierden.pdf" in handed_in and "vervolg-ze-wierden.pdf" in handed_in
    rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "table.documents tbody tr")]
    assert len(rows) == 2, rows
    assert rows[0].startswith("1 Concept-rapport") and VOLGSCHOOL in rows[0], rows
    assert rows[1].startswith("2 Definitief rapport") and VOLGSCHOOL in rows[1], rows
    letters = browser.find_elements(By.CSS_SELECTOR, "ul.documents > li")
    titles = [li.find_element(By.TAG_NAME, "strong").text for li in letters]
    assert "Besluitbrief over de toetreding" in titles, titles
    letter = letters[titles.index("Besluitbrief over de toetreding")]
    assert VOLGSCHOOL in letter.text
    assert letter.find_elements(By.CSS_SELECTOR, ".error") == []

    follow(browser, letter.find_element(By.CSS_SELECTOR, "a[href$='/besluitbrief.html']"))
    assert browser.current_url.endswith(f"{PAGE}/documenten/besluitbrief.html")
    subject = browser.find_element(By.CSS_SELECTOR, "h1.subject").text
    assert subject == f"Besluit over de toetreding van {SCHOOL_NAME}"
    decision = browser.find_element(By.CSS_SELECTOR, "p.decision").text
    assert decision == f"{SCHOOL_NAME} is toelaatbaar als volgschool."
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "De stuurgroep volgt het advies van de auditcommissie." in body
    assert "Onvoldoende — reparabel op korte termijn" in body  # 2.1, the deficiency


def test_walk_a_school_from_orientation_through_the_audit_to_the_decision(
    browser: WebDriver, sign_in: SignIn
) -> None:
    _orientation_talk(browser, sign_in)
    _self_evaluation(browser, sign_in)
    _steering_group(browser, sign_in)
    _school_starts(browser, sign_in)
    _audit_planned(browser, sign_in)
    _report_waits_for_the_audit(browser, sign_in)
    _committee(browser, sign_in)
    _interviews(browser, sign_in)
    _scores(browser)
    _draft_report(browser)
    _school_corrects(browser, sign_in)
    _final_report(browser, sign_in)
    _decision(browser, sign_in)
    _documents(browser)


# --- (c) the overview board, as a picture -----------------------------------------------------


def _late_red() -> tuple[int, ...]:
    """``--late`` from style.css as (red, green, blue)."""
    found = re.search(r"--late:\s*#([0-9a-fA-F]{6})", STYLE.read_text(encoding="utf-8"))
    assert found, "style.css defines no --late colour"
    return tuple(int(found[1][i : i + 2], 16) for i in (0, 2, 4))


def _rgb(computed: str) -> tuple[int, ...]:
    """A computed colour, ``rgb(r, g, b)`` or ``rgba(r, g, b, 1)``, as (r, g, b)."""
    found = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, 1)?\)", computed)
    assert found, f"not an opaque colour: {computed}"
    return tuple(int(part) for part in found.groups())


def full_page_png(driver: WebDriver) -> bytes:
    """The whole page as PNG, also what lies below the window (Chrome DevTools)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    return base64.b64decode(shot["data"])


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_overview_board_screenshot_shows_late_cases_in_red(
    browser: WebDriver, sign_in: SignIn, artifacts: Path
) -> None:
    sign_in(COORDINATOR, then="/overzicht")
    # The board of Partnerschap 2's protocol (other browser tests may add boards, e.g. an
    # mbo case of the same partnership, which may come first).
    board = next(
        section
        for section in browser.find_elements(By.CSS_SELECTOR, "section.board")
        if "protocol voor uitbreiding" in section.find_element(By.TAG_NAME, "h2").text
    )
    assert "Opleidingsschool Partnerschap 2" in board.find_element(By.TAG_NAME, "h2").text
    columns = board.find_elements(By.CSS_SELECTOR, "article.column")
    assert len(columns) >= 10
    late = board.find_elements(By.CSS_SELECTOR, ".overdue")
    assert late, "the demo has a case whose deadline passed; the board shows none late"
    assert all(_rgb(element.value_of_css_property("color")) == _late_red() for element in late)
    assert board.find_elements(By.CSS_SELECTOR, "article.column.has-overdue")
    link = board.find_element(By.CSS_SELECTOR, "a.overdue")
    assert link.text == "Twents Carmel Lyceum (demo)"

    shot = artifacts / "overzicht.png"
    shot.unlink(missing_ok=True)
    page = browser.execute_script(
        "const root = document.documentElement; return [root.clientWidth, root.scrollHeight]"
    )
    assert page[1] > browser.execute_script("return window.innerHeight")  # taller than the window
    shot.write_bytes(full_page_png(browser))
    width, height = _png_size(shot)
    assert [width, height] == page, (width, height, page)  # the whole page
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank picture


# --- (d) keyboard -----------------------------------------------------------------------------


def test_skip_link_is_first_and_moves_focus_to_main(browser: WebDriver, sign_in: SignIn) -> None:
    sign_in(COORDINATOR, then="/overzicht")
    first = browser.execute_script(
        "return document.querySelector("
        "'a[href], button, input:not([type=hidden]), select, textarea, summary,"
        ' [tabindex]:not([tabindex="-1"])\')'
    )
    assert first.get_attribute("class") == "skip"

    browser.get(browser.current_url)  # fresh page: focus on the document
    ActionChains(browser).send_keys(Keys.TAB).perform()
    focused = browser.switch_to.active_element
    assert focused.text == "Naar de inhoud"
    assert focused.get_attribute("class") == "skip"
    assert focused.is_displayed() and focused.location["x"] >= 0  # shown when focused

    focused.send_keys(Keys.ENTER)
    wait(browser).until(ec.url_contains("#inhoud"))
    wait(browser).until(
        lambda driver: driver.switch_to.active_element.get_attribute("id") == "inhoud"
    )
    assert browser.switch_to.active_element.tag_name == "main"
