"""The archive audit (三龄两历一身份) of a whole city or province, and its Excel list of findings."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from zugong.cadres import archive_audit, audit_views
from zugong.core.errors import ValidationFailed
from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind


def run_audit(context: JobContext) -> JobOutput:
    filters, errors = audit_views.parse_filters(QueryDict(context.params.get("query", "")), context.jurisdiction)
    if errors:
        raise ValidationFailed("；".join(errors))
    # One step per group of checks (identity, ages, résumé, posts), then the Excel list: a cancel stops there.
    total = archive_audit.steps({filters.check} if filters.check else None) + 1

    def step(done: int, _generators: int) -> None:
        context.progress(done, total, "正在审核干部档案")

    cadres, checked, findings = audit_views.audit_findings(context.jurisdiction, filters, on_step=step)
    context.progress(total - 1, total, "正在生成问题清单")
    workbook = audit_views.findings_workbook(audit_views.rows_of(cadres, findings))
    context.progress(total, total)
    errors_found = sum(1 for f in findings if f.severity == archive_audit.ERROR)
    return JobOutput(workbook, "档案审核问题.xlsx",
                     f"审核 {checked} 名干部，发现 {len(findings)} 个问题（错误 {errors_found}，提示 {len(findings) - errors_found}）")


def register() -> None:
    register_kind(JobKind("cadres.archive_audit", _("审核干部档案"), "cadres.archive_audit", run_audit))
