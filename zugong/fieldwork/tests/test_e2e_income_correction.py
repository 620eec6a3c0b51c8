"""End to end in headless Chromium, in Chinese: a township clerk corrects 甲村's income report from the ranking
page — a published quarter is refused with the reason in Chinese, this quarter's figure is corrected — then opens
甲村's own page and sees its income chart drawn."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from zugong.core.jurisdiction import jurisdiction_for
from zugong.e2e import (  # noqa: F401
    browser,
    choose_in_picker,
    click_to_next_page,
    sign_in,
    wait_for,
    wait_for_text,
)
from zugong.fieldwork.models import VillageIncomeReport
from zugong.fieldwork.selectors import quarter_label, quarter_start
from zugong.fieldwork.services.income import income_report_submit


@pytest.mark.e2e
def test_township_clerk_corrects_a_report_in_chinese(live_server, browser, tree, bob) -> None:  # noqa: F811
    # given: 甲村's report of this quarter (before its due day) and of 2025Q3 (published)
    this = quarter_start(timezone.localdate())
    code = f"{this.year}Q{(this.month - 1) // 3 + 1}"
    j = jurisdiction_for(bob)
    income_report_submit(actor=bob, jurisdiction=j, village=tree.village_a, quarter=this, income=Decimal("3"))
    income_report_submit(actor=bob, jurisdiction=j, village=tree.village_a, quarter=date(2025, 7, 1),
                         income=Decimal("4"), submitted_on=date(2025, 10, 5))
    driver = browser
    sign_in(driver, live_server.url, "bob", "pw-bob")
    driver.get(f"{live_server.url}/fieldwork/income/?org={tree.township_a.pk}&quarter={code}")
    wait_for_text(driver, "#zg-income-ranking", "3.00")
    # when: the clerk follows 更正已报送数据 and corrects the published quarter first
    click_to_next_page(driver, "zg-income-correct")
    wait_for_text(driver, "h1", "更正已报送的村集体经济收入")
    choose_in_picker(driver, "village", "甲村", tree.village_a.pk)
    form = driver.find_element(By.ID, "zg-income-correct-form")
    for field, value in (("quarter", "2025Q3"), ("income", "9"), ("reason", "村会计录入有误")):
        form.find_element(By.ID, f"id_{field}").send_keys(value)
    click_to_next_page(driver, "zg-income-correct-save")
    # then: refused in Chinese, nothing changed
    wait_for_text(driver, "#zg-income-correct-form", "2025年第3季度的通报已于2025-10-10截止报送后发布，不能再更正")
    assert VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=date(2025, 7, 1)).income == 4
    # when: this quarter instead, 8.5 万元
    if driver.find_element(By.ID, "id_village").get_attribute("value") != str(tree.village_a.pk):
        choose_in_picker(driver, "village", "甲村", tree.village_a.pk)
    for field, value in (("quarter", code), ("income", "8.5")):
        box = driver.find_element(By.ID, f"id_{field}")
        box.clear()
        box.send_keys(value)
    reason = driver.find_element(By.ID, "id_reason")
    if not reason.get_attribute("value"):
        reason.send_keys("村会计录入有误")
    click_to_next_page(driver, "zg-income-correct-save")
    # then: saved, said in Chinese, the ranking shows it and the first submission is kept
    wait_for_text(driver, "main", f"已更正甲村{quarter_label(this)}集体经济收入")
    report = VillageIncomeReport.objects.get(village=tree.village_a, quarter_start=this)
    assert (report.income, report.correction_reason, report.submitted_on) == (
        Decimal("8.50"), "村会计录入有误", timezone.localdate())
    # and 甲村's own page draws its income over the quarters
    driver.get(f"{live_server.url}/fieldwork/income/?org={tree.township_a.pk}&quarter={code}")
    wait_for_text(driver, "#zg-income-ranking", "8.50")
    click_to_next_page(driver, f"zg-village-{tree.village_a.pk}")
    wait_for_text(driver, "h1", "甲村村集体经济收入")
    wait_for(driver, "#zg-village-income canvas")
    wait_for_text(driver, "#zg-village-income-table", "8.50")
