"""The rule page's Excel (units' rates and every finding of a period) when it has more findings than a
request should write (`rules.export.INLINE_FINDINGS`): a province's R04 has about 270,000."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind
from zugong.rules import selectors
from zugong.rules.export import rule_workbook


def export_findings(context: JobContext) -> JobOutput:
    params = context.params
    rule = selectors.rule_get(str(params.get("rule", "")))
    org = selectors.org_for(context.jurisdiction, params["org"]) if params.get("org") else None
    period = date.fromisoformat(params["period"]) if params.get("period") else None
    context.progress(0, None, "正在导出对象明细")
    data, name = rule_workbook(context.jurisdiction, rule=rule, org=org, period=period,
                               progress=lambda done, total: context.progress(done, total))
    return JobOutput(data, name, f"已导出{rule.code} {rule.title}的落实情况")


def register() -> None:
    register_kind(JobKind("rules.export_findings", _("导出制度执行明细"), "rules.finding_export", export_findings))
