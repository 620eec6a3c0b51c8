"""Pages of 任前公示's reports: register one received during the period, and check and conclude it (核查, 办结).
Both answer on the selection page (the reports are listed there, with the forms)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError
from zugong.core.request import AuthedRequest, page
from zugong.selection import forms as f
from zugong.selection import selectors
from zugong.selection.services import publicity
from zugong.selection.views import _detail, _fail


@page(action="selection.publicity_report_record", methods=("POST",), scope=selectors.selections_visible, by="pk")
def publicity_report_new(request: AuthedRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(request.jurisdiction, pk)
    passed = [c for c in selection.candidates.all() if c.status == "passed"]
    form = f.PublicityReportForm(request.POST, candidates=passed, auto_id="id_pr_%s")
    if form.is_valid():
        d = form.cleaned_data
        try:
            publicity.publicity_report_record(
                actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk,
                received_on=d["received_on"], channel=d["channel"], content=d["content"],
                cadre=form.people.get(d["cadre"]) if d["cadre"] else None)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("反映已登记，请及时核查办结"))
            return HttpResponseRedirect(reverse("selection:detail", args=[pk]) + "#zg-publicity-reports")
    return _detail(request, pk, {"publicity_report": form}, status=400)


@page(action="selection.publicity_report_check", methods=("POST",), scope=selectors.publicity_reports_visible,
      by="pk")
def publicity_report_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    report = selectors.publicity_report_get(request.jurisdiction, pk)
    form = f.PublicityReportTransitionForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    publicity.publicity_report_transition(
        actor=request.user, jurisdiction=request.jurisdiction, report_id=pk, to=request.POST.get("to", ""),
        conclusion=d.get("conclusion", "") or "", handling=d.get("handling", "") or "", on=d.get("on"))
    messages.success(request, _("反映的办理情况已更新"))
    return HttpResponseRedirect(reverse("selection:detail", args=[report.selection_id]) + "#zg-publicity-reports")
