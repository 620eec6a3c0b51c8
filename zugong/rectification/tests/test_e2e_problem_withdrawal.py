"""End to end in headless Chromium, in Chinese: the county's organisation department withdraws one problem of a
list — the reason, the confirmation naming it, then 已撤回 on the problem and the list — and a second withdrawal
is refused on the form because the problem was closed while the confirmation was open; nothing saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.e2e import browser, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import Problem, ProblemStatus
from zugong.rectification.services import problems as svc
from zugong.rectification.tests.helpers import add_problem, pdf_upload, rectifying_problem


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _type(driver, field_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


@pytest.mark.e2e
def test_the_county_withdraws_one_problem_in_chinese(live_server, browser, tree, alice, bob) -> None:  # noqa: F811
    # given: a problem being rectified and a second one on its list
    problem = rectifying_problem(tree, alice, bob)
    other = add_problem(problem.problem_list, alice, "谈心谈话不经常")
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    # the menu: 监督 › 问题整改 → the list → the problem
    wait_for(driver, 'summary[data-nav-group="supervision"]').click()
    wait_for(driver, 'a[data-nav="rectification"]').click()
    wait_for(driver, "#zg-lists a").click()
    wait_for_text(driver, "h1", problem.problem_list.title)
    driver.find_element(By.CSS_SELECTOR, f'#zg-problems a[href="/rectification/problems/{problem.pk}/"]').click()
    wait_for_text(driver, "h1", "第 1 个问题")
    # when: 撤回该问题 → the reason → 下一步 → the confirmation names the problem and the reason → 确认撤回
    click_to_next_page(driver, "zg-problem-withdraw")
    wait_for_text(driver, "h1", "撤回问题")
    _type(driver, "id_reason", "与县委巡察反馈的问题重复，已合并办理")
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, "h1", "确认撤回问题")
    wait_for_text(driver, "#zg-withdraw-reason", "与县委巡察反馈的问题重复，已合并办理")
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.RECTIFYING  # nothing saved before confirming
    click_to_next_page(driver, "zg-withdraw-confirm")
    # then: the problem page says so, offers no further step, and the list shows 已撤回 beside the other problem
    wait_for_text(driver, ".zg-messages", "问题已撤回")
    wait_for_text(driver, "#zg-problem-status", "已撤回")
    wait_for_text(driver, "#zg-problem-withdrawn-alone", "与县委巡察反馈的问题重复，已合并办理")
    assert not driver.find_elements(By.ID, "zg-check-form")
    assert not driver.find_elements(By.ID, "zg-problem-withdraw")
    driver.get(f"{live_server.url}/rectification/lists/{problem.problem_list_id}/")
    wait_for_text(driver, "#zg-problems", "已撤回")
    saved = Problem.objects.get(pk=problem.pk)
    assert (saved.status, saved.withdrawn_reason) == (ProblemStatus.WITHDRAWN, "与县委巡察反馈的问题重复，已合并办理")
    assert Problem.objects.get(pk=other.pk).status == ProblemStatus.OPEN


@pytest.mark.e2e
def test_a_withdrawal_is_refused_on_the_page_when_the_problem_was_closed(live_server, browser, tree, alice,  # noqa: F811
                                                                        bob) -> None:
    # given: a problem whose closure bob asked for
    problem = rectifying_problem(tree, alice, bob)
    svc.closure_request(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, summary="已整改",
                        files=[pdf_upload()])
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/rectification/problems/{problem.pk}/")
    wait_for_text(driver, "#zg-problem-status", "销号待审核")
    click_to_next_page(driver, "zg-problem-withdraw")
    _type(driver, "id_reason", "问题已并入新清单")
    click_to_next_page(driver, "zg-edit-submit")
    wait_for_text(driver, "h1", "确认撤回问题")
    # when: the closure is approved while the confirmation is open, then alice confirms
    svc.closure_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, approve=True)
    click_to_next_page(driver, "zg-withdraw-confirm")
    # then: the form says why in Chinese and nothing was withdrawn
    wait_for_text(driver, "#zg-edit-form", "问题当前状态为“已销号”，不能撤回")
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.CLOSED
    assert not AuditEvent.objects.filter(action="rectification.problem_withdraw").exists()
