"""End to end in headless Chromium, in Chinese: township staff enter a 民情台账 entry through the unit
picker and link it to the 民情分析会 recorded on /meetings/; the village cadre on duty checks in on a phone
with their own account."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.cadres.models import Cadre
from zugong.conftest import make_user
from zugong.core.models import Meeting, MeetingKind, Role
from zugong.e2e import browser, horizontal_overflow, phone_browser, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.masswork.models import DutyShift, LedgerEntry, LedgerStatus
from zugong.masswork.tests.test_e2e_staff import pick


@pytest.mark.e2e
def test_ledger_entry_linked_to_a_ledger_meeting_through_the_pages(live_server, browser, tree, bob):  # noqa: F811
    driver = browser
    meeting = Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a,
                                     held_on=date(2024, 3, 28), title="三月民情分析会")
    sign_in(driver, live_server.url, "bob", "pw-bob")
    # the menu's 基层 group leads to the ledger
    driver.get(live_server.url + "/masswork/ledger/")
    wait_for_text(driver, "h1", "民情台账")
    driver.find_element(By.ID, "mw-ledger-new").click()
    wait_for_text(driver, "h1", "登记民情事项")
    pick(driver, "id_org_unit", "甲村")
    Select(driver.find_element(By.ID, "id_source")).select_by_visible_text("走访")
    driver.find_element(By.ID, "id_household").send_keys("钱家")
    driver.find_element(By.ID, "id_matter").send_keys("饮水管道破裂")
    assert driver.find_element(By.ID, "id_recorded_on").get_attribute("value") == timezone.localdate().isoformat()
    driver.find_element(By.CSS_SELECTOR, "#mw-ledger-form button[type=submit]").click()
    wait_for_text(driver, ".zg-messages", "民情事项已登记")
    entry = LedgerEntry.objects.get()
    assert (entry.org_unit_id, entry.household, entry.status) == (tree.township_a.pk, "钱家", LedgerStatus.OPEN)
    # link it to the 民情分析会 with what the meeting decided
    driver.find_element(By.ID, f"mw-pick-{entry.pk}").click()
    Select(driver.find_element(By.ID, "mw-discuss-meeting")).select_by_value(str(meeting.pk))
    driver.find_element(By.ID, "mw-discuss-decision").send_keys("水利站三日内抢修")
    driver.find_element(By.CSS_SELECTOR, "#mw-discuss fieldset button[type=submit]").click()
    wait_for_text(driver, ".zg-messages", "已关联民情分析会")
    wait_for_text(driver, f"#mw-entry-{entry.pk}", "水利站三日内抢修")
    assert "三月民情分析会" in driver.find_element(By.ID, f"mw-entry-{entry.pk}").text
    entry.refresh_from_db()
    assert (entry.meeting_id, entry.status) == (meeting.pk, LedgerStatus.IN_PROGRESS)


@pytest.mark.e2e
def test_cadre_on_duty_checks_in_on_a_phone(live_server, phone_browser, tree):  # noqa: F811
    driver = phone_browser
    on_duty = make_user("zhang", tree.village_a, Role.VILLAGE_STAFF)
    cadre = Cadre.objects.create(name="张村官", org_unit=tree.village_a)
    shift = DutyShift.objects.create(village=tree.village_a, cadre=cadre, user=on_duty, day=timezone.localdate())
    sign_in(driver, live_server.url, "zhang", "pw-zhang")
    driver.get(live_server.url + "/masswork/duty/")
    wait_for_text(driver, "h1", "坐班值班")
    driver.find_element(By.ID, f"mw-check-in-{shift.pk}").click()
    wait_for_text(driver, ".zg-messages", "签到成功")
    wait_for_text(driver, f"#mw-shift-{shift.pk}", "已签到")
    assert horizontal_overflow(driver) == 0
    shift.refresh_from_db()
    assert shift.checked_in_at is not None
