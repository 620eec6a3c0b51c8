"""Assessment demo contributor: in each of the two demo counties, a published 年度考核 of township cadres
and teams with an indicator tree, 民主测评 (four voter classes, codes, ballots), ratings proposed from the
evaluation rank within R14's caps, the negative list and the 优秀 quota, and the results written into the
roster, and 旁证 (R02) asked of every team with one reply overdue; runs after talks (its interviews are what caps some cadres).
Also a satisfaction survey round (R31) across the demo province, last year's and this year's, with the ranking
and the follow-up of the lowest units, and a points-card quarter (R32) in both counties."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from zugong.assessment import selectors
from zugong.assessment.models import CampaignKind, NegativeSituation, Subject, SubjectKind
from zugong.assessment.models_survey import Survey, SurveyIndicator
from zugong.assessment.services import ballots, campaigns, points, ratings, side_evidence, surveys
from zugong.assessment.services.campaigns import IndicatorSpec
from zugong.cadres.exporters import record_of, with_history
from zugong.cadres.models import Cadre
from zugong.cadres.records import record_errors
from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.errors import Conflict
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import SYSTEM
from zugong.talks.models import HELD_STATES, Interview

COUNTIES = 2
CLASSES = (("班子成员", Decimal("30"), 8), ("中层干部", Decimal("30"), 12), ("服务对象", Decimal("20"), 10),
           ("群众代表", Decimal("20"), 10))
GRADE_ODDS = {"cadre": ("优秀", "优秀", "称职", "称职", "称职", "基本称职"),
              "team": ("好", "好", "较好", "较好", "一般")}
INDICATORS = [
    IndicatorSpec("党的建设", Decimal("30"), children=[
        IndicatorSpec("班子建设", Decimal("50"), evaluation="report"),
        IndicatorSpec("基层党组织建设", Decimal("50"), evaluation="site_visit")]),
    IndicatorSpec("重点任务", Decimal("40"), scoring="deduction", evaluation="special_check"),
    IndicatorSpec("群众满意度", Decimal("20"), evaluation="public_review"),
    IndicatorSpec("党风廉政建设", Decimal("10"), scoring="pass_fail", evaluation="unannounced"),
]


def _clean_cadres(county: OrgUnit, today_year: int) -> list[Cadre]:
    """Township cadres whose record the registry would store as it is (publishing writes through it),
    the ones interviewed this year first, so R14 caps some of them."""
    rows = with_history(Cadre.objects.filter(org_unit__path__gte=county.path, org_unit__path__lt=county.path + "~",
                                             org_unit__kind=OrgKind.TOWNSHIP, status="serving")
                        .select_related("org_unit"))
    interviewed = set(Interview.objects.filter(status__in=HELD_STATES, held_on__year=today_year)
                      .values_list("cadre_id", flat=True))
    first = sorted(rows.order_by("pk")[:200], key=lambda c: (c.pk not in interviewed, c.pk))
    return [c for c in first if not record_errors(record_of(c), timezone.localdate())][:12]


def _vote(campaign_id: int, codes: dict[str, list[str]], subjects: list[Subject], rng: random.Random) -> None:
    for class_codes in codes.values():
        for code in class_codes[: max(1, len(class_codes) * 4 // 5)]:  # about 80 % turnout
            ballots.ballot_cast(code=code, grades={s.pk: rng.choice(GRADE_ODDS["cadre" if s.kind == "cadre"
                                                                                else "team"]) for s in subjects})


def _rate(common: dict[str, object], campaign_id: int, year: int) -> None:
    """Propose, in the evaluation's rank order, the best rating R14, the negative list and the quota allow."""
    campaign = selectors.campaigns_visible(SYSTEM).get(pk=campaign_id)
    subjects = {s.pk: s for s in selectors.subjects_of(campaign)}
    for result in selectors.evaluation_results(campaign):
        subject = subjects[result.subject_id]
        for rating in ratings.rating_limit(subject, year).allowed:
            try:
                ratings.rating_set(**common, subject_id=subject.pk, rating=rating)  # type: ignore[arg-type]
                break
            except Conflict:
                continue  # the 优秀 places are taken: the next rating down


def _side_evidence(common: dict[str, object], teams: list[Subject], today: date) -> None:
    """Every team asked of R02's agencies a month ago; all replied in time but one (overdue since)."""
    for n, team in enumerate(teams):
        rows = side_evidence.side_evidence_request(**common, subject_id=team.pk,  # type: ignore[arg-type]
                                                   requested_on=today - timedelta(days=30))
        for row in rows[1:] if n == 0 else rows:
            side_evidence.side_evidence_reply(actor=common["actor"], jurisdiction=SYSTEM,  # type: ignore[arg-type]
                                              request_id=row.pk, replied_on=today - timedelta(days=20),
                                              reply="经查，未发现该班子存在需要说明的问题")


def _county(ctx: DemoContext, county: OrgUnit, actor: User | None, rng: random.Random) -> int:
    people = _clean_cadres(county, ctx.today.year)
    teams = list(OrgUnit.objects.filter(parent=county, kind=OrgKind.TOWNSHIP).order_by("pk")[:4])
    if len(people) < 4:
        return 0
    campaign = campaigns.campaign_create(actor=actor, jurisdiction=SYSTEM, org_unit=county, kind=CampaignKind.ANNUAL,
                                         title=f"{county.name}{ctx.today.year}年度乡镇领导班子和领导干部考核",
                                         year=ctx.today.year, excellent_share=Decimal("0.2"))
    common: dict[str, object] = {"actor": actor, "jurisdiction": SYSTEM, "campaign_id": campaign.pk}
    for person in people:
        campaigns.subject_add(**common, kind=SubjectKind.CADRE, cadre=person)  # type: ignore[arg-type]
    for team in teams:
        campaigns.subject_add(**common, kind=SubjectKind.TEAM, org_unit=team)  # type: ignore[arg-type]
    campaigns.indicator_tree_set(**common, indicators=INDICATORS)  # type: ignore[arg-type]
    codes: dict[str, list[str]] = {}
    for name, weight, count in CLASSES:
        row = ballots.voter_class_weight_set(**common, name=name, weight=weight)  # type: ignore[arg-type]
        codes[name] = ballots.codes_issue(**common, voter_class_id=row.voter_class_id, count=count)  # type: ignore[arg-type]
    campaigns.campaign_transition(**common, to="open")  # type: ignore[arg-type]
    subjects = list(selectors.subjects_of(campaign))
    _vote(campaign.pk, codes, subjects, rng)
    _side_evidence(common, [s for s in subjects if s.kind != SubjectKind.CADRE], ctx.today)
    campaigns.campaign_transition(**common, to="scoring")  # type: ignore[arg-type]
    campaigns.campaign_transition(**common, to="rating")  # type: ignore[arg-type]
    ratings.negative_entry_record(**common, subject_id=subjects[-len(teams) - 1].pk,  # type: ignore[arg-type]
                                  situation=NegativeSituation.RECTIFICATION, note="巡察反馈问题整改推进缓慢")
    _rate(common, campaign.pk, ctx.today.year)
    campaigns.campaign_transition(**common, to="published")  # type: ignore[arg-type]
    return len(subjects)


RESPONDENTS = 6  # per county and round


def _survey_round(ctx: DemoContext, year: int, rng: random.Random, closed_on: date) -> Survey:
    province: OrgUnit = ctx.data["province"]
    survey = surveys.survey_create(actor=None, jurisdiction=SYSTEM, org_unit=province, year=year,
                                   title=f"{province.name}{year}年组织工作满意度测评")
    surveys.survey_transition(actor=None, jurisdiction=SYSTEM, survey_id=survey.pk, to="open")
    indicators = list(SurveyIndicator.objects.filter(survey=survey))
    for county in ctx.data.get("counties", []):
        mood = rng.uniform(0.35, 0.9)  # the county's share of 满意
        codes = surveys.survey_codes_issue(actor=None, jurisdiction=SYSTEM, survey_id=survey.pk, county=county,
                                           count=RESPONDENTS + 2)  # two respondents of the sample never answer
        for code in codes[:RESPONDENTS]:
            answers = {i.pk: "满意" if rng.random() < mood else rng.choice(("基本满意", "基本满意", "不满意"))
                       for i in indicators}
            surveys.survey_answer(code=code, answers=answers)
    surveys.survey_transition(actor=None, jurisdiction=SYSTEM, survey_id=survey.pk, to="closed", on=closed_on)
    return survey


def _surveys(ctx: DemoContext, rng: random.Random) -> int:
    if "province" not in ctx.data or not ctx.data.get("counties"):
        return 0
    _survey_round(ctx, ctx.today.year - 1, rng, date(ctx.today.year - 1, 11, 30))
    survey = _survey_round(ctx, ctx.today.year, rng, ctx.today - timedelta(days=10))
    rows = surveys.survey_follow_ups_assign(actor=None, jurisdiction=SYSTEM, survey_id=survey.pk,
                                            today=ctx.today - timedelta(days=9), due_on=ctx.today + timedelta(days=20))
    if rows:
        surveys.survey_follow_up_done(actor=None, jurisdiction=SYSTEM, follow_up_id=rows[0].pk,
                                      done_on=ctx.today - timedelta(days=2), note="已开展督导检查，形成整改清单")
    return len(rows)


POINT_ITEMS = (("入户走访", Decimal("2"), "visits"), ("值班签到", Decimal("1"), "duty"),
               ("开展谈心谈话", Decimal("3"), "talks"), ("参加会议", Decimal("1"), "meetings"),
               ("撰写调研报告", Decimal("5"), ""), ("工作失误被通报", Decimal("-5"), ""))


def _points(ctx: DemoContext, county: OrgUnit, actor: User | None) -> int:
    """A points-card quarter in the county: the items, the quarter counted from data, two typed entries
    (one approved, one awaiting approval)."""
    from zugong.assessment.selectors_points import period_of

    items = {name: points.point_item_set(actor=actor, jurisdiction=SYSTEM, org_unit=county, name=name,
                                         points=value, source=source) for name, value, source in POINT_ITEMS}
    quarter = period_of(f"{ctx.today.year}Q{(ctx.today.month - 1) // 3 + 1}")
    written = points.points_fill(actor=actor, jurisdiction=SYSTEM, org_unit=county, start=quarter.start,
                                 end=quarter.end)
    people = list(Cadre.objects.filter(org_unit__path__startswith=county.path, status="serving").order_by("pk")[:2])
    for n, person in enumerate(people):
        entry = points.point_entry_record(actor=None, jurisdiction=SYSTEM, item_id=items["撰写调研报告"].pk, cadre=person,
                                          on=max(quarter.start, ctx.today - timedelta(days=3)), quantity=Decimal("1"),
                                          evidence="调研报告《关于村级组织运转情况的调查》")
        if n == 0:
            points.point_entry_decide(actor=actor, jurisdiction=SYSTEM, entry_id=entry.pk, approve=True)
    return written + len(people)


@demo_contributor("assessment", order=90)
def load_assessments(ctx: DemoContext) -> None:
    counties: list[OrgUnit] = ctx.data.get("counties", [])[:COUNTIES]
    rng = ctx.rng("assessment")
    made = 0
    for county, username in zip(counties, ("alice", "carol"), strict=False):
        with transaction.atomic():
            made += _county(ctx, county, User.objects.filter(username=username).first(), rng)
    ctx.say(f"考核评价：{made} 个考核对象已公布结果（民主测评、R14 约谈上限、负面清单、优秀名额）")
    with transaction.atomic():
        follow_ups = _surveys(ctx, rng)
    ctx.say(f"满意度测评：本年度和上年度各一轮，{follow_ups} 项末位跟进任务")
    entries = 0
    for county, username in zip(counties, ("alice", "carol"), strict=False):
        with transaction.atomic():
            entries += _points(ctx, county, User.objects.filter(username=username).first())
    ctx.say(f"积分卡：{entries} 条本季度积分记录")
