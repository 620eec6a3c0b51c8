"""JSON API of the project register (项目化管理, R33), mounted under /api/v1/ by zugong/api.py; the
述职评议 and list-editing endpoints (`api_duty`) ride on the same router.

Another jurisdiction's item is 404; a refused step is 409 with the Chinese reason."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zugong.core.api_auth import permitted
from zugong.core.errors import ValidationFailed
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get
from zugong.rectification import selectors_projects as selectors
from zugong.rectification.api_duty import router as duty_router
from zugong.rectification.models import LeaderReport, Project, ProjectKind, ProjectStatus
from zugong.rectification.services import project_dates
from zugong.rectification.services import projects as services
from zugong.rectification.services.project_import import project_register_import
from zugong.rectification.services.report_days import report_days_apply
from zugong.rules.registry import param

router = Router(tags=["projects"])
router.add_router("", duty_router)
VIEW = "rectification.project_view"


class ProjectRow(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    issuing_unit_id: int
    issuing_unit: str
    lead_unit_id: int
    lead_unit: str
    leader: str
    responsible_person: str
    starts_on: date
    deadline: date
    published_on: date | None
    completed_on: date | None
    next_due: date | None
    overdue_count: int
    claims_approved: int
    claims_pending: int
    last_percent: int | None


class MilestoneOut(Schema):
    id: int
    kind: str
    title: str
    due: date
    done_on: date | None
    state: str = Field(..., description="done / done_late / overdue / due_soon / pending")


class ClaimOut(Schema):
    id: int
    org_unit_id: int
    org_unit: str
    note: str
    status: str
    reason: str


class ProjectReportOut(Schema):
    id: int
    org_unit_id: int
    org_unit: str
    month: date
    text: str
    percent: int
    reported_on: date


class ProjectOut(ProjectRow):
    measures: str
    milestones: list[MilestoneOut]
    claims: list[ClaimOut]
    reports: list[ProjectReportOut]


def _row(p: Project) -> ProjectRow:
    return ProjectRow(
        id=p.pk, title=p.title, kind=p.kind, kind_label=str(p.get_kind_display()), status=p.status,
        status_label=str(p.get_status_display()), issuing_unit_id=p.issuing_unit_id, issuing_unit=p.issuing_unit.name,
        lead_unit_id=p.lead_unit_id, lead_unit=p.lead_unit.name, leader=p.leader,
        responsible_person=p.responsible_person, starts_on=p.starts_on, deadline=p.deadline,
        published_on=p.published_on, completed_on=p.completed_on, next_due=getattr(p, "next_due", None),
        overdue_count=getattr(p, "overdue_count", 0), claims_approved=getattr(p, "claims_approved", 0),
        claims_pending=getattr(p, "claims_pending", 0), last_percent=getattr(p, "last_percent", None))


def _claim(c: object) -> ClaimOut:
    return ClaimOut(id=c.pk, org_unit_id=c.org_unit_id, org_unit=c.org_unit.name, note=c.note,  # type: ignore[attr-defined]
                    status=c.status, reason=c.reason)  # type: ignore[attr-defined]


def _report(r: object) -> ProjectReportOut:
    return ProjectReportOut(id=r.pk, org_unit_id=r.org_unit_id, org_unit=r.org_unit.name, month=r.month,  # type: ignore[attr-defined]
                     text=r.text, percent=r.percent, reported_on=r.reported_on)  # type: ignore[attr-defined]


def _detail(request: HttpRequest, project_id: int) -> ProjectOut:
    jurisdiction = jurisdiction_of(request, VIEW)
    today = timezone.localdate()
    p = selectors.project_list(jurisdiction, as_of=today).filter(pk=project_id).first()
    full = selectors.project_get(jurisdiction, project_id)
    warn = int(param("R33", "warn_days", org_unit=full.issuing_unit, on=today))
    return ProjectOut(
        **_row(p or full).dict(), measures=full.measures,
        milestones=[MilestoneOut(id=m.pk, kind=m.kind, title=m.title, due=m.due, done_on=m.done_on,
                                 state=selectors.milestone_state(m, today, warn)) for m in full.milestones.all()],
        claims=[_claim(c) for c in full.claims.all()], reports=[_report(r) for r in full.reports.all()])


class ProjectFilters(Schema):
    status: str = Field("", max_length=20, description="待发布 draft / 推进中 published / 已完成 completed")
    kind: str = Field("", max_length=20, description="项目 project / 重点任务 key_task")
    unit: RowId | None = Field(None, description="牵头或认项（已通过）单位（含下级）")
    overdue: bool | None = Field(None, description="有逾期未完成的节点或报告")
    limit: Limit = 50
    offset: Offset = 0


@router.get("/projects", response=list[ProjectRow], summary="项目和重点任务（下一时限、逾期数、认项、最近进度）")
def project_index(request: HttpRequest, filters: Query[ProjectFilters]) -> list[ProjectRow]:
    jurisdiction = jurisdiction_of(request, VIEW)
    if filters.status and filters.status not in ProjectStatus.values:
        raise ValidationFailed(f"不支持的项目状态：{filters.status}", field="status")
    if filters.kind and filters.kind not in ProjectKind.values:
        raise ValidationFailed(f"不支持的项目类别：{filters.kind}", field="kind")
    org_path = org_unit_get(jurisdiction, filters.unit).path if filters.unit is not None else ""
    rows = selectors.project_list(jurisdiction, as_of=timezone.localdate(), status=filters.status,
                                  kind=filters.kind, org_path=org_path, overdue=filters.overdue)
    return [_row(p) for p in rows[filters.offset:filters.offset + filters.limit]]


class ReportDaysIn(Schema):
    issuing_unit_id: RowId


class ReportDaysOut(Schema):
    report_day: int
    items: int
    rows: int


@router.post("/projects/report-day", auth=permitted("rectification.project_manage"), response=ReportDaysOut,
             summary="按现行报告日（R33 report_day）调整已发布重点任务未报送、未到期的报告期")
def report_days(request: HttpRequest, payload: ReportDaysIn) -> ReportDaysOut:
    jurisdiction = jurisdiction_of(request)
    done = report_days_apply(actor=actor_of(request), jurisdiction=jurisdiction,
                             issuing_unit=org_unit_get(jurisdiction, payload.issuing_unit_id))
    return ReportDaysOut(report_day=done.report_day, items=done.items, rows=done.rows)


# before /projects/{project_id}: the first route whose path matches answers (405 for a GET-only one)
class ImportedRow(Schema):
    id: int
    title: str


class ProjectImportOut(Schema):
    file: str
    added: list[ImportedRow] = Field(description="已导入的项目（待发布）")
    updated: list[ImportedRow] = Field(default_factory=list, description="按“编号”更新的已有项目")
    unchanged: int = Field(0, description="按“编号”找到、没有变化的项目数")
    refused: list[str] = Field(description="未导入的行：文件、行号、列和原因")
    warnings: list[str] = Field(description="已导入、请核对的行")


@router.post("/projects/import", auth=permitted("rectification.project_manage"), response={201: ProjectImportOut},
             summary="从 Excel 导入项目台账（导出格式；每行一个待发布项目，不能保存的行说明原因）")
def project_import(request: HttpRequest, issuing_unit_id: Form[RowId],
                   file: File[UploadedFile | None] = None) -> Status[ProjectImportOut]:
    jurisdiction = jurisdiction_of(request)
    issuing_unit = org_unit_get(jurisdiction, issuing_unit_id)  # first: a unit out of sight is 404 whatever is sent
    if file is None:
        raise ValidationFailed("请选择要导入的 Excel 文件", field="file")
    result = project_register_import(actor=actor_of(request), jurisdiction=jurisdiction,
                                     issuing_unit=issuing_unit, upload=file)
    return Status(201, ProjectImportOut(file=result.file_name, refused=result.refused, warnings=result.warnings,
                                        added=[ImportedRow(id=p.pk, title=p.title) for p in result.added],
                                        updated=[ImportedRow(id=p.pk, title=p.title) for p in result.updated],
                                        unchanged=len(result.unchanged)))


@router.get("/projects/{project_id}", response=ProjectOut, summary="一个项目：节点、认项、进展报告")
def project_detail(request: HttpRequest, project_id: RowId) -> ProjectOut:
    return _detail(request, project_id)


class MilestoneIn(Schema):
    title: str = Field(..., max_length=200)
    due: date


class ProjectIn(Schema):
    title: str = Field(..., max_length=200)
    kind: str = Field(ProjectKind.KEY_TASK, max_length=10)
    issuing_unit_id: RowId
    lead_unit_id: RowId
    leader: str = Field(..., max_length=100, description="责任领导")
    responsible_person: str = Field(..., max_length=100, description="责任人")
    measures: str = Field(..., max_length=10000)
    starts_on: date
    deadline: date
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=50)


@router.post("/projects", auth=permitted("rectification.project_manage"), response={201: ProjectOut},
             summary="登记项目（待发布）")
def project_create(request: HttpRequest, payload: ProjectIn) -> Status[ProjectOut]:
    jurisdiction = jurisdiction_of(request)
    project = services.project_register(
        actor=actor_of(request), jurisdiction=jurisdiction, title=payload.title, kind=payload.kind,
        issuing_unit=org_unit_get(jurisdiction, payload.issuing_unit_id),
        lead_unit=org_unit_get(jurisdiction, payload.lead_unit_id), leader=payload.leader,
        responsible_person=payload.responsible_person, measures=payload.measures, starts_on=payload.starts_on,
        deadline=payload.deadline, milestones=[(m.title, m.due) for m in payload.milestones])
    return Status(201, _detail(request, project.pk))


class DayIn(Schema):
    on: date | None = Field(None, description="日期，默认今天")


@router.post("/projects/{project_id}/publish",
             auth=permitted("rectification.project_manage", scope=selectors.projects_visible, by="project_id"),
             response=ProjectOut, summary="发布项目（可认项；重点任务按期报告）")
def project_publish(request: HttpRequest, project_id: RowId, payload: DayIn) -> ProjectOut:
    services.project_publish(actor=actor_of(request), jurisdiction=jurisdiction_of(request), project_id=project_id,
                             published_on=payload.on)
    return _detail(request, project_id)


@router.post("/projects/{project_id}/complete",
             auth=permitted("rectification.project_manage", scope=selectors.projects_visible, by="project_id"),
             response=ProjectOut, summary="登记项目完成")
def project_complete(request: HttpRequest, project_id: RowId, payload: DayIn) -> ProjectOut:
    services.project_complete(actor=actor_of(request), jurisdiction=jurisdiction_of(request), project_id=project_id,
                              completed_on=payload.on)
    return _detail(request, project_id)


class DatesIn(Schema):
    deadline: date
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=50,
                                          description="未完成的节点（全部，替换原有未完成节点）")
    reason: str = Field(..., max_length=500, description="修改理由")


@router.post("/projects/{project_id}/dates",
             auth=permitted("rectification.project_manage", scope=selectors.projects_visible, by="project_id"),
             response=ProjectOut, summary="修改完成时限和未完成的节点（完成前；重点任务的报告期次重新计算）")
def project_dates_update(request: HttpRequest, project_id: RowId, payload: DatesIn) -> ProjectOut:
    project_dates.project_dates_update(
        actor=actor_of(request), jurisdiction=jurisdiction_of(request), project_id=project_id,
        deadline=payload.deadline, milestones=[(m.title, m.due) for m in payload.milestones], reason=payload.reason)
    return _detail(request, project_id)


class ClaimIn(Schema):
    org_unit_id: RowId = Field(..., description="认项单位")
    note: str = Field("", max_length=500)


@router.post("/projects/{project_id}/claims",
             auth=permitted("rectification.project_claim", scope=selectors.projects_visible, by="project_id"),
             response={201: ClaimOut}, summary="认项（由发布单位审核）")
def claim_create(request: HttpRequest, project_id: RowId, payload: ClaimIn) -> Status[ClaimOut]:
    jurisdiction = jurisdiction_of(request)
    claim = services.project_claim(actor=actor_of(request), jurisdiction=jurisdiction, project_id=project_id,
                                   org_unit=org_unit_get(jurisdiction, payload.org_unit_id), note=payload.note)
    return Status(201, _claim(claim))


class ClaimDecisionIn(Schema):
    accept: bool
    reason: str = Field("", max_length=500)


@router.post("/project-claims/{claim_id}/review",
             auth=permitted("rectification.claim_review", scope=selectors.claims_visible, by="claim_id"),
             response=ClaimOut, summary="审核认项（通过或不通过，不通过须说明理由）")
def claim_decide(request: HttpRequest, claim_id: RowId, payload: ClaimDecisionIn) -> ClaimOut:
    claim = services.claim_review(actor=actor_of(request), jurisdiction=jurisdiction_of(request), claim_id=claim_id,
                                  approve=payload.accept, reason=payload.reason)
    return _claim(claim)


class ClaimWithdrawIn(Schema):
    reason: str = Field("", max_length=500, description="撤回理由，可不填")


@router.post("/project-claims/{claim_id}/withdraw",
             auth=permitted("rectification.project_claim", scope=selectors.claims_of_own_units, by="claim_id"),
             response=ClaimOut, summary="撤回认项（认项单位，首次报告进展前）；已报告或已审核不通过时 409")
def claim_withdraw(request: HttpRequest, claim_id: RowId, payload: ClaimWithdrawIn) -> ClaimOut:
    claim = services.claim_withdraw(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                                    claim_id=claim_id, reason=payload.reason)
    return _claim(claim)


class ProjectReportIn(Schema):
    org_unit_id: RowId = Field(..., description="报告单位：牵头单位或认项已通过的单位")
    text: str = Field(..., max_length=10000)
    percent: int = Field(..., ge=0, le=100)
    reported_on: date | None = None


@router.post("/projects/{project_id}/reports",
             auth=permitted("rectification.project_report", scope=selectors.projects_visible, by="project_id"),
             response={201: ProjectReportOut}, summary="报告本期进展（每单位每期一次）")
def report_create(request: HttpRequest, project_id: RowId, payload: ProjectReportIn) -> Status[ProjectReportOut]:
    jurisdiction = jurisdiction_of(request)
    report = services.project_report(
        actor=actor_of(request), jurisdiction=jurisdiction, project_id=project_id,
        org_unit=org_unit_get(jurisdiction, payload.org_unit_id), text=payload.text, percent=payload.percent,
        reported_on=payload.reported_on)
    return Status(201, _report(report))


@router.post("/project-milestones/{milestone_id}/done",
             auth=permitted("rectification.project_report", scope=selectors.milestones_visible, by="milestone_id"),
             response=MilestoneOut, summary="登记节点完成")
def milestone_done(request: HttpRequest, milestone_id: RowId, payload: DayIn) -> MilestoneOut:
    row = services.milestone_done(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                                  milestone_id=milestone_id, done_on=payload.on)
    return MilestoneOut(id=row.pk, kind=row.kind, title=row.title, due=row.due, done_on=row.done_on, state="done"
                        if row.done_on is not None and row.done_on <= row.due else "done_late")


class LeaderReportOut(Schema):
    id: int
    org_unit_id: int
    org_unit: str
    leader: str
    year: int
    half: int
    text: str
    reported_on: date
    project_ids: list[int]


def _leader(r: LeaderReport) -> LeaderReportOut:
    return LeaderReportOut(id=r.pk, org_unit_id=r.org_unit_id, org_unit=r.org_unit.name, leader=r.leader,
                           year=r.year, half=r.half, text=r.text, reported_on=r.reported_on,
                           project_ids=[p.pk for p in r.projects.all()])


@router.get("/leader-reports", response=list[LeaderReportOut], summary="责任领导半年述职")
def leader_report_index(request: HttpRequest, limit: Limit = 50, offset: Offset = 0) -> list[LeaderReportOut]:
    rows = selectors.leader_reports_visible(jurisdiction_of(request, VIEW))
    return [_leader(r) for r in rows[offset:offset + limit]]


class LeaderReportIn(Schema):
    org_unit_id: RowId
    leader: str = Field(..., max_length=100)
    year: int = Field(..., ge=2000, le=2100)
    half: int = Field(..., ge=1, le=2)
    text: str = Field(..., max_length=20000)
    reported_on: date
    project_ids: list[RowId] = Field(..., min_length=1, max_length=100)


@router.post("/leader-reports", auth=permitted("rectification.leader_report"), response={201: LeaderReportOut},
             summary="登记责任领导半年述职（所述项目须由其任责任领导）")
def leader_report_create(request: HttpRequest, payload: LeaderReportIn) -> Status[LeaderReportOut]:
    jurisdiction = jurisdiction_of(request)
    projects = list(selectors.projects_visible(jurisdiction).filter(pk__in=payload.project_ids))
    if len(projects) != len(set(payload.project_ids)):
        raise ValidationFailed("所选项目不存在或不在您的管辖范围内", field="project_ids")
    report = services.leader_report_record(
        actor=actor_of(request), jurisdiction=jurisdiction, org_unit=org_unit_get(jurisdiction, payload.org_unit_id),
        leader=payload.leader, year=payload.year, half=payload.half, text=payload.text,
        reported_on=payload.reported_on, projects=projects)
    return Status(201, _leader(selectors.leader_report_get(jurisdiction, report.pk)))
