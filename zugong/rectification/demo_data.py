"""Demo rectification in both demo counties, written through the services as the system: last year's
述职评议 of a township secretary (report, grade, written feedback) and the problem list it created, with problems in every state (one rejected closure, one reopened,
one whose last quarter passed without a check), and the 23-item 巡视 list imported from Excel; and the
project register (R33): a key task claimed by a second township with every month reported but the last one,
a claim waiting for approval, a project with milestones (one reached, one overdue), a draft, and the
responsible leader's half-year duty report."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook
from PIL import Image

from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.models import OrgUnit
from zugong.core.permissions import SYSTEM
from zugong.rectification.cadence import check_period_kind, period_of
from zugong.rectification.models import (
    Grade,
    MilestoneKind,
    Problem,
    ProjectKind,
    Severity,
    Source,
    Verdict,
)
from zugong.rectification.services import problems as svc
from zugong.rectification.services import projects as projects_svc
from zugong.rectification.services.checks import check_record
from zugong.rectification.services.duty import duty_feedback_issue, duty_report_evaluate, duty_report_record
from zugong.rectification.services.duty_plans import duty_plan_create, duty_plan_entry_add
from zugong.rectification.services.imports import HEADERS, problem_list_import
from zugong.rectification.services.withdrawal import problem_withdraw

DUTY_PROBLEMS = [
    ("“三会一课”记录不规范，部分支部党课流于形式", Severity.GENERAL),
    ("软弱涣散村党组织整顿进度滞后", Severity.GRAVE),
    ("发展党员程序不规范，个别材料缺签字", Severity.SERIOUS),
    ("村级活动场所使用率不高", Severity.GENERAL),
    ("党费收缴台账不完整", Severity.GENERAL),
    ("主题党日活动内容单一", Severity.GENERAL),
]
INSPECTION_TOPICS = ["落实全面从严治党主体责任", "基层党组织建设", "选人用人", "干部队伍建设", "作风建设",
                     "意识形态工作", "巡察整改"]


def _png(label: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(f"{label}.png", buffer.getvalue())


def _inspection_workbook(townships: list[OrgUnit]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for n in range(1, 24):
        unit = townships[n % len(townships)].name if townships else ""
        severity = "严重" if n % 7 == 0 else ("较重" if n % 3 == 0 else "一般")
        sheet.append([n, f"巡视反馈问题{n}：{INSPECTION_TOPICS[n % len(INSPECTION_TOPICS)]}方面存在薄弱环节", severity,
                      unit, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plan(problem: Problem, today: date) -> None:
    svc.plan_submit(actor=None, jurisdiction=SYSTEM, problem_id=problem.pk, measures="制定整改台账，逐项明确责任人和时限",
                    deadline=today + timedelta(days=120),
                    milestones=[{"title": "完成自查", "due": today.isoformat()}])


def _accept(problem: Problem, today: date) -> None:
    _plan(problem, today)
    svc.plan_review(actor=None, jurisdiction=SYSTEM, problem_id=problem.pk, accept=True)


def _close_request(problem: Problem, label: str) -> None:
    svc.closure_request(actor=None, jurisdiction=SYSTEM, problem_id=problem.pk, summary="已按方案整改到位",
                        files=[_png(label)])


def _duty_plan(county: OrgUnit, townships: list[OrgUnit], year: int, held_on: date) -> None:
    """Last year's plan: the first township has reported (its report below), the others have not yet."""
    plan = duty_plan_create(actor=None, jurisdiction=SYSTEM, reviewing_unit=county, year=year,
                            meeting=f"{county.name}党组织书记抓基层党建述职评议会议", held_on=held_on)
    for township in townships[:3]:
        duty_plan_entry_add(actor=None, jurisdiction=SYSTEM, plan_id=plan.pk, org_unit=township,
                            secretary=f"{township.name}党委书记")


def _duty_review(county: OrgUnit, townships: list[OrgUnit], today: date) -> list[Problem]:
    issued = date(today.year - 1, 12, 20)
    township = townships[0]
    _duty_plan(county, townships, issued.year, issued - timedelta(days=2))
    report = duty_report_record(
        actor=None, jurisdiction=SYSTEM, org_unit=township, reviewing_unit=county, year=issued.year,
        secretary=f"{township.name}党委书记", reported_on=issued - timedelta(days=2),
        summary="落实党建工作责任制，抓村级组织建设，推进软弱涣散村整顿。")
    duty_report_evaluate(actor=None, jurisdiction=SYSTEM, report_id=report.pk, grade=Grade.FAIRLY_GOOD,
                         score=Decimal("85.5"))
    report = duty_feedback_issue(actor=None, jurisdiction=SYSTEM, report_id=report.pk, issued_on=issued,
                                 feedback="总体较好，以下问题请逐项整改销号。", problems=DUTY_PROBLEMS)
    assert report.feedback_list is not None
    problems = list(report.feedback_list.problems.order_by("number"))
    open_, submitted, rejected, requested, closed, reopened = problems
    _plan(submitted, today)
    for p in (rejected, requested, closed, reopened):
        _accept(p, today)
    _close_request(rejected, "整改照片")
    svc.closure_review(actor=None, jurisdiction=SYSTEM, problem_id=rejected.pk, approve=False,
                       reason="佐证材料只有照片，缺少整顿验收记录")
    for p in (requested, closed, reopened):
        _close_request(p, "验收记录")
    for p in (closed, reopened):
        svc.closure_review(actor=None, jurisdiction=SYSTEM, problem_id=p.pk, approve=True)
    svc.problem_reopen(actor=None, jurisdiction=SYSTEM, problem_id=reopened.pk, reason="回头看发现问题反弹")
    # last period's checks for every open problem but one (the one whose closure was rejected stays overdue)
    previous = period_of(check_period_kind(county, today), today).previous()
    for p in (open_, submitted, requested, reopened):
        check_record(actor=None, jurisdiction=SYSTEM, problem_id=p.pk, verdict=Verdict.MOSTLY,
                     checked_on=max(previous.start, p.raised_on) + timedelta(days=10), note="正在按方案推进")
    return problems


@demo_contributor("rectification.problems", order=70)
def load_rectification(ctx: DemoContext) -> None:
    today = ctx.today
    total = 0
    with transaction.atomic():
        for county in ctx.data["counties"][:2]:
            townships = [t for t in ctx.data["townships"] if t.parent_id == county.pk]
            if not townships:
                continue
            total += len(_duty_review(county, townships, today))
            result = problem_list_import(
                actor=None, jurisdiction=SYSTEM, title=f"{today.year - 1}年县委巡察反馈问题清单（{county.name}）",
                source=Source.INSPECTION, issuing_unit=county, owner_unit=county, owner_person="",
                issued_on=date(today.year - 1, 12, 1), data=_inspection_workbook(townships))
            total += result.added
            previous = period_of(check_period_kind(county, today), today).previous()
            for problem in result.problem_list.problems.all():
                check_record(actor=None, jurisdiction=SYSTEM, problem_id=problem.pk, verdict=Verdict.NOT_IN_PLACE,
                             checked_on=max(previous.start, problem.raised_on) + timedelta(days=5), note="尚未制定整改方案")
            # the list's last item repeats another one: withdrawn alone (已撤回), the list goes on
            last = result.problem_list.problems.order_by("-number").first()
            if last is not None:
                problem_withdraw(actor=None, jurisdiction=SYSTEM, problem_id=last.pk,
                                 reason="与本清单第 1 项重复，合并整改")
    ctx.say(f"rectification: {total} 个问题（述职评议、巡察反馈清单）")


def _projects(county: OrgUnit, townships: list[OrgUnit], today: date) -> int:
    lead, *others = townships
    starts = today - timedelta(days=150)
    task = projects_svc.project_register(
        actor=None, jurisdiction=SYSTEM, title=f"{county.name}软弱涣散村党组织整顿提升", issuing_unit=county,
        lead_unit=lead, leader="王副书记", responsible_person=f"{lead.name}党委书记", measures="一村一策，县级领导包联，季度验收",
        starts_on=starts, deadline=today + timedelta(days=200), kind=ProjectKind.KEY_TASK,
        milestones=[("完成摸底排查", starts + timedelta(days=30)), ("完成集中整顿", today + timedelta(days=90))])
    projects_svc.project_publish(actor=None, jurisdiction=SYSTEM, project_id=task.pk, published_on=starts)
    if others:
        claim = projects_svc.project_claim(actor=None, jurisdiction=SYSTEM, project_id=task.pk, org_unit=others[0],
                                           note="承担辖区内两个村的整顿")
        projects_svc.claim_review(actor=None, jurisdiction=SYSTEM, claim_id=claim.pk, approve=True)
    if len(others) > 1:
        projects_svc.project_claim(actor=None, jurisdiction=SYSTEM, project_id=task.pk, org_unit=others[1],
                                   note="申请参与")
    reports = list(task.milestones.filter(kind=MilestoneKind.REPORT, due__lt=today).order_by("due"))
    for slot in reports[:-1]:  # every month reported on time but the last one that fell due (overdue)
        projects_svc.project_report(actor=None, jurisdiction=SYSTEM, project_id=task.pk, org_unit=lead,
                                    text="按计划推进整顿，完成当月验收", percent=min(90, 20 * (reports.index(slot) + 1)),
                                    reported_on=max(slot.starts_on, slot.due - timedelta(days=3)))
    reached = task.milestones.get(title="完成摸底排查")
    projects_svc.milestone_done(actor=None, jurisdiction=SYSTEM, milestone_id=reached.pk,
                                done_on=reached.due - timedelta(days=2))
    project = projects_svc.project_register(
        actor=None, jurisdiction=SYSTEM, title=f"{lead.name}党群服务中心标准化建设", issuing_unit=county, lead_unit=lead,
        leader="李副县长", responsible_person=f"{lead.name}镇长", measures="统一标识、完善制度、配齐设施",
        starts_on=starts, deadline=today + timedelta(days=60), kind=ProjectKind.PROJECT,
        milestones=[("完成设计", today - timedelta(days=20)), ("完成施工", today + timedelta(days=2))])
    projects_svc.project_publish(actor=None, jurisdiction=SYSTEM, project_id=project.pk, published_on=starts)
    projects_svc.project_register(
        actor=None, jurisdiction=SYSTEM, title=f"{county.name}村级后备干部培养工程", issuing_unit=county, lead_unit=county,
        leader="王副书记", responsible_person="组织部干部科科长", measures="每村储备2名后备干部", starts_on=today,
        deadline=today + timedelta(days=365))
    # the last half-year that has ended, reported early in the next one
    year, half = (today.year, 1) if today.month >= 7 else (today.year - 1, 2)
    reported = min(today, date(year, 7, 5) if half == 1 else date(year + 1, 1, 5))
    projects_svc.leader_report_record(
        actor=None, jurisdiction=SYSTEM, org_unit=county, leader="王副书记", year=year, half=half,
        text="牵头推进软弱涣散村党组织整顿，完成摸底排查，按月调度。", reported_on=reported, projects=[task])
    return 3


@demo_contributor("rectification.projects", order=71)
def load_projects(ctx: DemoContext) -> None:
    total = 0
    with transaction.atomic():
        for county in ctx.data["counties"][:2]:
            townships = [t for t in ctx.data["townships"] if t.parent_id == county.pk]
            if townships:
                total += _projects(county, townships, ctx.today)
    ctx.say(f"rectification: {total} 个项目（认项、月度报告、半年述职）")
