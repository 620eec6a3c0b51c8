"""R26 pages: a unit's org-department leaders with their field days and topics for a year, the year's topic
lists (open a list, register a topic), a topic's result and evaluation, and recording a research trip."""

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
from zugong.fieldwork import selectors
from zugong.fieldwork import selectors_research as research
from zugong.fieldwork.forms import TopicCallForm, TopicEvaluateForm, TopicForm, TopicSubmitForm, TripForm
from zugong.fieldwork.services.research import (
    topic_call_open,
    topic_evaluate,
    topic_register,
    topic_submit,
    trip_record,
)

VIEW = "fieldwork.topic_view"


def _refused(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _year(request: AuthedRequest) -> int:
    return query_int(request, "year", default=timezone.localdate().year, low=2000, high=2100) or 2000


@page(action=VIEW, writes="fieldwork.topic_manage")
def research_year(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    year = _year(request)
    pk = query_int(request, "org", low=1)
    unit = selectors.visible_unit(jurisdiction, pk) if pk is not None else selectors.home_unit(jurisdiction)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    call_form = TopicCallForm(request.POST if which == "call" else None, jurisdiction=jurisdiction)
    topic_form = TopicForm(request.POST if which == "topic" else None, jurisdiction=jurisdiction, year=year)
    if which == "call" and call_form.is_valid():
        data = call_form.cleaned_data
        try:
            topic_call_open(actor=request.user, jurisdiction=jurisdiction, org_unit=data["org_unit"], year=year,
                            register_by=data["register_by"])
        except DomainError as exc:
            _refused(call_form, exc)
        else:
            messages.success(request, _("已开始%(year)s年调研课题申报") % {"year": year})
            return HttpResponseRedirect(f"{reverse('fieldwork:research')}?year={year}&org={unit.pk}")
    if which == "topic" and topic_form.is_valid():
        data = topic_form.cleaned_data
        try:
            topic = topic_register(actor=request.user, jurisdiction=jurisdiction, call=data["call"],
                                   title=data["title"], leader=data["leader"])
        except DomainError as exc:
            _refused(topic_form, exc)
        else:
            messages.success(request, _("已立项：%(title)s") % {"title": topic.title})
            return HttpResponseRedirect(f"{reverse('fieldwork:research')}?year={year}&org={unit.pk}")
    rows = research.leader_year(jurisdiction, unit, year)
    return render(request, "fieldwork/research.html", {
        "unit": unit, "year": year, "rows": rows, "short": sum(1 for r in rows if not r["days_ok"]),
        "calls": research.calls_visible(jurisdiction).filter(year=year),
        "topics": research.topics_visible(jurisdiction).filter(call__year=year).order_by("call__org_unit__path", "pk"),
        "call_form": call_form, "topic_form": topic_form,
        "may_manage": may(jurisdiction, "fieldwork.topic_manage"), "may_trip": may(jurisdiction, "fieldwork.trip_record")})


@page(action=VIEW, writes="fieldwork.topic_manage", scope=research.topics_visible, by="topic_id")
def research_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    jurisdiction = request.jurisdiction
    topic = research.topic_get(jurisdiction, topic_id)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    submit_form = TopicSubmitForm(request.POST if which == "submit" else None)
    evaluate_form = TopicEvaluateForm(request.POST if which == "evaluate" else None)
    try:
        if which == "submit" and submit_form.is_valid():
            topic_submit(actor=request.user, jurisdiction=jurisdiction, topic_id=topic.pk,
                         result=submit_form.cleaned_data["result"])
            messages.success(request, _("已结题"))
            return HttpResponseRedirect(reverse("fieldwork:research-topic", args=[topic.pk]))
        if which == "evaluate" and evaluate_form.is_valid():
            data = evaluate_form.cleaned_data
            topic_evaluate(actor=request.user, jurisdiction=jurisdiction, topic_id=topic.pk, grade=data["grade"],
                           commendation=data["commendation"])
            messages.success(request, _("已评定"))
            return HttpResponseRedirect(reverse("fieldwork:research-topic", args=[topic.pk]))
    except DomainError as exc:
        _refused(submit_form if which == "submit" else evaluate_form, exc)
    return render(request, "fieldwork/research_topic.html", {
        "topic": topic, "submit_form": submit_form, "evaluate_form": evaluate_form,
        "trips": topic.trips.order_by("start_date"), "next": topic.next_states(),
        "may_manage": may(jurisdiction, "fieldwork.topic_manage", topic.call.org_unit)})


@page(action="fieldwork.trip_record", methods=("GET", "HEAD", "POST"))
def research_trip(request: AuthedRequest) -> HttpResponse:
    form = TripForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trip, new_days = trip_record(actor=request.user, jurisdiction=request.jurisdiction, cadre=data["cadre"],
                                         place=data["place"], start_date=data["start_date"],
                                         end_date=data["end_date"], purpose=data["purpose"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已登记%(name)s的调研行程，新增基层调研 %(n)s 天") % {
                "name": trip.cadre.name, "n": new_days})
            return HttpResponseRedirect(f"{reverse('fieldwork:research')}?year={trip.start_date.year}")
    return render(request, "fieldwork/research_trip.html", {"form": form})
