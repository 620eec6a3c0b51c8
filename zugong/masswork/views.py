"""Staff pages under /masswork/: the order list and dispatch, household visits (phone form),
printable pairing cards, petitions (masked) with their statistics."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zugong.cadres.models import Cadre
from zugong.core.errors import DomainError, NotFound, ValidationFailed
from zugong.core.jurisdiction import scope
from zugong.core.models import OrgKind
from zugong.core.request import actor_of, jurisdiction_of
from zugong.core.selectors import org_units_visible
from zugong.masswork import selectors
from zugong.masswork.models import OrderStatus, Pairing
from zugong.masswork.petition_reports import petition_stats
from zugong.masswork.services import orders as order_services
from zugong.masswork.services import petitions as petition_services
from zugong.masswork.services.petitions import may_see_identity, petitioner_identity
from zugong.masswork.services.visits import household_visit_record


def _order_or_404(request: HttpRequest, pk: int) -> selectors.ServiceOrder:
    try:
        return selectors.order_get(jurisdiction_of(request), pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def index(request: HttpRequest) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    orders = selectors.order_list(jurisdiction, status=status if status in OrderStatus.values else "",
                                  overdue_on=today if overdue else None, limit=100)
    stats = selectors.order_stats(selectors.orders_visible(jurisdiction), today=today)
    return render(request, "masswork/index.html", {
        "orders": orders, "stats": stats, "statuses": OrderStatus.choices, "status": status, "overdue": overdue,
        "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if request.method == "POST":
        return _order_action(request, order)
    return render(request, "masswork/order_detail.html", {
        "order": order, "suggestions": selectors.member_suggestions(order),
        "events": order.events.select_related("member").all()})


def _order_action(request: HttpRequest, order: selectors.ServiceOrder) -> HttpResponse:
    jurisdiction, actor = jurisdiction_of(request), actor_of(request)
    action = request.POST.get("action", "")
    try:
        if action == "dispatch":
            order_services.order_dispatch(actor=actor, jurisdiction=jurisdiction, order_id=order.pk,
                                          member_id=int(request.POST.get("member_id", "0") or 0))
        elif action == "accept":
            order_services.order_accept(actor=actor, jurisdiction=jurisdiction, order_id=order.pk)
        elif action == "complete":
            order_services.order_complete(actor=actor, jurisdiction=jurisdiction, order_id=order.pk,
                                          report=request.POST.get("report", ""))
        elif action == "explain":
            order_services.order_explain(actor=actor, jurisdiction=jurisdiction, order_id=order.pk,
                                         explanation=request.POST.get("explanation", ""))
        else:
            messages.error(request, "未知的操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存")
    return HttpResponseRedirect(reverse("masswork:order", args=[order.pk]))


class VisitForm(forms.Form):
    village = forms.TypedChoiceField(label="村（社区）", coerce=int)
    cadre = forms.TypedChoiceField(label="走访干部", coerce=int)
    household = forms.CharField(label="农户", max_length=60)
    visited_on = forms.DateField(label="走访日期", widget=forms.DateInput(attrs={"type": "date"}))
    matters = forms.CharField(label="反映事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    villages = org_units_visible(jurisdiction).filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by("path")
    cadres = scope(Cadre.objects.filter(status="serving"), jurisdiction).order_by("name", "pk")
    form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    form.fields["village"].choices = [(v.pk, v.name) for v in villages[:500]]  # type: ignore[attr-defined]
    form.fields["cadre"].choices = [(c.pk, c.name) for c in cadres[:500]]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household_visit_record(actor=actor_of(request), jurisdiction=jurisdiction,
                                   village=villages.get(pk=data["village"]), cadre=cadres.get(pk=data["cadre"]),
                                   household=data["household"], visited_on=data["visited_on"],
                                   matters=data["matters"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "走访记录已保存")
            return HttpResponseRedirect(reverse("masswork:visit-new"))
    return render(request, "masswork/visit_form.html", {"form": form})


@login_required
def pairing_cards(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable 民情登记卡 / 办结卡 / 联系卡 of one pairing."""
    pairing = scope(Pairing.objects.select_related("cadre", "village"), jurisdiction_of(request),
                    org_field="village").filter(pk=pk).first()
    if pairing is None:
        raise Http404("未找到该结对记录")
    return render(request, "masswork/pairing_cards.html", {"pairing": pairing})


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def petitions(request: HttpRequest) -> HttpResponse:
    jurisdiction, user = jurisdiction_of(request), actor_of(request)
    start, end = _parse_day(request.GET.get("from", "")), _parse_day(request.GET.get("to", ""))
    rows = selectors.petitions_visible(jurisdiction).order_by("-received_on", "-pk")[:100]
    listed = [(p, petitioner_identity(user=user, jurisdiction=jurisdiction, petition=p, reveal=False)) for p in rows]
    stats = petition_stats(selectors.petitions_visible(jurisdiction), start=start, end=end,
                           today=timezone.localdate())
    return render(request, "masswork/petitions.html", {"rows": listed, "stats": stats, "start": start, "end": end})


@login_required
@require_POST
def order_rate_by_phone(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    try:
        order_services.order_rate_on_behalf(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                                            order_id=order.pk, rating=request.POST.get("rating", ""),
                                            reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("masswork:order", args=[order.pk]))


def _petition_or_404(request: HttpRequest, pk: int) -> selectors.Petition:
    try:
        return selectors.petition_get(jurisdiction_of(request), pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition_or_404(request, pk)
    jurisdiction, user = jurisdiction_of(request), actor_of(request)
    if request.method == "POST":
        try:
            _petition_action(request, petition.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存")
        return HttpResponseRedirect(reverse("masswork:petition", args=[petition.pk]))
    reveal = request.GET.get("reveal") == "1"
    try:
        identity = petitioner_identity(user=user, jurisdiction=jurisdiction, petition=petition, reveal=reveal)
    except DomainError as exc:
        messages.error(request, exc.message)
        identity = petitioner_identity(user=user, jurisdiction=jurisdiction, petition=petition, reveal=False)
    return render(request, "masswork/petition_detail.html", {
        "petition": petition, "identity": identity, "is_owner": petition.owner_id == user.pk,
        "is_receiver": petition.transfer_to_id == user.pk,
        "may_reveal": may_see_identity(user=user, jurisdiction=jurisdiction, petition=petition)})


def _petition_action(request: HttpRequest, pk: int) -> None:
    j, actor, post = jurisdiction_of(request), actor_of(request), request.POST
    action = post.get("action", "")
    if action in ("accept", "reject"):
        petition_services.petition_decide(actor=actor, jurisdiction=j, petition_id=pk, accept=action == "accept",
                                          note=post.get("note", ""))
    elif action == "extend":
        petition_services.petition_extend(actor=actor, jurisdiction=j, petition_id=pk, reason=post.get("reason", ""))
    elif action == "close":
        petition_services.petition_close(actor=actor, jurisdiction=j, petition_id=pk, reply=post.get("reply", ""))
    elif action == "satisfaction":
        petition_services.petition_rate(actor=actor, jurisdiction=j, petition_id=pk,
                                        satisfaction=post.get("satisfaction", ""))
    elif action == "take":
        petition_services.petition_transfer_accept(actor=actor, jurisdiction=j, petition_id=pk)
    else:
        raise ValidationFailed("未知的操作")
