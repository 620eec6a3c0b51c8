"""Correcting a problem list or a problem before work has started on it (no plan submitted yet), withdrawing a
list or one problem (with a reason), and moving an item's dates or correcting its title, leader, responsible person,
measures and lead unit (项目化管理): the issuing level's pages; a refusal is shown on the form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError, Forbidden
from zugong.core.permissions import may, permission
from zugong.core.request import AuthedRequest, page
from zugong.rectification import selectors, selectors_projects
from zugong.rectification.forms import ListEditForm, ProblemEditForm, WithdrawForm
from zugong.rectification.forms_projects import ProjectDatesForm, ProjectEditForm
from zugong.rectification.models import MilestoneKind, Project
from zugong.rectification.services import editing, project_dates, project_editing, withdrawal

ISSUE = "rectification.list_issue"
MANAGE = "rectification.project_manage"


def _refused(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@page(action=ISSUE, scope=selectors.problem_lists_visible, by="pk")
def list_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    problem_list = selectors.problem_list_get(request.jurisdiction, pk)
    form = ListEditForm(request.POST or None, initial={
        "title": problem_list.title, "owner_person": problem_list.owner_person, "issued_on": problem_list.issued_on})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            editing.problem_list_update(actor=request.user, jurisdiction=request.jurisdiction, list_id=pk,
                                        title=d["title"], owner_person=d["owner_person"], issued_on=d["issued_on"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("问题清单已修改"))
            return HttpResponseRedirect(reverse("rectification:list", args=[pk]))
    return render(request, "rectification/edit_form.html", {
        "form": form, "heading": _("修改问题清单"), "back": reverse("rectification:list", args=[pk]),
        "name": problem_list.title})


@page(action=ISSUE, scope=selectors.problems_visible, by="pk")
def problem_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    problem = selectors.problems_visible(request.jurisdiction).get(pk=pk)
    form = ProblemEditForm(request.POST or None, initial={
        "description": problem.description, "severity": problem.severity,
        "responsible_person": problem.responsible_person})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            editing.problem_update(actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk,
                                   description=d["description"], severity=d["severity"],
                                   responsible_person=d["responsible_person"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("问题已修改"))
            return HttpResponseRedirect(reverse("rectification:problem", args=[pk]))
    return render(request, "rectification/edit_form.html", {
        "form": form, "heading": _("修改问题"), "back": reverse("rectification:problem", args=[pk]),
        "name": f"{problem.problem_list.title}-{problem.number}"})


@page(action=ISSUE, scope=selectors.problem_lists_visible, by="pk")
def list_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    problem_list = selectors.problem_list_get(request.jurisdiction, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal.problem_list_withdraw(actor=request.user, jurisdiction=request.jurisdiction, list_id=pk,
                                             reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("问题清单已撤回"))
            return HttpResponseRedirect(reverse("rectification:list", args=[pk]))
    return render(request, "rectification/edit_form.html", {
        "form": form, "heading": _("撤回问题清单"), "back": reverse("rectification:list", args=[pk]),
        "name": problem_list.title, "hint": _("撤回后，清单及其问题的记录全部保留并标为已撤回；不再需要整改检查、不再提醒，"
                                              "其问题不再办理任何步骤。撤回不能恢复。"), "submit": _("撤回清单")})


@page(action=ISSUE, scope=selectors.problems_visible, by="pk")
def problem_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    """Two steps: the reason, then a confirmation naming the problem and the reason; a refusal (closed or
    withdrawn meanwhile) is shown on the form."""
    problem = selectors.problems_visible(request.jurisdiction).get(pk=pk)
    form = WithdrawForm(request.POST or None)
    context = {"form": form, "heading": _("撤回问题"), "back": reverse("rectification:problem", args=[pk]),
               "name": f"{problem.problem_list.title}-{problem.number}", "submit": _("下一步"),
               "hint": _("撤回后，该问题的记录全部保留并标为已撤回；不再需要整改检查、不再提醒，不再办理任何步骤，"
                         "所在清单的其他问题不受影响。撤回不能恢复；已销号的问题不能撤回。")}
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "1":
            return render(request, "rectification/withdraw_confirm.html", {**context, "problem": problem,
                                                                            "reason": form.cleaned_data["reason"]})
        try:
            withdrawal.problem_withdraw(actor=request.user, jurisdiction=request.jurisdiction, problem_id=pk,
                                        reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("问题已撤回"))
            return HttpResponseRedirect(reverse("rectification:problem", args=[pk]))
    return render(request, "rectification/edit_form.html", context)


def _manageable_project(request: AuthedRequest, pk: int) -> Project:
    """The item, refused before its form is shown unless the person manages items at its issuing unit: a township's
    organisation department manages items of its own and sees the county's items it leads, but may not correct them."""
    project = selectors_projects.project_get(request.jurisdiction, pk)
    if not may(request.jurisdiction, MANAGE, project.issuing_unit):
        raise Forbidden(f"您没有{permission(MANAGE).label}的权限")
    return project


@page(action=MANAGE, scope=selectors_projects.projects_visible, by="pk")
def project_dates_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    project = _manageable_project(request, pk)
    open_milestones = [m for m in project.milestones.all() if m.kind == MilestoneKind.MILESTONE and m.done_on is None]
    form = ProjectDatesForm(request.POST or None, initial={
        "deadline": project.deadline,
        "milestones": "\n".join(f"{m.due.isoformat()} {m.title}" for m in sorted(open_milestones, key=lambda m: m.due))})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project_dates.project_dates_update(actor=request.user, jurisdiction=request.jurisdiction, project_id=pk,
                                               deadline=d["deadline"], milestones=d["milestones"], reason=d["reason"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("时限和节点已修改"))
            return HttpResponseRedirect(reverse("rectification:project", args=[pk]))
    return render(request, "rectification/edit_form.html", {
        "form": form, "heading": _("修改时限和节点"), "back": reverse("rectification:project", args=[pk]),
        "name": project.title, "hint": _("完成前可以修改完成时限和未完成的节点；重点任务的进展报告期次随新的完成时限重新计算，"
                                         "已报告的不变。修改前后的内容记入审计日志。")})


@page(action=MANAGE, scope=selectors_projects.projects_visible, by="pk")
def project_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    project = _manageable_project(request, pk)
    form = ProjectEditForm(request.POST or None, jurisdiction=request.jurisdiction, initial={
        "title": project.title, "lead_unit": project.lead_unit_id, "leader": project.leader,
        "responsible_person": project.responsible_person, "measures": project.measures})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project_editing.project_update(
                actor=request.user, jurisdiction=request.jurisdiction, project_id=pk, title=d["title"],
                leader=d["leader"], responsible_person=d["responsible_person"], measures=d["measures"],
                lead_unit=d["lead_unit"], reason=d["reason"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("项目信息已修改"))
            return HttpResponseRedirect(reverse("rectification:project", args=[pk]))
    return render(request, "rectification/edit_form.html", {
        "form": form, "heading": _("修改项目信息"), "back": reverse("rectification:project", args=[pk]),
        "name": project.title, "hint": _("完成前发布单位可以修改项目名称、牵头单位、责任领导、责任人和工作措施；"
                                         "修改前后的内容和理由记入审计日志。")})
