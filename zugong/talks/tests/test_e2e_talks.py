"""End to end in headless Chromium, in Chinese (the default language): a cadre of the org department
(组工干部, org_staff of county A) records a talk through the form — date input, talker, the talkee
through the search picker — sees the success message and the saved row, then sends the notice of a
约谈 (one step of the procedure) from the interview page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.core.jurisdiction import jurisdiction_for
from zugong.e2e import browser, choose_in_picker, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.talks.models import Interview, InterviewSituation, InterviewStatus, InterviewTarget, Talk
from zugong.talks.services.interviews import interview_approve, interview_propose

SET_DATE = "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));"


def set_date(driver, element_id: str, day: date) -> None:
    # as the calendar pop-up sets it (typing digits follows the machine's locale, not the page's)
    field = driver.find_element(By.ID, element_id)
    assert field.get_attribute("type") == "date"
    driver.execute_script(SET_DATE, field, day.isoformat())
    assert field.get_attribute("value") == day.isoformat()


@pytest.mark.e2e
def test_org_staff_records_a_talk_and_sends_an_interview_notice(live_server, browser, tree, alice,  # noqa: F811
                                                                roster) -> None:
    held = timezone.localdate() - timedelta(days=3)
    driver = browser
    sign_in(driver, live_server.url, "staffer", "pw-staffer")
    # the menu: 谈话 › 谈心谈话, then 记录谈话
    wait_for(driver, 'summary[data-nav-group="talks"]').click()
    wait_for(driver, 'a[data-nav="talks"]').click()
    wait_for(driver, "#zg-talk-new").click()
    form = wait_for(driver, "#zg-talk-form")
    # the date input shows today in ISO form in Chinese (zh-hans used to render 2026/12/02: an empty field)
    assert driver.find_element(By.ID, "id_held_on").get_attribute("value") == timezone.localdate().isoformat()
    set_date(driver, "id_held_on", held)
    kind = Select(driver.find_element(By.ID, "id_kind"))
    assert kind.first_selected_option.get_attribute("value") == ""  # nothing chosen for the person
    kind.select_by_visible_text("年度普遍谈话")
    Select(driver.find_element(By.ID, "id_talkers")).select_by_visible_text("赵干事（组工干部）")
    choose_in_picker(driver, "talkees", "陈镇", roster.head_a.pk)
    wait_for_text(driver, "#id_talkees ~ .zg-picker-chosen", "陈镇长")
    driver.find_element(By.ID, "id_topics").send_keys("年度谈心")
    driver.find_element(By.ID, "id_summary").send_keys("本人思想稳定，工作积极")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # then: the success message, the saved talk on its page and in the list
    wait_for_text(driver, ".zg-messages", "谈话已记录")
    talk = Talk.objects.get()
    assert (talk.held_on, talk.kind, talk.topics) == (held, "annual", "年度谈心")
    assert [c.pk for c in talk.talkees.all()] == [roster.head_a.pk]
    assert [t.pk for t in talk.talkers.all()] == [roster.staff.pk]
    wait_for_text(driver, '[data-testid="summary"]', "本人思想稳定，工作积极")
    driver.get(f"{live_server.url}/talks/")
    row = wait_for(driver, f'tr[data-talk="{talk.pk}"]')
    assert held.isoformat() in row.text and "陈镇长" in row.text and "赵干事" in row.text

    # given an approved 约谈 of 陈镇长
    interview = interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice),
                                  target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                                  situations=[InterviewSituation.objects.get(code="C01")], proposed_on=held)
    interview_approve(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=held)
    # when the staffer sends the notice (预告) from the interview page
    driver.get(f"{live_server.url}/talks/interviews/{interview.pk}/")
    steps = driver.find_elements(By.CSS_SELECTOR, "details[data-step]")
    assert [s.get_attribute("data-step") for s in steps] == ["notice"]  # the state machine's next step only
    steps[0].find_element(By.TAG_NAME, "summary").click()
    set_date(driver, "id_notice_on", held + timedelta(days=1))
    set_date(driver, "id_notice_scheduled_for", held + timedelta(days=2))
    steps[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # then the interview is 已预告, with the agreed day
    wait_for_text(driver, ".zg-messages", "已发出预告")
    wait_for_text(driver, '[data-testid="status"]', "已预告")
    interview.refresh_from_db()
    assert (interview.status, interview.scheduled_for) == (InterviewStatus.NOTICE_SENT, held + timedelta(days=2))
    assert Interview.objects.count() == 1
