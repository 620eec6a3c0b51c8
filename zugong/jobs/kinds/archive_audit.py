"""The archive audit (三龄两历一身份) of a whole city or province, and its Excel list of findings."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from zugong.cadres import audit_views
from zugong.core.errors import ValidationFailed
from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind


def run_audit(context: JobContext) -> JobOutput:
    filters, errors = audit_views.parse_filters(QueryDict(context.params.get("query", "")), context.jurisdiction)
    if errors:
        raise ValidationFailed("；".join(errors))
    # The checks run as one set-based pass: the steps a cancel can stop at are before and after it.
    context.progress(0, 2, "正在审核干部档案")
    cadres, checked, findings = audit_views.audit_findings(context.jurisdiction, filters)
    context.progress(1, 2, "正在生成问题清单")
    workbook = audit_views.findings_workbook(audit_views.rows_of(cadres, findings))
    context.progress(2, 2)
    return JobOutput(workbook, "档案审核问题.xlsx", f"审核 {checked} 名干部，发现 {len(findings)} 个问题")


def register() -> None:
    register_kind(JobKind("cadres.archive_audit", _("审核干部档案"), "cadres.archive_audit", run_audit))
