"""End to end in headless Chromium, in Chinese: the county's organisation department sets a problem's own deadline
on its page (a date before the problem was raised is refused first) and sees it 已逾期; applies a changed R33 report
day to its published key tasks with the unit picker; and a township's clerk withdraws its claim of an item."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from zugong.conftest import make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import ClaimStatus, MilestoneKind, Problem, ProjectClaim
from zugong.rectification.services.projects import project_claim
from zugong.rectification.tests.helpers import add_problem, issue_list
from zugong.rectification.tests.project_helpers import published
from zugong.rules.services import rule_override_set


def _set_date(driver, field_id: str, day: str) -> None:  # type: ignore[no-untyped-def]
    # what the date picker posts: ISO
    driver.execute_script("arguments[0].value = arguments[1];", driver.find_element(By.ID, field_id), day)


def _open(driver, css: str) -> None:  # type: ignore[no-untyped-def]
    details = wait_for(driver, css)
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()


@pytest.mark.e2e
def test_the_county_sets_a_problems_deadline_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    problem = add_problem(issue_list(tree, alice), alice, "“三会一课”落实不到位")
    yesterday = timezone.localdate() - timedelta(days=1)
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/rectification/problems/{problem.pk}/")
    wait_for_text(driver, "#zg-problem-due", "—")
    # a date before the problem was raised is refused with the reason
    _open(driver, "#zg-due-form")
    _set_date(driver, "id_due_on", (problem.raised_on - timedelta(days=1)).isoformat())
    click_to_next_page(driver, "zg-due-submit")
    wait_for_text(driver, ".zg-messages", "问题时限不能早于提出日期")
    # yesterday: saved, and the problem is overdue on its page and on the list
    _open(driver, "#zg-due-form")
    _set_date(driver, "id_due_on", yesterday.isoformat())
    click_to_next_page(driver, "zg-due-submit")
    wait_for_text(driver, ".zg-messages", "问题时限已修改")
    wait_for_text(driver, "#zg-problem-due", "已逾期")
    driver.get(f"{live_server.url}/rectification/lists/{problem.problem_list_id}/")
    wait_for_text(driver, "#zg-problems .zg-due-overdue", "已逾期")
    assert Problem.objects.get(pk=problem.pk).due_on == yesterday


@pytest.mark.e2e
def test_the_county_applies_its_new_report_day_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    project = published(tree, alice, title="村级组织活动场所提档升级")
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R33", org_unit=tree.county_a,
                      valid_from=date(2026, 1, 1), params={"report_day": 20})
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/rectification/projects/")
    click_to_next_page(driver, "zg-project-report-day")
    wait_for_text(driver, "h1", "按现行报告日调整报告期")
    choose_in_picker(driver, "issuing_unit", tree.county_a.name, tree.county_a.pk)
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, ".zg-messages", "个未报送报告期已改为每期 20 日")
    last = project.milestones.filter(kind=MilestoneKind.REPORT).order_by("-due").first()
    assert last is not None and last.due == date(2027, 3, 20)


@pytest.mark.e2e
def test_a_township_withdraws_its_claim_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    project = published(tree, alice, title="村级组织活动场所提档升级")
    clerk = make_user("clerk", tree.township_a2, Role.TOWNSHIP_STAFF)
    claim = project_claim(actor=clerk, jurisdiction=jurisdiction_for(clerk), project_id=project.pk,
                          org_unit=tree.township_a2, note="承担两个村的改造")
    driver = browser
    sign_in(driver, live_server.url, "clerk", "pw-clerk")
    driver.get(f"{live_server.url}/rectification/projects/{project.pk}/")
    wait_for_text(driver, "#zg-claims", "待审核")
    form = driver.find_element(By.ID, f"zg-claim-withdraw-{claim.pk}").find_element(By.XPATH, "./..")
    form.find_element(By.NAME, "reason").send_keys("人手不足，改由乙镇承担")
    click_to_next_page(driver, f"zg-claim-withdraw-{claim.pk}")
    wait_for_text(driver, ".zg-messages", "认项已撤回")
    wait_for_text(driver, "#zg-claims", "已撤回")
    assert ProjectClaim.objects.get(pk=claim.pk).status == ClaimStatus.WITHDRAWN
