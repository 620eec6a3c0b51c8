"""End to end in headless Chromium, in Chinese: the county's organisation department records a township
secretary's 述职 (述职评议) through the form with the unit pickers, grades it, and feeds the problems back in
writing, which creates the secretary's problem list; feeding back a second time is no longer offered."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import DutyReport


def _open(driver, css: str) -> None:  # type: ignore[no-untyped-def]
    details = wait_for(driver, css)
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()


@pytest.mark.e2e
def test_the_county_records_grades_and_feeds_back_a_duty_report_in_chinese(live_server, browser, tree,  # noqa: F811
                                                                         alice) -> None:
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    # the menu: 监督 › 述职评议 → 登记述职
    wait_for(driver, 'summary[data-nav-group="supervision"]').click()
    wait_for(driver, 'a[data-nav="rectification-duty"]').click()
    wait_for_text(driver, "h1", "述职评议")
    click_to_next_page(driver, "zg-duty-new")
    wait_for_text(driver, "h1", "登记述职")
    choose_in_picker(driver, "org_unit", tree.township_a.name, tree.township_a.pk)
    choose_in_picker(driver, "reviewing_unit", tree.county_a.name, tree.county_a.pk)
    driver.find_element(By.ID, "id_secretary").send_keys("张书记")
    day = driver.find_element(By.ID, "id_reported_on")
    driver.execute_script("arguments[0].value = arguments[1];", day, "2026-01-20")  # what the date picker posts
    driver.find_element(By.ID, "id_summary").send_keys("抓基层党建工作述职：阵地建设、党员教育管理")
    click_to_next_page(driver, "zg-duty-submit")
    wait_for_text(driver, ".zg-messages", "述职已登记")
    # grade it
    _open(driver, "#zg-duty-evaluate")
    driver.find_element(By.CSS_SELECTOR, '#id_grade option[value="fairly_good"]').click()
    driver.find_element(By.ID, "id_score").send_keys("85.5")
    click_to_next_page(driver, "zg-duty-evaluate-submit")
    wait_for_text(driver, ".zg-messages", "评议结果已登记")
    # feed the problems back in writing: the secretary's problem list is created
    _open(driver, "#zg-duty-feedback")
    driver.find_element(By.ID, "id_feedback").send_keys("存在以下问题，请于三个月内整改。")
    driver.find_element(By.ID, "id_problems").send_keys("较重 “三会一课”落实不到位\n谈心谈话不经常")
    click_to_next_page(driver, "zg-duty-feedback-submit")
    wait_for_text(driver, ".zg-messages", "已书面反馈问题，问题清单已生成")
    assert not driver.find_elements(By.ID, "zg-duty-feedback")  # once only
    report = DutyReport.objects.get()
    assert (report.secretary, report.grade, str(report.score)) == ("张书记", "fairly_good", "85.50")
    assert report.feedback_list is not None
    assert list(report.feedback_list.problems.order_by("number").values_list("description", "severity")) == [
        ("“三会一课”落实不到位", "serious"), ("谈心谈话不经常", "general")]
