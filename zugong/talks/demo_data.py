"""Talks demo contributor: talkers, pairing rules, a year's plan and talks, triggers, interviews in
every state and supervision actions, on top of the cadres the cadres contributor (order 10) created."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from zugong.cadres.models import Cadre, PostHolding
from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.names import person_name
from zugong.core.permissions import SYSTEM
from zugong.talks.models import (
    HardshipArea,
    InterviewSituation,
    InterviewTarget,
    KeyPost,
    PairingRule,
    Talker,
    TalkerRole,
    TalkKind,
    TalkPlanItem,
    TriggerKind,
)
from zugong.talks.roster import current_holdings_q
from zugong.talks.services.interviews import (
    interview_approve,
    interview_assess,
    interview_follow_up,
    interview_hold,
    interview_propose,
    interview_reject,
    interview_report_submit,
    interview_send_notice,
)
from zugong.talks.services.plans import talk_plan_generate
from zugong.talks.services.supervision import supervision_record, supervision_respond
from zugong.talks.services.talks import talk_record
from zugong.talks.services.triggers import cadre_flag_raise, trigger_raise, triggers_scan

MAX_COUNTIES = {"small": 2, "province": 4}  # province scale: a year of talks in the first four counties
SUMMARIES = (
    "交流了今年重点工作推进情况，本人思想稳定，对班子团结、作风建设提出了建议。",
    "本人反映基层工作任务重、人手紧，希望加强年轻干部配备；已提醒注意工作方法。",
    "谈及家庭困难（父母年迈多病），组织上表示关心，将协调解决实际困难。",
    "对岗位调整有些想法，经沟通后表示服从组织安排。",
    "指出分管领域存在的苗头性问题，提醒严守纪律规矩，本人表示立即整改。",
)
TOPICS = ("年度普遍谈话", "思想动态", "工作作风", "班子建设", "关心关爱")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _talkers(ctx: DemoContext, county: OrgUnit, rng: random.Random, first: bool) -> dict[str, Talker]:
    alice, staff = (_user("alice"), _user("staff")) if first else (None, None)
    make = Talker.objects.create
    return {
        "minister": make(org_unit=county, name=person_name(rng, False), role=TalkerRole.MINISTER,
                         user_id=getattr(alice, "pk", None)),
        "deputy_township": make(org_unit=county, name=person_name(rng, True), role=TalkerRole.TEAM_MEMBER),
        "deputy_department": make(org_unit=county, name=person_name(rng, False), role=TalkerRole.TEAM_MEMBER),
        "staff": make(org_unit=county, name=person_name(rng, True), role=TalkerRole.STAFF,
                      user_id=getattr(staff, "pk", None)),
    }


def _rules(county: OrgUnit, talkers: dict[str, Talker], departments: list[OrgUnit]) -> None:
    key_economic = [d for d in departments if "财政" in d.name or "发展和改革" in d.name]
    rule = PairingRule.objects.create
    rule(org_unit=county, talker=talkers["minister"], priority=10, unit_kinds=OrgKind.TOWNSHIP,
         title_keywords="党委书记,乡长,镇长,!副", description="部长：乡镇党委书记、乡镇长")
    economic = rule(org_unit=county, talker=talkers["minister"], priority=20, title_keywords="局长,主任,!副",
                    description="部长：县级综合经济部门一把手")
    economic.units.set(key_economic)
    rule(org_unit=county, talker=talkers["deputy_township"], priority=30, unit_kinds=OrgKind.TOWNSHIP,
         description="副部长（分管乡镇）：乡镇其他班子成员")
    rule(org_unit=county, talker=talkers["deputy_department"], priority=40, unit_kinds=OrgKind.DEPARTMENT,
         description="副部长（分管部门）：县级部门领导干部")
    rule(org_unit=county, talker=talkers["staff"], priority=90, description="组工干部：联系单位其他领导干部")
    for unit in key_economic:
        KeyPost.objects.create(org_unit=county, unit=unit)


def _talks(ctx: DemoContext, rng: random.Random, items: list[TalkPlanItem], fallback: Talker) -> int:
    start = min(date(ctx.today.year, 1, 2), ctx.today - timedelta(days=30))
    span = (ctx.today - start).days
    count = 0
    for item in items:
        if rng.random() > 0.85:
            continue
        talk_record(actor=None, jurisdiction=SYSTEM, held_on=start + timedelta(days=rng.randrange(span)), kind=TalkKind.ANNUAL,
                    talkers=[item.talker or fallback], talkees=[item.talkee], place="县委组织部谈话室",
                    topics=rng.choice(TOPICS), summary=rng.choice(SUMMARIES))
        count += 1
    return count


def _triggers(ctx: DemoContext, rng: random.Random, county: OrgUnit, cadres: list[Cadre], talker: Talker) -> None:
    if len(cadres) < 4:
        return
    picks = rng.sample(cadres, 4)
    cadre_flag_raise(actor=None, jurisdiction=SYSTEM, cadre=picks[0], kind="has_ideas", note="对交流轮岗有想法",
                     raised_on=ctx.today - timedelta(days=12))
    cadre_flag_raise(actor=None, jurisdiction=SYSTEM, cadre=picks[1], kind="has_reports", note="群众来信反映工作作风问题",
                     raised_on=ctx.today - timedelta(days=45))  # overdue: not talked with in 30 days
    cadre_flag_raise(actor=None, jurisdiction=SYSTEM, cadre=picks[2], kind="illness", note="本人重病住院",
                     raised_on=ctx.today - timedelta(days=20))
    trigger = trigger_raise(actor=None, jurisdiction=SYSTEM, cadre=picks[3], kind=TriggerKind.POST_CHANGE,
                            raised_on=ctx.today - timedelta(days=25), detail="职务变动（演示）")
    talk_record(actor=None, jurisdiction=SYSTEM, held_on=ctx.today - timedelta(days=3), kind=TalkKind.TRIGGERED, talkers=[talker],
                talkees=[picks[3]], trigger=trigger, topics="岗位调整谈话", summary="勉励尽快进入角色。")
    township = OrgUnit.objects.filter(parent=county, kind=OrgKind.TOWNSHIP).order_by("-path").first()
    if township is not None:
        HardshipArea.objects.create(org_unit=township, note="高寒山区（演示）")
    triggers_scan(actor=None, jurisdiction=SYSTEM, org_unit=county, on=ctx.today)


def _situation(code: str) -> list[InterviewSituation]:
    return list(InterviewSituation.objects.filter(code=code))


def _interviews(ctx: DemoContext, county: OrgUnit, cadres: list[Cadre]) -> None:
    """One interview in each state, and a township team interviewed twice this year (R14 cap)."""
    if len(cadres) < 7:
        return
    day = ctx.today - timedelta(days=80)
    stages = ["proposed", "rejected", "approved", "notice_sent", "held", "follow_up", "assessed"]
    for cadre, stage in zip(cadres, stages, strict=False):
        interview = interview_propose(actor=None, jurisdiction=SYSTEM, target_kind=InterviewTarget.CADRE, cadre=cadre,
                                      situations=_situation("C03") + _situation("C04"), proposed_on=day,
                                      reason="日常监管中发现工作不在状态、作风漂浮（演示）")
        if stage == "proposed":
            continue
        if stage == "rejected":
            interview_reject(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, on=day + timedelta(days=1), reason="经核实问题不属实")
            continue
        interview_approve(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, on=day + timedelta(days=1))
        if stage == "approved":
            continue
        interview_send_notice(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, on=day + timedelta(days=2),
                              scheduled_for=day + timedelta(days=7))
        if stage == "notice_sent":
            continue
        interview_hold(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, held_on=day + timedelta(days=7), interviewers="部长、干部监督科长",
                       place="干部约谈室", record="指出问题三条，提出整改要求，本人表态认真整改。")
        if stage == "held":
            continue
        interview_follow_up(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, on=day + timedelta(days=10))
        if stage == "follow_up":
            continue
        interview_report_submit(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, submitted_on=day + timedelta(days=30),
                                text="思想认识、整改措施和整改进展（演示）")
        interview_assess(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, on=day + timedelta(days=60),
                         outcome="propose_admonishment", note="整改效果不明显")
    _team_interviews(ctx, county)


def _team_interviews(ctx: DemoContext, county: OrgUnit) -> None:
    township = OrgUnit.objects.filter(parent=county, kind=OrgKind.TOWNSHIP).order_by("path").first()
    if township is None:
        return
    head = (PostHolding.objects.filter(current_holdings_q(ctx.today), org_unit=township, title__contains="书记")
            .exclude(title__contains="副").select_related("cadre").first())
    for offset in (150, 60):
        day = ctx.today - timedelta(days=offset)
        interview = interview_propose(actor=None, jurisdiction=SYSTEM, target_kind=InterviewTarget.TEAM, team=township,
                                      team_head=head.cadre if head else None, situations=_situation("T05"),
                                      proposed_on=day, proposing_office="干部工作机构")
        interview_approve(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, on=day + timedelta(days=1))
        interview_send_notice(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, on=day + timedelta(days=2),
                              scheduled_for=day + timedelta(days=5))
        interview_hold(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, held_on=day + timedelta(days=5), interviewers="部长",
                       place="干部约谈室", record="班子年度目标任务推进滞后。")
        interview_follow_up(actor=None, jurisdiction=SYSTEM, interview_id=interview.pk, on=day + timedelta(days=9))


def _supervision(ctx: DemoContext, cadres: list[Cadre]) -> None:
    if len(cadres) < 9:
        return
    supervision_record(actor=None, jurisdiction=SYSTEM, cadre=cadres[7], kind="reminder", issued_on=ctx.today - timedelta(days=40),
                       matter="提醒注意工作方式方法，改进作风。")
    inquiry = supervision_record(actor=None, jurisdiction=SYSTEM, cadre=cadres[8], kind="inquiry", issued_on=ctx.today - timedelta(days=30),
                                 matter="群众来信反映的问题，请于15日内书面说明。",
                                 response_due_on=ctx.today - timedelta(days=15))
    supervision_respond(actor=None, jurisdiction=SYSTEM, action_id=inquiry.pk, responded_on=ctx.today - timedelta(days=18),
                        response="已就来信反映问题作出说明，附相关材料。")


def _leading_cadres(county: OrgUnit, on: date) -> list[Cadre]:
    holdings = PostHolding.objects.filter(current_holdings_q(on), is_leading=True, cadre__org_unit__path__gte=county.path,
                                          cadre__org_unit__path__lt=county.path + "~")
    ids = sorted(set(holdings.values_list("cadre_id", flat=True)))
    return list(Cadre.objects.filter(pk__in=ids).select_related("org_unit").order_by("pk"))


@demo_contributor("talks", order=30)
def load_talks(ctx: DemoContext) -> None:
    rng = ctx.rng("talks")
    counties: list[OrgUnit] = ctx.data.get("counties", [])[:MAX_COUNTIES[ctx.scale]]
    if not Cadre.objects.exists():
        ctx.say("谈心谈话：库中没有干部（干部演示数据未装入），未生成谈话演示数据。")
        return
    departments: dict[int, list[OrgUnit]] = ctx.data.get("departments", {})
    totals = {"talks": 0, "plan": 0}
    for index, county in enumerate(counties):
        cadres = _leading_cadres(county, ctx.today)
        if not cadres:
            continue
        with transaction.atomic():
            talkers = _talkers(ctx, county, rng, first=index == 0)
            _rules(county, talkers, departments.get(county.pk, []))
            plan = talk_plan_generate(actor=None, jurisdiction=SYSTEM, year=ctx.today.year, org_unit=county, on=ctx.today).plan
            items = list(plan.items.select_related("talker", "talkee", "talkee__org_unit").order_by("pk"))
            totals["plan"] += len(items)
            totals["talks"] += _talks(ctx, rng, items, talkers["staff"])
            _triggers(ctx, rng, county, cadres, talkers["minister"])
            _interviews(ctx, county, cadres)
            _supervision(ctx, cadres)
    ctx.say(f"谈心谈话：{len(counties)} 个县，计划谈话 {totals['plan']} 人，已记录谈话 {totals['talks']} 次")
