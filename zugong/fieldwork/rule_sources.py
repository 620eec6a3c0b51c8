"""R30's data for the rule engine: each org-department cadre (组工干部) and their off-job courses; the
engine counts the courses ended in each year against `min_total` (1 a year by default).

The rolling five-year minimum (`training_days_per_cycle` over `cycle_years`) is not a period of the
engine (its periods are months, quarters, years): it is evaluated set-based by
`selectors.off_job_days_in_cycle`, see docs/fieldwork.md."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from zugong.cadres.models import Cadre
from zugong.fieldwork.models import TrainingKind, TrainingRecord
from zugong.fieldwork.selectors import org_department_cadres_q
from zugong.rules.registry import AggregateSource, SourceContext, register_source


def org_department_cadres(ctx: SourceContext) -> QuerySet[Any]:
    return (Cadre.objects.filter(ctx.org_q(), org_department_cadres_q()).order_by()
            .values("org_unit_id", subject_id=F("id"), subject_label=F("name")))


def off_job_courses(ctx: SourceContext) -> QuerySet[Any]:
    return (TrainingRecord.objects.filter(kind=TrainingKind.OFF_JOB, end_date__gte=ctx.period_start,
                                          end_date__lte=ctx.period_end)
            .order_by().values(subject_id=F("cadre_id"), event_date=F("end_date")))


def register() -> None:
    register_source("R30", AggregateSource(subject_type="cadres.cadre", population=org_department_cadres,
                                           events=off_job_courses, event_label="脱产培训", unit="次"))
