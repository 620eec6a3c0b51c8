"""Indicator scores: typed values by scoring method, the weighted total by hand, automatic indicators
reading zugong's own data (talk coverage, rule compliance, 民心墙 satisfaction, petition closure)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from zugong.assessment import indicator_sources, selectors
from zugong.assessment.models import CampaignStatus, Indicator, IndicatorScore, SubjectKind
from zugong.assessment.services import scores
from zugong.assessment.services.campaigns import IndicatorSpec, campaign_transition, indicator_tree_set
from zugong.conftest import logged_in
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.masswork.models import Petition, ServiceOrder, Wall
from zugong.rules.models import Finding, Rule
from zugong.talks.models import Talk

from .conftest import campaign_at

D = Decimal

# 党建 30 (班子 50 打分, 谈话覆盖 50 按数据计数), 任务 50 扣分, 廉政 20 达标/不达标
SPECS = [
    IndicatorSpec("党建", D("30"), children=[IndicatorSpec("班子", D("50")),
                                             IndicatorSpec("谈话覆盖", D("50"), scoring="count", source="talk_coverage")]),
    IndicatorSpec("任务", D("50"), scoring="deduction"),
    IndicatorSpec("廉政", D("20"), scoring="pass_fail"),
]


def _scored_campaign(world, status: str = CampaignStatus.SCORING):
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=world.cadres[:2], teams=(world.tree.township_a,))
    indicator_tree_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, indicators=SPECS)
    for to in ("open", "scoring", "rating")[:("open", "scoring", "rating").index(status) + 1]:  # up to `status`
        campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to=to)
    leaves = {i.name: i for i in Indicator.objects.filter(campaign=campaign)}
    return campaign, leaves


def test_typed_values_become_scores_by_method_and_the_total_is_the_weighted_sum(world) -> None:
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.get(cadre=world.cadres[0])
    scores.scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject.pk,
                      values={ind["班子"].pk: D("90"), ind["任务"].pk: D("12.5"), ind["廉政"].pk: D("1")})
    stored = {s.indicator.name: (s.value, s.score) for s in IndicatorScore.objects.select_related("indicator")}
    assert stored == {"班子": (D("90"), D("90")), "任务": (D("12.5"), D("87.5")), "廉政": (D("1"), D("100"))}
    leaves, sheets = selectors.score_sheet(campaign)
    sheet = next(s for s in sheets if s.subject_id == subject.pk)
    # 党建 = (50×90 + 50×0) / 100 = 45; total = (30×45 + 50×87.5 + 20×100) / 100 = 13.5 + 43.75 + 20 = 77.25
    assert sheet.node_scores[ind["党建"].pk] == D("45.00")
    assert sheet.total == D("77.25") and sheet.missing == 1 and sheet.rank == 1
    assert [i.name for i in leaves] == ["班子", "谈话覆盖", "任务", "廉政"]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("班子", D("101"), "指标“班子”的得分须在 0 到 100 之间"),
    ("任务", D("-1"), "指标“任务”的扣分须在 0 到 100 之间"),
    ("廉政", D("0.5"), "指标“廉政”为达标/不达标：填 1（达标）或 0（不达标）"),
    ("谈话覆盖", D("50"), "指标“谈话覆盖”按系统数据计分，不能手工录入"),
    ("党建", D("50"), "只能为本次考核的末级指标录入得分"),
])
def test_values_out_of_their_method_are_refused_in_chinese(world, name, value, message) -> None:
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.first()
    with pytest.raises(ValidationFailed) as caught:
        scores.scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject.pk,
                          values={ind[name].pk: value})
    assert caught.value.message == message and not IndicatorScore.objects.exists()


def test_scores_are_entered_only_while_scoring(world) -> None:
    campaign, ind = _scored_campaign(world, CampaignStatus.RATING)
    with pytest.raises(IllegalTransition) as caught:
        scores.scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                          subject_id=campaign.subjects.first().pk, values={ind["班子"].pk: D("90")})
    assert caught.value.message == "考核当前为“定等次”，“评分中”才能录入得分"


def _talk(person, held_on: date) -> None:
    talk = Talk.objects.create(org_unit=person.org_unit, held_on=held_on, kind="annual")
    talk.talkees.add(person)


def test_talk_coverage_counts_this_years_talks_of_the_units_leading_cadres(world) -> None:
    # township_a holds cadres 1, 3, 5, 7, 9 (five); two talked with in 2026, one only in 2025
    campaign, ind = _scored_campaign(world)
    in_a = [c for c in world.cadres if c.org_unit_id == world.tree.township_a.pk]
    _talk(in_a[0], date(2026, 3, 1))
    _talk(in_a[0], date(2026, 4, 1))
    _talk(in_a[1], date(2026, 5, 1))
    _talk(in_a[2], date(2025, 12, 31))
    scores.scores_read_data(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk)
    team = campaign.subjects.get(kind=SubjectKind.TEAM)
    row = IndicatorScore.objects.get(subject=team, indicator=ind["谈话覆盖"])
    assert (row.score, row.basis) == (D("40.00"), "谈话覆盖 2 人 / 实职领导干部 5 人")


def test_rule_compliance_counts_closed_findings_of_the_year(world) -> None:
    rule = Rule.objects.get(code="R01")
    now = timezone.now()
    for status, n in (("compliant", 3), ("violated", 1), ("overdue", 2), ("pending", 5)):
        for _ in range(n):
            Finding.objects.create(rule=rule, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                                   subject_type="x", subject_id="1", subject_label="x", detail="",
                                   org_unit=world.tree.township_a, status=status, evaluated_at=now)
    Finding.objects.create(rule=rule, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), detail="",
                           subject_type="x", subject_id="1", subject_label="x", org_unit=world.tree.township_a,
                           status="violated", evaluated_at=now)
    team = campaign_at(world, CampaignStatus.DRAFT, cadres=[], teams=(world.tree.township_a,)).subjects.get()
    reading = indicator_sources.rule_compliance(team, 2026)
    assert (reading.rate, reading.basis) == (D("50.00"), "已落实 3 项 / 已到期 6 项")


def test_petition_closure_and_wall_satisfaction_read_the_units_year(world) -> None:
    unit = world.tree.township_a
    for status, received in (("closed", date(2026, 2, 1)), ("closed", date(2026, 3, 1)),
                             ("accepted", date(2026, 4, 1)), ("closed", date(2025, 4, 1))):
        Petition.objects.create(org_unit=unit, channel="visit", petitioner_name="群众", subject="事由", content="内容",
                                received_on=received, received_by=world.alice, owner=world.alice, status=status,
                                accept_due=received)
    wall = Wall.objects.create(org_unit=unit, community=unit, name="民心墙")
    at = datetime(2026, 6, 1, 1, tzinfo=UTC)
    for n, rating in enumerate(("satisfied", "satisfied", "basic", "unsatisfied", "")):
        ServiceOrder.objects.create(wall=wall, org_unit=unit, tracking_code=f"T{n}", channel="wall",
                                    resident_name="居民", description="需求", ordered_at=at,
                                    dispatch_due=date(2026, 6, 2), rating=rating)
    team = campaign_at(world, CampaignStatus.DRAFT, cadres=[], teams=(unit,)).subjects.get()
    petitions = indicator_sources.petition_closure(team, 2026)
    assert (petitions.rate, petitions.basis) == (D("66.67"), "办结 2 件 / 受理 3 件")
    wall_rate = indicator_sources.wall_satisfaction(team, 2026)
    assert (wall_rate.rate, wall_rate.basis) == (D("50.00"), "满意 2 件 / 已评价 4 件")


def test_the_score_sheet_page_saves_a_subjects_scores_and_shows_the_formula(world, bob) -> None:
    campaign, ind = _scored_campaign(world)
    subject = campaign.subjects.get(cadre=world.cadres[1])
    client = logged_in(world.alice)
    form = client.get(f"/assessment/{campaign.pk}/scores/?subject={subject.pk}").content.decode()
    assert "总分 = Σ 第一级指标权重 × 得分 ÷ 100" in form and f'name="i-{ind["班子"].pk}"' in form
    assert f'name="i-{ind["谈话覆盖"].pk}"' not in form  # read from data, never typed
    saved = client.post(f"/assessment/{campaign.pk}/scores/",
                        {"subject": subject.pk, f"i-{ind['班子'].pk}": "80", f"i-{ind['任务'].pk}": "0",
                         f"i-{ind['廉政'].pk}": "1"}, follow=True)
    assert "得分已保存" in saved.content.decode()
    # 党建 = 50×80/100 = 40; total = 30×40/100 + 50×100/100 + 20×100/100 = 12 + 50 + 20 = 82
    assert '<strong>82.00</strong>' in saved.content.decode()
    bad = client.post(f"/assessment/{campaign.pk}/scores/", {"subject": subject.pk, f"i-{ind['班子'].pk}": "八十"})
    assert bad.status_code == 400 and "得分“八十”不是数字" in bad.content.decode()
    assert logged_in(bob).get(f"/assessment/{campaign.pk}/scores/").status_code == 403


def test_an_automatic_indicator_needs_its_data_source(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=[])
    with pytest.raises(ValidationFailed) as caught:
        indicator_tree_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                           indicators=[IndicatorSpec("覆盖", D("100"), scoring="count")])
    assert caught.value.message == "指标“覆盖”：按数据计数的指标须选择系统数据，其他计分方法不读系统数据"


def test_the_final_score_blends_the_evaluation_by_the_campaigns_share(world) -> None:
    from zugong.assessment.models import Campaign
    from zugong.assessment.services.ballots import (
        ballot_cast,
        ballots_flush,
        codes_issue,
        voter_class_weight_set,
    )

    # given: the 民主测评 counts 40 % of the final score
    campaign, ind = _scored_campaign(world, CampaignStatus.OPEN)
    Campaign.objects.filter(pk=campaign.pk).update(evaluation_share=D("0.4"))
    campaign.refresh_from_db()
    row = voter_class_weight_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, name="群众代表",
                                 weight=D("100"))
    subjects = list(campaign.subjects.order_by("pk"))
    first = subjects[0]
    for code, grade in zip(codes_issue(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                                       voter_class_id=row.voter_class_id, count=2), ("优秀", "称职"), strict=True):
        ballot_cast(code=code, grades={s.pk: (grade if s.kind == "cadre" else "好") for s in subjects})
    ballots_flush(campaign_id=campaign.pk)  # counted now, as closing the vote would (two are below a batch)
    campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="scoring")
    scores.scores_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=first.pk,
                      values={ind["班子"].pk: D("90"), ind["任务"].pk: D("12.5"), ind["廉政"].pk: D("1")})
    _leaves, sheets = selectors.score_sheet(campaign)
    sheet = next(s for s in sheets if s.subject_id == first.pk)
    # indicators 77.25 (as above); 民主测评 (100 + 80) / 2 = 90; final = 77.25 × 0.6 + 90 × 0.4 = 46.35 + 36 = 82.35
    assert (sheet.total, sheet.evaluation, sheet.final) == (D("77.25"), D("90.00"), D("82.35"))
    page = logged_in(world.alice).get(f"/assessment/{campaign.pk}/scores/").content.decode()
    assert "最终得分 = 指标总分 × (1 − 40%) + 民主测评得分 × 40%" in page
