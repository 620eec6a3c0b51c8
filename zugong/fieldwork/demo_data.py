"""Demo training and village income in both demo counties, written through the services as the system.

Training: every org-department cadre (组工干部) of the two counties gets off-job courses over the last
five years; every fourth one stays below both R30 thresholds (one short course four years ago, nothing
since), and everyone has an online course. Village income: the last four complete quarters for every
village, spread over the five colours; the first village of each county has not reported the latest
quarter. Runs before the rules demo (order 50) so its evaluation finds R30's shortfalls."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from zugong.cadres.dates import add_years
from zugong.cadres.models import Cadre
from zugong.cadres.services import post_change
from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.core.permissions import SYSTEM
from zugong.fieldwork.festivals import spring_festival
from zugong.fieldwork.models import (
    SENIOR_RANK_LEVELS,
    LogKind,
    Occasion,
    PlaceKind,
    SuggestionStatus,
    TrainingKind,
)
from zugong.fieldwork.selectors import org_department_cadres_q, quarter_end, quarter_start
from zugong.fieldwork.selectors_care import eligibility
from zugong.fieldwork.selectors_research import org_department_leaders_q
from zugong.fieldwork.services.care import (
    care_visit_record,
    hardship_help_record,
    retiree_register,
    subsidy_pay,
    subsidy_rule_set,
)
from zugong.fieldwork.services.income import income_report_submit
from zugong.fieldwork.services.recruits import transfer_approval_grant
from zugong.fieldwork.services.research import (
    topic_call_open,
    topic_evaluate,
    topic_register,
    topic_submit,
    trip_record,
)
from zugong.fieldwork.services.stays import (
    batch_create,
    link_spending_record,
    stay_add,
    stay_log_add,
    suggestion_answer,
    suggestion_forward,
)
from zugong.fieldwork.services.training import training_record_add

COURSES = ["县级组工干部能力提升示范班", "省委党校中青年干部培训班", "组织工作业务研讨班", "市委党校进修班",
           "基层党建专题培训班"]


def _train(person: Cadre, index: int, today: date) -> int:
    added = 0
    if index % 4 == 3:  # below the thresholds: one short course four years ago
        starts = [(date(today.year - 4, 4, 8), 12)]
    else:  # one off-job course each of the last five years, 20 days each: 100 days
        starts = [(date(today.year - back, 3 + back, 10), 20) for back in range(1, 6)]
        if today.month > 6:
            starts.append((date(today.year, 5, 6), 10))
    for n, (start, days) in enumerate(starts):
        training_record_add(actor=None, jurisdiction=SYSTEM, cadre=person, course=COURSES[(index + n) % len(COURSES)],
                            organiser="市委组织部", kind=TrainingKind.OFF_JOB, start_date=start,
                            end_date=start + timedelta(days=days - 1), certificate=f"ZG{start.year}{index:03d}{n}")
        added += 1
    training_record_add(actor=None, jurisdiction=SYSTEM, cadre=person, course="干部网络学院专题学习",
                        organiser="干部网络学院", kind=TrainingKind.ONLINE, start_date=date(today.year - 1, 9, 1),
                        end_date=date(today.year - 1, 9, 30), days=0, hours=Decimal(50))
    return added + 1


def _quarters(today: date) -> list[date]:
    latest = date.fromordinal(quarter_start(today).toordinal() - 1)  # last day of the previous quarter
    quarters = []
    for _ in range(4):
        start = quarter_start(latest)
        quarters.append(start)
        latest = date.fromordinal(start.toordinal() - 1)
    return quarters[::-1]


def _incomes(ctx: DemoContext, county: OrgUnit, today: date) -> int:
    rng = ctx.rng(f"fieldwork.income.{county.pk}")
    villages = list(OrgUnit.objects.filter(subtree_q(county.path), kind=OrgKind.VILLAGE).order_by("path"))
    quarters = _quarters(today)
    added = 0
    for n, village in enumerate(villages):
        base = Decimal([2, 7, 14, 30, 80][n % 5]) + Decimal(rng.randint(0, 190)) / 100
        for q, start in enumerate(quarters):
            if n == 0 and start == quarters[-1]:
                continue  # this village has not reported the latest quarter
            income = (base * (q + 1) / 4 if start.year == quarters[-1].year else base * Decimal("0.8")).quantize(Decimal("0.01"))
            income_report_submit(actor=None, jurisdiction=SYSTEM, village=village, quarter=start, income=income,
                                 channels="资产租赁、入股分红", goal=base * 2, measures="盘活闲置资产，发展特色种养",
                                 submitted_on=min(today, quarter_end(start) + timedelta(days=rng.randint(1, 14))))
            added += 1
    return added


@demo_contributor("fieldwork", order=45)
def load_fieldwork(ctx: DemoContext) -> None:
    trainings = reports = 0
    with transaction.atomic():
        for county in ctx.data["counties"][:2]:
            people = Cadre.objects.filter(subtree_q(county.path, "org_unit__"), org_department_cadres_q()).order_by("pk")
            for index, person in enumerate(people):
                trainings += _train(person, index, ctx.today)
            reports += _incomes(ctx, county, ctx.today)
    ctx.say(f"fieldwork: {trainings} 条培训记录，{reports} 份村集体经济收入季报")


# ---- R06 stays, R26 topics and trips, R25 retired village cadres, R23 approvals ------------------------

SENIOR_POSTS = (("县委组织部", "县委常委、组织部部长"), ("县委办公室", "县委常委、办公室主任"))


def _seniors(county: OrgUnit, today: date) -> list[Cadre]:
    """The heads of the county's 组织部 and 县委办公室 made 县委常委 (县处级副职) through the cadres app's post
    change: the 处级以上 cadres the stays need (the roster's demo has none above 乡科级)."""
    seniors: list[Cadre] = []
    for suffix, title in SENIOR_POSTS:
        head = (Cadre.objects.filter(org_unit__parent=county, org_unit__name__endswith=suffix[1:], is_leading=True)
                .exclude(rank_level__in=SENIOR_RANK_LEVELS).order_by("pk").first())
        if head is not None:
            post_change(actor=None, jurisdiction=SYSTEM, cadre=head, org_unit=head.org_unit, title=title,
                        on=today, rank_level="C2", is_leading=True)
            head.refresh_from_db()
            seniors.append(head)
    return seniors


def _stays(county: OrgUnit, seniors: list[Cadre], today: date, batches_a_year: int) -> tuple[int, int]:
    villages = list(OrgUnit.objects.filter(subtree_q(county.path), kind=OrgKind.VILLAGE).order_by("path")[:6])
    department = OrgUnit.objects.filter(parent=county, name__endswith="农业农村局").first() or county
    stays = suggestions = 0
    for year in (today.year - 1, today.year):
        for number in range(batches_a_year):
            start = date(year, 4 + 5 * number, 1)
            if start > today:
                continue
            batch = batch_create(actor=None, jurisdiction=SYSTEM, organiser=county, theme="乡村振兴蹲点调研",
                                 start_date=start, end_date=start + timedelta(days=29))
            for n, person in enumerate(seniors):
                days = 20 if n == 1 and number == 0 else 30  # one stay shorter than the month asked for
                stay = stay_add(actor=None, jurisdiction=SYSTEM, batch_id=batch.pk, cadre=person,
                                place_kind=PlaceKind.VILLAGE, place=villages[(number + n) % len(villages)],
                                start_date=start, end_date=start + timedelta(days=days - 1))
                stay_log_add(actor=None, jurisdiction=SYSTEM, stay=stay, day=start + timedelta(days=3),
                             kind=LogKind.DEED, content="协调资金安装村广播", money=Decimal("2.2"), goods="广播设备一套")
                stay_log_add(actor=None, jurisdiction=SYSTEM, stay=stay, day=start + timedelta(days=10),
                             kind=LogKind.DEED, content="送地膜、化肥", money=Decimal("2.7"), goods="地膜、化肥")
                forwarded = start + timedelta(days=days)
                if forwarded > today:
                    continue
                suggestion = suggestion_forward(actor=None, jurisdiction=SYSTEM, stay=stay, department=department,
                                                content="建议支持村集体建设农产品冷库", forwarded_on=forwarded)
                suggestions += 1
                if n == 0 and forwarded + timedelta(days=20) <= today:  # the first participant's get an answer
                    suggestion_answer(actor=None, jurisdiction=SYSTEM, suggestion_id=suggestion.pk,
                                      status=SuggestionStatus.REPLIED, reply="已列入下年度项目计划",
                                      replied_on=forwarded + timedelta(days=20))
                stays += 1
    giver = OrgUnit.objects.filter(parent=county, name__endswith="组织部").first() or county
    for amount, goods, purpose, month in ((Decimal("2.2"), "", "联系点广播系统", 3), (Decimal("1.3"), "", "村道维修", 6),
                                          (Decimal("2.7"), "地膜、化肥", "春耕物资", 9)):
        day = date(today.year - 1, month, 15)
        link_spending_record(actor=None, jurisdiction=SYSTEM, village=villages[0], giver=giver, spent_on=day,
                             amount=amount, goods=goods, purpose=purpose)
    return stays, suggestions


def _topics(county: OrgUnit, today: date) -> int:
    leaders = list(Cadre.objects.filter(subtree_q(county.path, "org_unit__"), org_department_leaders_q())
                   .order_by("pk"))
    topics = 0
    for year in (today.year - 1, today.year):
        call = topic_call_open(actor=None, jurisdiction=SYSTEM, org_unit=county, year=year,
                               register_by=date(year, 3, 31))
        for n, person in enumerate(leaders):
            topic = topic_register(actor=None, jurisdiction=SYSTEM, call=call, title=f"{year}年基层党建调研课题（{n + 1}）",
                                   leader=person, registered_on=date(year, 2, 20))
            topics += 1
            if year < today.year:
                topic_submit(actor=None, jurisdiction=SYSTEM, topic_id=topic.pk, result="形成调研报告一篇",
                             submitted_on=date(year, 11, 30))
                topic_evaluate(actor=None, jurisdiction=SYSTEM, topic_id=topic.pk,
                               grade="excellent" if n == 0 else "good", commendation="优秀调研成果" if n == 0 else "",
                               evaluated_on=date(year, 12, 20))
            # field days: 3 months for all but the last leader
            days = 60 if n == len(leaders) - 1 else 95
            start = date(year, 3, 1)
            end = min(start + timedelta(days=days - 1), today)
            if end >= start:
                trip_record(actor=None, jurisdiction=SYSTEM, cadre=person, place=f"{county.name}各乡镇", start_date=start,
                            end_date=end, purpose="围绕课题开展调研", topic=topic)
    return topics


def _retirees(county: OrgUnit, today: date, missed_spring: bool) -> int:
    subsidy_rule_set(actor=None, jurisdiction=SYSTEM, org_unit=county, valid_from=date(today.year - 5, 1, 1),
                     posts="村党支部书记，村委会主任", min_years=9, yearly_amount=Decimal("3600"))
    villages = list(OrgUnit.objects.filter(subtree_q(county.path), kind=OrgKind.VILLAGE).order_by("path")[:3])
    last_year = today.year - 1
    added = 0
    for n, village in enumerate(villages):
        retiree = retiree_register(actor=None, jurisdiction=SYSTEM, village=village, name=f"{village.name}老支书",
                                   posts="村党支部书记" if n != 2 else "村会计", served_from=date(1995 + n * 8, 3, 1),
                                   left_on=date(2020, 12, 31), roles_after="村务监督委员会顾问",
                                   in_hardship=n == 1)
        added += 1
        if eligibility(retiree, date(last_year, 12, 31)).eligible:
            subsidy_pay(actor=None, jurisdiction=SYSTEM, retiree=retiree, year=last_year,
                        paid_on=date(last_year, 12, 10))
        if n == 1:
            hardship_help_record(actor=None, jurisdiction=SYSTEM, retiree=retiree, given_on=date(last_year, 9, 1),
                                 amount=Decimal("1000"), note="因病致困")
        for year in (last_year, today.year):
            visits = [(Occasion.SPRING_FESTIVAL, spring_festival(year) - timedelta(days=5)),
                      (Occasion.JULY_FIRST, date(year, 6, 28))]
            for occasion, day in visits:
                skipped = missed_spring and n == 0 and year == last_year and occasion == Occasion.SPRING_FESTIVAL
                if day <= today and not skipped:  # one county's first retiree was not visited at last 春节
                    care_visit_record(actor=None, jurisdiction=SYSTEM, retiree=retiree, occasion=occasion,
                                      visited_on=day, visitors="乡镇党委书记")
    return added


def _approvals(county: OrgUnit, today: date) -> int:
    """An approval for each recruit of the county between [2] and [3] years in the township today."""
    granted = 0
    for person in Cadre.objects.filter(subtree_q(county.path, "org_unit__"), township_recruit_on__isnull=False,
                                       township_recruit_on__lte=add_years(today, -2),
                                       township_recruit_on__gt=add_years(today, -3)).order_by("pk")[:2]:
        transfer_approval_grant(actor=None, jurisdiction=SYSTEM, cadre=person, kind="second",
                                destination=f"{county.name}委组织部", reason="县委组织部抽调参加换届工作",
                                signed_by="县委组织部部长", approved_on=today)
        granted += 1
    return granted


@demo_contributor("fieldwork-stays", order=46)
def load_fieldwork_stays(ctx: DemoContext) -> None:
    """Two years of 蹲点调研 (the second county one batch a year short of R06's two), topics and field days
    (one leader below R26's 90 days), retired village cadres (one missed 春节), R23 approvals."""
    counts = [0, 0, 0, 0, 0]
    with transaction.atomic():
        for n, county in enumerate(ctx.data["counties"][:2]):
            seniors = _seniors(county, ctx.today)
            stays, suggestions = _stays(county, seniors, ctx.today, batches_a_year=2 if n == 0 else 1)
            counts[0] += stays
            counts[1] += suggestions
            counts[2] += _topics(county, ctx.today)
            counts[3] += _retirees(county, ctx.today, missed_spring=n == 0)
            counts[4] += _approvals(county, ctx.today)
    ctx.say("fieldwork: {} 人次蹲点，{} 条建议，{} 个调研课题，{} 名离任村干部，{} 份调出审批".format(*counts))
