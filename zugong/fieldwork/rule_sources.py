"""The field work app's data for the rule engine.

R06, three parts. Each organising unit (province, city, county) and the batches of 蹲点调研 it started in the year,
against 2–3 a year (`min_count`, `max_count`). Part "stay": each stay of the year's batches and its days (`measure`)
against about a month (`stay.min_count` 30), as `selectors_stays.year_figures` counts short stays. Part
"suggestions" (a deadline): each suggestion forwarded, due on its own reply day (`reply_due`, which
`services.stays.suggestion_forward` sets `suggestions.days` after forwarding unless given), done when answered —
the overdue ones are those `selectors_stays.suggestions_overdue` lists.

R25: each retired village cadre on the register and the occasions (七一, 春节) they were visited at in the
year, each occasion counted once however many visits, against `min_count` (2): a missed 春节 is a finding.

R26: each county-and-above org-department leader and their field days in the year — stays, research trips and
household visits (masswork's 入户走访), one row per cadre and day through a UNION, so a day is counted once —,
against `min_total` (90 days). Part "topics": the same leaders and the topics they lead on the year's topic
lists against `topics.min_total` (1), as `selectors_research.leader_year` counts them.

R27 (a deadline rule): each village's income report of the quarter before the period evaluated, starting on
that quarter's last day; the engine computes its due day from the region's `days` (10) and `workdays`, as
`selectors.report_due` does for the pages; done when the report was submitted (a report sent before the period
counts as done on its first day).

R30, two parts. The yearly one (part ""): each org-department cadre (组工干部) and their off-job courses; the
engine counts the courses ended in each year against `min_total` (1 a year by default). The rolling window
(part "cycle"): for each period (a year) the same cadres and the off-job days (`measure`) of the courses that
ended in the `cycle.years` (5) before its last day — or before the evaluation day while it runs —, summed by
the engine against `cycle.min_total` (90 days). The engine only counts events dated inside the period, so a
course of the window is dated on the period's first day: the window is the source's, the sum and the
finding the engine's. `selectors.off_job_days_in_cycle` computes the same window for the pages and the API.
The department's own programme, parts "advanced_classes" (示范班) and "seminars" (研讨班): each province, city and
county and the classes of the kind it started in the year (`TrainingProgramme.org_unit`), against `min_total` (2),
as `selectors.programme_year` counts them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Case, DateField, F, OuterRef, QuerySet, Subquery, Value, When

from zugong.cadres.models import Cadre
from zugong.core.models import OrgKind, OrgUnit
from zugong.fieldwork.models import (
    CareVisit,
    FieldBatch,
    FieldStay,
    ProgrammeKind,
    ResearchTopic,
    RetiredVillageCadre,
    Suggestion,
    TrainingKind,
    TrainingProgramme,
    TrainingRecord,
    VillageIncomeReport,
)
from zugong.fieldwork.selectors import org_department_cadres_q, quarter_end, quarter_start, years_before
from zugong.fieldwork.selectors_research import field_day_rows, org_department_leaders_q
from zugong.fieldwork.selectors_stays import ORGANISER_KINDS
from zugong.rules.registry import AggregateSource, DeadlineSource, SourceContext, SourceFunc, register_source


def org_department_cadres(ctx: SourceContext) -> QuerySet[Any]:
    return (Cadre.objects.filter(ctx.org_q(), org_department_cadres_q()).order_by()
            .values("org_unit_id", subject_id=F("id"), subject_label=F("name")))


def off_job_courses(ctx: SourceContext) -> QuerySet[Any]:
    return (TrainingRecord.objects.filter(kind=TrainingKind.OFF_JOB, end_date__gte=ctx.period_start,
                                          end_date__lte=ctx.period_end)
            .order_by().values(subject_id=F("cadre_id"), event_date=F("end_date")))


def off_job_days_of_cycle(ctx: SourceContext) -> QuerySet[Any]:
    window_end = min(ctx.as_of, ctx.period_end)
    window_start = years_before(window_end, int(ctx.params["years"]))
    return (TrainingRecord.objects.filter(kind=TrainingKind.OFF_JOB, end_date__gt=window_start,
                                          end_date__lte=window_end)
            .order_by().values(subject_id=F("cadre_id"), event_date=Value(ctx.period_start, output_field=DateField()),
                               measure=F("days")))


def batch_organisers(ctx: SourceContext) -> QuerySet[Any]:
    return (OrgUnit.objects.filter(ctx.org_q(""), kind__in=ORGANISER_KINDS).order_by()
            .values(subject_id=F("id"), subject_label=F("name"), org_unit_id=F("id")))


def batches_started(ctx: SourceContext) -> QuerySet[Any]:
    return (FieldBatch.objects.filter(start_date__gte=ctx.period_start, start_date__lte=ctx.period_end)
            .order_by().values(subject_id=F("organiser_id"), event_date=F("start_date")))


def stays_of_year(ctx: SourceContext) -> QuerySet[Any]:
    return (FieldStay.objects.filter(ctx.org_q("batch__organiser__"), batch__year=ctx.period_start.year).order_by()
            .values(subject_id=F("id"), subject_label=F("cadre__name"), org_unit_id=F("batch__organiser_id")))


def stay_days(ctx: SourceContext) -> QuerySet[Any]:
    # the stay's days, dated on the period's first day: a stay belongs to its batch's year, wherever it ends
    return (FieldStay.objects.filter(batch__year=ctx.period_start.year).order_by()
            .values(subject_id=F("id"), event_date=Value(ctx.period_start, output_field=DateField()),
                    measure=F("days")))


def suggestions_forwarded(ctx: SourceContext) -> QuerySet[Any]:
    return (Suggestion.objects.filter(ctx.org_q("stay__batch__organiser__")).order_by()
            .values(subject_id=F("id"), subject_label=F("department__name"),
                    org_unit_id=F("stay__batch__organiser_id"), start_date=F("forwarded_on"),
                    due_date=F("reply_due"), done_date=F("replied_on")))


def topics_led(ctx: SourceContext) -> QuerySet[Any]:
    return (ResearchTopic.objects.filter(call__year=ctx.period_start.year).order_by()
            .values(subject_id=F("leader_id"), event_date=Value(ctx.period_start, output_field=DateField())))


def programmes_of(kind: str) -> SourceFunc:
    def programmes(ctx: SourceContext) -> QuerySet[Any]:
        return (TrainingProgramme.objects.filter(kind=kind, start_date__gte=ctx.period_start,
                                                 start_date__lte=ctx.period_end)
                .order_by().values(subject_id=F("org_unit_id"), event_date=F("start_date")))
    return programmes


def org_department_leaders(ctx: SourceContext) -> QuerySet[Any]:
    return (Cadre.objects.filter(ctx.org_q(), org_department_leaders_q()).order_by()
            .values("org_unit_id", subject_id=F("id"), subject_label=F("name")))


def field_days(ctx: SourceContext) -> QuerySet[Any]:
    return field_day_rows(ctx.period_start, ctx.period_end)


def retirees(ctx: SourceContext) -> QuerySet[Any]:
    return (RetiredVillageCadre.objects.filter(ctx.org_q("village__"), is_active=True, left_on__lte=ctx.period_end)
            .order_by().values(subject_id=F("id"), subject_label=F("name"), org_unit_id=F("village_id")))


def occasions_visited(ctx: SourceContext) -> QuerySet[Any]:
    return (CareVisit.objects.filter(occasion_date__gte=ctx.period_start, occasion_date__lte=ctx.period_end)
            .order_by().values(subject_id=F("retiree_id"), event_date=F("occasion_date")).distinct())


def income_reports_due(ctx: SourceContext) -> QuerySet[Any]:
    quarter = quarter_start(ctx.period_start - timedelta(days=1))
    submitted = (VillageIncomeReport.objects.filter(village=OuterRef("pk"), quarter_start=quarter)
                 .values("submitted_on")[:1])
    start = ctx.period_start
    return (OrgUnit.objects.filter(ctx.org_q(""), kind=OrgKind.VILLAGE).order_by()
            .annotate(submitted=Subquery(submitted, output_field=DateField()))
            .values(subject_id=F("id"), subject_label=F("name"), org_unit_id=F("id"),
                    start_date=Value(quarter_end(quarter), output_field=DateField()),
                    due_date=Value(None, output_field=DateField()),
                    done_date=Case(When(submitted__lt=start, then=Value(start)), default=F("submitted"),
                                   output_field=DateField())))


def register() -> None:
    register_source("R27", DeadlineSource(subject_type="core.orgunit", items=income_reports_due,
                                          item_label="上季度村集体经济收入报送"))
    register_source("R25", AggregateSource(subject_type="fieldwork.retiredvillagecadre", population=retirees,
                                           events=occasions_visited, event_label="走访慰问（七一、春节）", unit="次"))
    register_source("R26", AggregateSource(subject_type="cadres.cadre", population=org_department_leaders,
                                           events=field_days, event_label="基层调研", unit="天"))
    register_source("R06", AggregateSource(subject_type="core.orgunit", population=batch_organisers,
                                           events=batches_started, event_label="蹲点调研批次", unit="批"))
    register_source("R06", AggregateSource(subject_type="fieldwork.fieldstay", population=stays_of_year,
                                           events=stay_days, event_label="蹲点", unit="天", measure=True,
                                           part="stay"))
    register_source("R06", DeadlineSource(subject_type="fieldwork.suggestion", items=suggestions_forwarded,
                                          item_label="蹲点调研意见建议答复", part="suggestions"))
    register_source("R26", AggregateSource(subject_type="cadres.cadre", population=org_department_leaders,
                                           events=topics_led, event_label="牵头调研课题", unit="个", part="topics"))
    register_source("R30", AggregateSource(subject_type="cadres.cadre", population=org_department_cadres,
                                           events=off_job_courses, event_label="脱产培训", unit="次"))
    register_source("R30", AggregateSource(subject_type="cadres.cadre", population=org_department_cadres,
                                           events=off_job_days_of_cycle, event_label="培训周期内脱产培训",
                                           unit="天", measure=True, part="cycle"))
    register_source("R30", AggregateSource(subject_type="core.orgunit", population=batch_organisers,
                                           events=programmes_of(ProgrammeKind.ADVANCED), event_label="示范班",
                                           unit="期", part="advanced_classes"))
    register_source("R30", AggregateSource(subject_type="core.orgunit", population=batch_organisers,
                                           events=programmes_of(ProgrammeKind.SEMINAR), event_label="研讨班",
                                           unit="期", part="seminars"))
