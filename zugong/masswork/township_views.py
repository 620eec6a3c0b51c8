"""Staff pages of the township and village work (基层): the sentiment ledger (民情台账) and its link to a
民情分析会, the duty roster (坐班) and check-in, in-village days (驻村日), pairings (结对帮扶).

Each list page is `@page(action=<the read action>)` and is the page of its menu entry; each write goes
through its own page or POST endpoint under the write action of the permission table, and calls one
service. A service's refusal is shown again in the form (or as a message after the redirect).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError, NotFound, ValidationFailed
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.core.selectors import meetings_visible
from zugong.masswork import forms, selectors
from zugong.masswork.models import LedgerStatus
from zugong.masswork.services import duty, ledger, visits
from zugong.masswork.views import form_page

LIST_ROWS = 100


# ---------------------------------------------------------------- 民情台账


@page(action="masswork.township_view", methods=("GET", "HEAD"))
def ledger_list(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    status = request.GET.get("status", "")
    rows = selectors.ledger_visible(j)
    if status in LedgerStatus.values:
        rows = rows.filter(status=status)
    entries = list(rows.order_by("-recorded_on", "-pk")[:LIST_ROWS])
    # The township's own people discuss and resolve; a village's staff read what their village raised.
    writable = {e.pk for e in entries if e.status != LedgerStatus.RESOLVED
                and may(j, "masswork.ledger_record", e.org_unit)}
    writes = bool(writable)
    discuss = forms.LedgerDiscussForm(jurisdiction=j, entries=[e for e in entries if e.pk in writable],
                                      auto_id="mw-discuss-%s") if writes else None
    return render(request, "masswork/ledger.html", {
        "entries": entries, "status": status, "statuses": LedgerStatus.choices, "writes": writes,
        "writable": writable, "may_add": may(j, "masswork.ledger_record"),
        "discuss": discuss, "may_record_meeting": may(j, "meetings.meeting_record")})


@page(action="masswork.ledger_record", methods=("GET", "HEAD", "POST"))
def ledger_new(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    form = forms.LedgerEntryForm(request.POST or None, jurisdiction=j)
    return form_page(request, form, template="masswork/ledger_form.html", done=reverse("masswork:ledger"),
                     saved=_("民情事项已登记"), save=lambda d: ledger.ledger_entry_add(
                         actor=request.user, jurisdiction=j, org_unit=d["org_unit"], source=d["source"],
                         matter=d["matter"], household=d["household"], recorded_on=d["recorded_on"]))


@page(action="masswork.ledger_record", methods=("POST",), scope=selectors.ledger_visible, by="pk")
def ledger_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    j = request.jurisdiction
    entry = selectors.ledger_entry_get(j, pk)  # 404 outside the jurisdiction
    form = forms.LedgerResolveForm(request.POST, jurisdiction=j)
    try:
        day = form.cleaned_data["resolved_on"] if form.is_valid() else None
        ledger.ledger_resolve(actor=request.user, jurisdiction=j, entry_id=entry.pk, resolved_on=day)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("民情事项已办结"))
    return HttpResponseRedirect(reverse("masswork:ledger"))


@page(action="masswork.ledger_record", methods=("POST",))
def ledger_discuss(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    raw = request.POST.get("meeting", "")
    if raw.isdigit() and not meetings_visible(j).filter(pk=int(raw)).exists():
        raise NotFound(_("未找到该会议，或不在您的管辖范围内"))
    form = forms.LedgerDiscussForm(request.POST, jurisdiction=j)
    try:
        if not form.is_valid():
            errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
            raise ValidationFailed(errors[0])
        data = form.cleaned_data
        ledger.ledger_discuss(actor=request.user, jurisdiction=j, meeting=data["meeting"],
                              entry_ids=data["entry_ids"], decision=data["decision"])
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已关联民情分析会"))
    return HttpResponseRedirect(reverse("masswork:ledger"))


# ---------------------------------------------------------------- 坐班


def _monday_of(request: AuthedRequest, today: date) -> date:
    """The Monday of `?from=YYYY-MM-DD` (a bad value is this week: a page never fails on its query)."""
    try:
        day = date.fromisoformat(request.GET.get("from", "")[:10])
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


@page(action="masswork.township_view", methods=("GET", "HEAD"))
def duty_list(request: AuthedRequest) -> HttpResponse:
    """Two weeks of shifts from the Monday of `?from=` (this week by default); the own shift of today
    carries the check-in button."""
    j, today = request.jurisdiction, timezone.localdate()
    monday = _monday_of(request, today)
    shifts = list(selectors.duty_visible(j).filter(day__range=(monday, monday + timedelta(days=13)))
                  .order_by("day", "village__path", "pk")[:LIST_ROWS * 5])
    return render(request, "masswork/duty.html", {
        "shifts": shifts, "monday": monday, "sunday": monday + timedelta(days=13), "today": today,
        "may_schedule": may(j, "masswork.duty_schedule"), "user_id": request.user.pk,
        "earlier": monday - timedelta(days=14), "later": monday + timedelta(days=14)})


@page(action="masswork.duty_schedule", methods=("GET", "HEAD", "POST"))
def duty_new(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    form = forms.DutyShiftForm(request.POST or None, jurisdiction=j)
    return form_page(request, form, template="masswork/duty_form.html", done=reverse("masswork:duty"),
                     saved=_("坐班已排定"), save=lambda d: duty.duty_shift_schedule(
                         actor=request.user, jurisdiction=j, village=d["village"], cadre=d["cadre"], user=d["user"],
                         day=d["day"]))


@page(action="masswork.duty_check_in", methods=("POST",), scope=selectors.duty_visible, by="pk")
def duty_check_in(request: AuthedRequest, pk: int) -> HttpResponse:
    j = request.jurisdiction
    shift = selectors.duty_shift_get(j, pk)  # 404 outside the jurisdiction
    try:
        duty.duty_check_in(actor=request.user, jurisdiction=j, shift_id=shift.pk)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("签到成功"))
    return HttpResponseRedirect(reverse("masswork:duty"))


# ---------------------------------------------------------------- 驻村日


@page(action="masswork.township_view", methods=("GET", "HEAD"))
def in_village_days(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    rows = list(selectors.in_village_days_visible(j).order_by("-day", "pk")[:LIST_ROWS])
    return render(request, "masswork/in_village_days.html", {
        "rows": rows, "may_record": may(j, "masswork.in_village_day_record")})


@page(action="masswork.in_village_day_record", methods=("GET", "HEAD", "POST"))
def in_village_day_new(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    form = forms.InVillageDayForm(request.POST or None, jurisdiction=j)
    return form_page(request, form, template="masswork/in_village_day_form.html",
                     done=reverse("masswork:in-village-days"), saved=_("驻村日已登记"),
                     save=lambda d: duty.in_village_day_record(actor=request.user, jurisdiction=j,
                                                               village=d["village"], cadre=d["cadre"], day=d["day"]))


# ---------------------------------------------------------------- 结对帮扶


@page(action="masswork.township_view", methods=("GET", "HEAD"))
def pairing_list(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    rows = list(selectors.pairings_visible(j).order_by("village__path", "cadre__name", "pk")[:LIST_ROWS])
    return render(request, "masswork/pairings.html", {
        "rows": rows, "may_record": may(j, "masswork.pairing_record")})


@page(action="masswork.pairing_record", methods=("GET", "HEAD", "POST"))
def pairing_new(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    form = forms.PairingForm(request.POST or None, jurisdiction=j)
    return form_page(request, form, template="masswork/pairing_form.html", done=reverse("masswork:pairings"),
                     saved=_("结对已登记"), save=lambda d: visits.pairing_create(
                         actor=request.user, jurisdiction=j, cadre=d["cadre"], village=d["village"],
                         valid_from=d["valid_from"], household=d["household"], household_phone=d["household_phone"],
                         household_address=d["household_address"], needs=d["needs"]))


@page(action="masswork.pairing_record", methods=("GET", "HEAD", "POST"), scope=selectors.pairings_visible,
      by="pk")
def pairing_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    """The completion card (办结卡) of a household pairing, filled in on its own page."""
    j = request.jurisdiction
    pairing = selectors.pairing_get(j, pk)  # 404 outside the jurisdiction
    return form_page(request, forms.PairingResolveForm(request.POST or None, jurisdiction=j),
                     template="masswork/pairing_resolve.html", saved=_("办结情况已登记"),
                     done=reverse("masswork:pairing-cards", args=[pairing.pk]),
                     save=lambda d: visits.pairing_resolve(actor=request.user, jurisdiction=j, pairing_id=pairing.pk,
                                                           resolution=d["resolution"], resolved_on=d["resolved_on"]),
                     context={"pairing": pairing})
