"""述职 plan pages: the plans, creating one, and one plan — who reports and who has not yet, adding a reporting
unit, opening the meeting's 民主测评 (assessment's ballots) and reading its results onto the reports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.rectification import selectors_duty as selectors
from zugong.rectification.forms import DutyEvaluationForm, DutyPlanEntryForm, DutyPlanForm
from zugong.rectification.models import Grade
from zugong.rectification.services import duty_plans as services
from zugong.rectification.views import _step

VIEW = "rectification.problem_view"
ISSUE = "rectification.list_issue"


@page(action=VIEW, methods=("GET",))
def plan_index(request: AuthedRequest) -> HttpResponse:
    return render(request, "rectification/duty_plans.html", {
        "plans": selectors.duty_plan_list(request.jurisdiction)[:200], "may_create": may(request.jurisdiction, ISSUE)})


@page(action=ISSUE)
def plan_new(request: AuthedRequest) -> HttpResponse:
    form = DutyPlanForm(request.POST or None, jurisdiction=request.jurisdiction,
                        initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.duty_plan_create(
                actor=request.user, jurisdiction=request.jurisdiction, reviewing_unit=data["reviewing_unit"],
                year=data["year"], meeting=data["meeting"], held_on=data["held_on"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("述职计划已建立"))
            return HttpResponseRedirect(reverse("rectification:duty-plan", args=[plan.pk]))
    return render(request, "rectification/duty_plan_form.html", {"form": form})


@page(action=VIEW, methods=("GET",))
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = selectors.duty_plan_get(request.jurisdiction, pk)
    entries = list(selectors.entries_of(plan))
    results = selectors.evaluation_of(request.jurisdiction, plan)
    for entry in entries:
        row = results.get(entry.pk)
        entry.evaluation = row  # type: ignore[attr-defined]
        entry.evaluation_label = Grade(row.grade).label if row is not None and row.grade else ""  # type: ignore[attr-defined]
        entry.report_label = Grade(entry.report_grade).label if entry.report_grade else ""  # type: ignore[attr-defined]
    manager = may(request.jurisdiction, ISSUE, plan.reviewing_unit)
    return render(request, "rectification/duty_plan_detail.html", {
        "plan": plan, "entries": entries, "manager": manager,
        "not_reported": [e for e in entries if e.report_id is None],  # type: ignore[attr-defined]
        "floors": selectors.GRADE_FLOORS,
        "entry_form": DutyPlanEntryForm(jurisdiction=request.jurisdiction)
        if manager and plan.campaign_id is None else None,
        "evaluation_form": DutyEvaluationForm() if manager and plan.campaign_id is None else None})


def _back(pk: int) -> str:
    return reverse("rectification:duty-plan", args=[pk])


@page(action=ISSUE, methods=("POST",), scope=selectors.duty_plans_visible, by="pk")
def plan_entry_add(request: AuthedRequest, pk: int) -> HttpResponse:
    form = DutyPlanEntryForm(request.POST, jurisdiction=request.jurisdiction)
    return _step(request, pk, form, lambda d: services.duty_plan_entry_add(
        actor=request.user, jurisdiction=request.jurisdiction, plan_id=pk, org_unit=d["org_unit"],
        secretary=d["secretary"], cadre=d["cadre"]), _("述职人已加入计划"), back=_back(pk))


@page(action=ISSUE, methods=("POST",), scope=selectors.duty_plans_visible, by="pk")
def evaluation_open(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DutyEvaluationForm(request.POST), lambda d: services.duty_evaluation_open(
        actor=request.user, jurisdiction=request.jurisdiction, plan_id=pk, voter_classes=d["voter_classes"]),
        _("民主测评已开启，请在测评页面发放测评码"), back=_back(pk))


@page(action=ISSUE, methods=("POST",), scope=selectors.duty_plans_visible, by="pk")
def evaluation_read(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, forms.Form(request.POST), lambda d: services.duty_evaluation_read(
        actor=request.user, jurisdiction=request.jurisdiction, plan_id=pk),
        _("民主测评已结束投票，结果已登记为评议等次和得分"), back=_back(pk))
