"""R23 page: the turnover report of township recruits for a unit and window, and the approvals of moves
out between [2] and [3] years (recorded with the reason and who signed)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page, query_int
from zugong.fieldwork import selectors
from zugong.fieldwork import selectors_recruits as recruits
from zugong.fieldwork.forms import TransferApprovalForm
from zugong.fieldwork.services.recruits import transfer_approval_grant


@page(action="fieldwork.turnover_view", writes="fieldwork.transfer_approve")
def township_recruits(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    pk = query_int(request, "org", low=1)
    unit = selectors.visible_unit(jurisdiction, pk) if pk is not None else selectors.home_unit(jurisdiction)
    start, end = recruits.report_window(request.GET.get("from", "")[:10], request.GET.get("to", "")[:10], timezone.localdate())
    form = TransferApprovalForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            approval = transfer_approval_grant(actor=request.user, jurisdiction=jurisdiction, cadre=data["cadre"],
                                               kind=data["kind"], destination=data["destination"],
                                               reason=data["reason"], signed_by=data["signed_by"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已登记%(name)s的%(kind)s审批，有效期至%(until)s") % {
                "name": approval.cadre.name, "kind": approval.get_kind_display(),
                "until": f"{approval.valid_until:%Y-%m-%d}"})
            return HttpResponseRedirect(reverse("fieldwork:recruits"))
    report = recruits.turnover(jurisdiction, unit, start=start, end=end)
    return render(request, "fieldwork/recruits.html", {
        "unit": unit, "report": report, "total": report.total, "start": start, "end": end,
        "approvals": recruits.approvals_visible(jurisdiction)[:100], "form": form,
        "may_approve": may(jurisdiction, "fieldwork.transfer_approve")})
