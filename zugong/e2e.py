"""Browser tests in headless Chromium, shared by every app.

In a test module:

    from zugong.e2e import browser, phone_browser, sign_in  # noqa: F401

    @pytest.mark.e2e
    def test_something(live_server, browser, tree, alice):
        sign_in(browser, live_server.url, "alice", "pw-alice")
        ...

`browser` is a 1280×900 window, `phone_browser` a 375×812 one; `chrome_driver` is a factory fixture
for other sizes or languages (`chrome_driver(width=..., height=..., language=...)`). Each driver gets a
fresh temporary profile and is quit at teardown. The fixtures request `transactional_db`, because the
live server thread reads through its own connection and must see committed rows (on SQLite in
memory and on PostgreSQL alike), and `django_db_serialized_rollback`: a transactional test ends by
emptying every table, and the rows the migrations seed (the rule register, the 约谈 situations) must
come back for the tests that run after it in the same worker.

Debian's /usr/bin/chromium and /usr/bin/chromedriver are used (ZUGONG_CHROMIUM and
ZUGONG_CHROMEDRIVER override them); `.ci/run` installs them when missing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("ZUGONG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ZUGONG_CHROMEDRIVER", "/usr/bin/chromedriver")
PHONE = (375, 812)
DESKTOP = (1280, 900)
WAIT_SECONDS = 15
MENU_COLLAPSE_WIDTH = 1024  # below it the menu folds behind the toggle (zugong.css)

DriverFactory = Callable[..., WebDriver]


def chrome_options(*, width: int, height: int, language: str, profile_dir: Path) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                 f"--user-data-dir={profile_dir}", f"--window-size={width},{height}", f"--lang={language}"):
        options.add_argument(flag)
    # The Accept-Language header the site sees (Django's LocaleMiddleware honours it).
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    return options


@contextmanager
def chrome_session(*, width: int = DESKTOP[0], height: int = DESKTOP[1], language: str = "zh-CN") -> Iterator[WebDriver]:
    """A headless Chromium with a throw-away profile, quit and removed on exit."""
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not os.access(binary, os.X_OK):
            pytest.fail(f"{binary} is missing: install chromium and chromium-driver (apt-get install "
                        "chromium chromium-driver) or set ZUGONG_CHROMIUM / ZUGONG_CHROMEDRIVER")
    profile_dir = Path(tempfile.mkdtemp(prefix="zugong-chromium-"))
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER),
                              options=chrome_options(width=width, height=height, language=language,
                                                     profile_dir=profile_dir))
    try:
        driver.set_window_size(width, height)
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile_dir, ignore_errors=True)


@pytest.fixture
def chrome_driver(transactional_db: Any, django_db_serialized_rollback: None) -> Iterator[DriverFactory]:
    """A factory: `chrome_driver(width=375, height=812, language="zh-CN")`; every driver is quit at teardown."""
    sessions: list[Any] = []

    def make(*, width: int = DESKTOP[0], height: int = DESKTOP[1], language: str = "zh-CN") -> WebDriver:
        session = chrome_session(width=width, height=height, language=language)
        sessions.append(session)
        return session.__enter__()

    yield make
    for session in reversed(sessions):
        session.__exit__(None, None, None)


@pytest.fixture
def browser(transactional_db: Any, django_db_serialized_rollback: None) -> Iterator[WebDriver]:
    with chrome_session(width=DESKTOP[0], height=DESKTOP[1]) as driver:
        yield driver


@pytest.fixture
def phone_browser(transactional_db: Any, django_db_serialized_rollback: None) -> Iterator[WebDriver]:
    with chrome_session(width=PHONE[0], height=PHONE[1]) as driver:
        yield driver


# While a click navigates, Chromium can answer an element query with a generic WebDriverException
# ("Node with given id does not belong to the document") rather than a stale-element error: the
# waits retry through those; a real failure still ends in a TimeoutException.
_NAVIGATION_RACES = (StaleElementReferenceException, WebDriverException)


def _wait(driver: WebDriver) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=_NAVIGATION_RACES)


def click_to_next_page(driver: WebDriver, button_id: str) -> None:
    """Click a submit button and wait until the page it left is gone (the next page may hold the same
    words). Chromium may report the old page's node as "not in the document" instead of stale: both are gone."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, button_id).click()

    def gone(_driver: WebDriver) -> bool:
        try:
            old.is_enabled()
        except _NAVIGATION_RACES:
            return True
        return False

    WebDriverWait(driver, WAIT_SECONDS).until(gone, message=f"the page did not change after clicking #{button_id}")


def wait_for(driver: WebDriver, css: str) -> Any:
    """The element matching `css` once it is visible."""
    return _wait(driver).until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css)))


def click_when_settled(driver: WebDriver, css: str) -> None:
    """Click the element matching `css`, found again when it was replaced meanwhile: a search picker's options are
    re-rendered by each keystroke's answer, so the option found may be gone by the time it is clicked."""
    def clicked(_driver: WebDriver) -> bool:
        try:
            wait_for(driver, css).click()
        except StaleElementReferenceException:
            return False
        return True

    WebDriverWait(driver, WAIT_SECONDS).until(clicked, message=f"{css!r} kept being replaced")


def choose_in_picker(driver: WebDriver, field: str, query: str, value: int, scope: str = "") -> None:
    """Type `query` into the search picker of `<select id="id_<field>">` (inside `scope`, a CSS prefix) and choose
    the option `value`; returns once the select holds it (a later keystroke's answer may redraw the options)."""
    for _attempt in range(5):  # the picker's search box may be drawn anew as the page settles
        try:
            driver.find_element(By.CSS_SELECTOR, f"{scope} #id_{field} ~ .zg-picker-search").send_keys(query)
            break
        except StaleElementReferenceException:
            continue
    else:
        raise AssertionError(f"the search box of #id_{field} kept being redrawn")
    option = f'{scope} #id_{field}-options li[data-value="{value}"]'
    select = f"{scope} #id_{field}"
    click_when_settled(driver, option)

    def held(d: WebDriver) -> bool:
        return d.find_element(By.CSS_SELECTOR, select).get_attribute("value") == str(value)

    def chosen(d: WebDriver) -> bool:
        # a click on an option list that a late answer was replacing can be lost: click the current one again
        # (only while the select does not hold the value, so a multiple select is never toggled off)
        if held(d):
            return True
        d.find_element(By.CSS_SELECTOR, option).click()
        return held(d)

    try:  # the click's own effect first, given a moment
        WebDriverWait(driver, 3, poll_frequency=0.2, ignored_exceptions=_NAVIGATION_RACES).until(held)
        return
    except TimeoutException:
        pass
    WebDriverWait(driver, WAIT_SECONDS, poll_frequency=1.0, ignored_exceptions=_NAVIGATION_RACES).until(
        chosen, message=f"{select!r} never held {value}")


_TEXT_PRESENT = "const el = document.querySelector(arguments[0]); return !!el && el.textContent.includes(arguments[1]);"


def wait_for_text(driver: WebDriver, css: str, text: str) -> None:
    """Wait until the element matching `css` contains `text`, checked inside the page in one step."""
    _wait(driver).until(lambda d: d.execute_script(_TEXT_PRESENT, css, text),
                        message=f"{css!r} never contained {text!r}")


def sign_in(driver: WebDriver, base_url: str, username: str, password: str) -> None:
    """Sign in through the login form and wait for the dashboard."""
    driver.get(base_url.rstrip("/") + "/login/")
    wait_for(driver, "#id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    wait_for(driver, "#zg-logout" if driver.get_window_size()["width"] >= MENU_COLLAPSE_WIDTH else ".zg-navtoggle")


def horizontal_overflow(driver: WebDriver) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    width: int = driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth;")
    return width
