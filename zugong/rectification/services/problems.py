"""Problem lists and the life of a problem: issued → plan submitted → accepted (rectifying) → closure
requested with evidence → closed (or returned / rejected with a reason), reopened with a reason.

The owner unit (`plan_submit`, `progress_report`, `closure_request`) and the issuing level
(`plan_review`, `closure_review`, `problem_reopen`) act through their own permission actions; nobody
decides on what they submitted themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zugong.core.attachments import CheckedFile, attachment_check, attachments_store
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Attachment, OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rectification import locks
from zugong.rectification.models import (
    PROBLEM_ALLOWED,
    Closure,
    ClosureStatus,
    PlanDueDate,
    PlanStatus,
    Problem,
    ProblemList,
    ProblemStatus,
    ProgressUpdate,
    RectificationPlan,
    Reopening,
    Severity,
    Source,
)
from zugong.rectification.services.withdrawal import refuse_if_problem_withdrawn, refuse_if_withdrawn

EVIDENCE_KINDS = frozenset({"pdf", "jpeg", "png"})
MAX_FILES = 10

# Why a step is refused in each state: the 409 message names what is missing.
_REFUSALS: dict[tuple[str, str], str] = {
    (ProblemStatus.OPEN, ProblemStatus.CLOSURE_REQUESTED): "整改方案尚未提交和通过审核，不能申请销号",
    (ProblemStatus.PLAN_SUBMITTED, ProblemStatus.CLOSURE_REQUESTED): "整改方案尚未通过审核，不能申请销号",
    (ProblemStatus.CLOSURE_REQUESTED, ProblemStatus.CLOSURE_REQUESTED): "已提交销号申请，正在等待审核",
    (ProblemStatus.CLOSED, ProblemStatus.CLOSURE_REQUESTED): "该问题已销号",
    (ProblemStatus.PLAN_SUBMITTED, ProblemStatus.PLAN_SUBMITTED): "整改方案已提交，正在等待审核",
    (ProblemStatus.RECTIFYING, ProblemStatus.PLAN_SUBMITTED): "整改方案已通过审核，不能重复提交",
}
_WRONG_SOURCE: dict[str, str] = {
    ProblemStatus.PLAN_SUBMITTED: "没有待审核的整改方案",
    ProblemStatus.CLOSURE_REQUESTED: "没有待审核的销号申请",
    ProblemStatus.CLOSED: "只有已销号的问题才能重新打开",
}


def _move(problem: Problem, to: str, *, only_from: str | None = None) -> None:
    """Move along the table; `only_from` narrows a step to the one state it decides on (a review decides
    on a submission, a reopening on a closed problem)."""
    wrong_source = only_from is not None and problem.status != only_from
    if wrong_source and only_from is not None:
        raise IllegalTransition(f"{_WRONG_SOURCE[only_from]}（问题当前状态为“{ProblemStatus(problem.status).label}”）")
    if to not in PROBLEM_ALLOWED.get(problem.status, frozenset()):
        message = _REFUSALS.get((problem.status, to)) or (
            f"问题当前状态为“{ProblemStatus(problem.status).label}”，不能转为“{ProblemStatus(to).label}”")
        raise IllegalTransition(message)
    problem.status = to


def _audit(actor: Actor, action: str, problem: Problem, **summary: Any) -> None:
    audit_record(actor=actor, action=f"rectification.{action}", obj=problem, org_unit=problem.org_unit,
                 summary={"status": problem.status, **summary})


def _not_self(actor: Actor, submitted_by_id: int | None, what: str) -> None:
    if actor is not None and submitted_by_id is not None and actor.pk == submitted_by_id:
        raise Conflict(f"不能审核本人提交的{what}")


def _check_text(value: str, field: str, label: str, max_length: int | None = None) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if max_length is not None and len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 字", field=field)
    return text


@transaction.atomic
def problem_list_create(
    *, actor: Actor, jurisdiction: Jurisdiction, title: str, source: str, issuing_unit: OrgUnit,
    owner_unit: OrgUnit, issued_on: date, owner_person: str = "",
) -> ProblemList:
    """Issue a list in writing to a unit at or under the issuing level."""
    require(jurisdiction, "rectification.list_issue", issuing_unit)
    if source not in Source.values:
        raise ValidationFailed("请选择问题来源", field="source")
    if not owner_unit.path.startswith(issuing_unit.path):
        raise ValidationFailed(f"{owner_unit.name}不在{issuing_unit.name}的下级范围内，不能向其下发问题清单",
                               field="owner_unit")
    if issued_on > timezone.localdate():
        raise ValidationFailed("下发日期不能晚于今天", field="issued_on")
    problem_list = ProblemList.objects.create(
        title=_check_text(title, "title", "清单名称", 200), source=source, issuing_unit=issuing_unit,
        owner_unit=owner_unit, owner_person=owner_person.strip()[:100], issued_on=issued_on,
        created_by_id=getattr(actor, "pk", None))
    audit_record(actor=actor, action="rectification.problem_list_create", obj=problem_list, org_unit=owner_unit,
                 summary={"title": problem_list.title, "source": source, "issuing_unit": issuing_unit.pk})
    return problem_list


@transaction.atomic
def problem_add(
    *, actor: Actor, jurisdiction: Jurisdiction, list_id: int, description: str, severity: str = Severity.GENERAL,
    responsible_person: str = "", org_unit: OrgUnit | None = None, origin: str = "", raised_on: date | None = None,
    due_on: date | None = None,
) -> Problem:
    """Add a problem to a list; its unit is the list's owner unit or one under it; `due_on` its own deadline."""
    problem_list = locks.lock_problem_list(list_id)
    require(jurisdiction, "rectification.list_issue", problem_list.issuing_unit)
    refuse_if_withdrawn(problem_list)
    unit = org_unit or problem_list.owner_unit
    if not unit.path.startswith(problem_list.owner_unit.path):
        raise ValidationFailed(f"{unit.name}不在清单责任单位{problem_list.owner_unit.name}的范围内", field="org_unit")
    if severity not in Severity.values:
        raise ValidationFailed("请选择严重程度", field="severity")
    day = raised_on or problem_list.issued_on
    check_due_on(due_on, day)
    number = (problem_list.problems.aggregate(n=Max("number"))["n"] or 0) + 1
    problem = Problem.objects.create(
        problem_list=problem_list, number=number, org_unit=unit, severity=severity,
        description=_check_text(description, "description", "问题描述", 5000),
        responsible_person=responsible_person.strip()[:100] or problem_list.owner_person, origin=origin[:100],
        raised_on=day, due_on=due_on)
    _audit(actor, "problem_add", problem, list=problem_list.pk, number=number,
           due_on=due_on.isoformat() if due_on else None)
    return problem


@transaction.atomic
def problem_raise(
    *, actor: Actor, jurisdiction: Jurisdiction, source: str, issuing_unit: OrgUnit, owner_unit: OrgUnit,
    description: str, severity: str = Severity.GENERAL, responsible_person: str = "", origin: str = "",
    raised_on: date | None = None, due_on: date | None = None,
) -> Problem:
    """The one way other modules send a problem here (survey follow-ups, selection checks, 巡视 feedback):
    it joins the year's list of that source from the issuing level to the owner unit, created when missing;
    `due_on` is the problem's own deadline (e.g. the follow-up task's)."""
    day = raised_on or timezone.localdate()
    require(jurisdiction, "rectification.list_issue", issuing_unit)
    title = f"{day.year}年{Source(source).label if source in Source.values else ''}问题清单"
    problem_list = (ProblemList.objects.filter(source=source, issuing_unit=issuing_unit, owner_unit=owner_unit,
                                               issued_on__year=day.year, withdrawn_on__isnull=True)
                    .order_by("pk").first())
    if problem_list is None:
        problem_list = problem_list_create(actor=actor, jurisdiction=jurisdiction, title=title, source=source,
                                           issuing_unit=issuing_unit, owner_unit=owner_unit, issued_on=day)
    return problem_add(actor=actor, jurisdiction=jurisdiction, list_id=problem_list.pk, description=description,
                       severity=severity, responsible_person=responsible_person, origin=origin, raised_on=day,
                       due_on=due_on)


def check_due_on(due_on: date | None, raised_on: date) -> None:
    if due_on is not None and due_on < raised_on:
        raise ValidationFailed("问题时限不能早于提出日期", field="due_on")


def _check_milestones(milestones: Sequence[dict[str, Any]], start: date, deadline: date) -> list[dict[str, str]]:
    clean: list[dict[str, str]] = []
    for index, item in enumerate(milestones, start=1):
        title = str(item.get("title", "")).strip()
        try:
            due = item["due"] if isinstance(item.get("due"), date) else date.fromisoformat(str(item.get("due")))
        except ValueError as exc:
            raise ValidationFailed(f"第 {index} 个节点的日期不正确，应为 YYYY-MM-DD", field="milestones") from exc
        if not title:
            raise ValidationFailed(f"第 {index} 个节点没有名称", field="milestones")
        if not start <= due <= deadline:
            raise ValidationFailed(f"第 {index} 个节点“{title}”的日期应在提出日期和整改时限之间", field="milestones")
        clean.append({"title": title[:200], "due": due.isoformat()})
    return clean


@transaction.atomic
def plan_submit(
    *, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, measures: str, deadline: date,
    milestones: Sequence[dict[str, Any]] = (),
) -> RectificationPlan:
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.plan_submit", problem.org_unit)
    _move(problem, ProblemStatus.PLAN_SUBMITTED)
    if deadline < max(problem.raised_on, timezone.localdate()):
        raise ValidationFailed("整改时限不能早于今天", field="deadline")
    plan = RectificationPlan.objects.create(
        problem=problem, measures=_check_text(measures, "measures", "整改措施", 10000), deadline=deadline,
        milestones=_check_milestones(milestones, problem.raised_on, deadline), submitted_by_id=getattr(actor, "pk", None))
    problem.save(update_fields=["status"])
    _audit(actor, "plan_submit", problem, plan=plan.pk, deadline=deadline.isoformat())
    return plan


@transaction.atomic
def plan_review(
    *, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, accept: bool, reason: str = "",
) -> RectificationPlan:
    """Accept the submitted plan (the problem is being rectified) or return it with a reason."""
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.plan_review", problem.problem_list.issuing_unit)
    _move(problem, ProblemStatus.RECTIFYING if accept else ProblemStatus.OPEN, only_from=ProblemStatus.PLAN_SUBMITTED)
    plan = problem.plans.select_for_update(of=("self",)).filter(status=PlanStatus.SUBMITTED).order_by("-pk").first()
    if plan is None:
        raise Conflict("没有待审核的整改方案")
    _not_self(actor, plan.submitted_by_id, "整改方案")
    if not accept:
        plan.reason = _check_text(reason, "reason", "退回理由", 500)
    plan.status = PlanStatus.ACCEPTED if accept else PlanStatus.RETURNED
    plan.decided_by_id = getattr(actor, "pk", None)
    plan.decided_at = timezone.now()
    plan.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    problem.save(update_fields=["status"])
    if accept:
        _plan_dates_write(plan, timezone.localdate(plan.decided_at))
    _audit(actor, "plan_review", problem, plan=plan.pk, accepted=accept, reason=plan.reason)
    return plan


def _plan_dates_write(plan: RectificationPlan, accepted_on: date) -> None:
    """The accepted plan's milestones and deadline as rows the rule engine evaluates (R24 part `plan`)."""
    rows = [(str(m.get("title", "")), _milestone_due(m)) for m in plan.milestones or []]
    rows.append(("整改时限", plan.deadline))
    PlanDueDate.objects.bulk_create([
        PlanDueDate(plan=plan, problem_id=plan.problem_id, title=title[:200], starts_on=min(accepted_on, due), due=due)
        for title, due in rows if due is not None
    ])


def _milestone_due(milestone: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(milestone["due"]))
    except (KeyError, ValueError):
        return None  # a milestone without a readable date is kept with the plan as written, not evaluated


def _check_files(files: Sequence[UploadedFile[bytes]], *, evidence: bool) -> list[CheckedFile]:
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"一次最多上传 {MAX_FILES} 个附件", field="attachments")
    checked = [attachment_check(upload) for upload in files]
    for item in checked:
        if evidence and item.kind not in EVIDENCE_KINDS:
            raise ValidationFailed(f"{item.name}：销号佐证材料只接受 PDF 或 JPEG/PNG 图片", field="attachments")
    return checked


@transaction.atomic
def progress_report(
    *, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, text: str, reported_on: date | None = None,
    files: Sequence[UploadedFile[bytes]] = (),
) -> ProgressUpdate:
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.progress_report", problem.org_unit)
    if problem.status != ProblemStatus.RECTIFYING:
        raise IllegalTransition(f"问题当前状态为“{ProblemStatus(problem.status).label}”：整改方案通过后、销号前才能报告进展")
    day = reported_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed("报告日期不能晚于今天", field="reported_on")
    checked = _check_files(files, evidence=False)
    update = ProgressUpdate.objects.create(problem=problem, reported_on=day, created_by_id=getattr(actor, "pk", None),
                                           text=_check_text(text, "text", "整改进展", 10000))
    _audit(actor, "progress_report", problem, update=update.pk, files=len(checked))
    attachments_store(actor=actor, owner=update, org_unit=problem.org_unit, files=checked)
    return update


@transaction.atomic
def evidence_upload(
    *, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, files: Sequence[UploadedFile[bytes]],
) -> list[Attachment]:
    """Keep evidence files (images or PDF, checked by content) on the problem, for a closure request."""
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.closure_request", problem.org_unit)
    if problem.status == ProblemStatus.CLOSED:
        raise IllegalTransition("该问题已销号，不能再上传佐证材料")
    checked = _check_files(files, evidence=True)
    if not checked:
        raise ValidationFailed("请选择佐证材料", field="attachments")
    _audit(actor, "evidence_upload", problem, files=[f.name for f in checked])
    return attachments_store(actor=actor, owner=problem, org_unit=problem.org_unit, files=checked)


def _evidence(problem: Problem, evidence_ids: Sequence[int]) -> list[Attachment]:
    ids = sorted(set(evidence_ids))
    rows = list(Attachment.objects.filter(owner_type=problem._meta.label_lower, owner_id=str(problem.pk), pk__in=ids,
                                          kind__in=EVIDENCE_KINDS))
    missing = sorted(set(ids) - {a.pk for a in rows})
    if missing:
        raise ValidationFailed(f"佐证材料 {'、'.join(map(str, missing))} 不是该问题的图片或 PDF 材料", field="evidence_ids")
    return rows


@transaction.atomic
def closure_request(
    *, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, summary: str, evidence_ids: Sequence[int] = (),
    files: Sequence[UploadedFile[bytes]] = (),
) -> Closure:
    """Ask the issuing level to close (销号) the problem; needs an accepted plan and at least one evidence
    file (already uploaded `evidence_ids`, or `files` uploaded with the request)."""
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.closure_request", problem.org_unit)
    _move(problem, ProblemStatus.CLOSURE_REQUESTED)
    checked = _check_files(files, evidence=True)
    evidence = _evidence(problem, evidence_ids)
    if not evidence and not checked:
        raise Conflict("申请销号须附佐证材料（图片或 PDF）", code="evidence_missing")
    closure = Closure.objects.create(problem=problem, summary=_check_text(summary, "summary", "整改情况", 10000),
                                     requested_by_id=getattr(actor, "pk", None))
    problem.save(update_fields=["status"])
    _audit(actor, "closure_request", problem, closure=closure.pk, evidence=[a.pk for a in evidence],
           files=[f.name for f in checked])
    stored = attachments_store(actor=actor, owner=problem, org_unit=problem.org_unit, files=checked)
    closure.evidence.add(*evidence, *stored)
    return closure


@transaction.atomic
def closure_review(
    *, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, approve: bool, reason: str = "",
) -> Closure:
    """Approve the closure (the problem is 销号) or reject it with a reason (back to rectifying)."""
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.closure_review", problem.problem_list.issuing_unit)
    _move(problem, ProblemStatus.CLOSED if approve else ProblemStatus.RECTIFYING,
          only_from=ProblemStatus.CLOSURE_REQUESTED)
    closure = locks.lock_pending_closure(problem.pk)
    if closure is None:
        raise Conflict("没有待审核的销号申请")
    _not_self(actor, closure.requested_by_id, "销号申请")
    if not approve:
        closure.reason = _check_text(reason, "reason", "驳回理由", 500)
    closure.status = ClosureStatus.APPROVED if approve else ClosureStatus.REJECTED
    closure.decided_by_id = getattr(actor, "pk", None)
    closure.decided_at = timezone.now()
    closure.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    problem.closed_on = timezone.localdate() if approve else None
    problem.save(update_fields=["status", "closed_on"])
    _audit(actor, "closure_review", problem, closure=closure.pk, approved=approve, reason=closure.reason)
    return closure


@transaction.atomic
def problem_reopen(*, actor: Actor, jurisdiction: Jurisdiction, problem_id: int, reason: str) -> Reopening:
    problem = locks.lock_problem(problem_id)
    refuse_if_problem_withdrawn(problem)
    require(jurisdiction, "rectification.problem_reopen", problem.problem_list.issuing_unit)
    _move(problem, ProblemStatus.RECTIFYING, only_from=ProblemStatus.CLOSED)
    reopening = Reopening.objects.create(problem=problem, reason=_check_text(reason, "reason", "重新打开的理由", 500),
                                         reopened_by_id=getattr(actor, "pk", None))
    problem.closed_on = None
    problem.save(update_fields=["status", "closed_on"])
    _audit(actor, "problem_reopen", problem, reason=reopening.reason)
    return reopening
