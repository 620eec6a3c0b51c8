"""R25 pages: the register of retired village cadres with eligibility and the year's missed 七一 / 春节
visits; one retiree's visits, hardship help and subsidies; paying the year's subsidy."""

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
from zugong.fieldwork import selectors_care as care
from zugong.fieldwork.festivals import spring_festival
from zugong.fieldwork.forms import (
    HardshipForm,
    RetireeForm,
    RetireeFromRosterForm,
    SubsidyForm,
    SubsidyRuleForm,
    VisitForm,
)
from zugong.fieldwork.services.care import (
    care_visit_record,
    hardship_help_record,
    retiree_from_roster,
    retiree_leave_register,
    retiree_register,
    subsidy_pay,
    subsidy_rule_set,
)

VIEW = "fieldwork.retiree_view"


def _refused(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@page(action=VIEW, writes="fieldwork.retiree_manage")
def retirees(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    today = timezone.localdate()
    year = query_int(request, "year", default=today.year, low=2004, high=2040) or today.year
    which = request.POST.get("form", "") if request.method == "POST" else ""
    form = RetireeForm(request.POST if which == "" and request.method == "POST" else None, jurisdiction=jurisdiction)
    roster_form = RetireeFromRosterForm(request.POST if which == "roster" else None, jurisdiction=jurisdiction,
                                        auto_id="roster_%s")
    if which == "roster" and roster_form.is_valid():
        try:
            retiree = retiree_from_roster(actor=request.user, jurisdiction=jurisdiction,
                                          cadre=roster_form.cleaned_data["cadre"],
                                          left_on=roster_form.cleaned_data["left_on"])
        except DomainError as exc:
            _refused(roster_form, exc)
        else:
            messages.success(request, _("已登记离任村干部%(name)s") % {"name": retiree.name})
            return HttpResponseRedirect(reverse("fieldwork:retiree", args=[retiree.pk]))
    if which == "" and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            retiree = retiree_register(actor=request.user, jurisdiction=jurisdiction, village=data["village"],
                                       name=data["name"], posts=data["posts"], served_from=data["served_from"],
                                       left_on=data["left_on"], roles_after=data["roles_after"],
                                       in_hardship=data["in_hardship"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已登记离任村干部%(name)s") % {"name": retiree.name})
            return HttpResponseRedirect(reverse("fieldwork:retiree", args=[retiree.pk]))
    rows = list(care.retirees_visible(jurisdiction).filter(is_active=True).order_by("village__path", "name")[:500])
    return render(request, "fieldwork/retirees.html", {
        "year": year, "spring": spring_festival(year),
        "rows": list(zip(rows, care.eligibilities(rows, today), strict=True)),
        "missed": care.missed_visits(jurisdiction, year, today),
        "form": form, "roster_form": roster_form, "may_manage": may(jurisdiction, "fieldwork.retiree_manage")})


@page(action=VIEW, writes="fieldwork.care_record", scope=care.retirees_visible, by="retiree_id")
def retiree_detail(request: AuthedRequest, retiree_id: int) -> HttpResponse:
    jurisdiction = request.jurisdiction
    retiree = care.retiree_get(jurisdiction, retiree_id)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    # two forms on one page: their own element ids (the field names stay as they are)
    visit_form = VisitForm(request.POST if which == "visit" else None, auto_id="visit_%s")
    help_form = HardshipForm(request.POST if which == "help" else None, auto_id="help_%s")
    try:
        if which == "visit" and visit_form.is_valid():
            data = visit_form.cleaned_data
            visit = care_visit_record(actor=request.user, jurisdiction=jurisdiction, retiree=retiree,
                                      occasion=data["occasion"], visited_on=data["visited_on"],
                                      visitors=data["visitors"], note=data["note"])
            messages.success(request, _("已登记%(year)s年%(occasion)s走访") % {
                "year": visit.occasion_date.year, "occasion": visit.get_occasion_display()})
            return HttpResponseRedirect(reverse("fieldwork:retiree", args=[retiree.pk]))
        if which == "help" and help_form.is_valid():
            data = help_form.cleaned_data
            hardship_help_record(actor=request.user, jurisdiction=jurisdiction, retiree=retiree,
                                 given_on=data["given_on"], amount=data["amount"], goods=data["goods"],
                                 note=data["note"])
            messages.success(request, _("已登记困难帮扶"))
            return HttpResponseRedirect(reverse("fieldwork:retiree", args=[retiree.pk]))
    except DomainError as exc:
        _refused(visit_form if which == "visit" else help_form, exc)
    today = timezone.localdate()
    return render(request, "fieldwork/retiree.html", {
        "retiree": retiree, "served": care.years_served(retiree), "eligibility": care.eligibility(retiree, today),
        "visits": retiree.visits.order_by("-visited_on"), "helps": retiree.hardship_helps.all(),
        "subsidies": retiree.subsidies.all(), "visit_form": visit_form, "help_form": help_form,
        "subsidy_form": SubsidyForm(initial={"year": today.year}),
        "may_record": may(jurisdiction, "fieldwork.care_record", retiree.village),
        "may_manage": may(jurisdiction, "fieldwork.retiree_manage", retiree.village),
        "may_pay": may(jurisdiction, "fieldwork.subsidy_pay", retiree.village)})


@page(action="fieldwork.subsidy_pay", methods=("POST",), scope=care.retirees_visible, by="retiree_id")
def retiree_subsidy(request: AuthedRequest, retiree_id: int) -> HttpResponse:
    retiree = care.retiree_get(request.jurisdiction, retiree_id)
    form = SubsidyForm(request.POST)
    if form.is_valid():
        try:
            payment = subsidy_pay(actor=request.user, jurisdiction=request.jurisdiction, retiree=retiree,
                                  year=form.cleaned_data["year"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已发放%(year)s年生活补贴 %(amount)s 元") % {
                "year": payment.year, "amount": payment.amount})
    else:
        messages.error(request, _("请填写正确的年度"))
    return HttpResponseRedirect(reverse("fieldwork:retiree", args=[retiree.pk]))


@page(action=VIEW, writes="fieldwork.subsidy_rule_set")
def subsidy_rules(request: AuthedRequest) -> HttpResponse:
    """The living-subsidy rules in force and past (versions are rows), and a new version (org admin)."""
    jurisdiction = request.jurisdiction
    form = SubsidyRuleForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subsidy_rule_set(actor=request.user, jurisdiction=jurisdiction, org_unit=data["org_unit"],
                             valid_from=data["valid_from"], posts=data["posts"], min_years=data["min_years"],
                             yearly_amount=data["yearly_amount"])
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已设定%(unit)s的生活补贴条件") % {"unit": data["org_unit"].name})
            return HttpResponseRedirect(reverse("fieldwork:subsidy-rules"))
    return render(request, "fieldwork/subsidy_rules.html", {
        "rules": care.rules_visible(jurisdiction)[:200], "form": form,
        "may_set": may(jurisdiction, "fieldwork.subsidy_rule_set")})


@page(action="fieldwork.retiree_manage", methods=("POST",), scope=care.retirees_visible, by="retiree_id")
def retiree_leave(request: AuthedRequest, retiree_id: int) -> HttpResponse:
    try:
        retiree = retiree_leave_register(actor=request.user, jurisdiction=request.jurisdiction, retiree_id=retiree_id,
                                         reason=request.POST.get("reason", "")[:200])
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("fieldwork:retiree", args=[retiree_id]))
    messages.success(request, _("%(name)s已移出名册") % {"name": retiree.name})
    return HttpResponseRedirect(reverse("fieldwork:retirees"))
