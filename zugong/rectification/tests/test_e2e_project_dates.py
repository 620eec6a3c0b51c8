"""End to end in headless Chromium, in Chinese: the county's organisation department opens a published key task,
moves its deadline and replaces its open milestone through the dates form with a reason; a deadline before today is
refused on the form first, nothing saved."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from zugong.core.models import AuditEvent
from zugong.e2e import browser, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import MilestoneKind, Project, ProjectMilestone
from zugong.rectification.tests.project_helpers import published


def _type(driver, field_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def _set_date(driver, field_id: str, day: str) -> None:  # type: ignore[no-untyped-def]
    # what the date picker posts: ISO
    driver.execute_script("arguments[0].value = arguments[1];", driver.find_element(By.ID, field_id), day)


@pytest.mark.e2e
def test_the_county_moves_a_key_tasks_dates_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    # given: a key task of the county, published, due 2027-03-31 with the milestone 完成摸底 (2026-09-30) still open
    project = published(tree, alice, title="村级组织活动场所提档升级")
    reports_before = project.milestones.filter(kind=MilestoneKind.REPORT).count()
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    # the menu: 监督 › 项目化管理 → the item → 修改时限和节点
    wait_for(driver, 'summary[data-nav-group="supervision"]').click()
    wait_for(driver, 'a[data-nav="rectification-projects"]').click()
    wait_for(driver, f'a[href="/rectification/projects/{project.pk}/"]').click()
    wait_for_text(driver, "h1", "村级组织活动场所提档升级")
    click_to_next_page(driver, "zg-project-dates")
    wait_for_text(driver, "h1", "修改时限和节点")
    assert driver.find_element(By.ID, "id_milestones").get_attribute("value") == "2026-09-30 完成摸底"
    # a deadline before today is refused on the form, in Chinese, nothing saved
    _set_date(driver, "id_deadline", "2026-11-30")
    _type(driver, "id_reason", "省里调整了验收安排")
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, "#zg-edit-form", "新的完成时限不能早于今天")
    assert Project.objects.get(pk=project.pk).deadline == date(2027, 3, 31)
    # when: the deadline moves to 30 June 2027 and the open milestone is replaced by two
    _set_date(driver, "id_deadline", "2027-06-30")
    _type(driver, "id_milestones", "2026-12-31 完成摸底\n2027-04-30 完成改造")
    _type(driver, "id_reason", "省里调整了验收安排")
    click_to_next_page(driver, "zg-edit-submit")
    # then: back on the item, its dates as given, the report rows extended to June
    wait_for_text(driver, ".zg-messages", "时限和节点已修改")
    wait_for_text(driver, "#zg-milestones", "完成改造")
    wait_for_text(driver, ".zg-fields", "2027-06-30")
    saved = Project.objects.get(pk=project.pk)
    assert saved.deadline == date(2027, 6, 30)
    assert sorted(ProjectMilestone.objects.filter(project=saved, kind=MilestoneKind.MILESTONE)
                  .values_list("due", "title")) == [(date(2026, 12, 31), "完成摸底"), (date(2027, 4, 30), "完成改造")]
    assert saved.milestones.filter(kind=MilestoneKind.REPORT).count() == reports_before + 3  # April, May, June
    event = AuditEvent.objects.get(action="rectification.project_dates_update")
    assert event.summary["reason"] == "省里调整了验收安排"
