"""蹲点调研 pages (R06): the batches with the year's figures and a new batch; a batch's participants and
where they stay; a stay's log and suggestions; the suggestions forwarded to departments and their answers;
what units spent on their linked villages (联系点)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page, query_int
from zugong.fieldwork import selectors_stays as stays
from zugong.fieldwork.forms import AnswerForm, BatchForm, SpendingForm, StayForm, StayLogForm, SuggestionForm
from zugong.fieldwork.services.stays import (
    batch_create,
    link_spending_record,
    stay_add,
    stay_log_add,
    suggestion_answer,
    suggestion_forward,
)

VIEW = "fieldwork.stay_view"


def _refused(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@page(action=VIEW, writes="fieldwork.batch_manage")
def stay_batches(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    year = query_int(request, "year", default=timezone.localdate().year, low=2000, high=2100) or 0
    form = BatchForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = batch_create(actor=request.user, jurisdiction=jurisdiction, organiser=data["organiser"],
                                 theme=data["theme"], start_date=data["start_date"], end_date=data["end_date"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已新建%(batch)s") % {"batch": str(batch)})
            return HttpResponseRedirect(reverse("fieldwork:stay-batch", args=[batch.pk]))
    organisers = list(stays.organisers_visible(jurisdiction)[:20])
    return render(request, "fieldwork/stay_batches.html", {
        "year": year, "batches": stays.batches_visible(jurisdiction).filter(year=year)[:200],
        "figures": [(unit, stays.year_figures(jurisdiction, unit, year)) for unit in organisers],
        "overdue": stays.suggestions_overdue(jurisdiction, timezone.localdate()).count(),
        "form": form, "may_manage": may(jurisdiction, "fieldwork.batch_manage")})


@page(action=VIEW, writes="fieldwork.batch_manage", scope=stays.batches_visible, by="batch_id")
def stay_batch(request: AuthedRequest, batch_id: int) -> HttpResponse:
    jurisdiction = request.jurisdiction
    batch = stays.batch_get(jurisdiction, batch_id)
    form = StayForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stay = stay_add(actor=request.user, jurisdiction=jurisdiction, batch_id=batch.pk, cadre=data["cadre"],
                            place_kind=data["place_kind"], place=data["place"], place_name=data["place_name"],
                            start_date=data["start_date"], end_date=data["end_date"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已登记%(name)s到%(place)s蹲点") % {"name": stay.cadre.name,
                                                                        "place": stay.place_name})
            return HttpResponseRedirect(reverse("fieldwork:stay-batch", args=[batch.pk]))
    figures = stays.year_figures(jurisdiction, batch.organiser, batch.year)
    return render(request, "fieldwork/stay_batch.html", {
        "batch": batch, "stays": stays.stays_of_batch(batch), "figures": figures, "form": form,
        "may_manage": may(jurisdiction, "fieldwork.batch_manage", batch.organiser)})


@page(action=VIEW, writes="fieldwork.stay_record", scope=stays.stays_visible, by="stay_id")
def stay_detail(request: AuthedRequest, stay_id: int) -> HttpResponse:
    jurisdiction = request.jurisdiction
    stay = stays.stay_get(jurisdiction, stay_id)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    # two forms on one page: their own element ids (the field names stay as they are)
    log_form = StayLogForm(request.POST if which == "log" else None, auto_id="log_%s")
    suggestion_form = SuggestionForm(request.POST if which == "suggestion" else None, jurisdiction=jurisdiction,
                                     auto_id="suggestion_%s")
    if which == "log" and log_form.is_valid():
        data = log_form.cleaned_data
        try:
            stay_log_add(actor=request.user, jurisdiction=jurisdiction, stay=stay, day=data["day"], kind=data["kind"],
                         content=data["content"], money=data["money"], goods=data["goods"])
        except DomainError as exc:
            _refused(log_form, exc)
        else:
            messages.success(request, _("已登记蹲点日志"))
            return HttpResponseRedirect(reverse("fieldwork:stay", args=[stay.pk]))
    if which == "suggestion" and suggestion_form.is_valid():
        data = suggestion_form.cleaned_data
        try:
            suggestion = suggestion_forward(actor=request.user, jurisdiction=jurisdiction, stay=stay,
                                            content=data["content"], department=data["department"],
                                            reply_due=data["reply_due"])
        except DomainError as exc:
            _refused(suggestion_form, exc)
        else:
            messages.success(request, _("已转送%(department)s，答复期限%(due)s") % {
                "department": suggestion.department.name, "due": f"{suggestion.reply_due:%Y-%m-%d}"})
            return HttpResponseRedirect(reverse("fieldwork:stay", args=[stay.pk]))
    return render(request, "fieldwork/stay_detail.html", {
        "stay": stay, "logs": stays.logs_of(stay), "suggestions": stay.suggestions.select_related("department"),
        "log_form": log_form, "suggestion_form": suggestion_form, "today": timezone.localdate(),
        "may_record": may(jurisdiction, "fieldwork.stay_record", stay.batch.organiser)})


@page(action=VIEW, methods=("GET", "HEAD"))
def suggestions(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    today = timezone.localdate()
    only_overdue = request.GET.get("overdue") == "1"
    rows = stays.suggestions_overdue(jurisdiction, today) if only_overdue else stays.suggestions_visible(jurisdiction)
    return render(request, "fieldwork/suggestions.html", {
        "rows": rows[:500], "today": today, "only_overdue": only_overdue,
        "may_answer": may(jurisdiction, "fieldwork.suggestion_answer")})


@page(action="fieldwork.suggestion_answer", methods=("GET", "HEAD", "POST"), scope=stays.suggestions_visible,
      by="suggestion_id")
def suggestion_answer_page(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    jurisdiction = request.jurisdiction
    suggestion = stays.suggestion_get(jurisdiction, suggestion_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answered = suggestion_answer(actor=request.user, jurisdiction=jurisdiction, suggestion_id=suggestion.pk,
                                         status=data["status"], reply=data["reply"], replied_on=data["replied_on"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已登记：%(status)s") % {"status": answered.get_status_display()})
            return HttpResponseRedirect(reverse("fieldwork:suggestions"))
    return render(request, "fieldwork/suggestion_answer.html", {"suggestion": suggestion, "form": form})


@page(action=VIEW, writes="fieldwork.spending_record")
def link_spendings(request: AuthedRequest) -> HttpResponse:
    """What units spent on their linked villages (联系点) in a year: totals per village, and each record."""
    jurisdiction = request.jurisdiction
    year = query_int(request, "year", default=timezone.localdate().year, low=2000, high=2100) or 2000
    form = SpendingForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = link_spending_record(actor=request.user, jurisdiction=jurisdiction, village=data["village"],
                                       giver=data["giver"], spent_on=data["spent_on"], amount=data["amount"],
                                       goods=data["goods"], purpose=data["purpose"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已登记%(village)s的联系点投入") % {"village": row.village.name})
            return HttpResponseRedirect(f"{reverse('fieldwork:spendings')}?year={row.spent_on.year}")
    totals = list(stays.spending_totals(jurisdiction, year)[:500])
    return render(request, "fieldwork/spendings.html", {
        "year": year, "totals": totals, "total_money": sum((t["money"] or 0 for t in totals), 0),
        "rows": stays.spendings_visible(jurisdiction).filter(spent_on__year=year)[:200], "form": form,
        "may_record": may(jurisdiction, "fieldwork.spending_record")})
