"""Correcting a problem list or a problem before work has started on it (no plan submitted yet): the
issuing level's pages; once work has started the service refuses and the form says why."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError
from zugong.core.request import AuthedRequest, page
from zugong.rectification import selectors
from zugong.rectification.forms import ListEditForm, ProblemEditForm
from zugong.rectification.services import editing

ISSUE = "rectification.list_issue"


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
