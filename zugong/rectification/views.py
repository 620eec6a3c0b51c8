"""Rectification pages: the lists with their progress, one list (problems, progress per unit, Excel), issuing
or importing a list, one problem with its plan, updates, checks and closure, and a POST per step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.attachments import attachments_of
from zugong.core.downloads import download
from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.rectification import selectors
from zugong.rectification.export import problem_list_workbook
from zugong.rectification.forms import (
    CheckForm,
    CloseForm,
    DecisionForm,
    DueForm,
    ImportForm,
    PlanForm,
    ProblemForm,
    ProblemListForm,
    ProgressForm,
    ReasonForm,
)
from zugong.rectification.models import FINISHED, ProblemStatus, Source, next_states
from zugong.rectification.services import checks as check_services
from zugong.rectification.services import editing
from zugong.rectification.services import problems as services
from zugong.rectification.services.imports import problem_list_import

VIEW = "rectification.problem_view"
PAGE_SIZE = 50


@page(action=VIEW, methods=("GET",))
def list_index(request: AuthedRequest) -> HttpResponse:
    source = request.GET.get("source", "")
    source = source if source in Source.values else ""
    lists = selectors.problem_list_list(request.jurisdiction, source=source)
    page_obj = Paginator(lists, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(pl, selectors.percent(pl.weighted_done, pl.weight_total)) for pl in page_obj]  # type: ignore[attr-defined]
    return render(request, "rectification/lists.html", {
        "rows": rows, "page_obj": page_obj, "sources": Source.choices, "source": source, "weights": _weights(),
        "may_issue": may(request.jurisdiction, "rectification.list_issue")})


def _weights() -> dict[str, Any]:
    return {"status": [(ProblemStatus(k).label, w) for k, w in selectors.STATUS_WEIGHT.items()],
            "severity": selectors.SEVERITY_WEIGHT}


@page(action="rectification.list_issue")
def list_new(request: AuthedRequest) -> HttpResponse:
    form = ProblemListForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem_list = services.problem_list_create(
                actor=request.user, jurisdiction=request.jurisdiction, title=data["title"], source=data["source"],
                issuing_unit=data["issuing_unit"], owner_unit=data["owner_unit"], issued_on=data["issued_on"],
                owner_person=data["owner_person"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("问题清单已下发：%(title)s") % {"title": problem_list.title})
            return HttpResponseRedirect(reverse("rectification:list", args=[problem_list.pk]))
    return render(request, "rectification/list_form.html", {"form": form, "importing": False})


@page(action="rectification.list_issue")
def list_import(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = problem_list_import(
                actor=request.user, jurisdiction=request.jurisdiction, title=data["title"], source=data["source"],
                issuing_unit=data["issuing_unit"], owner_unit=data["owner_unit"], issued_on=data["issued_on"],
                owner_person=data["owner_person"], data=data["workbook"].read())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已导入 %(n)s 个问题") % {"n": result.added})
            for line in [*result.refused, *result.warnings]:
                messages.warning(request, line)
            return HttpResponseRedirect(reverse("rectification:list", args=[result.problem_list.pk]))
    return render(request, "rectification/list_form.html", {"form": form, "importing": True})


@page(action=VIEW, methods=("GET",))
def list_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    problem_list = selectors.problem_list_get(request.jurisdiction, pk)
    only_due_overdue = request.GET.get("due_overdue") == "1"
    problems = selectors.problems_of_list(request.jurisdiction, pk, as_of=timezone.localdate(),
                                          due_overdue=True if only_due_overdue else None)
    may_issue = may(request.jurisdiction, "rectification.list_issue", problem_list.issuing_unit)
    return render(request, "rectification/list_detail.html", {
        "problem_list": problem_list, "problems": problems, "weights": _weights(),
        "list_files": attachments_of(problem_list), "only_due_overdue": only_due_overdue,
        "percent": selectors.percent(problem_list.weighted_done, problem_list.weight_total),  # type: ignore[attr-defined]
        "units": selectors.progress_by_unit(request.jurisdiction, list_id=pk),
        "may_export": may(request.jurisdiction, "rectification.list_export"),
        "problem_form": ProblemForm(jurisdiction=request.jurisdiction) if may_issue else None})


@page(action="rectification.list_export", methods=("GET",))
def list_export(request: AuthedRequest, pk: int) -> HttpResponse:
    problem_list = selectors.problem_list_get(request.jurisdiction, pk)
    problems = selectors.problems_of_list(request.jurisdiction, pk, as_of=timezone.localdate())
    return download(problem_list_workbook(problems), f"{problem_list.title}.xlsx")


@page(action="rectification.list_issue", methods=("POST",), scope=selectors.problem_lists_visible, by="pk")
def problem_new(request: AuthedRequest, pk: int) -> HttpResponse:
    problem_list = selectors.problem_list_get(request.jurisdiction, pk)
    form = ProblemForm(request.POST, jurisdiction=request.jurisdiction)
    if not form.is_valid():
        return _refused(request, reverse("rectification:list", args=[pk]), form)
    data = form.cleaned_data
    try:
        problem = services.problem_add(
            actor=request.user, jurisdiction=request.jurisdiction, list_id=problem_list.pk,
            description=data["description"], severity=data["severity"], org_unit=data["org_unit"],
            responsible_person=data["responsible_person"], due_on=data["due_on"])
    except DomainError as exc:
        return _refused(request, reverse("rectification:list", args=[pk]), exc=exc)
    messages.success(request, _("已加入第 %(n)s 个问题") % {"n": problem.number})
    return HttpResponseRedirect(reverse("rectification:list", args=[pk]))


@page(action=VIEW, methods=("GET",))
def problem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(request.jurisdiction, pk, as_of=timezone.localdate())
    issuing, owner = problem.problem_list.issuing_unit, problem.org_unit
    j = request.jurisdiction
    steps = next_states(problem.status)
    can = {
        "plan": ProblemStatus.PLAN_SUBMITTED in steps and may(j, "rectification.plan_submit", owner),
        "plan_review": problem.status == ProblemStatus.PLAN_SUBMITTED and may(j, "rectification.plan_review", issuing),
        "progress": problem.status == ProblemStatus.RECTIFYING and may(j, "rectification.progress_report", owner),
        "close": ProblemStatus.CLOSURE_REQUESTED in steps and may(j, "rectification.closure_request", owner),
        "close_review": problem.status == ProblemStatus.CLOSURE_REQUESTED
        and may(j, "rectification.closure_review", issuing),
        "reopen": problem.status == ProblemStatus.CLOSED and may(j, "rectification.problem_reopen", issuing),
        "check": problem.status not in FINISHED and may(j, "rectification.check_record", issuing),
        "withdraw": ProblemStatus.WITHDRAWN in steps and may(j, "rectification.list_issue", issuing),
        "due": problem.status not in FINISHED and may(j, "rectification.list_issue", issuing),
    }
    if problem.problem_list.withdrawn_on is not None:  # a withdrawn list's problems take no further step
        can = dict.fromkeys(can, False)
    files = selectors.files_by_update(problem)
    updates = [(u, files[u.pk]) for u in problem.updates.all()]
    return render(request, "rectification/problem_detail.html", {
        "problem": problem, "can": can, "updates": updates, "evidence_files": attachments_of(problem),
        "plan_form": PlanForm(), "decision_form": DecisionForm(), "progress_form": ProgressForm(),
        "close_form": CloseForm(), "reason_form": ReasonForm(), "due_form": DueForm(initial={"due_on": problem.due_on}),
        "check_form": CheckForm(initial={"checked_on": timezone.localdate()})})


def _refused(request: AuthedRequest, back: str, form: forms.Form | None = None,
             exc: DomainError | None = None) -> HttpResponse:
    if exc is not None:
        messages.error(request, exc.message)
    for field, errors in (form.errors.items() if form is not None else []):
        label = form.fields[field].label if form is not None and field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
    return HttpResponseRedirect(back)


def _step(request: AuthedRequest, pk: int, form: forms.Form, call: Callable[[dict[str, Any]], object],
          done: str, back: str = "") -> HttpResponse:
    """Bind the step's form, call its service; a refusal comes back on the record's page as a message."""
    back = back or reverse("rectification:problem", args=[pk])
    if not form.is_valid():
        return _refused(request, back, form)
    try:
        call(form.cleaned_data)
    except DomainError as exc:
        return _refused(request, back, exc=exc)
    messages.success(request, done)
    return HttpResponseRedirect(back)


@page(action="rectification.plan_submit", methods=("POST",), scope=selectors.problems_visible, by="pk")
def plan_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, PlanForm(request.POST), lambda d: services.plan_submit(
        actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk, measures=d["measures"],
        deadline=d["deadline"], milestones=d["milestones"]), _("整改方案已提交，等待审核"))


@page(action="rectification.plan_review", methods=("POST",), scope=selectors.problems_visible, by="pk")
def plan_review(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DecisionForm(request.POST), lambda d: services.plan_review(
        actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk, accept=d["decision"] == "accept",
        reason=d["reason"]), _("已审核整改方案"))


@page(action="rectification.progress_report", methods=("POST",), scope=selectors.problems_visible, by="pk")
def progress_report(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, ProgressForm(request.POST, request.FILES), lambda d: services.progress_report(
        actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk, text=d["text"],
        files=d["attachments"]), _("整改进展已报告"))


@page(action="rectification.closure_request", methods=("POST",), scope=selectors.problems_visible, by="pk")
def closure_request(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, CloseForm(request.POST, request.FILES), lambda d: services.closure_request(
        actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk, summary=d["summary"],
        files=d["evidence"]), _("销号申请已提交，等待审核"))


@page(action="rectification.closure_review", methods=("POST",), scope=selectors.problems_visible, by="pk")
def closure_review(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DecisionForm(request.POST), lambda d: services.closure_review(
        actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk, approve=d["decision"] == "accept",
        reason=d["reason"]), _("已审核销号申请"))


@page(action="rectification.problem_reopen", methods=("POST",), scope=selectors.problems_visible, by="pk")
def problem_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, ReasonForm(request.POST), lambda d: services.problem_reopen(
        actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk, reason=d["reason"]),
        _("问题已重新打开"))


@page(action="rectification.list_issue", methods=("POST",), scope=selectors.problems_visible, by="pk")
def problem_due_set(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, DueForm(request.POST), lambda d: editing.problem_due_set(
        actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk, due_on=d["due_on"]),
        _("问题时限已修改"))


@page(action="rectification.check_record", methods=("POST",), scope=selectors.problems_visible, by="pk")
def check_record(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, CheckForm(request.POST), lambda d: check_services.check_record(
        actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk, verdict=d["verdict"],
        checked_on=d["checked_on"], note=d["note"]), _("整改检查已登记"))
