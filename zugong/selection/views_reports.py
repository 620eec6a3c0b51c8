"""Pages of the personal-matters reports (个人有关事项报告, R19): the list with the checks and the draws,
filing a report, one report with its checks, recording a check, drawing a sample, and the mandatory check
of a selection's candidates."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page, query_int
from zugong.selection import access, params, selectors
from zugong.selection import forms_reports as f
from zugong.selection.models import CheckOutcome
from zugong.selection.services import reports as svc
from zugong.selection.views import PAGE_SIZE, _fail


@page(action="selection.report_view", methods=("GET", "HEAD"))
def report_list(request: AuthedRequest) -> HttpResponse:
    year = query_int(request, "year", low=2000, high=2100)
    rows = selectors.report_list(request.jurisdiction, year=year)
    j = request.jurisdiction
    return render(request, "selection/report_list.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), "year": year,
        "open_checks": selectors.check_list(j, outcome=CheckOutcome.PENDING)[:PAGE_SIZE],
        "draws": selectors.draws_visible(j).order_by("-drawn_at", "-pk")[:20],
        "may_record": may(j, "selection.report_record"), "may_draw": may(j, "selection.report_draw"),
        "draw_form": f.DrawForm(jurisdiction=j, initial={"year": timezone.localdate().year})})


@page(action="selection.report_record")
def report_new(request: AuthedRequest) -> HttpResponse:
    items = selectors.report_items()
    form = f.ReportForm(request.POST or None, jurisdiction=request.jurisdiction, items=items,
                        initial={"year": timezone.localdate().year, "submitted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = svc.personal_report_submit(actor=request.user, jurisdiction=request.jurisdiction, cadre=d["cadre"],
                                                year=d["year"], submitted_on=d["submitted_on"],
                                                declared=form.declared())
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("个人有关事项报告已登记"))
            return HttpResponseRedirect(reverse("selection:report", args=[report.pk]))
    return render(request, "selection/form.html", {"form": form, "title": _("登记个人有关事项报告")})


def _report_page(request: AuthedRequest, pk: int, bound: dict[int, f.CheckForm] | None = None,
                 status: int = 200) -> HttpResponse:
    report = selectors.report_get(request.jurisdiction, pk)
    items = {i.code: i.label for i in selectors.report_items()}
    content = access.declared_for(request.jurisdiction, request.user, report)
    declared = [(items.get(code, code), None if content is None else content[code]) for code in report.declared]
    bound = bound or {}
    checks = [(c, bound.get(c.pk) or f.CheckForm(initial={"checked_on": timezone.localdate()}))
              for c in report.checks.all()]
    return render(request, "selection/report_detail.html", {
        "report": report, "declared": declared, "checks": checks, "masked": content is None, "mask": access.MASK,
        "may_check": may(request.jurisdiction, "selection.report_check", report.org_unit)}, status=status)


@page(action="selection.report_view", methods=("GET", "HEAD"))
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _report_page(request, pk)


@page(action="selection.report_check", methods=("POST",), scope=selectors.checks_visible, by="pk")
def check_record(request: AuthedRequest, pk: int) -> HttpResponse:
    check = selectors.check_get(request.jurisdiction, pk)
    form = f.CheckForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.report_check_record(actor=request.user, jurisdiction=request.jurisdiction, check_id=pk,
                                    outcome=d["outcome"], checked_on=d["checked_on"], handling=d["handling"],
                                    discrepancy=d["discrepancy"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("核查结果已登记"))
            return HttpResponseRedirect(reverse("selection:report", args=[check.report_id]))
    return _report_page(request, check.report_id, {pk: form}, status=400)


@page(action="selection.report_draw", methods=("POST",))
def draw_new(request: AuthedRequest) -> HttpResponse:
    form = f.DrawForm(request.POST, jurisdiction=request.jurisdiction)
    if form.is_valid():
        d = form.cleaned_data
        share = d["share"] or params.draw_share(d["org_unit"], timezone.localdate())
        try:
            draw = svc.check_draw(actor=request.user, jurisdiction=request.jurisdiction, org_unit=d["org_unit"],
                                  year=d["year"], share=share, seed=d["seed"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("已抽取，抽中的报告已列入待核查"))
            return HttpResponseRedirect(reverse("selection:draw", args=[draw.pk]))
    return render(request, "selection/form.html", {"form": form, "title": _("随机抽查个人有关事项报告")},
                  status=400)


@page(action="selection.report_view", methods=("GET", "HEAD"))
def draw_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    draw = selectors.draw_get(request.jurisdiction, pk)
    replay = svc.draw_replay(draw)
    checks = selectors.check_list(request.jurisdiction).filter(draw=draw).order_by("report__cadre__name")
    return render(request, "selection/draw_detail.html", {
        "draw": draw, "reproducible": replay == draw.drawn, "checks": checks, "strata": selectors.draw_strata(draw),
        "percent": f"{draw.share * 100:.2f}".rstrip("0").rstrip(".")})


@page(action="selection.report_check", methods=("POST",), scope=selectors.selections_visible, by="pk")
def candidate_checks(request: AuthedRequest, pk: int) -> HttpResponse:
    svc.candidate_checks_request(actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk,
                                 on=timezone.localdate())
    messages.success(request, _("已对考察对象的个人有关事项报告发起核查"))
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]) + "#zg-r19")
