"""Reads of 述职 plans: the plans of the reviewing levels in the jurisdiction, one plan with who has reported,
and the 民主测评's results per secretary (read through the assessment module's own selectors)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from zugong.assessment.selectors import campaign_get, evaluation_results, subjects_of
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.rectification.duty_models import DutyPlan, DutyPlanEntry
from zugong.rectification.models import DutyReport, Grade

# 民主测评 score (0–100, assessment's weighted mean of the ballots' points) → 述职评议 grade: the lowest score of
# each grade. Every ballot 称职 (80 points) gives 较好, every ballot 基本称职 (60) gives 一般 — the ballots' grades
# 优秀 / 称职 / 基本称职 / 不称职 stand for 好 / 较好 / 一般 / 差.
GRADE_FLOORS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("90"), Grade.GOOD), (Decimal("80"), Grade.FAIRLY_GOOD), (Decimal("60"), Grade.FAIR))


def grade_of_score(score: Decimal) -> str:
    return next((grade for floor, grade in GRADE_FLOORS if score >= floor), Grade.POOR)


def duty_plans_visible(jurisdiction: Jurisdiction) -> QuerySet[DutyPlan]:
    return (scope(DutyPlan.objects.all(), jurisdiction, "reviewing_unit").select_related("reviewing_unit")
            .order_by("-year", "reviewing_unit__path"))


def _reports_of_entry() -> QuerySet[DutyReport]:
    return DutyReport.objects.filter(org_unit=OuterRef("org_unit"), year=OuterRef("plan__year"),
                                     reviewing_unit=OuterRef("plan__reviewing_unit"))


def duty_plan_list(jurisdiction: Jurisdiction) -> QuerySet[DutyPlan]:
    """The plans with how many units report and how many have reported, in one query."""
    reported = Exists(DutyReport.objects.filter(org_unit=OuterRef("entries__org_unit"), year=OuterRef("year"),
                                                reviewing_unit=OuterRef("reviewing_unit")))
    return duty_plans_visible(jurisdiction).annotate(
        entry_count=Count("entries", distinct=True),
        reported_count=Count("entries", filter=Q(reported), distinct=True))


def duty_plan_get(jurisdiction: Jurisdiction, pk: int) -> DutyPlan:
    row = duty_plans_visible(jurisdiction).select_related("campaign").filter(pk=pk).first()
    if row is None:
        raise NotFound("未找到该述职计划，或不在您的管辖范围内")
    return row


def entries_of(plan: DutyPlan) -> QuerySet[DutyPlanEntry]:
    """Who reports, with the report the unit recorded to the plan's level for the year (`report_id`, null while
    not reported)."""
    report = _reports_of_entry()
    return (DutyPlanEntry.objects.filter(plan=plan).select_related("org_unit", "cadre")
            .annotate(report_id=Subquery(report.values("pk")[:1]), report_grade=Subquery(report.values("grade")[:1]),
                      report_score=Subquery(report.values("score")[:1]))
            .order_by("org_unit__path", "pk"))


@dataclass(frozen=True)
class EvaluationRow:
    """One secretary's 民主测评 result: ballots counted, the weighted score and the grade it maps to."""

    entry_id: int
    ballots: int
    score: Decimal | None
    grade: str


def evaluation_of(jurisdiction: Jurisdiction, plan: DutyPlan) -> dict[int, EvaluationRow]:
    """The plan's 民主测评 results by entry (counted ballots only: pending ones count once voting closes)."""
    if plan.campaign_id is None:
        return {}
    campaign = campaign_get(jurisdiction, plan.campaign_id)
    subject_of_cadre: dict[int | None, int] = dict(subjects_of(campaign).values_list("cadre_id", "pk"))
    results = {r.subject_id: r for r in evaluation_results(campaign)}
    rows: dict[int, EvaluationRow] = {}
    for entry in DutyPlanEntry.objects.filter(plan=plan, cadre__isnull=False):
        result = results.get(subject_of_cadre.get(entry.cadre_id, 0))
        ballots = sum(sum(c.values()) for c in result.counts.values()) if result is not None else 0
        score = result.score if result is not None and ballots else None
        rows[entry.pk] = EvaluationRow(entry.pk, ballots, score, grade_of_score(score) if score is not None else "")
    return rows


def plan_of_report(jurisdiction: Jurisdiction, report: DutyReport) -> DutyPlan | None:
    """The plan the report was made under (same level, year and reporting unit), if the level keeps one."""
    return (duty_plans_visible(jurisdiction)
            .filter(year=report.year, reviewing_unit_id=report.reviewing_unit_id, entries__org_unit=report.org_unit_id)
            .first())
