"""R24's and R33's data for the rule engine: the problems not closed and their checks, as an `AggregateSource`
(one check per problem per period); a withdrawn problem, or a withdrawn list's, owes nothing. Registered in `ready()`; the engine evaluates it as R24's cadence
(the pages compute the same state on every read: `selectors.with_check_state`), see docs/rectification.md.

The dates owed — a problem's own deadline (R24 part `due`), an accepted plan's milestones and deadline (R24 part
`plan`) and a project's dates (R33) — are
`DeadlineSource`s whose notices (due soon, overdue) must go out once each. The engine lists an open item in
every period it evaluates and keys a notice by period, so each date is given to exactly one period, its
*home*: the one containing the day its warning starts (due − `warn_days`), or the day it was set when that is
later; and, once met, to the period it was met in (so a late completion is written)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Case, CharField, DateField, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, Substr, TruncDate

from zugong.rectification.models import (
    FINISHED,
    Closure,
    ClosureStatus,
    PlanDueDate,
    Problem,
    ProblemStatus,
    ProjectMilestone,
    ProjectStatus,
    QuarterlyCheck,
)
from zugong.rectification.selectors import DUE_OWED, withdrawn_lists
from zugong.rules.registry import AggregateSource, DeadlineSource, SourceContext, register_source, row_version


def _problem_label() -> Concat:
    """"问题12-3：" and the description's first 60 characters."""
    return Concat(Value("问题"), F("problem_list_id"), Value("-"), F("number"), Value("："),
                  Substr("description", 1, 60), output_field=CharField())


def open_problems(ctx: SourceContext) -> QuerySet[Any]:
    """Problems raised by the period's end and neither closed nor withdrawn: each owes one check in the period.
    The label is the problem row's own columns: its version stands for it (`row_version`)."""
    label = _problem_label()
    return (Problem.objects.filter(ctx.org_q(), raised_on__lte=ctx.period_end)
            .exclude(status__in=FINISHED).exclude(problem_list_id__in=withdrawn_lists() or [0]).order_by()
            .values("org_unit_id", subject_id=F("id"), subject_label=label, **row_version(Problem)))


def checks(ctx: SourceContext) -> QuerySet[Any]:
    return (QuarterlyCheck.objects.filter(checked_on__gte=ctx.period_start, checked_on__lte=ctx.period_end)
            .order_by().values(subject_id=F("problem_id"), event_date=F("checked_on")))


def home_period_q(ctx: SourceContext, *, due: str = "due", starts: str = "starts_on") -> Q:
    """The dates whose home period is the one evaluated: max(due − warn_days, starts) within it."""
    warn = timedelta(days=int(ctx.params.get("warn_days", 0)))
    not_after = Q(**{f"{due}__lte": ctx.period_end + warn, f"{starts}__lte": ctx.period_end})
    not_before = Q(**{f"{due}__gte": ctx.period_start + warn}) | Q(**{f"{starts}__gte": ctx.period_start})
    return not_after & not_before


def plan_dates(ctx: SourceContext) -> QuerySet[Any]:
    """R24 part `plan`: every date of an accepted plan (its milestones and deadline) while the problem is
    being rectified, at the problem's unit; met (gone from here) once a closure is asked for."""
    label = Concat(Value("问题"), F("problem__problem_list_id"), Value("-"), F("problem__number"), Value("："),
                   F("title"), output_field=CharField())
    return (PlanDueDate.objects.filter(ctx.org_q("problem__org_unit__"), home_period_q(ctx),
                                       problem__status=ProblemStatus.RECTIFYING)
            .exclude(problem__problem_list_id__in=withdrawn_lists() or [0]).order_by()
            .values(subject_id=F("id"), subject_label=label, org_unit_id=F("problem__org_unit_id"),
                    start_date=F("starts_on"), due_date=F("due"), done_date=Value(None, output_field=DateField())))


# the day a closure was asked for, in the local zone: the pending request of a problem 销号待审核, the approved
# one of a problem 已销号 (a rejected request sent it back to 整改中; a reopened problem owes its date again)
_CLOSURE_ASKED_ON = Subquery(
    Closure.objects.filter(problem=OuterRef("pk"), status__in=(ClosureStatus.PENDING, ClosureStatus.APPROVED))
    .order_by("-requested_at", "-pk").values(day=TruncDate("requested_at"))[:1], output_field=DateField())
_CLOSURE_ASKED = (ProblemStatus.CLOSURE_REQUESTED, ProblemStatus.CLOSED)


def problem_due_dates(ctx: SourceContext) -> QuerySet[Any]:
    """R24 part `due`: a problem's own deadline (`due_on`), counted from the day it was raised, at the problem's
    unit. Owed while 待制定方案, 方案待审核 or 整改中; met on the day a closure was asked for (销号待审核, and still
    that day once 已销号; a problem 已销号 without a request, as bulk-loaded data may be, falls back to its closing
    day). A withdrawn problem, or a withdrawn list's, owes nothing. An open date is listed in its home period, a
    met one only in the period it was met in (the engine alone would also keep it in the periods before)."""
    done = Coalesce(_CLOSURE_ASKED_ON, F("closed_on"), output_field=DateField())
    owed_or_met = Q(status__in=DUE_OWED) | Q(status__in=_CLOSURE_ASKED)
    return (Problem.objects.filter(owed_or_met, ctx.org_q(), due_on__isnull=False)
            .exclude(problem_list_id__in=withdrawn_lists() or [0]).order_by()
            .annotate(done_on=Case(When(status__in=_CLOSURE_ASKED, then=done), default=Value(None),
                                   output_field=DateField()))
            .filter(Q(done_on__isnull=True) & home_period_q(ctx, due="due_on", starts="raised_on")
                    | Q(done_on__gte=ctx.period_start, done_on__lte=ctx.period_end))
            .values("org_unit_id", subject_id=F("id"), subject_label=_problem_label(), start_date=F("raised_on"),
                    due_date=F("due_on"), done_date=F("done_on")))


def project_dates(ctx: SourceContext) -> QuerySet[Any]:
    """R33: every date a published item owes (a milestone, a period's report of a key task, the deadline),
    at the lead unit; a completed item's dates only when they were met (the rest are no longer owed)."""
    label = Concat(F("project__title"), Value("："), F("title"), output_field=CharField())
    owed = Q(project__status=ProjectStatus.PUBLISHED) | Q(project__status=ProjectStatus.COMPLETED,
                                                          done_on__isnull=False)
    met_here = Q(done_on__gte=ctx.period_start, done_on__lte=ctx.period_end)
    return (ProjectMilestone.objects.filter(owed, ctx.org_q("project__lead_unit__"))
            .filter(home_period_q(ctx) | met_here).order_by()
            .values(subject_id=F("id"), subject_label=label, org_unit_id=F("project__lead_unit_id"),
                    start_date=F("starts_on"), due_date=F("due"), done_date=F("done_on")))


def register() -> None:
    register_source("R24", AggregateSource(subject_type="rectification.problem", population=open_problems,
                                           events=checks, event_label="整改检查"))
    register_source("R24", DeadlineSource(subject_type="rectification.problem", items=problem_due_dates,
                                          item_label="整改时限", part="due"))
    register_source("R24", DeadlineSource(subject_type="rectification.planduedate", items=plan_dates,
                                          item_label="整改方案节点", part="plan"))
    register_source("R33", DeadlineSource(subject_type="rectification.projectmilestone", items=project_dates,
                                          item_label="项目节点"))
