"""End to end in headless Chromium, in Chinese: the county's org department opens 村集体经济 from the menu,
sees the graded ranking, follows the public 通报 link; the public page opens in a browser with no account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By

from zugong.core.jurisdiction import jurisdiction_for
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.fieldwork.services.income import income_report_submit


@pytest.mark.e2e
def test_org_department_opens_the_ranking_and_the_public_bulletin_in_chinese(live_server, browser, tree,  # noqa: F811
                                                                            alice) -> None:
    income_report_submit(actor=alice, jurisdiction=jurisdiction_for(alice), village=tree.village_a,
                         quarter=date(2025, 7, 1), income=Decimal("3.2"), submitted_on=date(2025, 10, 3))
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    wait_for(driver, 'summary[data-nav-group="grassroots"]').click()
    wait_for(driver, 'a[data-nav="fieldwork-income"]').click()
    query = wait_for(driver, 'input[name="quarter"]')
    query.clear()
    query.send_keys("2025Q3")
    query.submit()
    wait_for_text(driver, "#zg-income-ranking", "甲村")
    wait_for_text(driver, "#zg-income-ranking", "红色")
    driver.delete_all_cookies()  # a resident: no account
    driver.get(wait_for(driver, "#zg-income-public").get_attribute("href"))
    wait_for_text(driver, "h1", "甲县2025年第3季度村集体经济收入通报")
    assert "3.20" in driver.find_element(By.ID, "zg-income-ranking").text
