"""Reads of problem lists and problems, scoped to the jurisdiction (by the owner unit), with the state of
their periodic checks (R24) and the progress of a list computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import Attachment, OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.rectification.cadence import CheckPeriod, check_period_kinds, period_of
from zugong.rectification.models import (
    FINISHED,
    Closure,
    DutyReport,
    PlanStatus,
    Problem,
    ProblemList,
    ProblemStatus,
    ProgressUpdate,
    QuarterlyCheck,
    RectificationPlan,
    Severity,
)
from zugong.rules.registry import param

# How far a problem is, by its state (the page explains it): a plan accepted is under way, a closure
# asked for is nearly done, only a closure approved by the issuing level counts in full.
STATUS_WEIGHT: dict[str, int] = {
    ProblemStatus.OPEN: 0, ProblemStatus.PLAN_SUBMITTED: 10, ProblemStatus.RECTIFYING: 40,
    ProblemStatus.CLOSURE_REQUESTED: 80, ProblemStatus.CLOSED: 100,
}
# a problem's own deadline (`due_on`) is owed until a closure is asked for
DUE_OWED = (ProblemStatus.OPEN, ProblemStatus.PLAN_SUBMITTED, ProblemStatus.RECTIFYING)
# A grave problem weighs three general ones in the percentage of a list or unit.
SEVERITY_WEIGHT: dict[str, int] = {Severity.GENERAL: 1, Severity.SERIOUS: 2, Severity.GRAVE: 3}


class CheckState:
    CHECKED = "checked"  # checked in the running period
    DUE = "due"  # not yet checked in the running period
    OVERDUE = "overdue"  # the period just ended passed without a check
    NONE = "none"  # closed or withdrawn: no check needed


def problem_lists_visible(jurisdiction: Jurisdiction) -> QuerySet[ProblemList]:
    return scope(ProblemList.objects.all(), jurisdiction, "owner_unit").select_related("issuing_unit", "owner_unit")


def problems_visible(jurisdiction: Jurisdiction) -> QuerySet[Problem]:
    return scope(Problem.objects.all(), jurisdiction).select_related("problem_list__issuing_unit", "org_unit")


def _weighted(field: str, weights: dict[str, int]) -> Case:
    return Case(*[When(**{field: key}, then=Value(w)) for key, w in weights.items()], default=Value(0),
                output_field=IntegerField())


def _progress(prefix: str = "") -> tuple[Sum, Sum]:
    """(Σ severity weight × status weight, Σ severity weight): their quotient is the percentage. A withdrawn
    problem weighs nothing (it is neither done nor owed)."""
    severity = Case(When(**{f"{prefix}status": ProblemStatus.WITHDRAWN}, then=Value(0)),
                    *[When(**{f"{prefix}severity": key}, then=Value(w)) for key, w in SEVERITY_WEIGHT.items()],
                    default=Value(0), output_field=IntegerField())
    status = _weighted(f"{prefix}status", STATUS_WEIGHT)
    return Sum(severity * status, output_field=IntegerField()), Sum(severity, output_field=IntegerField())


def percent(done: int | None, total: int | None) -> Decimal | None:
    if not total:
        return None
    return (Decimal(done or 0) / Decimal(total)).quantize(Decimal("0.1"))


def problem_list_list(jurisdiction: Jurisdiction, *, source: str = "") -> QuerySet[ProblemList]:
    """Lists with their problem counts and the severity-weighted progress (`weighted_done / weight_total` %)."""
    done, total = _progress("problems__")
    lists = problem_lists_visible(jurisdiction).annotate(
        problem_count=Count("problems"), closed_count=Count("problems", filter=Q(problems__status=ProblemStatus.CLOSED)),
        weighted_done=done, weight_total=total)
    if source:
        lists = lists.filter(source=source)
    return lists.order_by("-issued_on", "-pk")


def problem_list_get(jurisdiction: Jurisdiction, pk: int) -> ProblemList:
    row = problem_list_list(jurisdiction).filter(pk=pk).first()
    if row is None:
        raise NotFound("未找到该问题清单，或不在您的管辖范围内")
    return row


@dataclass(frozen=True)
class UnitProgress:
    org_unit_id: int
    name: str
    problems: int
    closed: int
    percent: Decimal | None


def progress_by_unit(jurisdiction: Jurisdiction, *, list_id: int | None = None) -> list[UnitProgress]:
    rows = problems_visible(jurisdiction)
    if list_id is not None:
        rows = rows.filter(problem_list_id=list_id)
    done, total = _progress()
    grouped = (rows.order_by().values("org_unit_id", "org_unit__name", "org_unit__path")
               .annotate(n=Count("id"), closed=Count("id", filter=Q(status=ProblemStatus.CLOSED)),
                         weighted_done=done, weight_total=total)
               .order_by("org_unit__path"))
    return [UnitProgress(r["org_unit_id"], r["org_unit__name"], r["n"], r["closed"],
                         percent(r["weighted_done"], r["weight_total"])) for r in grouped]


def _checked_within(period: CheckPeriod) -> Exists:
    return Exists(QuarterlyCheck.objects.filter(problem=OuterRef("pk"), checked_on__gte=period.start,
                                                checked_on__lte=period.end))


def _kinds_by_issuing_unit(problems: QuerySet[Problem], as_of: date) -> dict[str, list[int]]:
    """The check cadence in force at each issuing level of these problems: two queries whatever their number (the
    levels, then R24's versions for all of them; one `param()` per level cost ~100 queries over the province)."""
    # a semi-join from the lists (a few thousand) rather than a DISTINCT over every problem
    units = (ProblemList.objects.filter(Exists(problems.order_by().filter(problem_list=OuterRef("pk"))))
             .order_by().values("issuing_unit"))
    kinds: dict[str, list[int]] = {}
    for pk, kind in check_period_kinds(list(OrgUnit.objects.filter(pk__in=units).only("pk", "path")), as_of).items():
        kinds.setdefault(kind, []).append(pk)
    return kinds


def withdrawn_lists() -> list[int]:
    """The ids of the withdrawn lists (a few), read once: with none, the queries below carry no condition for
    them at all (a subquery there cost ~10–20 % of `with_check_state` over 200,000 problems, bench)."""
    return list(ProblemList.objects.filter(withdrawn_on__isnull=False).values_list("pk", flat=True))


def _not_withdrawn(condition: Q) -> Q:
    withdrawn = withdrawn_lists()
    return condition & ~Q(problem_list_id__in=withdrawn) if withdrawn else condition


def with_check_state(problems: QuerySet[Problem], as_of: date) -> QuerySet[Problem]:
    """Annotate `check_state` (CheckState) for `as_of`: one CASE over EXISTS subqueries, one branch per
    cadence in force among the issuing levels (usually just the quarter). A problem is overdue when the
    period before the running one ended without a check while it was already raised and is not closed."""
    whens: list[When] = [When(status__in=FINISHED, then=Value(CheckState.NONE))]
    withdrawn = withdrawn_lists()
    if withdrawn:
        whens.append(When(problem_list_id__in=withdrawn, then=Value(CheckState.NONE)))
    kinds = _kinds_by_issuing_unit(problems, as_of)
    for kind, unit_ids in kinds.items():
        running = period_of(kind, as_of)
        previous = running.previous()
        overdue = Q(raised_on__lte=previous.end) & ~_checked_within(previous)
        checked = Q(_checked_within(running))
        if len(kinds) == 1:  # one cadence: no branch per issuing level, "due" is the default
            whens += [When(overdue, then=Value(CheckState.OVERDUE)), When(checked, then=Value(CheckState.CHECKED))]
            break
        in_kind = Q(problem_list__issuing_unit__in=unit_ids)
        whens += [
            When(in_kind & overdue, then=Value(CheckState.OVERDUE)),
            When(in_kind & checked, then=Value(CheckState.CHECKED)),
            When(in_kind, then=Value(CheckState.DUE)),
        ]
    return problems.annotate(check_state=Case(*whens, default=Value(CheckState.DUE)))


def with_plan_deadline(problems: QuerySet[Problem], as_of: date) -> QuerySet[Problem]:
    """Annotate `plan_deadline` (the accepted plan's deadline) and `plan_overdue`: still rectifying after
    that deadline (a closure asked for or granted is not overdue); `due_overdue`: the problem's own `due_on`
    passed before a closure was asked for."""
    deadline = (RectificationPlan.objects.filter(problem=OuterRef("pk"), status=PlanStatus.ACCEPTED)
                .order_by("-pk").values("deadline")[:1])
    return problems.annotate(plan_deadline=Subquery(deadline)).annotate(plan_overdue=Case(
        When(_not_withdrawn(Q(status=ProblemStatus.RECTIFYING, plan_deadline__lt=as_of)), then=Value(True)),
        default=Value(False),
        output_field=BooleanField()), due_overdue=Case(
        When(_not_withdrawn(Q(status__in=DUE_OWED, due_on__lt=as_of)), then=Value(True)), default=Value(False),
        output_field=BooleanField()))


@dataclass(frozen=True)
class PlanDate:
    title: str
    due: date
    state: str  # overdue / due_soon / pending / met (the problem left 整改中 by then) / withdrawn


def plan_dates(problem: Problem, as_of: date, warn_days: int) -> list[PlanDate]:
    """The accepted plan's milestones and deadline with their state on `as_of`, for the problem's page."""
    plan = next((p for p in problem.plans.all() if p.status == PlanStatus.ACCEPTED), None)
    if plan is None:
        return []
    done = problem.status in (ProblemStatus.CLOSURE_REQUESTED, ProblemStatus.CLOSED)
    withdrawn = problem.status == ProblemStatus.WITHDRAWN
    rows: list[tuple[str, date]] = []
    for m in plan.milestones:
        try:
            rows.append((str(m["title"]), date.fromisoformat(str(m["due"]))))
        except (KeyError, ValueError):
            continue  # a milestone stored without a readable date is shown with the plan as written
    rows.append(("整改时限", plan.deadline))

    def state(due: date) -> str:
        if withdrawn:
            return "withdrawn"
        if done:
            return "met"
        if as_of > due:
            return "overdue"
        return "due_soon" if (due - as_of).days <= warn_days else "pending"

    return [PlanDate(title, due, state(due)) for title, due in sorted(rows, key=lambda r: r[1])]


def problem_list_filtered(
    jurisdiction: Jurisdiction, *, as_of: date, list_id: int | None = None, source: str = "", org_path: str = "",
    status: str = "", overdue: bool | None = None, plan_overdue: bool | None = None, due_overdue: bool | None = None,
) -> QuerySet[Problem]:
    problems = problems_visible(jurisdiction)
    if list_id is not None:
        problems = problems.filter(problem_list_id=list_id)
    if source:
        problems = problems.filter(problem_list__source=source)
    if org_path:
        problems = problems.filter(subtree_q(org_path, "org_unit__"))
    if status:
        problems = problems.filter(status=status)
    problems = with_plan_deadline(with_check_state(problems, as_of), as_of)
    if overdue is not None:
        is_overdue = Q(check_state=CheckState.OVERDUE)
        problems = problems.filter(is_overdue) if overdue else problems.exclude(is_overdue)
    if plan_overdue is not None:
        problems = problems.filter(Q(plan_overdue=plan_overdue))
    if due_overdue is not None:
        problems = problems.filter(Q(due_overdue=due_overdue))
    return problems.order_by("problem_list_id", "number")


def problem_get(jurisdiction: Jurisdiction, pk: int, *, as_of: date) -> Problem:
    """One problem with its plans, updates, checks and closures, or NotFound outside the jurisdiction."""
    row = (with_plan_deadline(with_check_state(problems_visible(jurisdiction).filter(pk=pk), as_of), as_of)
           .prefetch_related(
               Prefetch("plans", queryset=RectificationPlan.objects.order_by("-pk")),
               Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-reported_on", "-pk")),
               Prefetch("checks", queryset=QuarterlyCheck.objects.order_by("-checked_on", "-pk")),
               Prefetch("closures", queryset=Closure.objects.order_by("-pk").prefetch_related("evidence")),
               "reopenings")
           .first())
    if row is None:
        raise NotFound("未找到该问题，或不在您的管辖范围内")
    warn = int(param("R24", "plan.warn_days", org_unit=row.problem_list.issuing_unit, on=as_of))
    row.plan_dates = plan_dates(row, as_of, warn)  # type: ignore[attr-defined]
    return row


def problems_of_list(jurisdiction: Jurisdiction, list_id: int, *, as_of: date,
                     due_overdue: bool | None = None) -> QuerySet[Problem]:
    """The problems of one list in order, with their check state and plans (newest first), for its page
    and its Excel."""
    return (problem_list_filtered(jurisdiction, as_of=as_of, list_id=list_id, due_overdue=due_overdue)
            .prefetch_related(Prefetch("plans", queryset=RectificationPlan.objects.order_by("-pk"))))


def duty_reports_visible(jurisdiction: Jurisdiction) -> QuerySet[DutyReport]:
    return (scope(DutyReport.objects.all(), jurisdiction)
            .select_related("org_unit", "reviewing_unit", "feedback_list").order_by("-year", "org_unit__path"))


def duty_report_get(jurisdiction: Jurisdiction, pk: int) -> DutyReport:
    row = duty_reports_visible(jurisdiction).filter(pk=pk).first()
    if row is None:
        raise NotFound("未找到该述职评议，或不在您的管辖范围内")
    return row


def problems_carried_over(jurisdiction: Jurisdiction, report: DutyReport) -> QuerySet[Problem]:
    """The unit's problems still open when it reports (raised before the report, not closed nor withdrawn): listed on
    the report, so next year's 述职 reviews what last year's feedback left open."""
    return (problems_visible(jurisdiction)
            .filter(subtree_q(report.org_unit.path, "org_unit__"), raised_on__lt=report.reported_on,
                    problem_list__withdrawn_on__isnull=True)
            .exclude(status__in=FINISHED).order_by("raised_on", "problem_list_id", "number"))


def files_by_update(problem: Problem) -> dict[int, list[Attachment]]:
    """The files of every progress update of a problem, in one query (the page lists them per update)."""
    updates = [u.pk for u in problem.updates.all()]
    files: dict[int, list[Attachment]] = {pk: [] for pk in updates}
    for row in Attachment.objects.filter(owner_type=ProgressUpdate._meta.label_lower,
                                         owner_id__in=[str(pk) for pk in updates]).order_by("pk"):
        files[int(row.owner_id)].append(row)
    return files
