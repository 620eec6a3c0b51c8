"""The field work app's data for the rule engine.

R06: each organising unit (province, city, county) and the batches of 蹲点调研 it started in the year, against
2–3 a year (`min_count`, `max_count`).

R30: each org-department cadre: each org-department cadre (组工干部) and their off-job courses; the
engine counts the courses ended in each year against `min_total` (1 a year by default).

The rolling five-year minimum (`training_days_per_cycle` over `cycle_years`) is not a period of the
engine (its periods are months, quarters, years): it is evaluated set-based by
`selectors.off_job_days_in_cycle`, see docs/fieldwork.md."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit
from zugong.fieldwork.models import FieldBatch, TrainingKind, TrainingRecord
from zugong.fieldwork.selectors import org_department_cadres_q
from zugong.fieldwork.selectors_stays import ORGANISER_KINDS
from zugong.rules.registry import AggregateSource, SourceContext, register_source


def org_department_cadres(ctx: SourceContext) -> QuerySet[Any]:
    return (Cadre.objects.filter(ctx.org_q(), org_department_cadres_q()).order_by()
            .values("org_unit_id", subject_id=F("id"), subject_label=F("name")))


def off_job_courses(ctx: SourceContext) -> QuerySet[Any]:
    return (TrainingRecord.objects.filter(kind=TrainingKind.OFF_JOB, end_date__gte=ctx.period_start,
                                          end_date__lte=ctx.period_end)
            .order_by().values(subject_id=F("cadre_id"), event_date=F("end_date")))


def batch_organisers(ctx: SourceContext) -> QuerySet[Any]:
    return (OrgUnit.objects.filter(ctx.org_q(""), kind__in=ORGANISER_KINDS).order_by()
            .values(subject_id=F("id"), subject_label=F("name"), org_unit_id=F("id")))


def batches_started(ctx: SourceContext) -> QuerySet[Any]:
    return (FieldBatch.objects.filter(start_date__gte=ctx.period_start, start_date__lte=ctx.period_end)
            .order_by().values(subject_id=F("organiser_id"), event_date=F("start_date")))


def register() -> None:
    register_source("R06", AggregateSource(subject_type="core.orgunit", population=batch_organisers,
                                           events=batches_started, event_label="蹲点调研批次", unit="批"))
    register_source("R30", AggregateSource(subject_type="cadres.cadre", population=org_department_cadres,
                                           events=off_job_courses, event_label="脱产培训", unit="次"))
