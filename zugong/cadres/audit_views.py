"""The 三龄两历一身份 archive audit page (filters, pages of findings, counts per check) and its Excel export.

The findings come from several checks, some decided in SQL and some in Python (`archive_audit`), and
are sorted by name across checks, so there is no query to page through: each request computes the
whole filtered list once and slices its page out of it. The counts per check and per severity need
every finding anyway. A check filter makes `archive_audit.run` run only the generator of that check;
org and name filters narrow the cadres before any check runs.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from zugong.cadres import archive_audit, idcard, selectors
from zugong.cadres.archive_audit import Finding
from zugong.cadres.models import Cadre
from zugong.core.downloads import download, xlsx_append
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.core.request import AuthedRequest, page
from zugong.core.selectors import org_units_visible
from zugong.jobs.views import confirm_start, start_and_show

PAGE_SIZE = 100
# A whole city or province takes seconds to audit (every résumé line is read): above this many cadres the
# page audits only the set-based checks itself; the rest waits for a unit, or runs as a job (审核全部).
AUTO_AUDIT_MAX = 20_000
SEVERITIES = {archive_audit.ERROR: "错误", archive_audit.WARNING: "提示"}
EXPORT_HEADER = ("姓名", "公民身份号码", "单位", "审核项目", "严重程度", "说明")
# Up to this many cadres the unit names are read with pk IN (…); beyond, from the whole filtered set.
MAX_IN_LIST = 1000


@dataclass(frozen=True)
class AuditFilters:
    org: OrgUnit | None = None
    check: str = ""
    severity: str = ""
    q: str = ""

    def query(self, **changes: str) -> str:
        """The query string of these filters with `changes` applied (empty values left out)."""
        values = {"org": str(self.org.pk) if self.org else "", "check": self.check, "severity": self.severity,
                  "q": self.q, **changes}
        return urlencode({key: value for key, value in values.items() if value})


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    label: str
    masked_id: str
    unit: str
    message: str


def parse_filters(query: QueryDict, jurisdiction: Jurisdiction) -> tuple[AuditFilters, list[str]]:
    """The filters and the Chinese messages for values that cannot be used; a unit outside → 404."""
    errors: list[str] = []
    check, severity = query.get("check", "").strip(), query.get("severity", "").strip()
    if check and check not in archive_audit.CHECKS:
        errors.append(f"未知的审核项目：{check}")
    if severity and severity not in SEVERITIES:
        errors.append(f"未知的严重程度：{severity}（可选 error 错误、warning 提示）")
    return AuditFilters(org=_org(query.get("org", "").strip(), jurisdiction, errors), check=check,
                        severity=severity, q=query.get("q", "").strip()), errors


def _org(raw: str, jurisdiction: Jurisdiction, errors: list[str]) -> OrgUnit | None:
    if not raw:
        return None
    if not raw.isdigit():
        errors.append(f"单位参数无效：{raw}")
        return None
    unit = org_units_visible(jurisdiction).filter(pk=int(raw)).first()
    if unit is None:
        raise NotFound("未找到该组织，或不在您的管辖范围内")
    return unit


def filtered_cadres(jurisdiction: Jurisdiction, filters: AuditFilters) -> QuerySet[Cadre]:
    cadres = selectors.cadres_visible(jurisdiction)
    if filters.org is not None:
        cadres = cadres.filter(subtree_q(filters.org.path, "org_unit__"))
    if filters.q:
        cadres = cadres.filter(name__startswith=filters.q)
    return cadres


def audit_findings(jurisdiction: Jurisdiction, filters: AuditFilters, *,
                   on_step: archive_audit.Step | None = None) -> tuple[QuerySet[Cadre], int, list[Finding]]:
    """The filtered cadres, how many were checked, and every finding of the filtered set."""
    cadres = filtered_cadres(jurisdiction, filters)
    checked, findings = archive_audit.run(cadres, today=timezone.localdate(),
                                          checks={filters.check} if filters.check else None, on_step=on_step)
    if filters.severity:
        findings = [f for f in findings if f.severity == filters.severity]
    return cadres, checked, findings


def rows_of(cadres: QuerySet[Cadre], findings: list[Finding]) -> list[FindingRow]:
    ids = {f.cadre_id for f in findings}
    source = cadres.filter(pk__in=ids) if len(ids) <= MAX_IN_LIST else cadres
    units = dict(source.values_list("pk", "org_unit__name").iterator(chunk_size=5000))
    return [_row(f, units.get(f.cadre_id, "")) for f in findings]


def _row(f: Finding, unit: str) -> FindingRow:
    masked = idcard.mask(f.id_number)
    # The identity checks quote the number: the mask must hold in the explanation too.
    message = f.message.replace(f.id_number, masked) if f.id_number else f.message
    if len(f.id_number) == 18:  # an invalid birth date is quoted on its own (id_birth)
        message = message.replace(f.id_number[6:14], "*" * 8)
    return FindingRow(f, str(archive_audit.CHECKS[f.check]), masked, unit, message)


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or "1"))
    except ValueError:
        return 1


def _page_links(page: Page[Finding], filters: AuditFilters) -> list[tuple[int | None, str]]:
    """(number, query) for the page links; (None, "") stands for an ellipsis."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [(n, filters.query(page=str(n))) if isinstance(n, int) else (None, "") for n in numbers]


def _summary(findings: list[Finding], filters: AuditFilters) -> dict[str, object]:
    by_check = Counter(f.check for f in findings)
    by_severity = Counter(f.severity for f in findings)
    return {
        "by_check": [(code, label, by_check[code], filters.query(check=code))
                     for code, label in archive_audit.CHECKS.items()],
        "by_severity": [(code, by_severity[code], filters.query(severity=code)) for code in SEVERITIES],
    }


def _units(jurisdiction: Jurisdiction, selected: OrgUnit | None) -> list[OrgUnit]:
    units = list(org_units_visible(jurisdiction).filter(depth__lte=3).order_by("path")[:200])
    if selected is not None and selected not in units:
        units.append(selected)
    return units


# The audit reads whole archives: it is the org department's tool (as the menu shows it).
@page(action="cadres.archive_audit", methods=("GET", "HEAD"))
def audit_page(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    filters, errors = parse_filters(request.GET, jurisdiction)
    context: dict[str, object] = {"filters": filters, "units": _units(jurisdiction, filters.org),
                                  "checks": archive_audit.CHECKS.items(), "export_query": filters.query()}
    if errors:
        for error in errors:
            messages.error(request, error)
        return render(request, "cadres/audit.html", context, status=400)
    if filters.check not in archive_audit.SET_BASED:
        in_scope = filtered_cadres(jurisdiction, filters).count()
        if in_scope > AUTO_AUDIT_MAX:  # never audited inside the request: a unit, a quick check, or a job
            context.update({"in_scope": in_scope, "limit": AUTO_AUDIT_MAX, "quick_checks": [
                (code, archive_audit.CHECKS[code], filters.query(check=code)) for code in sorted(archive_audit.SET_BASED)]})
            return render(request, "cadres/audit.html", context)
    cadres, checked, findings = audit_findings(jurisdiction, filters)
    findings_page = Paginator(findings, PAGE_SIZE).get_page(_page_number(request.GET.get("page")))
    context.update({
        "audited": True, "checked": checked, "total": len(findings), "page": findings_page,
        "rows": rows_of(cadres, list(findings_page)), "page_links": _page_links(findings_page, filters),
        **_summary(findings, filters),
        "previous_query": filters.query(page=str(findings_page.number - 1)) if findings_page.has_previous() else "",
        "next_query": filters.query(page=str(findings_page.number + 1)) if findings_page.has_next() else "",
    })
    return render(request, "cadres/audit.html", context)


@page(action="cadres.archive_audit", methods=("POST",))
def audit_run(request: AuthedRequest) -> HttpResponse:
    """审核全部: the audit of a large scope (a city, the province) as a background job with progress; its
    page offers the findings as Excel when done."""
    filters, errors = parse_filters(request.POST, request.jurisdiction)
    if errors:
        raise ValidationFailed("；".join(errors))
    return start_and_show(request, kind="cadres.archive_audit", params={"query": filters.query()},
                          org_unit_id=filters.org.pk if filters.org else None)


@page(action="cadres.archive_audit", methods=("GET", "HEAD", "POST"))
def audit_export(request: AuthedRequest) -> HttpResponse:
    jurisdiction = request.jurisdiction
    filters, errors = parse_filters(request.GET, jurisdiction)
    if errors:
        raise ValidationFailed("；".join(errors))
    if filtered_cadres(jurisdiction, filters).count() > AUTO_AUDIT_MAX:  # a city or the province: seconds of work
        if request.method != "POST":  # starting the job is a write: the GET asks for it
            back = reverse("cadres:audit") + (f"?{filters.query()}" if filters.query() else "")
            return confirm_start(request, title="导出档案审核问题", back=back,
                                 message=f"范围内的干部超过 {AUTO_AUDIT_MAX:,} 人，审核和问题清单将在后台生成，完成后可下载。")
        return start_and_show(request, kind="cadres.archive_audit", params={"query": filters.query()},
                              org_unit_id=filters.org.pk if filters.org else None)
    cadres, _checked, findings = audit_findings(jurisdiction, filters)
    return download(findings_workbook(rows_of(cadres, findings)), "档案审核问题.xlsx")


def findings_workbook(rows: list[FindingRow]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("档案审核")
    sheet.append(list(EXPORT_HEADER))
    for row in rows:
        f = row.finding
        xlsx_append(sheet, [f.name, row.masked_id, row.unit, row.label, SEVERITIES[f.severity], row.message])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
