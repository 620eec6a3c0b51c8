"""End to end in headless Chromium, in Chinese: the county's org department creates a campaign through the
pages — the unit and a cadre found with the search pickers, the indicator tree typed with a level off
100 refused then corrected, a voter class, codes printed as slips — and opens it."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.assessment.models import Campaign, CampaignStatus, Indicator, VotingCode
from zugong.e2e import (  # noqa: F401
    WAIT_SECONDS,
    browser,
    choose_in_picker,
    click_to_next_page,
    sign_in,
    wait_for,
    wait_for_text,
)

from .conftest import cadre


def submit(driver, button_id: str) -> None:
    """Click and wait until the page the click left is gone (the next one may hold the same words)."""
    click_to_next_page(driver, button_id)


def pick(driver, field: str, query: str, value: int) -> None:
    choose_in_picker(driver, field, query, value)


def fill(driver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


@pytest.mark.e2e
def test_org_department_sets_up_and_opens_a_campaign_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    driver = browser
    person = cadre("钱镇长", tree.township_a, "镇长")
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(live_server.url + "/assessment/")
    wait_for(driver, "#zg-campaign-new").click()
    wait_for(driver, "#zg-campaign-form")
    fill(driver, "id_title", "2026年度乡镇领导班子考核")
    Select(driver.find_element(By.ID, "id_kind")).select_by_visible_text("年度考核")
    pick(driver, "org_unit", "甲县", tree.county_a.pk)
    fill(driver, "id_year", "2026")
    fill(driver, "id_excellent_percent", "20")
    submit(driver, "zg-campaign-save")
    wait_for_text(driver, ".zg-messages", "考核已创建（草稿）")
    campaign = Campaign.objects.get()
    assert (campaign.title, str(campaign.excellent_share)) == ("2026年度乡镇领导班子考核", "0.200")

    # subjects: a cadre through the picker, then the township's team
    Select(driver.find_element(By.ID, "id_kind")).select_by_visible_text("领导干部")
    pick(driver, "cadre", "钱镇", person.pk)
    submit(driver, "zg-subject-add")
    wait_for_text(driver, ".zg-messages", "已添加考核对象：钱镇长")
    Select(driver.find_element(By.ID, "id_kind")).select_by_visible_text("领导班子")
    pick(driver, "org_unit", "甲镇", tree.township_a.pk)
    submit(driver, "zg-subject-add")
    wait_for_text(driver, ".zg-messages", f"已添加考核对象：{tree.township_a.name}")

    # the indicator tree: a second level off 100 is refused naming the level, then saved
    fill(driver, "id_tree", "党的建设 | 40 | 打分 | 述职评议\n－班子建设 | 60\n－基层组织 | 30\n重点任务 | 60 | 扣分 | 专项督查")
    submit(driver, "zg-indicators-save")
    wait_for_text(driver, "#zg-setup-error", "“党的建设”的下级指标权重合计为 90，须为 100")
    assert not Indicator.objects.exists()
    fill(driver, "id_tree", "党的建设 | 40 | 打分 | 述职评议\n－班子建设 | 60\n－基层组织 | 40\n重点任务 | 60 | 扣分 | 专项督查")
    submit(driver, "zg-indicators-save")
    wait_for_text(driver, ".zg-messages", "考核指标已保存（共 4 项）")

    # a voter class and its codes, printed as slips
    fill(driver, "id_name", "群众代表")
    fill(driver, "id_weight", "30")
    submit(driver, "zg-class-save")
    wait_for_text(driver, ".zg-messages", "投票人类别权重已保存（第 1 版）")
    Select(driver.find_element(By.ID, "id_voter_class")).select_by_visible_text("群众代表")
    fill(driver, "id_count", "4")
    submit(driver, "zg-codes-issue")
    wait_for_text(driver, "#zg-slips-title", "已发放 4 个测评码")
    assert len(driver.find_elements(By.CSS_SELECTOR, ".zg-slip")) == 4 and VotingCode.objects.count() == 4

    # open the campaign from its page
    driver.get(f"{live_server.url}/assessment/{campaign.pk}/")
    wait_for(driver, "#zg-step-open")
    submit(driver, "zg-step-open")
    wait_for_text(driver, "#zg-campaign-status", "已启动")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN and campaign.subjects.count() == 2
