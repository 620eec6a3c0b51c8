"""End to end in headless Chromium, in Chinese: the county's org department opens 村集体经济 from the menu,
sees the graded ranking, follows the public 通报 link; the public page opens in a browser with no account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.core.jurisdiction import jurisdiction_for
from zugong.e2e import browser, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
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


@pytest.mark.e2e
def test_org_admin_sees_the_trend_chart_and_sets_the_county_thresholds_in_chinese(live_server, browser, tree,  # noqa: F811
                                                                                  alice) -> None:
    # given: 甲村 reported 12 万元 for 2025Q3 (yellow by the default thresholds)
    income_report_submit(actor=alice, jurisdiction=jurisdiction_for(alice), village=tree.village_a,
                         quarter=date(2025, 7, 1), income=Decimal("12"), submitted_on=date(2025, 10, 3))
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/fieldwork/income/?org={tree.county_a.pk}&quarter=2025Q3")
    wait_for_text(driver, "#zg-income-ranking", "黄色")
    wait_for(driver, "#zg-income-trend canvas")  # ECharts drew the trend from its json_script data
    # when: the org admin follows 预警标准 and sets 甲县's thresholds from 2025-07-01 as a person would
    click_to_next_page(driver, "zg-income-scales")
    wait_for_text(driver, "h1", "村集体经济收入预警标准")
    form = driver.find_element(By.ID, "zg-income-scale-form")
    Select(form.find_element(By.ID, "id_org_unit")).select_by_visible_text("甲县")
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));",
                          form.find_element(By.ID, "id_valid_from"), "2025-07-01")
    for field, value in (("orange_from", "3"), ("yellow_from", "2"), ("green_from", "12"), ("blue_from", "30")):
        form.find_element(By.ID, f"id_{field}").send_keys(value)
    click_to_next_page(driver, "zg-income-scale-save")
    wait_for_text(driver, "#zg-income-scale-form", "黄色起点应高于橙色起点")  # a falling bound is named
    yellow = driver.find_element(By.ID, "id_yellow_from")
    yellow.clear()
    yellow.send_keys("6")
    click_to_next_page(driver, "zg-income-scale-save")
    # then: saved, listed, and 甲村's 12 万元 is green from that quarter
    wait_for_text(driver, "main", "已设定甲县自2025-07-01起的村集体经济收入预警标准")
    wait_for_text(driver, "#zg-income-scale-list", "30.00")
    driver.get(f"{live_server.url}/fieldwork/income/?org={tree.county_a.pk}&quarter=2025Q3")
    wait_for_text(driver, "#zg-income-ranking", "绿色")
