"""Pages of the rules app: the compliance dashboard with drill-down, export and overrides, and the inbox.

Every page goes through `@page` (login, the action of the permission table, the Chinese error page);
selectors raise `NotFound` for a rule or org out of sight, which `@page` shows as 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from zugong.core.downloads import download
from zugong.core.errors import DomainError
from zugong.core.models import OrgUnit
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page, query_int
from zugong.core.selectors import org_roots
from zugong.jobs.views import confirm_start, start_and_show
from zugong.rules import selectors
from zugong.rules.export import INLINE_FINDINGS, rule_workbook, workbook_bytes
from zugong.rules.forms import RuleOverrideForm
from zugong.rules.models import Finding, FindingStatus, Rule
from zugong.rules.params import param_fields
from zugong.rules.services import notifications_mark_read, rule_override_set

SUBJECTS_PER_PAGE = 100
NOTICES_PER_PAGE = 50


def _default_org(request: AuthedRequest) -> OrgUnit | None:
    jurisdiction = request.jurisdiction
    ref = request.GET.get("org")
    if ref:
        return selectors.org_for(jurisdiction, ref)
    if len(jurisdiction.paths) == 1 and jurisdiction.paths[0]:
        return org_roots(jurisdiction).first()
    return None


@page(action="rules.finding_view", methods=("GET", "HEAD", "POST"), writes="rules.finding_export")
def dashboard(request: AuthedRequest) -> HttpResponse:
    org = _default_org(request)
    code = request.GET.get("rule", "").upper()
    if request.method == "POST" and not (code and request.GET.get("export") == "xlsx"):
        return HttpResponseNotAllowed(["GET", "HEAD"])  # a POST here only starts a large export
    if code:
        return _rule_page(request, org, selectors.rule_get(code))
    today = timezone.localdate()
    items = selectors.summaries(request.jurisdiction, org=org, today=today)
    if request.GET.get("export") == "xlsx":
        return _summary_xlsx(org, items)
    judged = [s for s in items if s.rate.rate is not None]
    chart = {"labels": [s.rule.code for s in judged], "titles": [s.rule.title for s in judged],
             "values": [s.rate.rate for s in judged]}
    return render(request, "rules/dashboard.html", {
        "org": org, "items": items, "chart": chart, "crumbs": selectors.org_chain(request.jurisdiction, org),
        "today": today, "may_evaluate": may(request.jurisdiction, "rules.evaluate"),
    })


def _summary_xlsx(org: OrgUnit | None, items: list[selectors.RuleSummary]) -> HttpResponse:
    rows = [(s.rule.code, s.rule.title, s.rule.get_kind_display(), str(s.period_start or ""),
             s.rate.rate, s.rate.get("compliant"), s.rate.get("due_soon"), s.rate.get("overdue"),
             s.rate.get("violated"), "有" if s.has_source else "无", s.rate.get("pending")) for s in items]
    header = ["编号", "制度", "类型", "周期", "落实率%", "已落实", "即将到期", "已逾期", "未落实", "数据来源", "进行中"]
    name = f"制度执行情况-{org.name if org else '全部'}.xlsx"
    return download(workbook_bytes([("制度执行情况", header, rows)]), name)


def _rule_page(request: AuthedRequest, org: OrgUnit | None, rule: Rule,
               form: RuleOverrideForm | None = None, status: int = 200) -> HttpResponse:
    jurisdiction = request.jurisdiction
    today = timezone.localdate()
    summary = selectors.summary_of(jurisdiction, rule=rule, org=org, today=today)
    period = _period_param(request) or summary.period_start
    rows = selectors.drilldown(jurisdiction, rule=rule, org=org, period_start=period) if period else []
    subjects = selectors.findings_worst_first(jurisdiction, rule=rule, org=org, period_start=period) \
        if period else None
    if request.GET.get("export") == "xlsx":
        return _rule_xlsx(request, rule, org, period, subjects)
    findings = Paginator(subjects, SUBJECTS_PER_PAGE).get_page(query_int(request, "page", default=1)) \
        if subjects is not None else None
    trend = {"labels": [str(start) for start, _rate in summary.trend],
             "values": [rate.rate for _start, rate in summary.trend]}
    return render(request, "rules/rule.html", {
        "rule": rule, "org": org, "summary": summary, "period": period, "rows": rows, "page": findings,
        "trend": trend, "crumbs": selectors.org_chain(jurisdiction, org),
        "periods": summary.period_starts,
        "today": today, "in_force": selectors.params_in_force_rows(rule, org=org, on=today, fields=param_fields(rule.code)),
        "form": form or _override_form(request, rule, org),
    }, status=status)


def _override_form(request: AuthedRequest, rule: Rule, org: OrgUnit | None,
                   data: Any = None) -> RuleOverrideForm | None:
    """The override form, for an org_admin of some unit only (the menu and the service read the same row)."""
    if not may(request.jurisdiction, "rules.rule_override_set"):
        return None
    units = [org] if org is not None else list(org_roots(request.jurisdiction)[:50])
    initial = {"org": units[0].pk if units else None, "valid_from": timezone.localdate()}
    return RuleOverrideForm(data, jurisdiction=request.jurisdiction, code=rule.code, units=units, initial=initial)


def _period_param(request: AuthedRequest) -> date | None:
    raw = request.GET.get("period", "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _rule_xlsx(request: AuthedRequest, rule: Rule, org: OrgUnit | None, period: date | None,
               subjects: QuerySet[Finding] | None) -> HttpResponse:
    """The rule page as Excel; above `INLINE_FINDINGS` findings a job writes it, started by the POST the GET asks for."""
    count = subjects.count() if subjects is not None else 0
    if count > INLINE_FINDINGS:
        if request.method != "POST":
            query = request.GET.copy()
            query.pop("export", None)
            return confirm_start(request, title=f"导出{rule.code} {rule.title}", back=f"{request.path}?{query.urlencode()}",
                message=f"共有 {count:,} 条对象明细，超过 {INLINE_FINDINGS:,} 条，将在后台生成 Excel，完成后可下载。")
        return start_and_show(request, kind="rules.export_findings", org_unit_id=org.pk if org else None, params={
            "rule": rule.code, "org": org.pk if org else None, "period": period.isoformat() if period else None})
    data, name = rule_workbook(request.jurisdiction, rule=rule, org=org, period=period)
    return download(data, name)


@page(action="rules.rule_override_set", methods=("POST",))
def rule_override(request: AuthedRequest, code: str) -> HttpResponse:
    """Set one parameter from the rule page; a refusal re-renders the page with the Chinese message."""
    rule = selectors.rule_get(code)
    org = _default_org(request)
    form = _override_form(request, rule, org, data=request.POST)
    assert form is not None  # @page checked the action
    if not form.is_valid():
        return _rule_page(request, org, rule, form=form, status=400)
    unit: OrgUnit = form.cleaned_data["org"]
    try:
        version = rule_override_set(actor=request.user, jurisdiction=request.jurisdiction, code=rule.code,
                                    org_unit=unit, valid_from=form.cleaned_data["valid_from"],
                                    params=form.params(), note=form.cleaned_data["note"])
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _rule_page(request, org, rule, form=form, status=exc.status)
    messages.success(request, _("已调整%(code)s的参数，自%(day)s起在%(unit)s及下级生效。") % {
        "code": rule.code, "day": version.valid_from.isoformat(), "unit": unit.name})
    query: dict[str, str | int] = {"rule": rule.code, "org": unit.pk}
    return redirect(f"{reverse('rules:dashboard')}?{urlencode(query)}")


@page(action="rules.notification_view", methods=("GET", "HEAD"))
def inbox(request: AuthedRequest) -> HttpResponse:
    notices = selectors.notifications_for(request.jurisdiction, request.user.pk)
    status = request.GET.get("status", "")
    if status in FindingStatus.values:
        notices = notices.filter(status=status)
    notices_page = Paginator(notices, NOTICES_PER_PAGE).get_page(query_int(request, "page", default=1))
    return render(request, "rules/inbox.html", {
        "page": notices_page, "unread": notices.filter(read_at__isnull=True).count(),
        "status": status if status in FindingStatus.values else "",
    })


@page(action="rules.notifications_mark_read", methods=("POST",))
def inbox_read(request: AuthedRequest) -> HttpResponse:
    count = notifications_mark_read(actor=request.user, jurisdiction=request.jurisdiction)
    messages.success(request, _("已将 %(count)s 条提醒标为已读。") % {"count": count})
    return redirect("rules:inbox")
