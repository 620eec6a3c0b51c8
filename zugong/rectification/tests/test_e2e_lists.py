"""End to end in headless Chromium, in Chinese: the county's organisation department corrects a list and one of
its problems before work has started, then withdraws the list with a reason, each through the menu and the
forms; and a township clerk who opens the withdrawal form is refused in Chinese, nothing saved."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.core.models import AuditEvent
from zugong.e2e import browser, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import Problem, ProblemList
from zugong.rectification.tests.helpers import add_problem, issue_list


def _type(driver, field_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


@pytest.mark.e2e
def test_the_county_corrects_then_withdraws_a_list_in_chinese(live_server, browser, tree, alice) -> None:  # noqa: F811
    problem_list = issue_list(tree, alice)
    problem = add_problem(problem_list, alice, "“三会一课”落实不到位")
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    # the menu: 监督 › 问题整改 → the list
    wait_for(driver, 'summary[data-nav-group="supervision"]').click()
    wait_for(driver, 'a[data-nav="rectification"]').click()
    wait_for(driver, "#zg-lists a").click()
    wait_for_text(driver, "h1", problem_list.title)
    # correct the list's title
    click_to_next_page(driver, "zg-list-edit")
    wait_for_text(driver, "h1", "修改问题清单")
    _type(driver, "id_title", "2025年度甲镇党组织书记抓基层党建述职评议问题清单")
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, ".zg-messages", "问题清单已修改")
    # correct a problem's description and severity
    wait_for(driver, "#zg-problems a").click()
    wait_for_text(driver, "h1", "第 1 个问题")
    click_to_next_page(driver, "zg-problem-edit")
    _type(driver, "id_description", "“三会一课”制度落实不到位，记录不全")
    driver.find_element(By.CSS_SELECTOR, '#id_severity option[value="serious"]').click()
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, ".zg-messages", "问题已修改")
    # back to the list and withdraw it, with the reason
    driver.get(f"{live_server.url}/rectification/lists/{problem_list.pk}/")
    click_to_next_page(driver, "zg-list-withdraw")
    wait_for_text(driver, "h1", "撤回问题清单")
    _type(driver, "id_reason", "已并入县委巡察反馈问题清单")
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, ".zg-messages", "问题清单已撤回")
    wait_for_text(driver, "#zg-list-withdrawn", "已并入县委巡察反馈问题清单")
    # what the forms saved
    saved = ProblemList.objects.get(pk=problem_list.pk)
    assert saved.title == "2025年度甲镇党组织书记抓基层党建述职评议问题清单"
    assert saved.withdrawn_reason == "已并入县委巡察反馈问题清单"
    assert Problem.objects.get(pk=problem.pk).severity == "serious"


@pytest.mark.e2e
def test_a_township_clerk_may_not_withdraw_a_list(live_server, browser, tree, alice, bob) -> None:  # noqa: F811
    problem_list = issue_list(tree, alice)
    driver = browser
    sign_in(driver, live_server.url, "bob", "pw-bob")
    # the clerk sees the list but no withdrawal link; opening the form's address is refused in Chinese
    driver.get(f"{live_server.url}/rectification/lists/{problem_list.pk}/")
    wait_for_text(driver, "h1", problem_list.title)
    assert not driver.find_elements(By.ID, "zg-list-withdraw")
    driver.get(f"{live_server.url}/rectification/lists/{problem_list.pk}/withdraw/")
    wait_for_text(driver, "h1", "无权访问")
    assert not driver.find_elements(By.ID, "id_reason")  # no form to fill
    assert ProblemList.objects.get(pk=problem_list.pk).withdrawn_on is None
    assert not AuditEvent.objects.filter(action="rectification.problem_list_withdraw").exists()
