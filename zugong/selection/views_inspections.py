"""Pages of R22, the special supervision of selection work: the rotation with the overdue units and the
inspections, recording one, one inspection, and the two lists of accountability situations."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.selection import selectors
from zugong.selection.forms_reports import InspectionForm, SituationForm
from zugong.selection.models import AccountabilitySituation
from zugong.selection.services import inspections as svc
from zugong.selection.views import _fail


@page(action="selection.inspection_view", methods=("GET", "HEAD"))
def inspection_list(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    rows = selectors.inspection_schedule(j, timezone.localdate())
    return render(request, "selection/inspection_list.html", {
        "rotation": rows, "overdue": [r for r in rows if r.overdue],
        "inspections": selectors.inspection_list(j)[:100],
        "may_record": may(j, "selection.inspection_record"), "may_edit": may(j, "selection.situation_edit")})


@page(action="selection.inspection_record")
def inspection_new(request: AuthedRequest) -> HttpResponse:
    form = InspectionForm(request.POST or None, jurisdiction=request.jurisdiction,
                          situations=selectors.situations_in_use())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            row = svc.inspection_record(actor=request.user, jurisdiction=request.jurisdiction,
                                        inspected_unit=d["inspected_unit"], started_on=d["started_on"],
                                        team=d["team"], findings=d["findings"],
                                        situation_ids=[int(x) for x in d["situations"]], handling=d["handling"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("专项检查已登记"))
            return HttpResponseRedirect(reverse("selection:inspection", args=[row.pk]))
    return render(request, "selection/form.html", {"form": form, "title": _("登记选人用人专项检查")})


@page(action="selection.inspection_view", methods=("GET", "HEAD"))
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "selection/inspection_detail.html",
                  {"row": selectors.inspection_get(request.jurisdiction, pk)})


@page(action="selection.situation_edit")
def situations(request: AuthedRequest) -> HttpResponse:
    """The two lists: add a situation, or 停用 one (kept on the inspections that named it)."""
    form = SituationForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("retire"):
                svc.situation_retire(actor=request.user, jurisdiction=request.jurisdiction,
                                     situation_id=int(request.POST["retire"]) if request.POST["retire"].isdigit()
                                     else 0)
                messages.success(request, _("已停用"))
                return HttpResponseRedirect(reverse("selection:situations"))
            if form.is_valid():
                svc.situation_add(actor=request.user, jurisdiction=request.jurisdiction, **form.cleaned_data)
                messages.success(request, _("已添加"))
                return HttpResponseRedirect(reverse("selection:situations"))
        except DomainError as exc:
            _fail(form, exc)
    rows = AccountabilitySituation.objects.filter(active=True).order_by("head", "order", "pk")
    return render(request, "selection/situations.html", {"rows": rows, "form": form},
                  status=400 if form.errors else 200)
