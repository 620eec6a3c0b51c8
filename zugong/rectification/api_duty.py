"""JSON API of 述职评议 (duty reports), of editing a problem list before work has started on it and of
withdrawing a list or one problem.
Mounted with the project router (`api_projects`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from zugong.core.api_auth import permitted
from zugong.core.attachments import attachments_of
from zugong.core.errors import ValidationFailed
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get
from zugong.rectification import selectors
from zugong.rectification.api import ProblemOut, problem_out
from zugong.rectification.models import DutyReport, Grade, ProblemStatus, Severity
from zugong.rectification.services import duty as services
from zugong.rectification.services import editing, withdrawal

router = Router(tags=["rectification"])
VIEW = "rectification.problem_view"
ISSUE = "rectification.list_issue"


class DutyRow(Schema):
    id: int
    year: int
    org_unit_id: int
    org_unit: str
    reviewing_unit_id: int
    reviewing_unit: str
    secretary: str
    reported_on: date
    grade: str
    grade_label: str
    score: Decimal | None
    feedback_list_id: int | None


class OpenProblem(Schema):
    id: int
    list_id: int
    number: int
    description: str
    status: str
    status_label: str
    raised_on: date


class FileRef(Schema):
    id: int
    name: str
    url: str


class DutyOut(DutyRow):
    summary: str
    feedback: str
    files: list[FileRef]
    carried_over: list[OpenProblem] = Field(..., description="述职时仍未销号的问题（含以往各类清单）")


def _row(r: DutyReport) -> DutyRow:
    return DutyRow(id=r.pk, year=r.year, org_unit_id=r.org_unit_id, org_unit=r.org_unit.name,
                   reviewing_unit_id=r.reviewing_unit_id, reviewing_unit=r.reviewing_unit.name, secretary=r.secretary,
                   reported_on=r.reported_on, grade=r.grade, grade_label=str(r.get_grade_display() or ""),
                   score=r.score, feedback_list_id=r.feedback_list_id)


def _detail(request: HttpRequest, report_id: int) -> DutyOut:
    jurisdiction = jurisdiction_of(request, VIEW)
    r = selectors.duty_report_get(jurisdiction, report_id)
    return DutyOut(
        **_row(r).dict(), summary=r.summary, feedback=r.feedback,
        files=[FileRef(id=a.pk, name=a.name, url=reverse("attachment", args=[a.pk])) for a in attachments_of(r)],
        carried_over=[OpenProblem(id=p.pk, list_id=p.problem_list_id, number=p.number, description=p.description,
                                  status=p.status, status_label=str(ProblemStatus(p.status).label),
                                  raised_on=p.raised_on)
                      for p in selectors.problems_carried_over(jurisdiction, r)])


class DutyFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="述职年度")
    limit: Limit = 50
    offset: Offset = 0


@router.get("/duty-reports", response=list[DutyRow], summary="述职评议（按年度筛选）")
def duty_index(request: HttpRequest, filters: Query[DutyFilters]) -> list[DutyRow]:
    rows = selectors.duty_reports_visible(jurisdiction_of(request, VIEW))
    if filters.year is not None:
        rows = rows.filter(year=filters.year)
    return [_row(r) for r in rows[filters.offset:filters.offset + filters.limit]]


@router.get("/duty-reports/{report_id}", response=DutyOut, summary="一次述职：评议、书面反馈、仍未销号的问题")
def duty_detail(request: HttpRequest, report_id: RowId) -> DutyOut:
    return _detail(request, report_id)


class DutyIn(Schema):
    org_unit_id: RowId = Field(..., description="述职单位（评议单位的下级）")
    reviewing_unit_id: RowId
    year: int = Field(..., ge=2000, le=2100)
    secretary: str = Field(..., max_length=100)
    reported_on: date
    summary: str = Field("", max_length=20000)


@router.post("/duty-reports", auth=permitted(ISSUE), response={201: DutyOut}, summary="登记述职")
def duty_create(request: HttpRequest, payload: DutyIn) -> Status[DutyOut]:
    jurisdiction = jurisdiction_of(request)
    report = services.duty_report_record(
        actor=actor_of(request), jurisdiction=jurisdiction, org_unit=org_unit_get(jurisdiction, payload.org_unit_id),
        reviewing_unit=org_unit_get(jurisdiction, payload.reviewing_unit_id), year=payload.year,
        secretary=payload.secretary, reported_on=payload.reported_on, summary=payload.summary)
    return Status(201, _detail(request, report.pk))


class EvaluateIn(Schema):
    grade: str = Field("", description="好 good / 较好 fairly_good / 一般 fair / 差 poor")
    score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)


@router.post("/duty-reports/{report_id}/evaluate",
             auth=permitted(ISSUE, scope=selectors.duty_reports_visible, by="report_id"),
             response=DutyOut, summary="评议（等次和/或得分）")
def duty_evaluate(request: HttpRequest, report_id: RowId, payload: EvaluateIn) -> DutyOut:
    if payload.grade and payload.grade not in Grade.values:
        raise ValidationFailed("评议等次应为好、较好、一般或差", field="grade")
    services.duty_report_evaluate(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                                  report_id=report_id, grade=payload.grade, score=payload.score)
    return _detail(request, report_id)


class FeedbackProblem(Schema):
    description: str = Field(..., max_length=5000)
    severity: str = Field(Severity.GENERAL, max_length=10)


class FeedbackIn(Schema):
    feedback: str = Field("", max_length=20000)
    problems: list[FeedbackProblem] = Field(..., min_length=1, max_length=100)
    issued_on: date | None = None


@router.post("/duty-reports/{report_id}/feedback",
             auth=permitted(ISSUE, scope=selectors.duty_reports_visible, by="report_id"),
             response={201: DutyOut}, summary="书面反馈问题（生成问题清单，仅一次）")
def duty_feedback(request: HttpRequest, report_id: RowId, payload: FeedbackIn) -> Status[DutyOut]:
    services.duty_feedback_issue(actor=actor_of(request), jurisdiction=jurisdiction_of(request), report_id=report_id,
                                 feedback=payload.feedback, issued_on=payload.issued_on,
                                 problems=[(p.description, p.severity) for p in payload.problems])
    return Status(201, _detail(request, report_id))


class ListEditIn(Schema):
    title: str = Field(..., max_length=200)
    owner_person: str = Field("", max_length=100)
    issued_on: date


class ListEdited(Schema):
    id: int
    title: str
    owner_person: str
    issued_on: date


@router.post("/problem-lists/{list_id}/edit",
             auth=permitted(ISSUE, scope=selectors.problem_lists_visible, by="list_id"),
             response=ListEdited, summary="修改问题清单（整改工作开始前）；已开始时 409")
def problem_list_edit(request: HttpRequest, list_id: RowId, payload: ListEditIn) -> ListEdited:
    row = editing.problem_list_update(actor=actor_of(request), jurisdiction=jurisdiction_of(request), list_id=list_id,
                                      title=payload.title, owner_person=payload.owner_person,
                                      issued_on=payload.issued_on)
    return ListEdited(id=row.pk, title=row.title, owner_person=row.owner_person, issued_on=row.issued_on)


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=500, description="撤回理由")


class ListWithdrawn(Schema):
    id: int
    withdrawn_on: date
    withdrawn_reason: str


@router.post("/problem-lists/{list_id}/withdraw",
             auth=permitted(ISSUE, scope=selectors.problem_lists_visible, by="list_id"),
             response=ListWithdrawn, summary="撤回问题清单（须说明理由；其问题不再办理，记录保留）")
def problem_list_withdraw(request: HttpRequest, list_id: RowId, payload: WithdrawIn) -> ListWithdrawn:
    row = withdrawal.problem_list_withdraw(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                                           list_id=list_id, reason=payload.reason)
    assert row.withdrawn_on is not None
    return ListWithdrawn(id=row.pk, withdrawn_on=row.withdrawn_on, withdrawn_reason=row.withdrawn_reason)


@router.post("/problems/{problem_id}/withdraw",
             auth=permitted(ISSUE, scope=selectors.problems_visible, by="problem_id"),
             response=ProblemOut, summary="撤回一个问题（须说明理由；已销号或已撤回时 409，记录保留）")
def problem_withdraw(request: HttpRequest, problem_id: RowId, payload: WithdrawIn) -> ProblemOut:
    withdrawal.problem_withdraw(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                                problem_id=problem_id, reason=payload.reason)
    return problem_out(request, problem_id)


class DueIn(Schema):
    due_on: date | None = Field(..., description="问题时限；null 取消")


@router.post("/problems/{problem_id}/due",
             auth=permitted(ISSUE, scope=selectors.problems_visible, by="problem_id"),
             response=ProblemOut, summary="设定、修改或取消问题时限（销号前）")
def problem_due_set(request: HttpRequest, problem_id: RowId, payload: DueIn) -> ProblemOut:
    editing.problem_due_set(actor=actor_of(request), jurisdiction=jurisdiction_of(request), problem_id=problem_id,
                            due_on=payload.due_on)
    return problem_out(request, problem_id)


class ProblemEditIn(Schema):
    description: str = Field(..., max_length=5000)
    severity: str = Field(..., max_length=10)
    responsible_person: str = Field("", max_length=100)


class ProblemEdited(Schema):
    id: int
    description: str
    severity: str
    responsible_person: str


@router.post("/problems/{problem_id}/edit",
             auth=permitted(ISSUE, scope=selectors.problems_visible, by="problem_id"),
             response=ProblemEdited, summary="修改问题（提交整改方案前）；已开始时 409")
def problem_edit(request: HttpRequest, problem_id: RowId, payload: ProblemEditIn) -> ProblemEdited:
    row = editing.problem_update(actor=actor_of(request), jurisdiction=jurisdiction_of(request), problem_id=problem_id,
                                 description=payload.description, severity=payload.severity,
                                 responsible_person=payload.responsible_person)
    return ProblemEdited(id=row.pk, description=row.description, severity=row.severity,
                         responsible_person=row.responsible_person)
