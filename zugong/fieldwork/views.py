"""Village income pages: the ranking table of a unit's villages for a quarter (signed in), its Excel
通报, and the public 通报 of a county (no account, no personal data: village, township, income, level).
A cadre's training records are a small include for the cadre page (`_training.html`)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zugong.core.downloads import download
from zugong.core.errors import DomainError, ValidationFailed
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, error_page, page, query_int
from zugong.fieldwork import selectors
from zugong.fieldwork.export import income_bulletin_workbook
from zugong.fieldwork.forms import IncomeCorrectionForm, IncomeReportForm, IncomeScaleForm
from zugong.fieldwork.models import IncomeLevel
from zugong.fieldwork.services.income import income_report_correct, income_report_submit, income_scale_set

VIEW = "fieldwork.income_view"


def _quarter(request: HttpRequest) -> date:
    text = request.GET.get("quarter", "")
    if not text:
        return selectors.quarter_start(timezone.localdate())
    try:
        return selectors.parse_quarter(text)
    except ValueError:
        raise ValidationFailed(f"季度格式应为 2024Q3：{text[:20]}") from None


def _quarter_code(start: date) -> str:
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def _unit(request: AuthedRequest) -> OrgUnit:
    pk = query_int(request, "org", low=1)
    if pk is not None:
        return selectors.visible_unit(request.jurisdiction, pk)
    return selectors.home_unit(request.jurisdiction)


LEVEL_COLOURS = {"red": "#d9342b", "orange": "#f08c00", "yellow": "#f2c500", "green": "#2f9e44", "blue": "#1c7ed6"}
TREND_QUARTERS = 4


def trend_chart(unit: OrgUnit, quarter: date) -> dict[str, object]:
    """The trend chart's data (json_script): the villages of each colour over the last quarters."""
    trend = selectors.level_trend(unit, quarter, TREND_QUARTERS)
    labels = dict(IncomeLevel.choices)
    return {"quarters": [selectors.quarter_label(q) for q in trend.quarters], "unit": _("村数"),
            "series": [{"level": level, "name": str(labels[level]), "color": LEVEL_COLOURS[level], "data": data}
                       for level, data in trend.counts.items()]}


def _context(unit: OrgUnit, quarter: date) -> dict[str, object]:
    rows = list(selectors.graded_reports(unit, quarter))
    return {"unit": unit, "quarter": quarter, "quarter_code": _quarter_code(quarter),
            "quarter_label": selectors.quarter_label(quarter), "rows": rows, "counts": selectors.level_counts(rows),
            "due": selectors.report_due(quarter, unit), "trend": trend_chart(unit, quarter)}


@page(action=VIEW, methods=("GET",))
def income(request: AuthedRequest) -> HttpResponse:
    unit = _unit(request)
    context = _context(unit, _quarter(request))
    context["missing"] = list(selectors.missing_reports(unit, context["quarter"])[:200])  # type: ignore[arg-type]
    context["is_county"] = unit.kind == OrgKind.COUNTY
    context["may_report"] = may(request.jurisdiction, "fieldwork.income_report")
    context["may_scale"] = may(request.jurisdiction, "fieldwork.income_scale_set")
    context["link_villages"] = True
    return render(request, "fieldwork/income.html", context)


VILLAGE_QUARTERS = 8


def village_chart(village: OrgUnit, history: list[selectors.VillageQuarter]) -> dict[str, object]:
    """The village chart's data (json_script): its income per quarter (null where it did not report), each bar
    in the colour of its level then."""
    labels = dict(IncomeLevel.choices)
    return {"title": village.name, "unit": _("万元"), "name": _("已实现收入"),
            "quarters": [selectors.quarter_label(q.quarter) for q in history],
            "income": [None if q.income is None else float(q.income) for q in history],
            "levels": [None if q.level is None else str(labels[q.level]) for q in history],
            "colors": [None if q.level is None else LEVEL_COLOURS[q.level] for q in history]}


@page(action=VIEW, methods=("GET",))
def income_village(request: AuthedRequest, village_id: int) -> HttpResponse:
    """One village's income over the last quarters up to the one asked for, with its level in each."""
    village = selectors.visible_village(request.jurisdiction, village_id)
    quarter = _quarter(request)
    history = selectors.village_income_history(village, quarter, VILLAGE_QUARTERS)
    return render(request, "fieldwork/income_village.html", {
        "village": village, "quarter_code": _quarter_code(quarter), "rows": [(selectors.quarter_label(q.quarter), q) for q in history[::-1]],
        "chart": village_chart(village, history)})


@page(action="fieldwork.income_export", methods=("GET",))
def income_export(request: AuthedRequest) -> HttpResponse:
    unit = _unit(request)
    quarter = _quarter(request)
    rows = list(selectors.graded_reports(unit, quarter))
    body = income_bulletin_workbook(unit, quarter, rows)
    return download(body, f"{unit.name}{selectors.quarter_label(quarter)}村集体经济收入通报.xlsx")


@page(action="fieldwork.income_report", methods=("GET", "POST"))
def income_report_new(request: AuthedRequest) -> HttpResponse:
    form = IncomeReportForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = income_report_submit(
                actor=request.user, jurisdiction=request.jurisdiction, village=data["village"],
                quarter=data["quarter"], income=data["income"], goal=data["goal"], channels=data["channels"],
                measures=data["measures"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已报送%(village)s%(quarter)s集体经济收入") % {
                "village": report.village.name, "quarter": selectors.quarter_label(report.quarter_start)})
            return HttpResponseRedirect(f"{reverse('fieldwork:income')}?quarter={_quarter_code(report.quarter_start)}")
    return render(request, "fieldwork/income_form.html", {"form": form})


@page(action="fieldwork.income_report", methods=("GET", "POST"))
def income_report_correction(request: AuthedRequest) -> HttpResponse:
    form = IncomeCorrectionForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = income_report_correct(
                actor=request.user, jurisdiction=request.jurisdiction, village=data["village"],
                quarter=data["quarter"], income=data["income"], goal=data["goal"], channels=data["channels"],
                measures=data["measures"], reason=data["reason"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已更正%(village)s%(quarter)s集体经济收入") % {
                "village": report.village.name, "quarter": selectors.quarter_label(report.quarter_start)})
            return HttpResponseRedirect(f"{reverse('fieldwork:income')}?quarter={_quarter_code(report.quarter_start)}")
    return render(request, "fieldwork/income_correction.html", {"form": form})


@page(action=VIEW, writes="fieldwork.income_scale_set")
def income_scales(request: AuthedRequest) -> HttpResponse:
    """The five-colour thresholds in sight (versions are rows) and a new version (org admin)."""
    jurisdiction = request.jurisdiction
    form = IncomeScaleForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            income_scale_set(actor=request.user, jurisdiction=jurisdiction, org_unit=data["org_unit"],
                             valid_from=data["valid_from"], thresholds=form.thresholds())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已设定%(unit)s自%(day)s起的村集体经济收入预警标准") % {
                "unit": data["org_unit"].name, "day": data["valid_from"].isoformat()})
            return HttpResponseRedirect(reverse("fieldwork:income-scales"))
    return render(request, "fieldwork/income_scales.html", {
        "scales": selectors.scales_visible(jurisdiction)[:200], "form": form, "default": selectors.DEFAULT_SCALE,
        "may_set": may(jurisdiction, "fieldwork.income_scale_set")})


@require_http_methods(["GET"])
def public_bulletin(request: HttpRequest, county_id: int) -> HttpResponse:
    """The county's quarterly 通报, open to residents without an account."""
    try:
        county = selectors.public_county(county_id)
        context = _context(county, _quarter(request))
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "fieldwork/public_income.html", context)
