"""R31 follow-ups become rectification problems: the lowest cities' 督导检查 and the lowest counties'
整改落实专项检查 each raise a problem through rectification's `problem_raise` (source 满意度测评), which names
the task and its deadline; the task and the problem point at each other."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from zugong.assessment.models_survey import SurveyFollowUp
from zugong.assessment.services import surveys as svc
from zugong.conftest import logged_in
from zugong.rectification.models import Problem, ProblemList, Source

from .test_surveys import Round, _more_counties, respond
from .test_surveys import round_ as round_  # the fixture


def _assign(r: Round) -> list[SurveyFollowUp]:
    svc.survey_transition(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk, to="closed", on=date(2026, 12, 1))
    return svc.survey_follow_ups_assign(actor=r.prov, jurisdiction=r.jp, survey_id=r.survey.pk,
                                        today=date(2026, 12, 1), due_on=date(2026, 12, 31))


def test_each_follow_up_raises_a_satisfaction_problem_of_its_unit(round_: Round) -> None:
    # given: thirteen counties in two cities, county k satisfied on k indicators
    counties = [round_.tree.county_a, round_.tree.county_b, *_more_counties(round_)]
    for k, county in enumerate(counties, start=1):
        respond(round_, county, ["满意"] * k + ["不满意"] * (19 - k))
    # when
    rows = _assign(round_)
    # then: 10 counties and the 2 cities, one problem each, on the 满意度测评 list of that unit
    assert len(rows) == 12
    problems = Problem.objects.filter(problem_list__source=Source.SATISFACTION).select_related("problem_list")
    assert problems.count() == 12
    for row in SurveyFollowUp.objects.filter(survey=round_.survey).select_related("problem__problem_list"):
        assert row.problem is not None
        assert row.problem.origin == f"assessment.surveyfollowup:{row.pk}"
        assert row.problem.org_unit_id == row.org_unit_id
        assert row.problem.problem_list.issuing_unit_id == round_.tree.province.pk
        assert row.problem.raised_on == date(2026, 12, 1)
    worst = SurveyFollowUp.objects.select_related("problem").get(org_unit=counties[0])
    assert worst.problem.description == (f"{round_.survey.title}：{counties[0].name}得分 5.26，排名第 13 名，"
                                         "列入末位整改落实专项检查；须于 2026-12-31 前完成整改落实专项检查")
    city = SurveyFollowUp.objects.select_related("problem").get(org_unit=round_.tree.city)
    assert "列入末位督导检查；须于 2026-12-31 前完成督导检查" in city.problem.description
    assert set(ProblemList.objects.values_list("title", flat=True)) == {"2026年满意度测评问题清单"}


def test_the_spared_counties_get_no_problem(round_: Round) -> None:
    counties = [round_.tree.county_a, round_.tree.county_b, *_more_counties(round_)]
    for k, county in enumerate(counties, start=1):
        respond(round_, county, ["满意"] * k + ["不满意"] * (19 - k))
    _assign(round_)
    assert not Problem.objects.filter(org_unit__in=counties[10:]).exists()


def test_the_survey_page_links_each_task_to_its_problem(round_: Round) -> None:
    respond(round_, round_.tree.county_a, "满意")
    [*_rows] = _assign(round_)
    task = SurveyFollowUp.objects.get(org_unit=round_.tree.county_a)
    page = logged_in(round_.prov).get(f"/assessment/surveys/{round_.survey.pk}/").content.decode()
    assert f'href="/rectification/problems/{task.problem_id}/"' in page


def test_the_problem_text_is_chinese_when_assigned_from_an_english_page(round_: Round) -> None:
    # given: the follow-ups assigned while English is active (an org department working in English)
    respond(round_, round_.tree.county_a, "不满意")
    with translation.override("en"):
        tasks = {f.kind: f.problem for f in _assign(round_)}
    # then: the stored descriptions name the tasks in Chinese
    county, city = tasks["special_check"], tasks["supervision"]
    assert county is not None and city is not None
    assert county.description.endswith("须于 2026-12-31 前完成整改落实专项检查")
    assert Problem.objects.get(pk=city.pk).description.endswith("须于 2026-12-31 前完成督导检查")
