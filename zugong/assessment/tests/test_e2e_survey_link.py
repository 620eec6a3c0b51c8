"""End to end in headless Chromium, in Chinese, on a 375×812 phone: a respondent opens the round's public
link, chooses the county, gives a mobile number, answers every indicator and submits; opening the link again
in the same browser is refused by its cookie, and the staff's page shows the county's quota progress."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from zugong.assessment import selectors_survey as read
from zugong.assessment.models_survey import PendingSurveyResponse, SurveyLinkDedupe
from zugong.assessment.services import survey_links
from zugong.assessment.services import surveys as svc
from zugong.conftest import make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.e2e import chrome_driver, horizontal_overflow, sign_in, wait_for_text  # noqa: F401


@pytest.mark.e2e
def test_a_respondent_answers_through_the_public_link(live_server, chrome_driver, tree) -> None:  # noqa: F811
    prov = make_user("prov", tree.province, Role.ORG_ADMIN)
    jp = jurisdiction_for(prov)
    survey = svc.survey_create(actor=prov, jurisdiction=jp, org_unit=tree.province, title="2026年组织工作满意度测评",
                               year=2026)
    svc.survey_transition(actor=prov, jurisdiction=jp, survey_id=survey.pk, to="open")
    token = survey_links.survey_link_set(actor=prov, jurisdiction=jp, survey_id=survey.pk, enabled=True).public_token
    survey_links.survey_quota_set(actor=prov, jurisdiction=jp, survey_id=survey.pk, county=tree.county_a, target=4)
    indicators = read.indicators_of(survey)

    phone = chrome_driver(width=375, height=812)
    phone.get(f"{live_server.url}/m/survey/l/{token}/")
    wait_for_text(phone, "h1", survey.title)
    assert "只保存不能还原的校验值" in phone.page_source and horizontal_overflow(phone) == 0
    Select(phone.find_element(By.ID, "zg-county")).select_by_visible_text("甲县")
    phone.find_element(By.ID, "zg-phone").send_keys("139 1234 5678")
    for indicator in indicators:
        box = phone.find_element(By.ID, f"zg-q-{indicator.pk}")
        phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        box.find_element(By.CSS_SELECTOR, "input[value='满意']").click()
    phone.find_element(By.ID, "zg-survey-submit").click()
    wait_for_text(phone, "#zg-survey-done", "问卷已提交，感谢参与")
    assert PendingSurveyResponse.objects.filter(org_unit=tree.county_a).count() == 1
    assert SurveyLinkDedupe.objects.count() == 1
    phone.get(f"{live_server.url}/m/survey/l/{token}/")
    wait_for_text(phone, "#zg-survey-again", "本设备已参加过本次测评")

    desk = chrome_driver()
    sign_in(desk, live_server.url, "prov", "pw-prov")
    desk.get(f"{live_server.url}/assessment/surveys/{survey.pk}/")
    wait_for_text(desk, f'#zg-link-quotas tr[data-county="{tree.county_a.pk}"]', "25%")
    wait_for_text(desk, "#zg-link-url", f"/m/survey/l/{token}/")
