"""End to end in headless Chromium, in Chinese: the county's organisation department adds a secretary to last
year's 述职 plan with the unit and cadre pickers, opens the meeting's 民主测评 (the assessment module's ballots),
a voter grades both secretaries on the phone page with a one-time code, and the department closes the voting and
reads the results: the reported secretary's report gets the score and the grade it maps to; the one who has not
reported is shown as 未述职 with the score alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from zugong.assessment.models import VoterClass
from zugong.assessment.services.ballots import codes_issue
from zugong.core.jurisdiction import jurisdiction_for
from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.duty_models import DutyPlan
from zugong.rectification.models import DutyReport
from zugong.rectification.services.duty import duty_report_record
from zugong.rectification.services.duty_plans import duty_plan_create, duty_plan_entry_add
from zugong.rectification.tests.helpers import secretary_cadre


def _open(driver, css: str) -> None:  # type: ignore[no-untyped-def]
    details = wait_for(driver, css)
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()


@pytest.mark.e2e
def test_a_duty_meetings_ballots_grade_the_reports_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    # given last year's plan with 甲镇's secretary (reported) and a cadre for 丙乡's secretary
    driver, ja, today = browser, jurisdiction_for(alice), timezone.localdate()
    plan = duty_plan_create(actor=alice, jurisdiction=ja, reviewing_unit=tree.county_a, year=today.year - 1,
                            meeting="甲县党组织书记抓基层党建述职评议会议")
    duty_plan_entry_add(actor=alice, jurisdiction=ja, plan_id=plan.pk, org_unit=tree.township_a,
                        cadre=secretary_cadre("张书记", tree.township_a))
    li = secretary_cadre("李书记", tree.township_a2)
    report = duty_report_record(actor=alice, jurisdiction=ja, org_unit=tree.township_a, reviewing_unit=tree.county_a,
                                year=today.year - 1, secretary="张书记", reported_on=today - timedelta(days=3))
    sign_in(driver, live_server.url, "alice", "pw-alice")
    # the menu: 监督 › 述职评议 → 述职计划 → the plan
    wait_for(driver, 'summary[data-nav-group="supervision"]').click()
    wait_for(driver, 'a[data-nav="rectification-duty"]').click()
    click_to_next_page(driver, "zg-duty-plans")
    wait_for_text(driver, "h1", "述职计划")
    driver.find_element(By.LINK_TEXT, str(plan.year)).click()
    wait_for_text(driver, "h1", "甲县")
    # add 丙乡's secretary with the pickers
    _open(driver, "#zg-duty-plan-entry")
    choose_in_picker(driver, "org_unit", tree.township_a2.name, tree.township_a2.pk)
    choose_in_picker(driver, "cadre", "李书记", li.pk)
    click_to_next_page(driver, "zg-duty-plan-entry-submit")
    wait_for_text(driver, ".zg-messages", "述职人已加入计划")
    wait_for_text(driver, "#zg-not-reported", "丙乡（李书记）")
    # open the 民主测评 with the proposed voter classes
    _open(driver, "#zg-duty-evaluation-open")
    classes = driver.find_element(By.ID, "id_voter_classes")
    classes.clear()
    classes.send_keys("评议组成员 60\n群众代表 40")
    click_to_next_page(driver, "zg-duty-evaluation-open-submit")
    wait_for_text(driver, ".zg-messages", "民主测评已开启")
    wait_for_text(driver, "#zg-evaluation-state", "投票中")
    plan = DutyPlan.objects.get(pk=plan.pk)
    assert plan.campaign is not None
    # a voter of 群众代表 votes on the phone page with the code printed on the slip
    voter_class = VoterClass.objects.get(campaign=plan.campaign, name="群众代表")
    [code] = codes_issue(actor=alice, jurisdiction=ja, campaign_id=plan.campaign.pk, voter_class_id=voter_class.pk,
                         count=1)
    driver.get(live_server.url + "/m/vote/")
    wait_for_text(driver, "h1", "民主测评")
    driver.find_element(By.ID, "zg-code").send_keys(code)
    driver.find_element(By.ID, "zg-vote-start").click()
    wait_for_text(driver, "h1", plan.campaign.title)
    for subject in plan.campaign.subjects.select_related("cadre"):
        grade = "称职" if subject.cadre.name == "张书记" else "基本称职"  # type: ignore[union-attr]
        box = driver.find_element(By.ID, f"zg-ballot-{subject.pk}")
        box.find_element(By.CSS_SELECTOR, f"input[value='{grade}']").click()
    driver.find_element(By.ID, "zg-vote-cast").click()
    wait_for_text(driver, "#zg-vote-done", "测评票已提交")
    # the department closes the voting and reads the results
    driver.get(f"{live_server.url}/rectification/duty/plans/{plan.pk}/")
    click_to_next_page(driver, "zg-evaluation-read-submit")
    wait_for_text(driver, ".zg-messages", "结果已登记为评议等次和得分")
    wait_for_text(driver, "#zg-evaluation-state", "结果已读入")
    entries = {e.org_unit_id: e.pk for e in plan.entries.all()}
    zhang = driver.find_element(By.ID, f"zg-entry-{entries[tree.township_a.pk]}").text
    li_row = driver.find_element(By.ID, f"zg-entry-{entries[tree.township_a2.pk]}").text
    assert "80.00" in zhang and "较好" in zhang and "已述职" in zhang
    assert "60.00" in li_row and "一般" in li_row and "未述职" in li_row
    assert not driver.find_elements(By.ID, "zg-evaluation-read-submit")
    report = DutyReport.objects.get(pk=report.pk)
    assert (report.grade, report.score) == ("fairly_good", Decimal("80.00"))
