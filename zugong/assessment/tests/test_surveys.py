"""The satisfaction survey (R31): the default questionnaire, codes per county, answers from the phone page,
scores and rankings by hand, ties, follow-up of the lowest units by R31's parameters, API and pages."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.utils import timezone

from zugong.assessment import selectors_survey as read
from zugong.assessment.models_survey import (
    DEFAULT_QUESTIONNAIRE,
    PendingSurveyResponse,
    Survey,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyIndicator,
    SurveyResponse,
)
from zugong.assessment.services import surveys as svc
from zugong.conftest import Tree, bearer, logged_in, make_user
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import OrgKind, OrgUnit, Role
from zugong.core.services import org_unit_create

D = Decimal


@dataclass
class Round:
    tree: Tree
    prov: User
    jp: Jurisdiction
    survey: Survey
    indicators: list[SurveyIndicator]


@pytest.fixture
def round_(tree: Tree) -> Round:
    prov = make_user("prov", tree.province, Role.ORG_ADMIN)
    jp = jurisdiction_for(prov)
    survey = svc.survey_create(actor=prov, jurisdiction=jp, org_unit=tree.province, title="2026年组织工作满意度测评",
                               year=2026)
    svc.survey_transition(actor=prov, jurisdiction=jp, survey_id=survey.pk, to="open")
    survey.refresh_from_db()
    return Round(tree, prov, jp, survey, read.indicators_of(survey))


def respond(r: Round, county: OrgUnit, answers: list[str] | str) -> None:
    [code] = svc.survey_codes_issue(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, county=county, count=1)
    given = [answers] * len(r.indicators) if isinstance(answers, str) else answers
    svc.survey_answer(code=code, answers={i.pk: a for i, a in zip(r.indicators, given, strict=True)})
    svc.survey_responses_flush(survey_id=r.survey.pk)  # counted now, as closing the round would (below a batch)


def test_a_new_survey_has_the_seeds_4_areas_and_19_indicators(round_: Round) -> None:
    assert len(round_.indicators) == 19
    assert list(dict.fromkeys(i.area for i in round_.indicators)) == [a for a, _ in DEFAULT_QUESTIONNAIRE]


def test_county_and_city_scores_by_hand_and_the_ranking(round_: Round) -> None:
    t = round_.tree
    respond(round_, t.county_a, "满意")  # 100
    respond(round_, t.county_a, "不满意")  # 0
    respond(round_, t.county_b, "基本满意")  # 60
    counties = read.ranking(round_.survey, "county")
    # 甲县 = mean(100, 0) = 50 on every indicator; 乙县 = 60
    assert [(r.name, r.score, r.rank, r.code) for r in counties] == [("乙县", D("60.00"), 1, "990122"),
                                                                    ("甲县", D("50.00"), 2, "990121")]
    # 示范市 = (100 + 0 + 60) / 3 = 53.33 on every indicator
    [city] = read.ranking(round_.survey, "city")
    assert (city.name, city.score, city.answers) == ("示范市", D("53.33"), 57)


def test_area_scores_and_the_mean_of_indicators(round_: Round) -> None:
    # 满意 on the first 10 indicators (组织工作 5, 组工干部 5), 不满意 on the other 9
    respond(round_, round_.tree.county_a, ["满意"] * 10 + ["不满意"] * 9)
    [row] = read.ranking(round_.survey, "county")
    assert row.score == D("52.63")  # 10 × 100 / 19
    assert read.area_scores(round_.indicators, row) == {"组织工作": D("100.00"), "组工干部": D("100.00"),
                                                         "干部选拔任用": D("0.00"), "防止和纠正用人上不正之风": D("0.00")}


def test_equal_scores_share_a_rank(round_: Round) -> None:
    respond(round_, round_.tree.county_a, "基本满意")
    respond(round_, round_.tree.county_b, "基本满意")
    assert [r.rank for r in read.ranking(round_.survey, "county")] == [1, 1]


def test_every_indicator_must_be_answered_and_a_code_answers_once(round_: Round) -> None:
    [code] = svc.survey_codes_issue(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk,
                                    county=round_.tree.county_a, count=1)
    first = round_.indicators[0]
    with pytest.raises(ValidationFailed) as caught:
        svc.survey_answer(code=code, answers={first.pk: "满意"})
    assert caught.value.message.startswith("请回答每一项（尚未回答：党员队伍建设和管理、人才工作")
    svc.survey_answer(code=code, answers={i.pk: "满意" for i in round_.indicators})
    with pytest.raises(Conflict) as again:
        svc.survey_answer(code=code, answers={i.pk: "满意" for i in round_.indicators})
    assert again.value.message == "问卷码无效或已使用"
    [pending] = PendingSurveyResponse.objects.all()
    assert len(pending.answers) == 19 and not SurveyResponse.objects.exists()


def test_nothing_links_a_response_to_its_code(round_: Round) -> None:
    respond(round_, round_.tree.county_a, "满意")
    for model in (PendingSurveyResponse, SurveyResponse, SurveyAnswer):
        columns = {str(f.column) for f in model._meta.concrete_fields}
        assert not any("code" in c or c.endswith("_at") or c.endswith("_on") for c in columns), columns


def test_codes_only_for_counties_of_the_round(round_: Round) -> None:
    with pytest.raises(ValidationFailed) as caught:
        svc.survey_codes_issue(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk,
                               county=round_.tree.township_a, count=1)
    assert caught.value.message == f"{round_.tree.township_a.name}不是本次测评范围内的县（市、区）"


def _more_counties(r: Round) -> list[OrgUnit]:
    """A second city with eleven counties: thirteen counties and two cities in all."""
    city2 = org_unit_create(actor=None, kind=OrgKind.CITY, name="乙市", parent=r.tree.province, division_code="990200")
    return [org_unit_create(actor=None, kind=OrgKind.COUNTY, name=f"{n}号县", parent=city2,
                            division_code=f"9902{n:02d}") for n in range(1, 12)]


def test_the_lowest_3_cities_and_10_counties_get_follow_up_tasks(round_: Round) -> None:
    counties = [round_.tree.county_a, round_.tree.county_b, *_more_counties(round_)]
    # county k answers 满意 on k indicators (k = 1 … 13) and 不满意 on the rest: a strict order
    for k, county in enumerate(counties, start=1):
        respond(round_, county, ["满意"] * k + ["不满意"] * (19 - k))
    with pytest.raises(IllegalTransition):
        svc.survey_follow_ups_assign(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk,
                                     today=date(2026, 12, 1), due_on=date(2026, 12, 31))
    svc.survey_transition(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk, to="closed",
                          on=date(2026, 12, 1))
    rows = svc.survey_follow_ups_assign(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk,
                                        today=date(2026, 12, 1), due_on=date(2026, 12, 31))
    checks = sorted(f.org_unit.name for f in rows if f.kind == "special_check")
    assert checks == sorted(c.name for c in counties[:10])  # R31 lowest_counties = 10: the three best spared
    assert sorted(f.org_unit.name for f in rows if f.kind == "supervision") == ["乙市", "示范市"]  # 3 asked, 2 exist
    worst = SurveyFollowUp.objects.get(org_unit=counties[0])
    assert (worst.rank, worst.score, worst.due_on) == (13, D("5.26"), date(2026, 12, 31))
    with pytest.raises(Conflict):
        svc.survey_follow_ups_assign(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk,
                                     today=date(2026, 12, 1), due_on=date(2026, 12, 31))


def test_follow_up_overdue_on_the_day_after_its_deadline(round_: Round) -> None:
    due = date(2026, 12, 31)
    row = SurveyFollowUp(due_on=due)
    assert not row.is_overdue(due - timedelta(days=1)) and not row.is_overdue(due) and row.is_overdue(due + timedelta(1))


def test_the_phone_page_takes_a_code_then_every_answer(round_: Round, client) -> None:
    [code] = svc.survey_codes_issue(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk,
                                    county=round_.tree.county_b, count=1)
    assert "请输入问卷上的问卷码" in client.get("/m/survey/").content.decode()
    form = client.post("/m/survey/", {"code": code.lower()}).content.decode()
    assert "测评对象：乙县" in form and "组工干部" in form
    partial = client.post("/m/survey/", {"code": code, "submit": "1", f"q-{round_.indicators[0].pk}": "满意"})
    assert partial.status_code == 400 and "请回答每一项" in partial.content.decode()
    full = {"code": code, "submit": "1", **{f"q-{i.pk}": "基本满意" for i in round_.indicators}}
    assert "问卷已提交，感谢参与" in client.post("/m/survey/", full).content.decode()
    again = client.post("/m/survey/", {"code": code})
    assert again.status_code == 409 and "问卷码无效或已使用" in again.content.decode()
    assert read.ranking(round_.survey, "county") == [] and read.pending_responses(round_.survey) == 1
    svc.survey_responses_flush(survey_id=round_.survey.pk)  # as closing the round would
    assert read.ranking(round_.survey, "county")[0].score == D("60.00")


def test_the_ranking_api_answers_codes_names_scores_and_ranks(round_: Round, carol, bob) -> None:
    respond(round_, round_.tree.county_a, "满意")
    respond(round_, round_.tree.county_b, "不满意")
    url = f"/api/v1/surveys/{round_.survey.pk}/ranking"
    body = bearer(round_.prov).get(url + "?level=county").json()
    assert body == [{"org": "990121", "name": "甲县", "score": "100.00", "rank": 1},
                    {"org": "990122", "name": "乙县", "score": "0.00", "rank": 2}]
    assert bearer(round_.prov).get(url + "?level=city").json() == [
        {"org": "990100", "name": "示范市", "score": "50.00", "rank": 1}]
    assert bearer(round_.prov).get(url + "?level=town").status_code == 422 or \
        bearer(round_.prov).get(url + "?level=town").status_code == 400
    assert bearer(carol).get(url).status_code == 404
    assert bearer(bob).get(url).status_code == 403
    assert [s["id"] for s in bearer(round_.prov).get("/api/v1/surveys").json()] == [round_.survey.pk]


def test_the_pages_create_a_round_show_the_rankings_and_assign_follow_ups(tree: Tree) -> None:
    prov = make_user("prov", tree.province, Role.ORG_ADMIN)
    client = logged_in(prov)
    made = client.post("/assessment/surveys/", {"title": "2026年满意度测评", "org_unit": tree.province.pk, "year": 2026},
                       follow=True)
    assert "满意度测评已创建（草稿），问卷为默认的 4 个领域 19 项指标" in made.content.decode()
    survey = Survey.objects.get()
    saved = client.post(f"/assessment/surveys/{survey.pk}/questionnaire/",
                        {"questionnaire": "组织工作 | 服务群众\n组工干部 | 作风"}, follow=True)
    assert "问卷已保存（共 2 项指标）" in saved.content.decode()
    client.post(f"/assessment/surveys/{survey.pk}/transition/", {"to": "open"})
    slips = client.post(f"/assessment/surveys/{survey.pk}/codes/", {"county": tree.county_a.pk, "count": 2})
    assert slips.status_code == 201 and "已发放 2 个问卷码" in slips.content.decode()
    code = slips.content.decode().split('class="zg-code">')[1].split("<")[0]
    indicators = read.indicators_of(survey)
    svc.survey_answer(code=code, answers={indicators[0].pk: "满意", indicators[1].pk: "不满意"})
    client.post(f"/assessment/surveys/{survey.pk}/transition/", {"to": "closed"})
    page = client.get(f"/assessment/surveys/{survey.pk}/").content.decode()
    assert 'id="zg-county-ranking"' in page and "<td>甲县</td><td>50.00</td>" in page
    assert "vendor/echarts.min.js" in page and '"heat"' in page
    due = timezone.localdate() + timedelta(days=30)
    assigned = client.post(f"/assessment/surveys/{survey.pk}/follow-ups/", {"due_on": due.isoformat()}, follow=True)
    assert "已下达 2 项跟进任务" in assigned.content.decode()  # the one city and the one county answered
    follow_up = SurveyFollowUp.objects.get(kind="special_check")
    done = client.post(f"/assessment/surveys/{survey.pk}/follow-ups/{follow_up.pk}/done/",
                       {"done_on": timezone.localdate().isoformat(), "note": "已开展专项检查"}, follow=True)
    assert "跟进任务已完成" in done.content.decode()
    assert json.loads(page.split('id="zg-survey-data" type="application/json">')[1].split("</script>")[0])[
        "counties"] == {"labels": ["甲县"], "values": [50.0]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
def test_the_same_survey_code_sent_from_four_phones_at_once_answers_once(tree: Tree) -> None:
    prov = make_user("prov", tree.province, Role.ORG_ADMIN)
    jp = jurisdiction_for(prov)
    survey = svc.survey_create(actor=prov, jurisdiction=jp, org_unit=tree.province, title="并发", year=2026)
    svc.survey_transition(actor=prov, jurisdiction=jp, survey_id=survey.pk, to="open")
    [code] = svc.survey_codes_issue(actor=prov, jurisdiction=jp, survey_id=survey.pk, county=tree.county_a, count=1)
    answers = {i.pk: "满意" for i in read.indicators_of(survey)}
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def answer() -> None:
        try:
            barrier.wait()
            svc.survey_answer(code=code, answers=answers)
            outcomes.append("answered")
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["answered", *["问卷码无效或已使用"] * 3]
    assert PendingSurveyResponse.objects.count() == 1
    svc.survey_transition(actor=prov, jurisdiction=jp, survey_id=survey.pk, to="closed")
    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 19


@pytest.mark.parametrize("extra", [0, 6])
def test_the_survey_page_query_count_does_not_grow_with_counties(round_: Round, django_assert_max_num_queries,
                                                                 extra) -> None:
    counties = [round_.tree.county_a, round_.tree.county_b, *(_more_counties(round_)[:extra])]
    from zugong.assessment.services.survey_links import survey_quota_set

    for county in counties:
        respond(round_, county, "满意")
        survey_quota_set(actor=round_.prov, jurisdiction=round_.jp, survey_id=round_.survey.pk, county=county,
                         target=10)  # the public link's quota table, with its progress, on every row
    client = logged_in(round_.prov)
    client.get(f"/assessment/surveys/{round_.survey.pk}/")
    with django_assert_max_num_queries(19):  # 16, and 3 for the quotas and their progress
        page = client.get(f"/assessment/surveys/{round_.survey.pk}/")
    assert page.content.decode().count('<tr data-org="') == len(counties) + (2 if extra else 1)  # + the cities
    assert page.content.decode().count('<tr data-county="') == len(counties)
