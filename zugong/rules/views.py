"""Pages of the rules app: the compliance dashboard with drill-down and export, and the inbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core.errors import NotFound
from zugong.core.models import OrgUnit
from zugong.core.orgtree import ancestor_paths
from zugong.core.request import actor_of, jurisdiction_of
from zugong.core.selectors import org_roots
from zugong.rules import selectors
from zugong.rules.export import workbook_bytes
from zugong.rules.models import FindingStatus
from zugong.rules.services import notifications_mark_read

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEVERITY = Case(
    *(When(status=s, then=Value(i)) for i, s in enumerate(
        ["violated", "overdue", "due_soon", "pending", "no_data_source", "compliant"])),
    output_field=IntegerField(),
)
SUBJECT_LIMIT = 300


def _rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate}%"


def _default_org(request: HttpRequest) -> OrgUnit | None:
    jurisdiction = jurisdiction_of(request)
    ref = request.GET.get("org")
    if ref:
        return selectors.org_for(jurisdiction, ref)
    if len(jurisdiction.paths) == 1 and jurisdiction.paths[0]:
        return org_roots(jurisdiction).first()
    return None


def _breadcrumbs(org: OrgUnit | None, request: HttpRequest) -> list[OrgUnit]:
    if org is None:
        return []
    jurisdiction = jurisdiction_of(request)
    chain = [u for u in OrgUnit.objects.filter(path__in=ancestor_paths(org.path))
             if jurisdiction.contains(u)]
    return sorted(chain, key=lambda u: len(u.path))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        org = _default_org(request)
    except NotFound:
        return render(request, "rules/not_found.html", status=404)
    code = request.GET.get("rule", "").upper()
    if code:
        return _rule_page(request, org, code)
    today = timezone.localdate()
    items = selectors.summaries(jurisdiction_of(request), org=org, today=today)
    if request.GET.get("export") == "xlsx":
        rows = [(s.rule.code, s.rule.title, s.rule.get_kind_display(), str(s.period_start or ""),
                 s.rate.rate, s.rate.get("compliant"), s.rate.get("due_soon"), s.rate.get("overdue"),
                 s.rate.get("violated"), "有" if s.has_source else "无") for s in items]
        header = ["编号", "制度", "类型", "周期", "落实率%", "已落实", "即将到期", "已逾期", "未落实", "数据来源"]
        return _xlsx(f"制度执行情况-{org.name if org else '全部'}", [("制度执行情况", header, rows)])
    chart = {"labels": [s.rule.code for s in items if s.rate.rate is not None],
             "titles": [s.rule.title for s in items if s.rate.rate is not None],
             "values": [s.rate.rate for s in items if s.rate.rate is not None]}
    return render(request, "rules/dashboard.html", {
        "org": org, "items": items, "chart": chart, "crumbs": _breadcrumbs(org, request), "today": today,
    })


def _rule_page(request: HttpRequest, org: OrgUnit | None, code: str) -> HttpResponse:
    jurisdiction = jurisdiction_of(request)
    try:
        rule = selectors.rule_get(code)
    except NotFound:
        return render(request, "rules/not_found.html", status=404)
    today = timezone.localdate()
    summary = next(s for s in selectors.summaries(jurisdiction, org=org, today=today) if s.rule.pk == rule.pk)
    period = _period_param(request) or summary.period_start
    rows = selectors.drilldown(jurisdiction, rule=rule, org=org, period_start=period) if period else []
    subjects = (selectors.findings_for(jurisdiction, rule=rule.code, org=org, period_start=period)
                .order_by(SEVERITY, "org_unit__path", "subject_label") if period else None)
    if request.GET.get("export") == "xlsx":
        return _rule_xlsx(rule, org, period, rows, subjects)
    page = Paginator(subjects, 100).get_page(request.GET.get("page")) if subjects is not None else None
    trend = {"labels": [str(start) for start, _ in summary.trend], "values": [r.rate for _, r in summary.trend]}
    return render(request, "rules/rule.html", {
        "rule": rule, "org": org, "summary": summary, "period": period, "rows": rows, "page": page,
        "trend": trend, "crumbs": _breadcrumbs(org, request),
        "periods": [start for start, _ in reversed(summary.trend)],
    })


def _period_param(request: HttpRequest) -> date | None:
    raw = request.GET.get("period", "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _rule_xlsx(rule: Any, org: OrgUnit | None, period: date | None, rows: list[selectors.DrillRow],
               subjects: Any) -> HttpResponse:
    units = [(r.label, r.rate.rate, r.rate.get("compliant"), r.rate.get("due_soon"), r.rate.get("overdue"),
              r.rate.get("violated"), r.rate.get("pending")) for r in rows]
    people = [(f.subject_label, f.org_unit.name if f.org_unit else "", f.get_status_display(), f.measure, f.target,
               str(f.due_date or ""), f.detail) for f in (subjects.iterator() if subjects is not None else [])]
    return _xlsx(f"{rule.code}-{org.name if org else '全部'}-{period or ''}", [
        ("下级落实情况", ["单位", "落实率%", "已落实", "即将到期", "已逾期", "未落实", "进行中"], units),
        ("对象明细", ["对象", "单位", "状态", "实际", "标准", "期限", "说明"], people),
    ])


def _xlsx(name: str, sheets: list[tuple[str, list[str], Any]]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}.xlsx"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    notices = selectors.notifications_for(user.pk)
    status = request.GET.get("status", "")
    if status in FindingStatus.values:
        notices = notices.filter(status=status)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(request, "rules/inbox.html", {"page": page, "unread": notices.filter(read_at__isnull=True).count()})


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=actor_of(request))
    return redirect("rules:inbox")
