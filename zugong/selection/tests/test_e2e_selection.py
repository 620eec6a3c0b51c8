"""End to end in headless Chromium, in Chinese: an org department admin opens 选拔任用 from the menu, records
the 动议 with the unit picker, records votes with the cadre picker, shortlists, and takes the selection
through 考察, 征求意见, 讨论决定, 任前公示 to 任职, signs the decision, and reads the trace-back."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from zugong.cadres.models import PostHolding
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.selection.models import PublicityReport, ReportCheck, Selection, Stage
from zugong.selection.tests.conftest import cadre


def _fill(driver: Any, values: dict[str, Any]) -> None:
    for field, value in values.items():
        element = driver.find_element(By.ID, f"id_{field}")
        if element.get_attribute("type") == "date":
            driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));",
                                  element, value)
        elif element.tag_name == "select":
            driver.execute_script("arguments[0].value = arguments[1];", element, value)
        else:
            element.clear()
            element.send_keys(str(value))


def _pick(driver: Any, field: str, text: str) -> None:
    """Search the picker and choose the option starting with `text`; the list may be redrawn by a later
    keystroke's answer while it is read, so a replaced option is looked up and clicked again."""
    search = driver.find_element(By.CSS_SELECTOR, f"#id_{field} ~ .zg-picker-search")
    search.send_keys(text)
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


def _post(driver: Any, section: str, button: str = "button[type=submit]") -> None:
    """Submit the section's form and wait for the answer page to replace this one (the page before may
    hold the very text the test waits for next: "已保存", or a help text naming the rule)."""
    old_page = driver.find_element(By.TAG_NAME, "html")

    def click(d: Any) -> bool:  # retried while the page is still settling ("node not in the document")
        d.find_element(By.CSS_SELECTOR, f"{section} {button}").click()
        return True

    WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException, WebDriverException)).until(click)
    def replaced(_: Any) -> bool:  # chromedriver reports a replaced node as stale or as "not in the document"
        try:
            return bool(old_page.tag_name == "")  # still there: "html"
        except WebDriverException:
            return True

    WebDriverWait(driver, 30).until(replaced)


def _submit(driver: Any, section: str, expect: str = "已保存") -> None:
    _post(driver, section)
    wait_for_text(driver, ".zg-messages", expect)


@pytest.mark.e2e
def test_org_admin_takes_a_selection_from_motion_to_appointment_in_chinese(live_server, browser, tree,  # noqa: F811
                                                                           alice) -> None:
    zhang = cadre("张一", tree.township_a)
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    wait_for(driver, 'summary[data-nav-group="cadres"]').click()
    wait_for(driver, 'a[data-nav="selections"]').click()
    wait_for(driver, "#zg-selection-new").click()
    # 动议
    wait_for(driver, "#zg-selection-form")
    _pick(driver, "org_unit", "甲镇")
    _fill(driver, {"title": "甲镇镇长人选", "posts": "甲镇镇长", "rank_level": "正科级", "proposed_by": "县委组织部",
                   "reason": "镇长职位空缺", "plan": "会议推荐和谈话推荐"})
    _submit(driver, "#zg-selection-form", "动议已登记")
    assert "民主推荐" in driver.find_element(By.ID, "zg-stage").text
    # 民主推荐: votes through the cadre picker, then the ballot counts
    _pick(driver, "cadre", "张一")
    _fill(driver, {"votes": 35})
    _submit(driver, "#zg-step-votes")
    _fill(driver, {"eligible": 40, "issued": 40, "returned": 39, "valid": 38})
    _submit(driver, "#zg-step-recommendation")
    # 确定考察对象
    _pick(driver, "cadre", "张一")
    _submit(driver, "#zg-step-candidates")
    _submit(driver, "#zg-shortlist-confirm")
    # 考察: a conclusion without a fact for its shortcoming is refused in Chinese
    z = zhang.pk
    _fill(driver, {"team": "陈组长、周干事", "talks_held": 20, f"conclusion_{z}": "政治素质好",
                   f"shortcomings_{z}": "魄力不足"})
    _post(driver, "#zg-step-investigation")
    wait_for_text(driver, "#zg-step-investigation", "格式为")
    _fill(driver, {f"shortcomings_{z}": "魄力不足：防汛调度迟缓"})
    _submit(driver, "#zg-step-investigation")
    # 征求意见
    _fill(driver, {"replied_on": "2026-03-10", f"reply_{z}": "无廉政问题"})
    _submit(driver, "#zg-step-consultation")
    # R19: the decision waits for the candidate's personal-matters report and its check
    wait_for_text(driver, "#zg-r19-reports", "张一：没有 2026 年度个人有关事项报告")
    detail_url = driver.current_url.split("#")[0]
    driver.get(f"{live_server.url}/selection/reports/new/")
    wait_for(driver, "#zg-selection-form")
    _pick(driver, "cadre", "张一")
    _fill(driver, {"year": 2026, "submitted_on": "2026-01-20", "item_marriage": "已婚，无变化"})
    _submit(driver, "#zg-selection-form", "个人有关事项报告已登记")
    driver.get(detail_url)
    _submit(driver, "#zg-r19-reports", "已对考察对象的个人有关事项报告发起核查")
    check = ReportCheck.objects.get(report__cadre=zhang)
    driver.get(f"{live_server.url}/selection/reports/{check.report_id}/")
    _fill(driver, {"outcome": "consistent", "checked_on": "2026-03-11"})
    _submit(driver, f"#zg-check-{check.pk}", "核查结果已登记")
    driver.get(detail_url)
    wait_for_text(driver, "#zg-r19-reports", "已核查，可提交讨论")
    # 讨论决定: the secretary must speak last
    _fill(driver, {"kind": "standing", "held_on": "2026-03-12", "expected": 9, "present": 8,
                   "statements": "县委书记\n常委甲", "secretary": "县委书记", f"agree_{z}": 8, f"disagree_{z}": 0,
                   f"abstain_{z}": 0})
    _post(driver, "#zg-step-decision")
    wait_for_text(driver, "#zg-step-decision", "一把手末位表态")
    _fill(driver, {"statements": "常委甲\n县委书记"})
    _submit(driver, "#zg-step-decision")
    # 任前公示 and 任职
    _fill(driver, {"start": "2026-03-16", "end": "2026-03-20", "channel": "县委组织部网站"})
    _submit(driver, "#zg-step-publicity")
    assert "2026" in driver.find_element(By.ID, "zg-stage").text
    # a report received during the publicity: registered, and 任职 refused until it is checked and concluded (R13)
    _fill(driver, {"pr_received_on": "2026-03-17", "pr_channel": "letter", "pr_cadre": z,
                   "pr_content": "反映其子女在辖区经商"})
    _submit(driver, "#zg-publicity-report-new", "反映已登记")
    report = PublicityReport.objects.get()
    row = f"#zg-publicity-report-{report.pk}"
    wait_for_text(driver, row, "待核查")
    assert "反映其子女在辖区经商" in driver.find_element(By.CSS_SELECTOR, row).text
    _fill(driver, {"on": "2026-03-23", "title": "甲镇镇长", "document_number": "甲组任〔2026〕5号"})
    _post(driver, "#zg-step-appointment")
    wait_for_text(driver, "#zg-step-appointment", "公示无异常方可任职")
    _submit(driver, row, "反映的办理情况已更新")  # 开始核查
    wait_for_text(driver, f"{row} .zg-publicity-status", "核查中")
    _fill(driver, {f"pr{report.pk}_conclusion": "经核查，其子女未在辖区经商", f"pr{report.pk}_on": "2026-03-19"})
    _post(driver, row, 'button[value="unfounded"]')
    wait_for_text(driver, ".zg-messages", "反映的办理情况已更新")
    wait_for_text(driver, f"{row} .zg-publicity-status", "不实")
    _fill(driver, {"on": "2026-03-23", "title": "甲镇镇长", "document_number": "甲组任〔2026〕5号"})
    _submit(driver, "#zg-step-appointment")
    assert "已任职" in driver.find_element(By.ID, "zg-stage").text
    # 签字确认 the decision, then the trace-back names who decided and who signed
    _submit(driver, "#stage-decision", "已签字确认")
    driver.find_element(By.ID, "zg-trace-link").click()
    wait_for_text(driver, "#zg-trace", "常委甲、县委书记")
    wait_for_text(driver, "#zg-trace-publicity", "来信（张一）：不实")
    assert "alice" in driver.find_element(By.ID, "zg-trace").text
    selection = Selection.objects.get()
    assert selection.stage == Stage.APPOINTED
    assert PostHolding.objects.get(cadre=zhang, valid_to__isnull=True).title == "甲镇镇长"
