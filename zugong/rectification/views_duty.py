"""述职评议 pages: the reports, recording one, and one report with its evaluation, written feedback and the
problems still open from earlier lists."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.attachments import attachments_of
from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.rectification import selectors, selectors_duty
from zugong.rectification.forms import DutyEvaluateForm, DutyFeedbackForm, DutyReportForm
from zugong.rectification.services import duty as services
from zugong.rectification.views import _step

VIEW = "rectification.problem_view"
ISSUE = "rectification.list_issue"


@page(action=VIEW, methods=("GET",))
def duty_index(request: AuthedRequest) -> HttpResponse:
    page_obj = Paginator(selectors.duty_reports_visible(request.jurisdiction), 50).get_page(request.GET.get("page"))
    return render(request, "rectification/duty_list.html", {
        "page_obj": page_obj, "may_record": may(request.jurisdiction, ISSUE)})


@page(action=ISSUE)
def duty_new(request: AuthedRequest) -> HttpResponse:
    form = DutyReportForm(request.POST or None, request.FILES or None, jurisdiction=request.jurisdiction,
                          initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.duty_report_record(
                actor=request.user, jurisdiction=request.jurisdiction, org_unit=data["org_unit"],
                reviewing_unit=data["reviewing_unit"], year=data["year"], secretary=data["secretary"],
                reported_on=data["reported_on"], summary=data["summary"], files=data["attachments"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("述职已登记"))
            return HttpResponseRedirect(reverse("rectification:duty", args=[report.pk]))
    return render(request, "rectification/duty_form.html", {"form": form})


@page(action=VIEW, methods=("GET",))
def duty_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.duty_report_get(request.jurisdiction, pk)
    reviewer = may(request.jurisdiction, ISSUE, report.reviewing_unit)
    return render(request, "rectification/duty_detail.html", {
        "report": report, "files": attachments_of(report),
        "feedback_files": attachments_of(report.feedback_list) if report.feedback_list is not None else [],
        "plan": selectors_duty.plan_of_report(request.jurisdiction, report),
        "carried_over": selectors.problems_carried_over(request.jurisdiction, report),
        "evaluate_form": DutyEvaluateForm(initial={"grade": report.grade, "score": report.score}) if reviewer else None,
        "feedback_form": DutyFeedbackForm() if reviewer and report.feedback_list_id is None else None})


def _back(pk: int) -> str:
    return reverse("rectification:duty", args=[pk])


@page(action=ISSUE, methods=("POST",), scope=selectors.duty_reports_visible, by="pk")
def duty_evaluate(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DutyEvaluateForm(request.POST), lambda d: services.duty_report_evaluate(
        actor=request.user, jurisdiction=request.jurisdiction, report_id=pk, grade=d["grade"], score=d["score"]),
        _("评议结果已登记"), back=_back(pk))


@page(action=ISSUE, methods=("POST",), scope=selectors.duty_reports_visible, by="pk")
def duty_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DutyFeedbackForm(request.POST, request.FILES), lambda d: services.duty_feedback_issue(
        actor=request.user, jurisdiction=request.jurisdiction, report_id=pk, feedback=d["feedback"],
        problems=d["problems"], files=d["documents"]), _("已书面反馈问题，问题清单已生成"), back=_back(pk))
