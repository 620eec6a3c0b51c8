"""R24's and R33's data for the rule engine: the problems not closed and their checks, as an `AggregateSource`
(one check per problem per period). Registered in `ready()`; the engine evaluates it as R24's cadence
(the pages compute the same state on every read: `selectors.with_check_state`), see docs/rectification.md."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr

from zugong.rectification.models import (
    Problem,
    ProblemStatus,
    ProjectMilestone,
    ProjectStatus,
    QuarterlyCheck,
)
from zugong.rules.registry import AggregateSource, DeadlineSource, SourceContext, register_source


def open_problems(ctx: SourceContext) -> QuerySet[Any]:
    """Problems raised by the period's end and not closed: each owes one check in the period."""
    label = Concat(Value("问题"), F("problem_list_id"), Value("-"), F("number"), Value("："),
                   Substr("description", 1, 60), output_field=CharField())
    return (Problem.objects.filter(ctx.org_q(), raised_on__lte=ctx.period_end)
            .exclude(status=ProblemStatus.CLOSED).order_by()
            .values("org_unit_id", subject_id=F("id"), subject_label=label))


def checks(ctx: SourceContext) -> QuerySet[Any]:
    return (QuarterlyCheck.objects.filter(checked_on__gte=ctx.period_start, checked_on__lte=ctx.period_end)
            .order_by().values(subject_id=F("problem_id"), event_date=F("checked_on")))


def project_dates(ctx: SourceContext) -> QuerySet[Any]:
    """R33: every date a published item owes (a milestone, a period's report of a key task, the deadline),
    at the lead unit; a completed item's dates only when they were met (the rest are no longer owed)."""
    label = Concat(F("project__title"), Value("："), F("title"), output_field=CharField())
    owed = Q(project__status=ProjectStatus.PUBLISHED) | Q(project__status=ProjectStatus.COMPLETED,
                                                          done_on__isnull=False)
    return (ProjectMilestone.objects.filter(owed, ctx.org_q("project__lead_unit__")).order_by()
            .values(subject_id=F("id"), subject_label=label, org_unit_id=F("project__lead_unit_id"),
                    start_date=F("starts_on"), due_date=F("due"), done_date=F("done_on")))


def register() -> None:
    register_source("R24", AggregateSource(subject_type="rectification.problem", population=open_problems,
                                           events=checks, event_label="整改检查"))
    register_source("R33", DeadlineSource(subject_type="rectification.projectmilestone", items=project_dates,
                                          item_label="项目节点"))
