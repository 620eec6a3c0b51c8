"""Project pages (项目化管理, R33): the register with its timeline chart, a board per unit, registering an
item, one item with its dates, claims and reports and the steps the reader may take, and the leaders'
half-year duty reports. Every step is a POST that comes back to the item's page with its message."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.downloads import download
from zugong.core.errors import DomainError
from zugong.core.models import Attachment
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page, query_int
from zugong.core.selectors import org_unit_get, org_units_visible
from zugong.rectification import selectors_projects as selectors
from zugong.rectification.export import project_register_workbook
from zugong.rectification.forms_projects import (
    ClaimDecisionForm,
    ClaimForm,
    ClaimWithdrawForm,
    DayForm,
    LeaderReportForm,
    ProjectForm,
    ProjectImportForm,
    ReportDayForm,
    ReportForm,
)
from zugong.rectification.models import ClaimStatus, Project, ProjectKind, ProjectReport, ProjectStatus
from zugong.rectification.services import projects as services
from zugong.rectification.services.project_import import project_register_import
from zugong.rectification.services.report_days import report_days_apply
from zugong.rectification.views import _step
from zugong.rules.registry import param

VIEW = "rectification.project_view"
MANAGE = "rectification.project_manage"
EXPORT_MAX = 5000  # items in one export; a register is a few hundred


def _back(pk: int) -> str:
    return reverse("rectification:project", args=[pk])


@page(action=VIEW, methods=("GET", "HEAD"))
def project_index(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ProjectStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ProjectKind.values else ""
    overdue = True if request.GET.get("overdue") == "1" else None
    rows = selectors.project_list(request.jurisdiction, as_of=timezone.localdate(), status=status, kind=kind,
                                  overdue=overdue)
    page_obj = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "rectification/projects.html", {
        "page_obj": page_obj, "statuses": ProjectStatus.choices, "kinds": ProjectKind.choices, "status": status,
        "kind": kind, "overdue": overdue, "timeline": selectors.timeline(rows),
        "may_register": may(request.jurisdiction, MANAGE),
        "may_export": may(request.jurisdiction, "rectification.project_export")})


@page(action="rectification.project_export", methods=("GET",))
def project_export(request: AuthedRequest) -> HttpResponse:
    """The register as the reader sees it (the list page's filters apply), as Excel."""
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    rows = selectors.project_list(request.jurisdiction, as_of=timezone.localdate(),
                                  status=status if status in ProjectStatus.values else "",
                                  kind=kind if kind in ProjectKind.values else "")
    rows = rows.select_related("issuing_unit", "lead_unit").prefetch_related("milestones")[:EXPORT_MAX]
    return download(project_register_workbook(rows), "项目台账.xlsx")


@page(action=VIEW, methods=("GET", "HEAD"))
def project_board(request: AuthedRequest) -> HttpResponse:
    unit_id = query_int(request, "unit", low=1)
    unit = (org_unit_get(request.jurisdiction, unit_id) if unit_id is not None
            else org_units_visible(request.jurisdiction).order_by("path").first())
    today = timezone.localdate()
    rows = selectors.board(request.jurisdiction, org_path=unit.path, as_of=today) if unit is not None else []
    items = (selectors.project_list(request.jurisdiction, as_of=today, org_path=unit.path)
             .exclude(status=ProjectStatus.DRAFT) if unit is not None else Project.objects.none())
    return render(request, "rectification/project_board.html", {
        "unit": unit, "rows": rows, "items": items[:200]})


@page(action=MANAGE)
def project_new(request: AuthedRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.project_register(
                actor=request.user, jurisdiction=request.jurisdiction, title=d["title"], kind=d["kind"],
                issuing_unit=d["issuing_unit"], lead_unit=d["lead_unit"], leader=d["leader"],
                responsible_person=d["responsible_person"], measures=d["measures"], starts_on=d["starts_on"],
                deadline=d["deadline"], milestones=d["milestones"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("项目已登记（待发布）：%(title)s") % {"title": project.title})
            return HttpResponseRedirect(_back(project.pk))
    return render(request, "rectification/project_form.html", {"form": form})


@page(action=MANAGE)
def project_import(request: AuthedRequest) -> HttpResponse:
    """The register from Excel: the items stored, the rows refused and the rows flagged are listed on the page."""
    form = ProjectImportForm(request.POST or None, request.FILES or None, jurisdiction=request.jurisdiction)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = project_register_import(actor=request.user, jurisdiction=request.jurisdiction,
                                             issuing_unit=form.cleaned_data["issuing_unit"],
                                             upload=form.cleaned_data["workbook"])
        except DomainError as exc:
            form.add_error("workbook" if exc.field == "workbook" else None, exc.message)
    return render(request, "rectification/project_import.html", {"form": form, "result": result})


@page(action=MANAGE)
def report_days(request: AuthedRequest) -> HttpResponse:
    """A changed R33 report day applied to the published key tasks of an issuing unit (their open report rows)."""
    form = ReportDayForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["issuing_unit"]
        try:
            done = report_days_apply(actor=request.user, jurisdiction=request.jurisdiction, issuing_unit=unit)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(unit)s：%(items)s 个重点任务的 %(rows)s 个未报送报告期已改为每期 %(day)s 日")
                             % {"unit": unit.name, "items": done.items, "rows": done.rows, "day": done.report_day})
            return HttpResponseRedirect(reverse("rectification:projects"))
    return render(request, "rectification/edit_form.html", {
        "form": form, "heading": _("按现行报告日调整报告期"), "back": reverse("rectification:projects"),
        "name": _("项目化管理"), "submit": _("调整"),
        "hint": _("制度规则页修改了 R33 的报告日后，已发布重点任务尚未报送、尚未到期的报告期改为新的报告日（在本月内移动）；"
                  "已报送或已过期的报告期不变，新的报告日已过或晚于完成时限的也不变。")})


@page(action=VIEW, methods=("GET", "HEAD"))
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.jurisdiction, pk)
    j, today = request.jurisdiction, timezone.localdate()
    warn = int(param("R33", "warn_days", org_unit=project.issuing_unit, on=today))
    report_day = int(param("R33", "report_day", org_unit=project.issuing_unit, on=today))
    live = project.status == ProjectStatus.PUBLISHED
    can = {
        "publish": project.status == ProjectStatus.DRAFT and may(j, MANAGE, project.issuing_unit),
        "dates": project.status != ProjectStatus.COMPLETED and may(j, MANAGE, project.issuing_unit),
        "complete": live and may(j, MANAGE, project.issuing_unit),
        "claim": live and may(j, "rectification.project_claim"),
        "review": may(j, "rectification.claim_review", project.issuing_unit),
        "report": live and may(j, "rectification.project_report"),
        "milestone": live and may(j, "rectification.project_report", project.lead_unit),
    }
    reported = {r.org_unit_id for r in project.reports.all()}
    withdrawable = {c.pk for c in project.claims.all() if c.status in (ClaimStatus.PENDING, ClaimStatus.APPROVED)
                    and c.org_unit_id not in reported and may(j, "rectification.project_claim", c.org_unit)}
    report_form = (ReportForm(jurisdiction=j, project=project, initial={"reported_on": today}, prefix="report")
                   if can["report"] else None)
    if report_form is not None and not report_form.fields["org_unit"].queryset.exists():  # type: ignore[attr-defined]
        can["report"], report_form = False, None
    return render(request, "rectification/project_detail.html", {
        "project": project, "can": can, "today": today, "report_day": report_day,
        "milestones": [(m, selectors.milestone_state(m, today, warn)) for m in project.milestones.all()],
        "pending": [c for c in project.claims.all() if c.status == ClaimStatus.PENDING],
        "day_form": DayForm(initial={"on": today}), "claim_form": ClaimForm(jurisdiction=j, prefix="claim") if can["claim"] else None,
        "decision_form": ClaimDecisionForm(), "report_form": report_form, "withdrawable": withdrawable,
        "report_rows": _report_rows(project)})


def _report_rows(project: Project) -> list[tuple[ProjectReport, list[Attachment]]]:
    files = selectors.files_by_report(project)
    return [(r, files[r.pk]) for r in project.reports.all()]


@page(action=MANAGE, methods=("POST",), scope=selectors.projects_visible, by="pk")
def project_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DayForm(request.POST), lambda d: services.project_publish(
        actor=request.user, jurisdiction=request.jurisdiction, project_id=pk, published_on=d["on"]),
        _("项目已发布，各单位可以认项"), back=_back(pk))


@page(action=MANAGE, methods=("POST",), scope=selectors.projects_visible, by="pk")
def project_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DayForm(request.POST), lambda d: services.project_complete(
        actor=request.user, jurisdiction=request.jurisdiction, project_id=pk, completed_on=d["on"]),
        _("已登记项目完成"), back=_back(pk))


@page(action="rectification.project_claim", methods=("POST",), scope=selectors.projects_visible, by="pk")
def claim_create(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, ClaimForm(request.POST, jurisdiction=request.jurisdiction, prefix="claim"),
                 lambda d: services.project_claim(actor=request.user, jurisdiction=request.jurisdiction,
                                                  project_id=pk, org_unit=d["org_unit"], note=d["note"]),
                 _("已提交认项，等待审核"), back=_back(pk))


@page(action="rectification.claim_review", methods=("POST",), scope=selectors.claims_visible, by="pk")
def claim_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    project_id = selectors.claims_visible(request.jurisdiction).values_list("project_id", flat=True).get(pk=pk)
    return _step(request, pk, ClaimDecisionForm(request.POST), lambda d: services.claim_review(
        actor=request.user, jurisdiction=request.jurisdiction, claim_id=pk, approve=d["decision"] == "accept",
        reason=d["reason"]), _("已审核认项"), back=_back(project_id))


@page(action="rectification.project_claim", methods=("POST",), scope=selectors.claims_of_own_units, by="pk")
def claim_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    project_id = selectors.claims_visible(request.jurisdiction).values_list("project_id", flat=True).get(pk=pk)
    return _step(request, pk, ClaimWithdrawForm(request.POST), lambda d: services.claim_withdraw(
        actor=request.user, jurisdiction=request.jurisdiction, claim_id=pk, reason=d["reason"]),
        _("认项已撤回"), back=_back(project_id))


@page(action="rectification.project_report", methods=("POST",), scope=selectors.projects_visible, by="pk")
def report_create(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.jurisdiction, pk)
    form = ReportForm(request.POST, request.FILES, jurisdiction=request.jurisdiction, project=project, prefix="report")
    return _step(request, pk, form, lambda d: services.project_report(
        actor=request.user, jurisdiction=request.jurisdiction, project_id=pk, org_unit=d["org_unit"],
        text=d["text"], percent=d["percent"], reported_on=d["reported_on"], files=d["attachments"]),
        _("进展已报告"), back=_back(pk))


@page(action="rectification.project_report", methods=("POST",), scope=selectors.milestones_visible, by="pk")
def milestone_done(request: AuthedRequest, pk: int) -> HttpResponse:
    project_id = selectors.milestones_visible(request.jurisdiction).values_list("project_id", flat=True).get(pk=pk)
    return _step(request, pk, DayForm(request.POST), lambda d: services.milestone_done(
        actor=request.user, jurisdiction=request.jurisdiction, milestone_id=pk, done_on=d["on"]),
        _("已登记节点完成"), back=_back(project_id))


@page(action=VIEW, methods=("GET", "HEAD"))
def leader_report_index(request: AuthedRequest) -> HttpResponse:
    page_obj = Paginator(selectors.leader_reports_visible(request.jurisdiction), 50).get_page(request.GET.get("page"))
    return render(request, "rectification/leader_reports.html", {
        "page_obj": page_obj, "may_record": may(request.jurisdiction, "rectification.leader_report")})


@page(action="rectification.leader_report")
def leader_report_new(request: AuthedRequest) -> HttpResponse:
    projects = selectors.projects_visible(request.jurisdiction).exclude(status=ProjectStatus.DRAFT).order_by("leader",
                                                                                                             "pk")
    today = timezone.localdate()
    form = LeaderReportForm(request.POST or None, jurisdiction=request.jurisdiction, projects=projects,
                            initial={"year": today.year, "half": 1 if today.month <= 6 else 2, "reported_on": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.leader_report_record(
                actor=request.user, jurisdiction=request.jurisdiction, org_unit=d["org_unit"], leader=d["leader"],
                year=d["year"], half=d["half"], text=d["text"], reported_on=d["reported_on"],
                projects=list(d["projects"]))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("半年述职已登记"))
            return HttpResponseRedirect(reverse("rectification:leader-reports"))
    return render(request, "rectification/leader_report_form.html", {"form": form})
