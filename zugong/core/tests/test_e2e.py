"""End to end in headless Chromium: sign in, see the Chinese dashboard, switch to English; the same
shell on a 375px phone screen without sideways scrolling."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.conftest import Tree
from zugong.e2e import browser, chrome_driver, horizontal_overflow, sign_in, wait_for, wait_for_text  # noqa: F401


@pytest.mark.e2e
def test_sign_in_chinese_dashboard_then_english_and_phone(live_server, browser, chrome_driver,  # noqa: F811
                                                          tree: Tree, alice) -> None:
    # given: alice signs in on a desktop browser
    desktop = browser
    sign_in(desktop, live_server.url, "alice", "pw-alice")
    # then: the dashboard is Chinese and shows her county
    assert desktop.find_element(By.TAG_NAME, "h1").text == "工作台"
    assert desktop.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"
    assert "甲县" in desktop.find_element(By.ID, "zg-roots").text
    # when: she opens a node of the org tree, its children load through htmx
    desktop.find_element(By.CSS_SELECTOR, f'button[data-unit="{tree.county_a.pk}"]').click()
    wait_for_text(desktop, f"#zg-sub-{tree.county_a.pk}", "甲镇")
    # when: she switches to English
    desktop.find_element(By.CSS_SELECTOR, 'button[data-language="en"]').click()
    wait_for_text(desktop, "h1", "Dashboard")
    # then: the shell and the page are English
    assert desktop.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert desktop.find_element(By.ID, "zg-logout").text == "Sign out"
    assert "Organisations by kind" in desktop.find_element(By.TAG_NAME, "main").text

    # given: the same person on a phone, where the language switch is reachable before signing in
    phone = chrome_driver(width=375, height=812)
    phone.get(live_server.url + "/login/")
    assert wait_for(phone, 'button[data-language="en"]').is_displayed()
    assert horizontal_overflow(phone) == 0
    sign_in(phone, live_server.url, "alice", "pw-alice")
    assert phone.find_element(By.TAG_NAME, "h1").text == "工作台"
    assert horizontal_overflow(phone) == 0
    # the menu is folded away until the toggle opens it
    assert not phone.find_element(By.ID, "zg-menu").is_displayed()
    phone.find_element(By.CSS_SELECTOR, ".zg-navtoggle").click()
    wait_for(phone, '#zg-menu a[data-nav="orgs"]').click()
    wait_for_text(phone, "h1", "组织机构")
    assert horizontal_overflow(phone) == 0
