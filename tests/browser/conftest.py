"""A live server on the demo database and a headless Chromium to drive it (Selenium).

The browser is Debian's ``chromium`` with its ``chromium-driver``; ``make test`` installs
them (the ``browser`` target of the Makefile). When they are missing or Chromium does not
start, the browser tests FAIL and say why. ``TOETREDING_SKIP_BROWSER=1`` skips them.
"""

from __future__ import annotations

import os
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from toetreding.clock import FixedClock
from toetreding.demo import seed_demo
from toetreding.settings import Settings
from toetreding.web import create_app

from ..conftest import PROTOCOLS
from ..web_helpers import NOW, PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SKIP_ENV = "TOETREDING_SKIP_BROWSER"
WINDOW = (1280, 900)
WAIT = 20.0  # seconds an explicit wait may take before the test fails
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@dataclass(frozen=True)
class LiveServer:
    """The app served over HTTP on 127.0.0.1; ``url("/overzicht")`` is a page's address."""

    base: str
    app: FastAPI

    def url(self, path: str) -> str:
        return self.base + path


def _build_app(folder: Path) -> FastAPI:
    """The demo partnership (seed_demo) in a SQLite file, every demo person with PASSWORD."""
    settings = Settings(database_url=f"sqlite:///{folder / 'web.db'}", protocols_dir=PROTOCOLS)
    app = create_app(settings, FixedClock(NOW), secret="browser-test-secret")
    service = app.state.ctx.service
    seed_demo(service, datetime(2025, 5, 1, 9, 0), PROTOCOLS)
    accounts = service.accounts
    for person, _ in service.store.people():
        accounts.set_password(person.id, PASSWORD, service.clock.now())
    return app


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving the demo app in a background thread, on a port it listens on before
    the thread starts (no race for a free port); stopped at the end of the session."""
    app = _build_app(tmp_path_factory.mktemp("browser"))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="uvicorn", daemon=True
    )
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base, thread)
        yield LiveServer(base, app)
    finally:
        server.should_exit = True
        thread.join(timeout=WAIT)
        listener.close()


def _wait_until_answering(base: str, thread: threading.Thread) -> None:
    for _ in range(200):  # at most about 10 s
        if not thread.is_alive():
            pytest.fail("the live server (uvicorn) stopped while starting", pytrace=False)
        try:
            with urllib.request.urlopen(base + "/inloggen", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        thread.join(timeout=0.05)  # wait a little, and notice if the server thread dies
    pytest.fail(f"the live server at {base} did not answer within 10 s", pytrace=False)


@pytest.fixture(scope="session")
def _chromium() -> Iterator[WebDriver]:
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"browser tests skipped: {SKIP_ENV}=1")
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        pytest.fail(
            f"browser tests need Debian's chromium and chromium-driver; missing: "
            f"{', '.join(missing)}. Run `make browser` (or `make test`, which does it), or "
            f"set {SKIP_ENV}=1 to leave the browser tests out.",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--lang=nl-NL",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # to see CSP refusals
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    except WebDriverException as exc:
        pytest.fail(
            f"headless Chromium ({CHROMIUM}, driver {CHROMEDRIVER}) did not start: "
            f"{exc.msg or exc}. Set {SKIP_ENV}=1 to leave the browser tests out.",
            pytrace=False,
        )
    driver.set_window_size(*WINDOW)
    driver.implicitly_wait(0.2)  # small: real waiting is done with WebDriverWait
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(_chromium: WebDriver, live_server: LiveServer) -> Iterator[WebDriver]:
    """The shared headless Chromium (1280x900), signed out: no cookies of an earlier test.
    A test fails when the browser refused anything under the pages' Content-Security-Policy
    (a script, style or image the policy forbids)."""
    _chromium.get(live_server.url("/static/style.css"))  # cookies are per site: be on it
    _chromium.delete_all_cookies()
    _chromium.get_log("browser")  # forget what earlier tests logged
    yield _chromium
    refused = [
        entry["message"]
        for entry in _chromium.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    assert refused == [], "the browser refused under the Content-Security-Policy"


def wait(driver: WebDriver, timeout: float = WAIT) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, timeout, poll_frequency=0.05)


def new_page(driver: WebDriver, action: Callable[[], object]) -> None:
    """Do ``action`` (a click that submits or follows a link) and wait until the page it
    leads to has loaded. The old document is marked first; waiting for the mark to go is
    sturdier than ``staleness_of``, which chromedriver may answer mid-navigation with "Node
    with given id does not belong to the document" instead of a stale element."""
    driver.execute_script("document.documentElement.dataset.oldPage = 'yes'")
    action()
    WebDriverWait(
        driver, WAIT, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)
    ).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete'"
            " && document.documentElement.dataset.oldPage === undefined"
        )
    )


SignIn = Callable[..., None]


@pytest.fixture
def sign_in(browser: WebDriver, live_server: LiveServer) -> SignIn:
    """``sign_in(email, then="/dossiers/4")``: sign out, open ``then`` (which sends to the
    login form), fill in the form, submit, and wait until ``then`` is shown."""

    def _sign_in(email: str, then: str = "/overzicht") -> None:
        browser.delete_all_cookies()
        browser.get(live_server.url(then))
        wait(browser).until(ec.url_contains("/inloggen"))
        browser.find_element(By.ID, "email").send_keys(email)
        browser.find_element(By.ID, "wachtwoord").send_keys(PASSWORD)
        form = browser.find_element(By.CSS_SELECTOR, "section.login form")
        new_page(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
        assert browser.current_url == live_server.url(then), browser.current_url
        assert browser.find_element(By.CSS_SELECTOR, "header .who").text

    return _sign_in


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/browser/artifacts/ (git-ignored): screenshots a person can look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
