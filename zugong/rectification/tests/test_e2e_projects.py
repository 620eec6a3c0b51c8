"""End to end in headless Chromium, in Chinese: a township's staff finds 项目化管理 in the menu, sees the
timeline, opens a published key task of the county, claims it (认项) with the unit picker; once the county
has approved the claim, reports the month's progress; a second report in the same month is refused."""

from __future__ import annotations

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from zugong.conftest import make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import ClaimStatus, MilestoneKind
from zugong.rectification.services.projects import claim_review
from zugong.rectification.tests.project_helpers import published


def submit(driver, button_id: str) -> None:  # type: ignore[no-untyped-def]
    """Click and wait until the page the click left is gone (the next one may hold the same words)."""
    click_to_next_page(driver, button_id)


def open_details(driver, css: str) -> None:  # type: ignore[no-untyped-def]
    details = wait_for(driver, css)
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()


@pytest.mark.e2e
def test_township_claims_a_key_task_and_reports_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    project = published(tree, alice, title="村级组织活动场所提档升级")
    clerk = make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF)
    driver = browser
    sign_in(driver, live_server.url, "clerk", "pw-clerk")
    # the menu: 监督 › 项目化管理; the list draws the timeline
    wait_for(driver, 'summary[data-nav-group="supervision"]').click()
    wait_for(driver, 'a[data-nav="rectification-projects"]').click()
    wait_for(driver, "#zg-project-timeline canvas")
    wait_for(driver, "#zg-projects a").click()
    wait_for_text(driver, "h1", "村级组织活动场所提档升级")
    # claim it for 丙乡 with the unit picker
    open_details(driver, "#zg-claim-form")
    choose_in_picker(driver, "claim-org_unit", "丙乡", tree.township_a2.pk)  # the options may be redrawn meanwhile
    driver.find_element(By.ID, "id_claim-note").send_keys("承担两个村的改造")
    submit(driver, "zg-claim-submit")
    wait_for_text(driver, ".zg-messages", "已提交认项，等待审核")
    wait_for_text(driver, "#zg-claims", "待审核")
    # the county approves; the report form appears for 丙乡
    claim = project.claims.get()
    claim_review(actor=alice, jurisdiction=jurisdiction_for(alice), claim_id=claim.pk, approve=True)
    driver.refresh()
    wait_for_text(driver, "#zg-claims", "已通过")
    open_details(driver, "#zg-report-form")
    driver.find_element(By.ID, "id_report-text").send_keys("完成两个村的选址和设计")
    driver.find_element(By.ID, "id_report-percent").send_keys("35")
    submit(driver, "zg-report-submit")
    wait_for_text(driver, ".zg-messages", "进展已报告")
    wait_for_text(driver, "#zg-reports", "完成两个村的选址和设计")
    # a second report this month is refused in Chinese
    open_details(driver, "#zg-report-form")
    driver.find_element(By.ID, "id_report-text").send_keys("再报一次")
    driver.find_element(By.ID, "id_report-percent").send_keys("40")
    submit(driver, "zg-report-submit")
    wait_for_text(driver, ".zg-messages", "已报告过该项目的进展")
    claim.refresh_from_db()
    today = timezone.localdate()
    assert claim.status == ClaimStatus.APPROVED
    assert [(r.org_unit_id, r.percent) for r in project.reports.all()] == [(tree.township_a2.pk, 35)]
    month = project.milestones.filter(kind=MilestoneKind.REPORT, month=today.replace(day=1)).first()
    assert month is None or month.done_on == today
    assert clerk.username == "clerk"
