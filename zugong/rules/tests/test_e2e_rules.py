"""End to end in headless Chromium (zh-hans): an org_admin opens the compliance dashboard from the menu,
drills down from the county to a township and sets a rule parameter there through the rule page."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.core.models import Meeting, MeetingKind
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rules.engine import evaluate
from zugong.rules.models import RuleVersion


@pytest.mark.e2e
def test_admin_drills_down_and_sets_an_override(live_server, browser, tree, alice):  # noqa: F811
    # given: R07 evaluated for March 2024 — 甲镇 held its meeting, 丙乡 did not
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a, held_on=date(2024, 3, 10))
    evaluate(as_of=date(2024, 4, 3), rule="R07", periods=2)
    sign_in(browser, live_server.url, "alice", "pw-alice")
    # when: alice opens 制度执行 from the menu (a group of its own when the domain has several entries)
    for group in browser.find_elements(By.CSS_SELECTOR, '#zg-menu summary[data-nav-group="rules"]'):
        group.click()
    wait_for(browser, '#zg-menu a[data-nav="rules"]').click()
    wait_for_text(browser, "h1", "制度执行情况")
    assert "甲县" in browser.find_element(By.TAG_NAME, "hgroup").text
    # and: opens R07, whose units one level down are the county's townships
    browser.find_element(By.CSS_SELECTOR, 'tr[data-rule="R07"] a').click()
    wait_for_text(browser, "h1", "R07 民情分析会")
    units = browser.find_element(By.XPATH, "//h2[.='下级落实情况']/following-sibling::div[1]").text
    assert "甲镇" in units and "丙乡" in units
    # and: drills down to 甲镇
    browser.find_element(By.LINK_TEXT, "甲镇").click()
    wait_for(browser, "#rules-override")
    assert "R07" in browser.find_element(By.CSS_SELECTOR, ".zg-breadcrumbs").text
    # when: she sets the monthly minimum to 2 from today (the date input carries an ISO date in Chinese too)
    form = browser.find_element(By.ID, "rules-override")
    assert Select(form.find_element(By.NAME, "org")).first_selected_option.text == "甲镇"
    Select(form.find_element(By.NAME, "name")).select_by_value("min_count")
    form.find_element(By.NAME, "value").send_keys("2")
    form.find_element(By.NAME, "note").send_keys("每月两次")
    today = timezone.localdate()
    assert form.find_element(By.NAME, "valid_from").get_attribute("value") == today.isoformat()
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    # then: the Chinese success message, the new value in force, and the saved row
    wait_for_text(browser, ".zg-messages", f"已调整R07的参数，自{today.isoformat()}起在甲镇及下级生效。")
    assert browser.find_element(By.CSS_SELECTOR, '#rules-params tr[data-param="min_count"]').text.endswith("2")
    version = RuleVersion.objects.get(scope=tree.township_a)
    assert (version.rule.code, version.valid_from, version.params, version.note, version.created_by_id) == (
        "R07", today, {"min_count": 2}, "每月两次", alice.pk)
