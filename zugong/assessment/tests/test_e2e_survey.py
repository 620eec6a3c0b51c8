"""End to end in headless Chromium, in Chinese: a respondent answers the satisfaction survey on a 375×812
phone with the code from the slip; the province's org department then sees the ranking and the charts
(ECharts from our own static files) drawn on the survey's page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.assessment import selectors_survey as read
from zugong.assessment.models_survey import PendingSurveyResponse, SurveyResponse
from zugong.assessment.services import surveys as svc
from zugong.conftest import make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.e2e import (  # noqa: F401
    chrome_driver,
    horizontal_overflow,
    sign_in,
    wait_for,
    wait_for_text,
)


@pytest.mark.e2e
def test_a_respondent_answers_on_a_phone_and_the_charts_draw(live_server, chrome_driver, tree) -> None:  # noqa: F811
    prov = make_user("prov", tree.province, Role.ORG_ADMIN)
    jp = jurisdiction_for(prov)
    survey = svc.survey_create(actor=prov, jurisdiction=jp, org_unit=tree.province, title="2026年组织工作满意度测评",
                               year=2026)
    svc.survey_transition(actor=prov, jurisdiction=jp, survey_id=survey.pk, to="open")
    [code] = svc.survey_codes_issue(actor=prov, jurisdiction=jp, survey_id=survey.pk, county=tree.county_a, count=1)
    indicators = read.indicators_of(survey)

    phone = chrome_driver(width=375, height=812)
    phone.get(live_server.url + "/m/survey/")
    wait_for_text(phone, "h1", "满意度测评")
    phone.find_element(By.ID, "zg-code").send_keys(code.lower())
    phone.find_element(By.ID, "zg-survey-start").click()
    wait_for_text(phone, "h1", survey.title)
    assert "测评对象：甲县" in phone.page_source and horizontal_overflow(phone) == 0
    for n, indicator in enumerate(indicators):
        box = phone.find_element(By.ID, f"zg-q-{indicator.pk}")
        answer = "满意" if n % 2 == 0 else "基本满意"
        phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        box.find_element(By.CSS_SELECTOR, f"input[value='{answer}']").click()
    phone.find_element(By.ID, "zg-survey-submit").click()
    wait_for_text(phone, "#zg-survey-done", "问卷已提交，感谢参与")
    assert PendingSurveyResponse.objects.count() == 1 and not SurveyResponse.objects.exists()  # below a batch
    svc.survey_transition(actor=prov, jurisdiction=jp, survey_id=survey.pk, to="closed")  # counts the rest

    # the org department's page: the county ranked, the bars and the heat map drawn
    desk = chrome_driver()
    sign_in(desk, live_server.url, "prov", "pw-prov")
    desk.get(f"{live_server.url}/assessment/surveys/{survey.pk}/")
    score = (10 * 100 + 9 * 60) / 19  # 满意 on the 10 even indicators, 基本满意 on the 9 odd ones
    wait_for_text(desk, "#zg-county-ranking", f"{score:.2f}")
    for chart in ("#zg-chart-counties", "#zg-chart-cities", "#zg-chart-heat", "#zg-chart-yoy"):
        wait_for(desk, f"{chart} canvas")
