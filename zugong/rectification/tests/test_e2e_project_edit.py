"""End to end in headless Chromium, in Chinese: the county's organisation department corrects an item of its project
register (title, lead unit through the unit picker, responsible leader, measures) and moves its dates, each with a
reason; an empty reason is stopped by the browser, a blank one refused on the form with nothing saved; a township's
clerk and a township's organisation department, who may not manage the county's items, are refused both pages."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from zugong.conftest import make_user
from zugong.core.models import AuditEvent, Role
from zugong.e2e import (  # noqa: F401
    browser,
    choose_in_picker,
    click_to_next_page,
    sign_in,
    wait_for,
    wait_for_text,
)
from zugong.rectification.models import MilestoneKind, Project, ProjectMilestone
from zugong.rectification.tests.project_helpers import published

TITLE = "村级组织活动场所提档升级"


def _type(driver: WebDriver, field_id: str, text: str) -> None:
    field = driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def _set_date(driver: WebDriver, field_id: str, day: str) -> None:
    # what the date picker posts: ISO
    driver.execute_script("arguments[0].value = arguments[1];", driver.find_element(By.ID, field_id), day)


def _value(driver: WebDriver, field_id: str) -> str | None:
    return driver.find_element(By.ID, field_id).get_attribute("value")


def _empty_reason_stops_the_browser(driver: WebDriver) -> None:
    """An empty reason: the browser's own check keeps the form on the page, nothing is sent."""
    _type(driver, "id_reason", "")
    driver.find_element(By.ID, "zg-edit-submit").click()
    assert driver.execute_script("return document.getElementById('id_reason').validity.valueMissing;") is True
    assert driver.execute_script("return document.activeElement.id;") == "id_reason"


@pytest.mark.e2e
def test_the_county_corrects_an_item_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    # given: a published key task of the county, led by 甲镇, leader 王副县长
    project = published(tree, alice, title=TITLE)
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/rectification/projects/{project.pk}/")
    wait_for_text(driver, "h1", TITLE)
    click_to_next_page(driver, "zg-project-edit")
    wait_for_text(driver, "h1", "修改项目信息")
    assert _value(driver, "id_title") == TITLE
    assert _value(driver, "id_lead_unit") == str(tree.township_a.pk)
    assert _value(driver, "id_leader") == "王副县长"
    # a new title without a reason: the browser stops an empty one, the form refuses a blank one, nothing saved
    _type(driver, "id_title", "村级组织活动场所规范化建设")
    _empty_reason_stops_the_browser(driver)
    _type(driver, "id_reason", "   ")
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, "#zg-edit-form", "这个字段是必填项")
    wait_for_text(driver, "h1", "修改项目信息")
    assert Project.objects.get(pk=project.pk).title == TITLE
    assert not AuditEvent.objects.filter(action="rectification.project_update").exists()
    # when: title, lead unit (丙乡, through the picker), leader and measures corrected, with a reason
    _type(driver, "id_title", "村级组织活动场所规范化建设")
    choose_in_picker(driver, "lead_unit", "丙乡", tree.township_a2.pk)
    _type(driver, "id_leader", "赵副县长")
    _type(driver, "id_measures", "每村一策，分三批改造")
    _type(driver, "id_reason", "县委常委会调整分工")
    click_to_next_page(driver, "zg-edit-submit")
    # then: back on the item, its corrected values shown
    wait_for_text(driver, ".zg-messages", "项目信息已修改")
    wait_for_text(driver, "h1", "村级组织活动场所规范化建设")
    fields = driver.find_element(By.CSS_SELECTOR, ".zg-fields").text
    assert "丙乡" in fields and "甲镇" not in fields
    assert "赵副县长" in fields and "每村一策，分三批改造" in fields and "李镇长" in fields
    saved = Project.objects.get(pk=project.pk)
    assert (saved.title, saved.lead_unit_id, saved.leader, saved.responsible_person, saved.measures) == (
        "村级组织活动场所规范化建设", tree.township_a2.pk, "赵副县长", "李镇长", "每村一策，分三批改造")
    # and the audit event names the changed fields before and after, and the reason
    event = AuditEvent.objects.get(action="rectification.project_update")
    assert event.summary == {
        "before": {"title": TITLE, "leader": "王副县长", "measures": "每村一策，分批改造",
                   "lead_unit_id": tree.township_a.pk},
        "after": {"title": "村级组织活动场所规范化建设", "leader": "赵副县长", "measures": "每村一策，分三批改造",
                  "lead_unit_id": tree.township_a2.pk},
        "reason": "县委常委会调整分工"}
    assert event.actor_id == alice.pk and event.org_unit_id == tree.township_a2.pk


@pytest.mark.e2e
def test_the_county_moves_an_items_deadline_with_a_reason_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    # given: a published key task due 2027-03-31, its milestone 完成摸底 (2026-09-30) open
    project = published(tree, alice, title=TITLE)
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/rectification/projects/{project.pk}/")
    wait_for_text(driver, "h1", TITLE)
    click_to_next_page(driver, "zg-project-dates")
    wait_for_text(driver, "h1", "修改时限和节点")
    assert _value(driver, "id_deadline") == "2027-03-31"
    # a new deadline without a reason: the browser stops an empty one, the form refuses a blank one, nothing saved
    _set_date(driver, "id_deadline", "2027-06-30")
    _empty_reason_stops_the_browser(driver)
    _type(driver, "id_reason", "   ")
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, "#zg-edit-form", "这个字段是必填项")
    wait_for_text(driver, "h1", "修改时限和节点")
    assert Project.objects.get(pk=project.pk).deadline == date(2027, 3, 31)
    assert not AuditEvent.objects.filter(action="rectification.project_dates_update").exists()
    # when: the deadline moves to 30 June 2027, the milestone kept, with a reason
    _set_date(driver, "id_deadline", "2027-06-30")
    assert _value(driver, "id_milestones") == "2026-09-30 完成摸底"
    _type(driver, "id_reason", "省里调整了验收安排")
    click_to_next_page(driver, "zg-edit-submit")
    # then: the item shows the new deadline; the milestone kept its row
    wait_for_text(driver, ".zg-messages", "时限和节点已修改")
    wait_for_text(driver, ".zg-fields", "2027-06-30")
    wait_for_text(driver, "#zg-milestones", "完成摸底")
    saved = Project.objects.get(pk=project.pk)
    assert saved.deadline == date(2027, 6, 30)
    assert list(ProjectMilestone.objects.filter(project=saved, kind=MilestoneKind.MILESTONE)
                .values_list("due", "title")) == [(date(2026, 9, 30), "完成摸底")]
    assert saved.milestones.get(kind=MilestoneKind.DEADLINE).due == date(2027, 6, 30)
    event = AuditEvent.objects.get(action="rectification.project_dates_update")
    assert event.summary["before"]["deadline"] == "2027-03-31"
    assert event.summary["after"]["deadline"] == "2027-06-30"
    assert event.summary["reason"] == "省里调整了验收安排"
    assert event.summary["reports_added"] == 3  # April, May, June
    assert event.summary["reports_dropped"] == 0


@pytest.mark.e2e
@pytest.mark.parametrize(("username", "role"), [("bob", Role.TOWNSHIP_STAFF), ("dave", Role.ORG_ADMIN)])
def test_a_township_may_not_correct_the_countys_item(live_server, browser, tree, alice, username, role) -> None:  # noqa: F811
    # given: the county's item led by 甲镇; 甲镇's clerk, or its own organisation department, signed in
    project = published(tree, alice, title=TITLE)
    make_user(username, tree.township_a, role)
    driver = browser
    sign_in(driver, live_server.url, username, f"pw-{username}")
    # the item is in sight, without the links to correct it
    driver.get(f"{live_server.url}/rectification/projects/{project.pk}/")
    wait_for_text(driver, "h1", TITLE)
    assert not driver.find_elements(By.ID, "zg-project-edit")
    assert not driver.find_elements(By.ID, "zg-project-dates")
    # opening either form's address is refused in Chinese, with no form to fill
    for page in ("edit", "dates"):
        driver.get(f"{live_server.url}/rectification/projects/{project.pk}/{page}/")
        wait_for_text(driver, "h1", "无权访问")
        assert not driver.find_elements(By.ID, "id_reason")
    saved = Project.objects.get(pk=project.pk)
    assert (saved.title, saved.deadline) == (TITLE, date(2027, 3, 31))
    assert not AuditEvent.objects.filter(action__in=["rectification.project_update",
                                                     "rectification.project_dates_update"]).exists()
