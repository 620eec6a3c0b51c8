"""Selection demo contributor: in each of the two demo counties, selections standing at different stages
(one appointed and signed, one blocked by R17, one by R18, one stopped), problem entries in every status and
a year of personal-matters reports with a seeded draw,
written through the services on top of the roster (cadres, order 10)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from zugong.cadres import archive_audit
from zugong.cadres.models import Cadre
from zugong.core.calendar import add_workdays, is_workday
from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.errors import GateRefused
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import SYSTEM
from zugong.selection.models import AccountabilitySituation, ProblemEntry, ReportCheck, Selection, Stage
from zugong.selection.services import inspections, problems, publicity, reports, review
from zugong.selection.services import selections as svc

COUNTIES = 2
STEPS = ("recommendation", "shortlist", "investigation", "consultation", "decision", "publicity", "appointment")
# (title suffix, stage it stops before, what happens there)
PLANS: tuple[tuple[str, str, str], ...] = (
    ("镇长", "appointed", ""), ("副镇长", "decision", ""), ("党委副书记", "investigation", ""),
    ("武装部长", "recommendation", ""), ("组织委员", "shortlist", "r17"), ("宣传委员", "shortlist", "r18"),
    ("纪委书记", "consultation", "stop"),
)


def _county_cadres(county: OrgUnit, today: date) -> list[Cadre]:
    """Township cadres of the county whose archive audit has no error (the roster's demo plants some, and
    R19 would rightly stop their selections at 讨论决定)."""
    rows = Cadre.objects.filter(org_unit__path__gte=county.path, org_unit__path__lt=county.path + "~",
                                org_unit__kind=OrgKind.TOWNSHIP, status="serving").select_related("org_unit")
    first = list(rows.order_by("pk")[:80])
    _count, findings = archive_audit.run(Cadre.objects.filter(pk__in=[c.pk for c in first]), today=today)
    flawed = {f.cadre_id for f in findings if f.severity == archive_audit.ERROR}
    return [c for c in first if c.pk not in flawed][:40]


def _first_workday(day: date) -> date:
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def _walk(common: dict[str, Any], selection: Selection, until: str, people: list[Cadre], today: date) -> None:
    start = _first_workday(today - timedelta(days=30))
    for step in STEPS:
        if step == until:
            return
        if step == "recommendation":
            for i, person in enumerate(people):
                svc.recommendation_vote_set(**common, cadre=person, votes=36 - 5 * i)
                svc.recommendation_vote_set(**common, cadre=person, votes=20 - 3 * i, kind="talk")
            svc.signed_recommendation_add(**common, recommender="县委常委、组织部长", cadre=people[0],
                                          reason="政治坚定，熟悉乡镇工作，群众公认")
            svc.recommendation_close(**common, eligible=48, issued=46, returned=45, valid=44,
                                     signed_recommendations="会议推荐与谈话推荐结果一致",
                                     talk=svc.Ballots(eligible=24, issued=24, returned=24, valid=23))
        elif step == "shortlist":
            for person in people:
                svc.candidate_add(**common, cadre=person, on=today)
            svc.shortlist_confirm(**common)
        elif step == "investigation":
            svc.investigation_record(**common, team="县委组织部考察组（组长及两名组员）", talks_held=32, findings={
                p.pk: svc.InvestigationFinding(
                    "优秀 26 票、称职 6 票", "政治坚定，熟悉乡镇工作，群众基础好",
                    [svc.Shortcoming("抓落实的韧劲不够", "人居环境整治项目曾两次延期")]) for p in people})
        elif step == "consultation":
            svc.consultation_record(**common, replied_on=start - timedelta(days=10),
                                    replies={p.pk: "未发现违反廉洁纪律问题" for p in people})
        elif step == "decision":
            _candidate_checks(common, start - timedelta(days=6))
            svc.decision_record(**common, kind="standing", held_on=start - timedelta(days=5), expected=11, present=10,
                                statements=[svc.Statement(n) for n in ("常委甲", "常委乙", "常委丙")]
                                + [svc.Statement("县委书记", is_secretary=True)],
                                tallies={p.pk: svc.Tally(10 - i, i, 0) for i, p in enumerate(people)})
        elif step == "publicity":
            svc.publicity_record(**common, start=start, end=add_workdays(start, 4), channel="县委组织部网站、公示栏")
            # a report received during the period, checked and found untrue (任职 then proceeds: R13)
            report = publicity.publicity_report_record(
                actor=common["actor"], jurisdiction=common["jurisdiction"], selection_id=selection.pk,
                received_on=start + timedelta(days=1), channel="letter", content="反映其亲属在辖区承揽工程",
                cadre=people[0])
            for to, extra in (("checking", {}), ("unfounded", {"conclusion": "经核查，其亲属未在辖区承揽工程，反映不实"})):
                publicity.publicity_report_transition(actor=common["actor"], jurisdiction=common["jurisdiction"],
                                                      report_id=report.pk, to=to, on=start + timedelta(days=2),
                                                      **extra)
        elif step == "appointment":
            record = selection.records.get(stage=Stage.PUBLICITY)
            end = date.fromisoformat(record.data["end"])
            svc.appointment_record(**common, on=end + timedelta(days=1), title=selection.posts,
                                   document_number=f"县组任〔{end.year}〕{selection.pk}号")


# 报备: these plans go to the city first — one agreed, one ordered to adjust (it waits at 民主推荐)
REPORTED = {"镇长": "approved", "武装部长": "adjust"}


def _report_plan(common: dict[str, Any], decision: str, today: date) -> None:
    day = _first_workday(today - timedelta(days=60))
    row = review.plan_submit(**common, on=day)
    review.plan_review(actor=None, jurisdiction=SYSTEM, review_id=row.pk, decision=decision, on=day,
                       reason="" if decision == "approved" else "人选范围过窄，应扩大到全县乡镇副科级干部")


def _decision_day(today: date) -> date:
    return _first_workday(today - timedelta(days=30)) - timedelta(days=5)


def _candidate_checks(common: dict[str, Any], on: date) -> None:
    """R19: the candidates' reports are checked (一致) before the discussion."""
    for check in reports.candidate_checks_request(**common, on=on):
        if not check.is_concluded:
            reports.report_check_record(actor=common["actor"], jurisdiction=SYSTEM, check_id=check.pk,
                                        outcome="consistent", checked_on=on)


def _reports(ctx: DemoContext, county: OrgUnit, actor: User | None, cadres: list[Cadre]) -> None:
    """A year of personal-matters reports for the county's cadres and a seeded draw of a fifth of them:
    most consistent, every fourth drawn 漏报 with an organisational reminder."""
    day = _decision_day(ctx.today)
    submitted = min(date(day.year, 1, 20), day - timedelta(days=1))
    for cadre in cadres:
        reports.personal_report_submit(actor=actor, jurisdiction=SYSTEM, cadre=cadre, year=day.year,
                                       submitted_on=submitted, declared={
                                           "marriage": "已婚，无变化", "real_estate": "本人与配偶共有住房一套",
                                           "passports": "持普通护照一本，由组织部门集中保管"})
    draw = reports.check_draw(actor=actor, jurisdiction=SYSTEM, org_unit=county, year=day.year,
                              share=Decimal("0.2"), seed=ctx.seed)
    for n, check in enumerate(ReportCheck.objects.filter(draw=draw).order_by("pk")):
        omitted = n % 4 == 3
        reports.report_check_record(
            actor=actor, jurisdiction=SYSTEM, check_id=check.pk, outcome="omitted" if omitted else "consistent",
            checked_on=day, handling="reminder" if omitted else "",
            discrepancy="漏报配偶名下车位一处" if omitted else "")


def _sign(common: dict[str, Any], actor: User | None) -> None:
    if actor is None:
        return
    for stage, capacity in ((Stage.MOTION, "动议经办人"), (Stage.INVESTIGATION, "考察组组长"), (Stage.DECISION, "记录人")):
        svc.stage_sign(**common, stage=stage, capacity=capacity)


def _problems(actor: User | None, cadres: list[Cadre], today: date) -> None:
    spec = (("inspection", ""), ("discipline", "verifying"), ("petition", "confirmed"), ("online", "unfounded"),
            ("audit", "clarified"))
    for cadre, (source, status) in zip(cadres, spec, strict=False):
        entry = problems.problem_record(actor=actor, jurisdiction=SYSTEM, cadre=cadre, source=source,
                                        received_on=today - timedelta(days=40), summary="反映其在项目验收中把关不严",
                                        document_number=f"{cadre.org_unit.name}〔{today.year}〕转办")
        if status:
            problems.problem_transition(actor=actor, jurisdiction=SYSTEM, entry_id=entry.pk, to="verifying")
        if status not in ("", "verifying"):
            problems.problem_transition(
                actor=actor, jurisdiction=SYSTEM, entry_id=entry.pk, to=status,
                handling="reminder" if status == "confirmed" else "", conclusion="经核实，已按规定处理")


def _county(ctx: DemoContext, county: OrgUnit, actor: User | None) -> int:
    cadres = _county_cadres(county, ctx.today)
    if len(cadres) < 2 * len(PLANS) + 6:
        return 0
    shielded, pool = cadres[:5], cadres[5:]
    _problems(actor, shielded, ctx.today)
    _reports(ctx, county, actor, cadres)
    for n, (post, until, twist) in enumerate(PLANS):
        people = pool[2 * n:2 * n + 2]
        township = people[0].org_unit
        selection = svc.selection_open(
            actor=actor, jurisdiction=SYSTEM, org_unit=township, title=f"{township.name}{post}人选", rank_level="正科级",
            posts=f"{township.name}{post}", proposed_by="县委组织部", reason=f"{township.name}{post}职位空缺",
            plan="采取会议推荐和谈话推荐相结合的方式产生人选", requires_report=post in REPORTED)
        common = {"actor": actor, "jurisdiction": SYSTEM, "selection_id": selection.pk}
        if post in REPORTED:
            _report_plan(common, REPORTED[post], ctx.today)
        _walk(common, selection, until, people if twist != "r18" else people[:1] + [shielded[0]], ctx.today)
        if twist:
            _twist(common, twist, shielded[0] if twist == "r18" else pool[-1], ctx.today)
        if until == "appointed":
            _sign(common, actor)
    return len(PLANS)


def _twist(common: dict[str, Any], twist: str, target: Cadre, today: date) -> None:
    """Stop the selection, or try a candidate a gate refuses: R18 (an unverified problem), R17 (no votes)."""
    if twist == "stop":
        svc.selection_stop(**common, reason="拟任人选因工作需要另行安排，本次选拔终止")
        return
    try:
        svc.candidate_add(**common, cadre=target, on=today)
    except GateRefused:
        pass  # the refusal is kept on the selection: that is what the demo shows


def _inspections(ctx: DemoContext, counties: list[OrgUnit]) -> None:
    """R22: the first county inspected last year (with a finding and its accountability), the second three
    years ago — overdue on the rotation."""
    situation = AccountabilitySituation.objects.filter(active=True, head="party_committee").order_by("order").first()
    for county, years_ago in zip(counties, (1, 3), strict=False):
        on = _first_workday(ctx.today.replace(year=ctx.today.year - years_ago, day=1))
        inspections.inspection_record(
            actor=None, jurisdiction=SYSTEM, inspected_unit=county, started_on=on, team="市委组织部专项检查组",
            findings="个别乡镇干部调整前未按规定报备" if years_ago == 1 else "未发现违规选人用人问题",
            situation_ids=[situation.pk] if situation and years_ago == 1 else [],
            handling="对县委主要负责同志进行提醒谈话" if years_ago == 1 else "")


@demo_contributor("selection", order=80)
def load_selections(ctx: DemoContext) -> None:
    counties: list[OrgUnit] = ctx.data.get("counties", [])[:COUNTIES]
    if not Cadre.objects.exists():
        ctx.say("选拔任用：库中没有干部，未生成演示数据。")
        return
    made = 0
    for county, username in zip(counties, ("alice", "carol"), strict=False):
        with transaction.atomic():
            made += _county(ctx, county, User.objects.filter(username=username).first())
    _inspections(ctx, counties)
    ctx.say(f"选拔任用：{made} 项选拔任用工作，问题信息 {ProblemEntry.objects.count()} 条，"
            f"个人有关事项报告核查 {ReportCheck.objects.exclude(outcome='pending').count()} 人次")
