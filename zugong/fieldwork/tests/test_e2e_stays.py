"""End to end in headless Chromium, in Chinese: the county's org department opens 基层 › 蹲点调研 from the
menu, creates a batch, sends a 处级 cadre to a village chosen through search pickers, and logs a day's
办实事 on the stay's page; each step waits for the next page before reading it."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.cadres.tests.factories import make_cadre
from zugong.e2e import browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.fieldwork.models import FieldBatch, FieldStay, StayLog

SET_DATE = "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));"


def _date(driver, css: str, day: date) -> None:  # type: ignore[no-untyped-def]
    driver.execute_script(SET_DATE, driver.find_element(By.CSS_SELECTOR, css), day.isoformat())


def _pick(driver, field: str, text: str, value: int) -> None:  # type: ignore[no-untyped-def]
    driver.find_element(By.CSS_SELECTOR, f"#id_{field} ~ .zg-picker-search").send_keys(text)
    for _ in range(5):  # each keystroke's answer re-renders the options: a found option may be replaced
        try:
            wait_for(driver, f'#id_{field}-options li[data-value="{value}"]').click()
            break
        except StaleElementReferenceException:
            continue
    wait_for_text(driver, f"#id_{field} ~ .zg-picker-chosen", text)


@pytest.mark.e2e
def test_org_department_sends_a_cadre_to_a_village_and_logs_a_deed_in_chinese(live_server, browser, tree,  # noqa: F811
                                                                            alice) -> None:
    head = make_cadre(tree.county_a, "蹲点甲", rank_level="C2")
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    wait_for(driver, 'summary[data-nav-group="grassroots"]').click()
    wait_for(driver, 'a[data-nav="fieldwork-stays"]').click()
    form = wait_for(driver, "#zg-batch-form")
    Select(form.find_element(By.ID, "id_organiser")).select_by_visible_text("甲县")
    form.find_element(By.ID, "id_theme").send_keys("产业振兴")
    _date(driver, "#zg-batch-form #id_start_date", date(2025, 4, 1))
    _date(driver, "#zg-batch-form #id_end_date", date(2025, 4, 30))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # the batch's page, with its own form
    wait_for(driver, "#zg-stay-form")
    wait_for_text(driver, ".zg-messages", "已新建2025年第1批蹲点调研")
    batch = FieldBatch.objects.get()
    _pick(driver, "cadre", "蹲点甲", head.pk)
    Select(driver.find_element(By.ID, "id_place_kind")).select_by_visible_text("村")
    _pick(driver, "place", "甲村", tree.village_a.pk)
    _date(driver, "#zg-stay-form #id_start_date", date(2025, 4, 1))
    _date(driver, "#zg-stay-form #id_end_date", date(2025, 4, 30))
    driver.find_element(By.CSS_SELECTOR, "#zg-stay-form button[type=submit]").click()
    wait_for_text(driver, ".zg-messages", "已登记蹲点甲到甲村蹲点")
    wait_for_text(driver, "#zg-stays", "蹲点甲")
    stay = FieldStay.objects.get()
    assert (stay.batch, stay.days, stay.place_id) == (batch, 30, tree.village_a.pk)
    # the stay's page: a day's 办实事
    driver.find_element(By.CSS_SELECTOR, f'#zg-stays a[href="/fieldwork/stays/{stay.pk}/"]').click()
    wait_for(driver, "#zg-log-form")
    _date(driver, "#log_day", date(2025, 4, 3))
    Select(driver.find_element(By.CSS_SELECTOR, "#log_kind")).select_by_visible_text("办实事")
    driver.find_element(By.CSS_SELECTOR, "#log_content").send_keys("协调安装村广播")
    driver.find_element(By.CSS_SELECTOR, "#log_money").send_keys("2.2")
    driver.find_element(By.CSS_SELECTOR, "#zg-log-form button[type=submit]").click()
    wait_for_text(driver, ".zg-messages", "已登记蹲点日志")
    wait_for_text(driver, "#zg-stay-logs", "协调安装村广播")
    log = StayLog.objects.get()
    assert (log.day, str(log.money), log.kind) == (date(2025, 4, 3), "2.20", "deed")
