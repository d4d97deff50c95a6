"""Files in a real browser: a school hands in its self-evaluation as a PDF with the step; the
coordinator opens it from the case page and the audit committee from the audit page (the
same bytes, shown by the browser's own PDF viewer); another school's contact gets 404 for
the same address. Then screenshots (1400 px wide) of the pages that show files.

Demo case 3 (Scholengemeenschap De Esch, contact@demo03.example) is writing its
self-evaluation; contact@demo01.example is Het Noordik's contact.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from toetreding.files import sample_pdf as pdf_bytes

from ..web_helpers import COORDINATOR, STUURGROEP
from .conftest import LiveServer, SignIn, new_page, wait
from .test_walk import _png_size, full_page_png, history, open_action, pdf, take_step

CASE = 3
PAGE = f"/dossiers/{CASE}"
SCHOOL = "contact@demo03.example"
OTHER_SCHOOL = "contact@demo01.example"
AUDIT_CHAIR = "audit@part2.example"
WIDE = (1400, 900)
AUDIT_DAY = "2026-11-23"  # the live server's clock stands on this day

# In the browser: the address's status and the SHA-256 of its bytes (Web Crypto).
FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: 'same-origin'}).then(async (answer) => {
  const bytes = await answer.arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  const hex = Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0'));
  done([answer.status, answer.headers.get('content-type'), hex.join('')]);
}).catch((error) => done([0, String(error), '']));
"""


def fetched(browser: WebDriver, address: str) -> tuple[int, str, str]:
    browser.set_script_timeout(20)
    status, kind, digest = browser.execute_async_script(FETCH, address)
    return int(status), str(kind), str(digest)


def opens_as_pdf(browser: WebDriver, link: str, digest: str) -> None:
    """The browser shows ``link`` as a PDF (its own viewer) and its bytes are ``digest``."""
    wait(browser).until(lambda d: d.execute_script("return document.contentType") is not None)
    assert browser.execute_script("return document.contentType") == "application/pdf"
    status, kind, found = fetched(browser, link)
    assert (status, kind, found) == (200, "application/pdf", digest)


def test_a_self_evaluation_handed_in_as_a_pdf_is_read_by_coordinator_and_committee_only(
    browser: WebDriver, sign_in: SignIn, live_server: LiveServer
) -> None:
    chosen = pdf("zelfevaluatie-de-esch.pdf")
    digest = hashlib.sha256(chosen.read_bytes()).hexdigest()

    # The school hands it in with the step.
    sign_in(SCHOOL, then=PAGE)
    form = open_action(browser, "Zelfevaluatie indienen")
    field = form.find_element(By.ID, "zelfevaluatie_indienen-zelfevaluatie")
    assert field.get_attribute("type") == "file" and ".pdf" in field.get_attribute("accept")
    shown = take_step(
        browser,
        "Zelfevaluatie indienen",
        {"zelfevaluatie_indienen-zelfevaluatie": chosen, "zelfevaluatie_indienen-paginas": "8"},
        expect="stap 3 — Bespreking in de stuurgroep",
    )
    size = f"{chosen.stat().st_size} bytes"
    assert f"zelfevaluatie-de-esch.pdf (versie 1, {size}, sha256 {digest[:12]}…)" in shown[0]
    link = browser.find_element(By.LINK_TEXT, "zelfevaluatie-de-esch.pdf").get_attribute("href")
    assert link and link.startswith(live_server.url(f"{PAGE}/bestanden/"))

    # The coordinator opens it from the case page's list of files.
    sign_in(COORDINATOR, then=PAGE)
    files = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=bestanden]")
    assert "Zelfevaluatie (ontwikkelportfolio)" in files.text
    new_page(browser, files.find_element(By.LINK_TEXT, "zelfevaluatie-de-esch.pdf").click)
    assert browser.current_url == link
    opens_as_pdf(browser, link, digest)

    # The audit committee opens it from the audit page's panel, in a tab of its own.
    sign_in(AUDIT_CHAIR, then=f"{PAGE}/audit")
    panel = browser.find_element(By.CSS_SELECTOR, "aside.files-panel")
    assert (
        "Stukken om te lezen" in panel.text and "Zelfevaluatie (ontwikkelportfolio)" in panel.text
    )
    audit_tab = browser.current_window_handle
    panel.find_element(By.LINK_TEXT, "zelfevaluatie-de-esch.pdf").click()
    wait(browser).until(lambda d: len(d.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != audit_tab))
    try:
        wait(browser).until(lambda d: d.current_url == link)
        opens_as_pdf(browser, link, digest)
    finally:
        browser.close()
        browser.switch_to.window(audit_tab)

    # Another school's contact: the same address answers 404, like a file that does not exist.
    sign_in(OTHER_SCHOOL, then="/dossiers/1")
    assert fetched(browser, link)[0] == 404
    assert fetched(browser, link.replace(f"/dossiers/{CASE}/", "/dossiers/1/"))[0] == 404
    browser.get(link)
    assert "bestaat niet" in browser.find_element(By.TAG_NAME, "body").text
    assert "De Esch" not in browser.page_source


# --- screenshots ----------------------------------------------------------------------------------


def shoot(browser: WebDriver, artifacts: Path, name: str) -> Path:
    """The whole page, 1400 px wide, as PNG in tests/browser/artifacts/."""
    shot = artifacts / name
    shot.write_bytes(full_page_png(browser))
    width, _ = _png_size(shot)
    assert width == WIDE[0] and shot.stat().st_size > 20_000
    return shot


def test_screenshots_of_the_pages_that_show_files(
    browser: WebDriver, sign_in: SignIn, artifacts: Path, live_server: LiveServer
) -> None:
    browser.set_window_size(*WIDE)
    inner = browser.execute_script("return document.documentElement.clientWidth")
    browser.set_window_size(WIDE[0] + WIDE[0] - inner, WIDE[1])  # the page itself 1400 wide
    try:
        # The case page of a school writing its plan, with the form open (Het Noordik: the
        # plan and follow-up self-evaluation are in; audit_aanvragen asks for one more file).
        sign_in(OTHER_SCHOOL, then="/dossiers/1")
        form = open_action(browser, "Interne audit aanvragen")
        assert form.find_element(By.CSS_SELECTOR, "input[type=file]").is_displayed()
        browser.execute_script("arguments[0].scrollIntoView()", form)
        shoot(browser, artifacts, "dossier-formulier-met-bestand.png")

        # A decided case: the history links every step to the files it used.
        sign_in(COORDINATOR, then="/dossiers/5")
        rows = history(browser)
        assert any("sha256" in row for row in rows), rows
        shoot(browser, artifacts, "dossier-geschiedenis-met-bestanden.png")

        # The audit page with the pieces to read beside the scoring form: Het Noordik asks
        # for its audit (handing in its follow-up self-evaluation), the date is agreed, the
        # steering group opens the audit with the chair on the committee.
        service = live_server.app.state.ctx.service
        follow_up = service.stage_bytes("vervolgzelfevaluatie-noordik.pdf", pdf_bytes("Vervolg"))
        inputs = {"vervolgzelfevaluatie": follow_up}
        service.fire(1, "audit_aanvragen", actor_ref=OTHER_SCHOOL, inputs=inputs)
        service.fire(1, "audit_inplannen", actor_ref=COORDINATOR, inputs={"auditdatum": AUDIT_DAY})
        desk = live_server.app.state.ctx.desk
        desk.open(1, actor_ref=STUURGROEP)
        desk.add_member(1, person_ref=AUDIT_CHAIR, partner="Saxion", actor_ref=STUURGROEP)
        sign_in(AUDIT_CHAIR, then="/dossiers/1/audit")
        panel = browser.find_element(By.CSS_SELECTOR, "aside.files-panel")
        assert "vervolgzelfevaluatie-noordik.pdf" in panel.text
        first = browser.find_element(By.CSS_SELECTOR, "form.score-form")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
        assert panel.is_displayed() and panel.location_once_scrolled_into_view  # beside it
        (artifacts / "audit-met-stukken.png").write_bytes(browser.get_screenshot_as_png())

        # The dossier's files and documents: what was handed in, what toetreding made.
        sign_in(COORDINATOR, then="/dossiers/1/documenten")  # the plan in two versions
        assert browser.find_element(By.CSS_SELECTOR, "table.files")
        shoot(browser, artifacts, "dossier-bestanden-en-documenten.png")
    finally:
        browser.set_window_size(1280, 900)
