"""End to end in headless Chromium: the org department records a transfer on the detail page, finding
the new unit with the unit picker; the cadre moves and the 五必谈 talk falls due in the new unit."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.cadres.models import Cadre, PostHolding
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import Tree
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.talks.models import TalkTrigger, TriggerKind


@pytest.mark.e2e
def test_transfer_through_the_detail_page_form(live_server, browser, tree: Tree, alice) -> None:  # noqa: F811
    # given: a cadre of 甲镇, and alice of the county's org department on the cadre's page
    cadre = make_cadre(tree.township_a)
    sign_in(browser, live_server.url, "alice", "pw-alice")
    browser.get(f"{live_server.url}/cadres/{cadre.pk}/")
    wait_for(browser, "#zg-post-change summary").click()
    # when: she chooses a transfer, finds 丙乡 in the unit picker, and fills title and date
    Select(wait_for(browser, "select[name=kind]")).select_by_value("transfer")
    browser.find_element(By.CSS_SELECTOR, "#zg-post-change .zg-picker-search").send_keys("丙乡")
    wait_for_text(browser, "#zg-post-change .zg-picker-options", "丙乡")
    option = f'#zg-post-change [role="option"][data-value="{tree.township_a2.pk}"]'
    for _attempt in range(10):  # a later keystroke's answer may redraw the options under the click
        try:
            if browser.execute_script("return document.querySelector('#zg-post-change select[name=org_unit]').value") == str(tree.township_a2.pk):
                break
            browser.find_element(By.CSS_SELECTOR, option).click()
        except StaleElementReferenceException:
            continue
    assert browser.execute_script("return document.querySelector('#zg-post-change select[name=org_unit]').value") == str(tree.township_a2.pk)
    browser.find_element(By.NAME, "title").send_keys("丙乡副乡长")
    day = browser.find_element(By.NAME, "on")
    browser.execute_script("arguments[0].value = '2026-03-02';", day)  # what the date picker posts: ISO
    browser.find_element(By.CSS_SELECTOR, "#zg-post-change button[type=submit]").click()
    # then: the page confirms, the cadre serves in 丙乡, and talks filed the trigger there
    wait_for_text(browser, "main", "已记录张三的调动（调往其他单位）")
    assert Cadre.objects.get(pk=cadre.pk).org_unit == tree.township_a2
    holding = PostHolding.objects.get(cadre=cadre)
    assert (holding.title, holding.valid_from, holding.org_unit) == ("丙乡副乡长", date(2026, 3, 2), tree.township_a2)
    assert TalkTrigger.objects.get(cadre=cadre, kind=TriggerKind.POST_CHANGE).org_unit == tree.township_a2
