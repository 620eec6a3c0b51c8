"""Rule evaluation on demand (a unit's subtree, or the whole register) and the scheduled daily run."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.models import OrgUnit
from zugong.core.selectors import org_units_visible
from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind
from zugong.rules.engine import evaluate
from zugong.rules.models import EVALUATED_KINDS, Rule


def _org(context: JobContext) -> OrgUnit | None:
    raw = context.params.get("org")
    if not raw:
        if not context.jurisdiction.is_superuser:  # the whole register is the system's (or a superuser's)
            raise ValidationFailed("请选择要评估的单位")
        return None
    unit = org_units_visible(context.jurisdiction).filter(pk=int(raw)).first()
    if unit is None:
        raise NotFound("未找到该组织，或不在您的管辖范围内")
    return unit


def run_evaluation(context: JobContext) -> JobOutput:
    """One rule at a time, so progress is per rule and a cancel stops between two rules."""
    org = _org(context)
    only = context.params.get("rule")
    codes = [only] if only else list(Rule.objects.filter(kind__in=EVALUATED_KINDS).order_by("code")
                                     .values_list("code", flat=True))
    as_of, judged = timezone.localdate(), 0
    context.progress(0, len(codes), "正在评估制度执行情况")
    for done, code in enumerate(codes, start=1):
        report = evaluate(as_of=as_of, org_unit=org, rule=code, actor=context.actor,
                          jurisdiction=context.jurisdiction)
        judged += sum(r.subjects for r in report.rules)
        context.progress(done, len(codes), f"已评估 {code}")
    return JobOutput(message=f"已评估 {len(codes)} 项制度，{judged} 条执行情况（截至 {as_of:%Y-%m-%d}）")


def register() -> None:
    register_kind(JobKind("rules.evaluate", _("评估制度执行情况"), "rules.evaluate", run_evaluation))
