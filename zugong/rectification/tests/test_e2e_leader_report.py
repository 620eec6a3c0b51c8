"""End to end in headless Chromium, in Chinese: a township's staff records a responsible leader's half-year duty
report (半年述职) through the form — the unit picker, the leader, the text, the items it covers — and finds it on
the list; the same half again is refused on the form."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import LeaderReport
from zugong.rectification.tests.project_helpers import published


def _fill(driver, tree, project) -> None:  # type: ignore[no-untyped-def]
    wait_for(driver, "#id_org_unit ~ .zg-picker-search")
    choose_in_picker(driver, "org_unit", tree.township_a.name, tree.township_a.pk)
    driver.find_element(By.ID, "id_leader").send_keys("王副县长")
    driver.find_element(By.ID, "id_text").send_keys("上半年牵头推进村级活动场所提档升级，完成八个村的改造。")
    driver.find_element(By.CSS_SELECTOR, f'input[name="projects"][value="{project.pk}"]').click()
    click_to_next_page(driver, "zg-leader-report-submit")


@pytest.mark.e2e
def test_township_records_a_leaders_half_year_report_in_chinese(live_server, browser, tree, alice,  # noqa: F811
                                                                 bob) -> None:
    project = published(tree, alice, title="村级组织活动场所提档升级")
    driver = browser
    sign_in(driver, live_server.url, "bob", "pw-bob")
    driver.get(f"{live_server.url}/rectification/leaders/new/")
    wait_for_text(driver, "h1", "登记半年述职")
    _fill(driver, tree, project)
    wait_for_text(driver, ".zg-messages", "半年述职已登记")
    wait_for_text(driver, "main", "王副县长")
    report = LeaderReport.objects.get()
    assert (report.leader, report.org_unit_id, list(report.projects.values_list("pk", flat=True))) == (
        "王副县长", tree.township_a.pk, [project.pk])
    # the same leader, unit and half again: the form says why, nothing more is saved
    driver.get(f"{live_server.url}/rectification/leaders/new/")
    wait_for_text(driver, "h1", "登记半年述职")
    _fill(driver, tree, project)
    wait_for_text(driver, "h1", "登记半年述职")
    assert LeaderReport.objects.count() == 1
