"""In headless Chromium, in Chinese, the forms that had no browser test: the org department draws reports for
checking (stratified, seeded) and records a check; the city reviews a county's 报备 and orders an adjustment;
the city records a special inspection (R22) and the rotation updates; and a county admin who tries to record
her own county's inspection is refused in Chinese with nothing saved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from zugong.conftest import Tree, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.selection.models import CheckDraw, PlanReview, ReportCheck, SpecialInspection
from zugong.selection.services import reports
from zugong.selection.services import selections as svc
from zugong.selection.services.reports import draw_replay
from zugong.selection.tests.conftest import cadre
from zugong.selection.tests.test_e2e_selection import _fill, _post, _submit


def _pick(driver: Any, field: str, text: str) -> None:
    """Search the picker and choose the option starting with `text`; the list may be redrawn while the
    answers of the earlier keystrokes arrive, so a click on a replaced option is tried again."""
    driver.find_element(By.CSS_SELECTOR, f"#id_{field} ~ .zg-picker-search").send_keys(text)
    wait_for_text(driver, f"#id_{field}-options", text)

    def choose(d: Any) -> bool:
        options = d.find_elements(By.CSS_SELECTOR, f'#id_{field}-options li[role="option"]')
        target = next((o for o in options if o.text.startswith(text)), None)
        if target is None:
            return False
        target.click()
        return True

    WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(choose)
    wait_for_text(driver, f"#id_{field} ~ .zg-picker-chosen", text)


def _click_to_next(driver: Any, css: str) -> None:
    """Click the button matching `css` and wait for the answer page."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException, WebDriverException)).until(
        lambda d: d.find_element(By.CSS_SELECTOR, css).click() or True)

    def replaced(_: Any) -> bool:
        try:
            return bool(old_page.tag_name == "")
        except WebDriverException:
            return True

    WebDriverWait(driver, 30).until(replaced)


@pytest.mark.e2e
def test_the_org_department_draws_reports_and_records_a_check(live_server, browser, tree: Tree,  # noqa: F811
                                                               alice: User) -> None:
    # given: four 2026 reports, two in 甲镇 and two in 丙乡
    j = jurisdiction_for(alice)
    for name, unit in (("张一", tree.township_a), ("李二", tree.township_a), ("王三", tree.township_a2),
                       ("赵五", tree.township_a2)):
        reports.personal_report_submit(actor=alice, jurisdiction=j, cadre=cadre(name, unit), year=2026,
                                       submitted_on=date(2026, 1, 20), declared={"real_estate": f"{name}住房一套"})
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/selection/reports/")
    # when: she draws half of each unit's reports with seed 42
    wait_for(driver, "#zg-draw-form")
    _pick(driver, "org_unit", "甲县")
    _fill(driver, {"year": 2026, "share": "0.5", "seed": 42})
    _submit(driver, "#zg-draw-form", "已抽取，抽中的报告已列入待核查")
    # then: the draw page shows the seed, each unit's share and that it replays
    assert driver.find_element(By.ID, "zg-draw-seed").text == "42"
    wait_for_text(driver, "#zg-draw-replay", "结果一致")
    strata = driver.find_element(By.ID, "zg-draw-strata").text
    assert "甲镇 2 1" in strata and "丙乡 2 1" in strata
    draw = CheckDraw.objects.get()
    assert draw.seed == 42 and len(draw.drawn) == 2 and draw.drawn == draw_replay(draw)
    # when: she opens a drawn report and records 漏报 with a reminder
    check = ReportCheck.objects.filter(draw=draw).order_by("pk").first()
    assert check is not None
    driver.find_element(By.CSS_SELECTOR, f'a[href="/selection/reports/{check.report_id}/"]').click()
    wait_for_text(driver, "main", "住房一套")  # the head reads the content (logged)
    _fill(driver, {"outcome": "omitted", "checked_on": "2026-04-01", "handling": "reminder",
                   "discrepancy": "少报房产一套"})
    _submit(driver, f"#zg-check-{check.pk}", "核查结果已登记")
    # then
    check.refresh_from_db()
    assert (check.outcome, check.handling, check.discrepancy) == ("omitted", "reminder", "少报房产一套")
    assert check.supervision_action is not None
    wait_for_text(driver, f"#zg-check-{check.pk}", "漏报")


@pytest.mark.e2e
def test_the_city_orders_a_county_s_plan_adjusted(live_server, browser, tree: Tree, alice: User) -> None:  # noqa: F811
    # given: a county selection that must be reported to the city
    selection = svc.selection_open(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.township_a,
                                   title="甲镇党委书记人选", posts="甲镇党委书记", rank_level="正科级",
                                   requires_report=True, proposed_by="县委组织部", reason="书记调任",
                                   plan="会议推荐和谈话推荐")
    make_user("city", tree.city, Role.ORG_ADMIN)
    driver = browser
    # when: alice reports the plan
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/selection/{selection.pk}/")
    _submit(driver, "#zg-plan-submit", "方案已报上级组织部门审核")
    # and: the city's org department orders an adjustment, with its reason
    driver.delete_all_cookies()
    sign_in(driver, live_server.url, "city", "pw-city")
    driver.get(f"{live_server.url}/selection/{selection.pk}/")
    wait_for(driver, ".zg-review-form")
    _fill(driver, {"reason": "推荐范围过窄，应扩大到全镇中层正职"})
    _click_to_next(driver, '.zg-review-form button[value="adjust"]')
    # then
    wait_for_text(driver, ".zg-messages", "审核意见已登记")
    wait_for_text(driver, "#zg-plan-review", "责令调整（推荐范围过窄，应扩大到全镇中层正职）")
    review = PlanReview.objects.get()
    assert (review.decision, review.reason) == ("adjust", "推荐范围过窄，应扩大到全镇中层正职")


@pytest.mark.e2e
def test_the_city_records_a_special_inspection_and_the_rotation_updates(live_server, browser,  # noqa: F811
                                                                       tree: Tree) -> None:
    make_user("city", tree.city, Role.ORG_ADMIN)
    driver = browser
    sign_in(driver, live_server.url, "city", "pw-city")
    driver.get(f"{live_server.url}/selection/inspections/")
    wait_for_text(driver, "#zg-rotation", "甲县")
    assert "从未检查" in driver.find_element(By.ID, "zg-rotation").text
    driver.find_element(By.ID, "zg-inspection-new").click()
    wait_for(driver, "#zg-selection-form")
    _pick(driver, "inspected_unit", "甲县")
    _fill(driver, {"started_on": "2026-11-20", "team": "市委组织部第一检查组", "findings": "个别干部破格提拔程序不规范",
                   "handling": "对县委组织部部长诫勉谈话"})
    driver.find_element(By.CSS_SELECTOR, "#id_situations input[type=checkbox]").click()
    _submit(driver, "#zg-selection-form", "专项检查已登记")
    wait_for_text(driver, "main", "市委组织部第一检查组")
    row = SpecialInspection.objects.get()
    assert (row.inspected_unit_id, row.started_on, row.situations.count()) == (tree.county_a.pk, date(2026, 11, 20), 1)
    driver.get(f"{live_server.url}/selection/inspections/")
    wait_for_text(driver, "#zg-rotation", "2028")  # 甲县 next due 2028-11-20
    overdue = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#zg-rotation tr.zg-overdue")]
    assert overdue and all("甲县" not in text for text in overdue)


@pytest.mark.e2e
def test_a_county_cannot_record_its_own_special_inspection(live_server, browser, tree: Tree,  # noqa: F811
                                                           alice: User) -> None:
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/selection/inspections/new/")
    wait_for(driver, "#zg-selection-form")
    _pick(driver, "inspected_unit", "甲县")
    _fill(driver, {"started_on": "2026-11-20", "team": "县委组织部自查组"})
    _post(driver, "#zg-selection-form")
    wait_for_text(driver, "#zg-selection-form", "甲县的选人用人专项检查由上级组织部门开展")
    assert not SpecialInspection.objects.exists()
