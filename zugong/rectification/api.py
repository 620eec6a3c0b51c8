"""JSON API of problem lists and problems, mounted under /api/v1/ by zugong/api.py.

Every step of a problem is a POST on it; a refused step is 409 with the Chinese reason (a plan not
accepted, evidence missing), another jurisdiction's problem 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get
from zugong.rectification import selectors
from zugong.rectification.models import Problem, ProblemList, ProblemStatus, Severity, Source
from zugong.rectification.services import checks as check_services
from zugong.rectification.services import problems as services

router = Router(tags=["rectification"])
VIEW = "rectification.problem_view"


class ListRow(Schema):
    id: int
    title: str
    source: str
    source_label: str
    issuing_unit: str
    owner_unit_id: int
    owner_unit: str
    owner_person: str
    issued_on: date
    problem_count: int
    closed_count: int
    progress_percent: Decimal | None


class ProblemRow(Schema):
    id: int
    list_id: int
    number: int
    source: str
    org_unit_id: int
    org_unit: str
    responsible_person: str
    description: str
    severity: str
    status: str
    status_label: str
    raised_on: date
    closed_on: date | None
    check_state: str
    plan_deadline: date | None = Field(None, description="已通过的整改方案的整改时限")
    plan_overdue: bool = Field(False, description="整改时限已过仍在整改中")
    due_on: date | None = Field(None, description="问题时限（问题本身须完成的日期）")
    due_overdue: bool = Field(False, description="问题时限已过、尚未申请销号")
    withdrawn_on: date | None = Field(None, description="问题单独撤回的日期（状态为已撤回）")
    withdrawn_reason: str = Field("", description="撤回理由")


class PlanOut(Schema):
    id: int
    measures: str
    deadline: date
    milestones: list[dict[str, str]]
    status: str
    reason: str


class EvidenceFileOut(Schema):
    id: int
    name: str
    kind: str
    url: str


class ClosureOut(Schema):
    id: int
    summary: str
    status: str
    reason: str
    evidence: list[EvidenceFileOut]


class CheckOut(Schema):
    id: int
    checked_on: date
    period_start: date
    verdict: str
    note: str


class ProblemOut(ProblemRow):
    plans: list[PlanOut]
    checks: list[CheckOut]
    closures: list[ClosureOut]


def _list_row(row: ProblemList) -> ListRow:
    return ListRow(
        id=row.pk, title=row.title, source=row.source, source_label=str(row.get_source_display()),
        issuing_unit=row.issuing_unit.name, owner_unit_id=row.owner_unit_id, owner_unit=row.owner_unit.name,
        owner_person=row.owner_person, issued_on=row.issued_on, problem_count=row.problem_count,  # type: ignore[attr-defined]
        closed_count=row.closed_count,  # type: ignore[attr-defined]
        progress_percent=selectors.percent(row.weighted_done, row.weight_total))  # type: ignore[attr-defined]


def _row(p: Problem) -> ProblemRow:
    return ProblemRow(
        id=p.pk, list_id=p.problem_list_id, number=p.number, source=p.problem_list.source, org_unit_id=p.org_unit_id,
        org_unit=p.org_unit.name, responsible_person=p.responsible_person, description=p.description,
        severity=p.severity, status=p.status, status_label=str(ProblemStatus(p.status).label), raised_on=p.raised_on,
        closed_on=p.closed_on, check_state=p.check_state,  # type: ignore[attr-defined]
        plan_deadline=getattr(p, "plan_deadline", None), plan_overdue=bool(getattr(p, "plan_overdue", False)),
        due_on=p.due_on, due_overdue=bool(getattr(p, "due_overdue", False)),
        withdrawn_on=p.withdrawn_on, withdrawn_reason=p.withdrawn_reason)


def _file(a: object) -> EvidenceFileOut:
    pk = a.pk  # type: ignore[attr-defined]
    return EvidenceFileOut(id=pk, name=a.name, kind=a.kind, url=reverse("attachment", args=[pk]))  # type: ignore[attr-defined]


def problem_out(request: HttpRequest, problem_id: RowId) -> ProblemOut:
    """A problem as the API shows it (also after a step of another router)."""
    return _detail(request, problem_id)


def _detail(request: HttpRequest, problem_id: RowId) -> ProblemOut:
    p = selectors.problem_get(jurisdiction_of(request, VIEW), problem_id, as_of=timezone.localdate())
    return ProblemOut(
        **_row(p).dict(),
        plans=[PlanOut(id=x.pk, measures=x.measures, deadline=x.deadline, milestones=x.milestones, status=x.status,
                       reason=x.reason) for x in p.plans.all()],
        checks=[CheckOut(id=c.pk, checked_on=c.checked_on, period_start=c.period_start, verdict=c.verdict,
                         note=c.note) for c in p.checks.all()],
        closures=[ClosureOut(id=c.pk, summary=c.summary, status=c.status, reason=c.reason,
                             evidence=[_file(a) for a in c.evidence.all()]) for c in p.closures.all()])


class ProblemFilters(Schema):
    list: int | None = Field(None, ge=1, le=2**31 - 1, description="问题清单")
    source: str = Field("", max_length=20, description="述职评议 duty_review, 巡视反馈 inspection …")
    unit: int | None = Field(None, ge=1, le=2**31 - 1, description="责任单位（含下级）")
    status: str = Field("", max_length=20)
    overdue: bool | None = Field(None, description="上一检查周期未检查")
    plan_overdue: bool | None = Field(None, description="整改时限已过仍在整改中")
    due_overdue: bool | None = Field(None, description="问题时限（due_on）已过、尚未申请销号")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/problem-lists", response=list[ListRow], summary="问题清单（含整改进度）")
def problem_list_index(request: HttpRequest, source: str = "", limit: Limit = 50, offset: Offset = 0) -> list[ListRow]:
    jurisdiction = jurisdiction_of(request, VIEW)
    if source and source not in Source.values:
        raise ValidationFailed(f"不支持的问题来源：{source}", field="source")
    rows = selectors.problem_list_list(jurisdiction, source=source)
    return [_list_row(r) for r in rows[offset:offset + limit]]


@router.get("/problems", response=list[ProblemRow], summary="问题（可按清单、来源、单位、状态、是否逾期检查筛选）")
def problem_index(request: HttpRequest, filters: Query[ProblemFilters]) -> list[ProblemRow]:
    jurisdiction = jurisdiction_of(request, VIEW)
    if filters.source and filters.source not in Source.values:
        raise ValidationFailed(f"不支持的问题来源：{filters.source}", field="source")
    if filters.status and filters.status not in ProblemStatus.values:
        raise ValidationFailed(f"不支持的问题状态：{filters.status}", field="status")
    org_path = org_unit_get(jurisdiction, filters.unit).path if filters.unit is not None else ""
    rows = selectors.problem_list_filtered(
        jurisdiction, as_of=timezone.localdate(), list_id=filters.list, source=filters.source, org_path=org_path,
        status=filters.status, overdue=filters.overdue, plan_overdue=filters.plan_overdue,
        due_overdue=filters.due_overdue)
    return [_row(p) for p in rows[filters.offset:filters.offset + filters.limit]]


@router.get("/problems/{problem_id}", response=ProblemOut, summary="一个问题：方案、检查、销号申请")
def problem_detail(request: HttpRequest, problem_id: RowId) -> ProblemOut:
    return _detail(request, problem_id)


class ProblemIn(Schema):
    list_id: RowId | None = Field(None, description="加入已有清单；不填时按来源、下发单位、责任单位归入当年清单")
    source: str = Field("", max_length=20)
    issuing_unit_id: RowId | None = None
    owner_unit_id: RowId | None = None
    org_unit_id: RowId | None = Field(None, description="责任单位（清单责任单位或其下级）")
    description: str = Field(..., max_length=5000)
    severity: str = Field(Severity.GENERAL, max_length=10)
    responsible_person: str = Field("", max_length=100)
    due_on: date | None = Field(None, description="问题时限，可不填")


@router.post("/problems",
             auth=permitted("rectification.list_issue"),
             response={201: ProblemOut}, summary="提出问题（加入问题清单）")
def problem_create(request: HttpRequest, payload: ProblemIn) -> Status[ProblemOut]:
    jurisdiction = jurisdiction_of(request)
    unit = org_unit_get(jurisdiction, payload.org_unit_id) if payload.org_unit_id else None
    if payload.list_id is not None:
        problem_list = selectors.problem_list_get(jurisdiction, payload.list_id)
        problem = services.problem_add(
            actor=actor_of(request), jurisdiction=jurisdiction, list_id=problem_list.pk,
            description=payload.description, severity=payload.severity,
            responsible_person=payload.responsible_person, org_unit=unit, due_on=payload.due_on)
    else:
        if payload.issuing_unit_id is None or payload.owner_unit_id is None or payload.source not in Source.values:
            raise ValidationFailed("不指定清单时，须填写来源、下发单位和责任单位", field="list_id")
        problem = services.problem_raise(
            actor=actor_of(request), jurisdiction=jurisdiction, source=payload.source,
            issuing_unit=org_unit_get(jurisdiction, payload.issuing_unit_id),
            owner_unit=org_unit_get(jurisdiction, payload.owner_unit_id), description=payload.description,
            severity=payload.severity, responsible_person=payload.responsible_person, due_on=payload.due_on)
    return Status(201, _detail(request, problem.pk))


class Milestone(Schema):
    title: str = Field(..., max_length=200)
    due: date


class PlanIn(Schema):
    measures: str = Field(..., max_length=10000)
    deadline: date
    milestones: list[Milestone] = Field(default_factory=list, max_length=50)


class ReviewDecisionIn(Schema):
    accept: bool
    reason: str = Field("", max_length=500)


class ClosureIn(Schema):
    summary: str = Field(..., max_length=10000)
    evidence_ids: list[RowId] = Field(default_factory=list, max_length=50)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class CheckIn(Schema):
    verdict: str = Field(..., description="到位 in_place / 基本到位 mostly / 不到位 not_in_place")
    checked_on: date | None = None
    note: str = Field("", max_length=5000)


@router.post("/problems/{problem_id}/plan",
             auth=permitted("rectification.plan_submit", scope=selectors.problems_visible, by="problem_id"),
             response={201: ProblemOut}, summary="提交整改方案")
def plan_submit(request: HttpRequest, problem_id: RowId, payload: PlanIn) -> Status[ProblemOut]:
    jurisdiction = jurisdiction_of(request)
    selectors.problem_get(jurisdiction, problem_id, as_of=timezone.localdate())
    services.plan_submit(actor=actor_of(request), jurisdiction=jurisdiction, problem_id=problem_id,
                         measures=payload.measures, deadline=payload.deadline,
                         milestones=[m.dict() for m in payload.milestones])
    return Status(201, _detail(request, problem_id))


@router.post("/problems/{problem_id}/plan/review",
             auth=permitted("rectification.plan_review", scope=selectors.problems_visible, by="problem_id"),
             response=ProblemOut, summary="审核整改方案（通过或退回）")
def plan_review(request: HttpRequest, problem_id: RowId, payload: ReviewDecisionIn) -> ProblemOut:
    jurisdiction = jurisdiction_of(request)
    selectors.problem_get(jurisdiction, problem_id, as_of=timezone.localdate())
    services.plan_review(actor=actor_of(request), jurisdiction=jurisdiction, problem_id=problem_id,
                         accept=payload.accept, reason=payload.reason)
    return _detail(request, problem_id)


@router.post("/problems/{problem_id}/evidence",
             auth=permitted("rectification.closure_request", scope=selectors.problems_visible, by="problem_id"),
             response={201: list[EvidenceFileOut]}, summary="上传销号佐证材料（图片或 PDF）")
def evidence_upload(request: HttpRequest, problem_id: RowId,
                    files: File[list[UploadedFile]]) -> Status[list[EvidenceFileOut]]:
    jurisdiction = jurisdiction_of(request)
    selectors.problem_get(jurisdiction, problem_id, as_of=timezone.localdate())
    stored = services.evidence_upload(actor=actor_of(request), jurisdiction=jurisdiction, problem_id=problem_id,
                                      files=files)
    return Status(201, [_file(a) for a in stored])


@router.post("/problems/{problem_id}/close",
             auth=permitted("rectification.closure_request", scope=selectors.problems_visible, by="problem_id"),
             response={201: ProblemOut},
             summary="申请销号（附已上传的佐证材料编号）；方案未通过或无佐证材料时 409")
def closure_request(request: HttpRequest, problem_id: RowId, payload: ClosureIn) -> Status[ProblemOut]:
    jurisdiction = jurisdiction_of(request)
    selectors.problem_get(jurisdiction, problem_id, as_of=timezone.localdate())
    services.closure_request(actor=actor_of(request), jurisdiction=jurisdiction, problem_id=problem_id,
                             summary=payload.summary, evidence_ids=payload.evidence_ids)
    return Status(201, _detail(request, problem_id))


@router.post("/problems/{problem_id}/close/review",
             auth=permitted("rectification.closure_review", scope=selectors.problems_visible, by="problem_id"),
             response=ProblemOut, summary="审核销号（通过或驳回）")
def closure_review(request: HttpRequest, problem_id: RowId, payload: ReviewDecisionIn) -> ProblemOut:
    jurisdiction = jurisdiction_of(request)
    selectors.problem_get(jurisdiction, problem_id, as_of=timezone.localdate())
    services.closure_review(actor=actor_of(request), jurisdiction=jurisdiction, problem_id=problem_id,
                            approve=payload.accept, reason=payload.reason)
    return _detail(request, problem_id)


@router.post("/problems/{problem_id}/reopen",
             auth=permitted("rectification.problem_reopen", scope=selectors.problems_visible, by="problem_id"),
             response=ProblemOut, summary="重新打开已销号的问题")
def problem_reopen(request: HttpRequest, problem_id: RowId, payload: ReasonIn) -> ProblemOut:
    jurisdiction = jurisdiction_of(request)
    selectors.problem_get(jurisdiction, problem_id, as_of=timezone.localdate())
    services.problem_reopen(actor=actor_of(request), jurisdiction=jurisdiction, problem_id=problem_id,
                            reason=payload.reason)
    return _detail(request, problem_id)


@router.post("/problems/{problem_id}/checks",
             auth=permitted("rectification.check_record", scope=selectors.problems_visible, by="problem_id"),
             response={201: CheckOut}, summary="登记整改检查（每季度）")
def check_create(request: HttpRequest, problem_id: RowId, payload: CheckIn) -> Status[CheckOut]:
    jurisdiction = jurisdiction_of(request)
    selectors.problem_get(jurisdiction, problem_id, as_of=timezone.localdate())
    c = check_services.check_record(actor=actor_of(request), jurisdiction=jurisdiction, problem_id=problem_id,
                                    verdict=payload.verdict, checked_on=payload.checked_on, note=payload.note)
    return Status(201, CheckOut(id=c.pk, checked_on=c.checked_on, period_start=c.period_start, verdict=c.verdict,
                                note=c.note))
