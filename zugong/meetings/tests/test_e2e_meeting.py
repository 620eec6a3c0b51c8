"""End to end in headless Chromium, in Chinese: a township cadre finds 会议记录 in the menu, records a
民情分析会 with the unit and an attendee chosen through search pickers (keyboard and mouse), a
date and a PDF of the minutes; a first try refused by the server keeps the date as the date input shows it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from zugong.cadres.tests.factories import make_cadre
from zugong.core.models import Attachment, Meeting
from zugong.e2e import browser, choose_in_picker, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.meetings.models import MeetingAttendee
from zugong.meetings.tests.test_meetings import pdf_bytes


@pytest.mark.e2e
def test_township_cadre_records_a_ledger_meeting_in_chinese(live_server, browser, tree, bob, tmp_path,  # noqa: F811
                                                            settings) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    cadre = make_cadre(tree.village_a, "王一", order=1)
    minutes = tmp_path / "三月纪要.pdf"
    minutes.write_bytes(pdf_bytes())
    held = timezone.localdate() - timedelta(days=2)
    driver = browser
    sign_in(driver, live_server.url, "bob", "pw-bob")
    # the menu: 制度执行 › 会议记录
    wait_for(driver, 'summary[data-nav-group="rules"]').click()
    wait_for(driver, 'a[data-nav="meetings"]').click()
    wait_for(driver, "#zg-meeting-new").click()
    form = wait_for(driver, "#zg-meeting-form")
    # the date chosen as the calendar pop-up chooses it (headless Chromium orders the typed segments by
    # the machine's locale, not the page's, so typing digits is not portable)
    date_input = form.find_element(By.ID, "id_held_on")
    assert date_input.get_attribute("type") == "date"
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));",
                          date_input, held.isoformat())
    assert date_input.get_attribute("value") == held.isoformat()
    # a first try without the unit is refused by the server in Chinese; the date survives in ISO form
    Select(driver.find_element(By.ID, "id_kind")).select_by_visible_text("民情分析会")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_text(driver, "#zg-meeting-form", "这个字段是必填项")
    assert driver.find_element(By.ID, "id_held_on").get_attribute("value") == held.isoformat()
    assert not Meeting.objects.exists()
    # the unit through the picker, with the keyboard
    assert Select(driver.find_element(By.ID, "id_kind")).first_selected_option.text == "民情分析会"
    unit_search = driver.find_element(By.CSS_SELECTOR, "#id_org_unit ~ .zg-picker-search")
    unit_search.send_keys("甲镇")
    wait_for(driver, '#id_org_unit-options li[role="option"]')
    unit_search.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    wait_for_text(driver, "#id_org_unit ~ .zg-picker-chosen", "甲镇")
    # the attendee by pinyin initials, with the mouse
    choose_in_picker(driver, "attendees", "wy", cadre.pk)
    wait_for_text(driver, "#id_attendees ~ .zg-picker-chosen", "王一")
    driver.find_element(By.ID, "id_minutes").send_keys("研究了修路的事")
    driver.find_element(By.ID, "id_attachments").send_keys(str(Path(minutes)))
    driver.find_element(By.CSS_SELECTOR, "#zg-meeting-form button[type=submit]").click()
    # then: saved, with its attendee and file, and the page says so in Chinese
    wait_for_text(driver, ".zg-messages", "会议已登记：民情分析会")
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.org_unit_id, meeting.held_on) == ("ledger_meeting", tree.township_a.pk, held)
    assert list(MeetingAttendee.objects.values_list("cadre_id", flat=True)) == [cadre.pk]
    assert Attachment.objects.get().name == "三月纪要.pdf"
    assert "王一（甲村" in driver.find_element(By.ID, "zg-attendees").text
    assert "三月纪要.pdf" in driver.find_element(By.ID, "zg-files").text
