"""The points-card page (R32): the period's totals ranked within each unit, the items, the entries awaiting
approval; forms to add an item, record an entry with evidence, approve or reject, and count the automatic
items for the period from zugong's data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from zugong.assessment import selectors_points as read
from zugong.assessment.forms import PointEntryForm, PointItemForm, PointsFillForm
from zugong.assessment.services import points as svc
from zugong.core.errors import DomainError, ValidationFailed
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page

VIEW = "assessment.points_view"


def _period(request: AuthedRequest) -> read.Period:
    text = request.GET.get("period", "") or request.POST.get("period", "")
    return read.period_of(text[:10]) if text else read.current_period(timezone.localdate())


def _items(request: AuthedRequest) -> list[tuple[int, str]]:
    return [(i.pk, f"{i.name}（{i.points:+}）") for i in read.items_applicable(request.jurisdiction).order_by("sort_order", "pk")
            if not i.source]


def _page(request: AuthedRequest, period: read.Period, status: int = 200, error: str = "",
          **bound: Any) -> HttpResponse:
    j = request.jurisdiction
    sources = [(s.key, s.label) for s in svc.SOURCES.values()]
    return render(request, "assessment/points.html", {
        "period": period, "totals": read.totals(j, period), "items": read.items_applicable(j).order_by("org_unit__path", "sort_order", "pk"),
        "pending": read.pending(j)[:200], "error": error, "sources": dict(sources),
        "may_manage": may(j, svc.MANAGE), "may_record": may(j, svc.RECORD), "may_approve": may(j, svc.APPROVE),
        "item_form": bound.get("item_form") or PointItemForm(jurisdiction=j, sources=sources),
        "entry_form": bound.get("entry_form") or PointEntryForm(jurisdiction=j, items=_items(request)),
        "fill_form": bound.get("fill_form") or PointsFillForm(jurisdiction=j)}, status=status)


def _back(period: read.Period, message: str, request: AuthedRequest) -> HttpResponseRedirect:
    messages.success(request, message)
    return HttpResponseRedirect(reverse("assessment:points") + "?" + urlencode({"period": period.text}))


@page(action=VIEW, methods=("GET", "HEAD"))
def points_card(request: AuthedRequest) -> HttpResponse:
    try:
        period = _period(request)
    except ValidationFailed as exc:
        return _page(request, read.period_of(str(timezone.localdate().year)), 400, exc.message)
    return _page(request, period)


@page(action=svc.MANAGE, methods=("POST",))
def point_item_add(request: AuthedRequest) -> HttpResponse:
    period = _period(request)
    sources = [(s.key, s.label) for s in svc.SOURCES.values()]
    form = PointItemForm(request.POST, jurisdiction=request.jurisdiction, sources=sources)
    if not form.is_valid():
        return _page(request, period, 400, item_form=form)
    data = form.cleaned_data
    try:
        item = svc.point_item_set(actor=request.user, jurisdiction=request.jurisdiction, org_unit=data["org_unit"],
                                  name=data["name"], points=data["points"], role=data["role"], source=data["source"])
    except DomainError as exc:
        return _page(request, period, exc.status, exc.message, item_form=form)
    return _back(period, _("积分项目已添加：%(name)s") % {"name": item.name}, request)


@page(action=svc.RECORD, methods=("POST",))
def point_entry_add(request: AuthedRequest) -> HttpResponse:
    period = _period(request)
    form = PointEntryForm(request.POST, jurisdiction=request.jurisdiction, items=_items(request))
    if not form.is_valid():
        return _page(request, period, 400, entry_form=form)
    data = form.cleaned_data
    try:
        entry = svc.point_entry_record(actor=request.user, jurisdiction=request.jurisdiction, item_id=data["item"],
                                       cadre=data["cadre"], on=data["on"], quantity=data["quantity"],
                                       evidence=data["evidence"])
    except DomainError as exc:
        return _page(request, period, exc.status, exc.message, entry_form=form)
    return _back(period, _("积分已登记（%(points)s 分），待审核") % {"points": entry.points}, request)


@page(action=svc.APPROVE, methods=("POST",), scope=read.entries_visible, by="entry_id")
def point_entry_decide(request: AuthedRequest, entry_id: int) -> HttpResponse:
    period = _period(request)
    approve = request.POST.get("decision") == "approve"
    try:
        svc.point_entry_decide(actor=request.user, jurisdiction=request.jurisdiction, entry_id=entry_id,
                               approve=approve, note=request.POST.get("note", "")[:300])
    except DomainError as exc:
        return _page(request, period, exc.status, exc.message)
    return _back(period, _("积分已审核通过") if approve else _("积分未通过审核"), request)


@page(action=svc.MANAGE, methods=("POST",))
def points_fill(request: AuthedRequest) -> HttpResponse:
    period = _period(request)
    form = PointsFillForm(request.POST, jurisdiction=request.jurisdiction)
    if not form.is_valid():
        return _page(request, period, 400, fill_form=form)
    try:
        n = svc.points_fill(actor=request.user, jurisdiction=request.jurisdiction,
                            org_unit=form.cleaned_data["org_unit"], start=period.start, end=period.end)
    except DomainError as exc:
        return _page(request, period, exc.status, exc.message, fill_form=form)
    return _back(period, _("已从系统数据计入 %(n)s 条积分（%(period)s）") % {"n": n, "period": period.label}, request)
