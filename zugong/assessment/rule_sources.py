"""The assessment app's data for the rule engine (registered in `ready()`, see docs/assessment.md).

R01: every organising unit of county level and above owes, each year, 分类考核 campaigns within the `classified`
part's [min_count, max_count] (1–2) and teams or units under 重点考核 of at least the `key` part's min_count (10).
A campaign counts in its own `year` (it has no date), dated on the first day of the period evaluated — R01's
period is a year; each 重点考核 subject that is a team or a unit is one event.

R02: each side-evidence request is a deadline item (sent → due → replied).

R31: each follow-up task of a low-ranked city (督导检查) or county (整改落实专项检查) is a deadline item
(assigned → its own deadline → done)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, DateField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat

from zugong.assessment.models import Campaign, Focus, SideEvidenceRequest, Subject, SubjectKind
from zugong.assessment.models_survey import FollowUpKind, SurveyFollowUp
from zugong.core.models import OrgKind, OrgUnit
from zugong.rules.registry import AggregateSource, DeadlineSource, SourceContext, register_source

ORGANISER_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)


def side_evidence_items(ctx: SourceContext) -> QuerySet[Any]:
    label = Concat(F("assessed__org_unit__name"), Value(" · "), F("agency"), Value("旁证"), output_field=CharField())
    return (SideEvidenceRequest.objects.filter(ctx.org_q(), requested_on__lte=ctx.period_end)
            .filter(Q(replied_on__isnull=True) | Q(replied_on__gte=ctx.period_start))
            .order_by().values("org_unit_id", subject_id=F("id"), subject_label=label, start_date=F("requested_on"),
                               due_date=F("due_on"), done_date=F("replied_on")))


def follow_up_items(ctx: SourceContext) -> QuerySet[Any]:
    task = Case(When(kind=FollowUpKind.SUPERVISION, then=Value("督导检查")), default=Value("整改落实专项检查"),
                output_field=CharField())
    label = Concat(F("org_unit__name"), Value(" · "), F("survey__title"), Value(" · "), task,
                   output_field=CharField())
    return (SurveyFollowUp.objects.filter(ctx.org_q(), assigned_on__lte=ctx.period_end)
            .filter(Q(done_on__isnull=True) | Q(done_on__gte=ctx.period_start))
            .order_by().values("org_unit_id", subject_id=F("id"), subject_label=label, start_date=F("assigned_on"),
                               due_date=F("due_on"), done_date=F("done_on")))


def organisers(ctx: SourceContext) -> QuerySet[Any]:
    return (OrgUnit.objects.filter(ctx.org_q(""), kind__in=ORGANISER_KINDS).order_by()
            .values(subject_id=F("id"), subject_label=F("name"), org_unit_id=F("id")))


def _period_day(ctx: SourceContext) -> Value:
    return Value(ctx.period_start, output_field=DateField())


def classified_campaigns(ctx: SourceContext) -> QuerySet[Any]:
    return (Campaign.objects.filter(focus=Focus.CLASSIFIED, year=ctx.period_start.year).order_by()
            .values(subject_id=F("org_unit_id"), event_date=_period_day(ctx)))


def key_teams(ctx: SourceContext) -> QuerySet[Any]:
    return (Subject.objects.filter(campaign__focus=Focus.KEY, campaign__year=ctx.period_start.year)
            .exclude(kind=SubjectKind.CADRE).order_by()
            .values(subject_id=F("campaign__org_unit_id"), event_date=_period_day(ctx)))


def register() -> None:
    register_source("R01", AggregateSource(subject_type="core.orgunit", population=organisers,
                                           events=classified_campaigns, event_label="分类考核", unit="项",
                                           part="classified"))
    register_source("R01", AggregateSource(subject_type="core.orgunit", population=organisers, events=key_teams,
                                           event_label="重点考核领导班子", unit="个", part="key"))
    register_source("R02", DeadlineSource(subject_type="assessment.sideevidencerequest", items=side_evidence_items,
                                          item_label="考核旁证"))
    register_source("R31", DeadlineSource(subject_type="assessment.surveyfollowup", items=follow_up_items,
                                          item_label="满意度测评跟进任务"))
