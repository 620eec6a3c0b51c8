"""Reads of the selection app, each scoped to the jurisdiction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat

from zugong.cadres import archive_audit
from zugong.cadres.archive_audit import Finding
from zugong.cadres.models import Cadre
from zugong.core.api_queries import CompiledRead
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import OrgKind, OrgUnit
from zugong.selection.models import (
    UNRESOLVED,
    AccountabilitySituation,
    AuditSignOff,
    Candidate,
    CheckDraw,
    CheckHandling,
    CheckOutcome,
    PersonalMatterItem,
    PersonalReport,
    PlanReview,
    ProblemEntry,
    PublicityReport,
    RecommendationVote,
    ReportCheck,
    Selection,
    SpecialInspection,
    StageRecord,
    StageSignature,
)


def problems_visible(jurisdiction: Jurisdiction) -> QuerySet[ProblemEntry]:
    return scope(ProblemEntry.objects.select_related("org_unit", "cadre"), jurisdiction)


def problem_list(jurisdiction: Jurisdiction, *, status: str = "", source: str = "",
                 cadre_id: int | None = None) -> QuerySet[ProblemEntry]:
    entries = problems_visible(jurisdiction)
    if status:
        entries = entries.filter(status=status)
    if source:
        entries = entries.filter(source=source)
    if cadre_id is not None:
        entries = entries.filter(cadre_id=cadre_id)
    return entries.order_by("-received_on", "-pk")


def problem_get(jurisdiction: Jurisdiction, pk: int) -> ProblemEntry:
    entry = problems_visible(jurisdiction).select_related("petition__org_unit").filter(pk=pk).first()
    if entry is None:
        raise NotFound("未找到该问题信息，或不在您的管辖范围内")
    return entry


def _shielded_rows(ids: list[int]) -> QuerySet[ProblemEntry, Any]:
    return ProblemEntry.objects.filter(cadre_id__in=ids, status__in=UNRESOLVED).values_list("cadre_id").distinct()


# The gate runs for every candidate step: its SQL is compiled once per number of ids (Django's compiling cost
# more than PostgreSQL's answer; bench_selection).
SHIELDED_READ = CompiledRead(_shielded_rows, ids=[-424242])


def shielded_ids(cadre_ids: Iterable[int]) -> set[int]:
    """R18: of these cadres, those with an entry still 待核实 or 核实中 (one query for any number)."""
    return {int(row[0]) for row in SHIELDED_READ.rows(ids=sorted(set(cadre_ids)))}


def problem_unit_counts(unit_ids: list[int], start: date, end: date) -> dict[int, int]:
    """Entries received per unit in [start, end]: talks' problem-unit counter (五必谈, R05)."""
    rows = (ProblemEntry.objects.filter(org_unit_id__in=unit_ids, received_on__gte=start, received_on__lte=end)
            .values("org_unit_id").annotate(n=Count("pk")).values_list("org_unit_id", "n"))
    return dict(rows)


def audit_errors(selection: Selection, cadre_ids: list[int], on: date) -> dict[int, list[Finding]]:
    """R19: per cadre, the errors of the 三龄两历一身份 audit (cadres' `archive_audit`) not signed off for
    this selection. Warnings (missing data) do not block."""
    signed = set(AuditSignOff.objects.filter(selection=selection, cadre_id__in=cadre_ids)
                 .values_list("cadre_id", "check_code"))
    _count, findings = archive_audit.run(Cadre.objects.filter(pk__in=cadre_ids), today=on)
    result: dict[int, list[Finding]] = {pk: [] for pk in cadre_ids}
    for finding in findings:
        if finding.severity == archive_audit.ERROR and (finding.cadre_id, finding.check) not in signed:
            result[finding.cadre_id].append(finding)
    return result


def selections_visible(jurisdiction: Jurisdiction) -> QuerySet[Selection]:
    return scope(Selection.objects.select_related("org_unit"), jurisdiction)


def selection_list(jurisdiction: Jurisdiction, *, stage: str = "") -> QuerySet[Selection]:
    rows = selections_visible(jurisdiction).annotate(candidate_count=Count("candidates"))
    if stage:
        rows = rows.filter(stage=stage)
    return rows.order_by("-created_at", "-pk")


def selection_get(jurisdiction: Jurisdiction, pk: int) -> Selection:
    """One selection with its records, signatures, votes, candidates and refusals."""
    records = StageRecord.objects.select_related("recorded_by").prefetch_related(
        Prefetch("signatures", queryset=StageSignature.objects.select_related("attested_by").order_by("signed_at", "pk")))
    reviews = PlanReview.objects.select_related("reviewer_unit").order_by("pk")
    selection = (selections_visible(jurisdiction).filter(pk=pk).prefetch_related(
        Prefetch("plan_reviews", queryset=reviews),
        Prefetch("records", queryset=records),
        Prefetch("candidates", queryset=Candidate.objects.select_related("cadre__org_unit").order_by("pk")),
        # the cadre's unit: R23 in the shortlist preview asks for each new township recruit's township
        Prefetch("votes", queryset=RecommendationVote.objects.select_related("cadre__org_unit")),
        "refusals__cadre", "signed_recommendations__cadre",
        Prefetch("publicity_reports", queryset=PublicityReport.objects.select_related("cadre", "checked_by")
                 .order_by("received_on", "pk"))).first())
    if selection is None:
        raise NotFound("未找到该选拔任用工作，或不在您的管辖范围内")
    return selection


def publicity_reports_visible(jurisdiction: Jurisdiction) -> QuerySet[PublicityReport]:
    """The reports received during the 任前公示 of selections in the jurisdiction (scoped by the selection's unit)."""
    return scope(PublicityReport.objects.select_related("selection__org_unit", "cadre", "checked_by"), jurisdiction,
                 "selection__org_unit")


def publicity_report_get(jurisdiction: Jurisdiction, pk: int) -> PublicityReport:
    report = publicity_reports_visible(jurisdiction).filter(pk=pk).first()
    if report is None:
        raise NotFound("未找到该反映，或不在您的管辖范围内")
    return report


# --- personal-matters reports (R19) ---------------------------------------------------------------------

def report_items() -> list[PersonalMatterItem]:
    return list(PersonalMatterItem.objects.filter(active=True).order_by("order", "pk"))


def reports_visible(jurisdiction: Jurisdiction) -> QuerySet[PersonalReport]:
    return scope(PersonalReport.objects.select_related("cadre", "org_unit"), jurisdiction)


def report_list(jurisdiction: Jurisdiction, *, year: int | None = None,
                cadre_id: int | None = None) -> QuerySet[PersonalReport]:
    rows = reports_visible(jurisdiction)
    if year is not None:
        rows = rows.filter(year=year)
    if cadre_id is not None:
        rows = rows.filter(cadre_id=cadre_id)
    return rows.prefetch_related("checks").order_by("-year", "cadre__name", "pk")


def report_get(jurisdiction: Jurisdiction, pk: int) -> PersonalReport:
    report = reports_visible(jurisdiction).prefetch_related("checks__draw").filter(pk=pk).first()
    if report is None:
        raise NotFound("未找到该个人有关事项报告，或不在您的管辖范围内")
    return report


def checks_visible(jurisdiction: Jurisdiction) -> QuerySet[ReportCheck]:
    return scope(ReportCheck.objects.select_related("report__cadre", "report__org_unit", "draw", "selection"),
                 jurisdiction, "report__org_unit")


def check_list(jurisdiction: Jurisdiction, *, outcome: str = "", kind: str = "",
               year: int | None = None) -> QuerySet[ReportCheck]:
    rows = checks_visible(jurisdiction)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if kind:
        rows = rows.filter(kind=kind)
    if year is not None:
        rows = rows.filter(report__year=year)
    return rows.order_by("outcome", "-created_at", "-pk")


def check_get(jurisdiction: Jurisdiction, pk: int) -> ReportCheck:
    check = checks_visible(jurisdiction).filter(pk=pk).first()
    if check is None:
        raise NotFound("未找到该核查，或不在您的管辖范围内")
    return check


def draws_visible(jurisdiction: Jurisdiction) -> QuerySet[CheckDraw]:
    return scope(CheckDraw.objects.select_related("org_unit"), jurisdiction)


def draw_get(jurisdiction: Jurisdiction, pk: int) -> CheckDraw:
    draw = draws_visible(jurisdiction).filter(pk=pk).first()
    if draw is None:
        raise NotFound("未找到该次抽查，或不在您的管辖范围内")
    return draw


@dataclass(frozen=True)
class DrawStratum:
    org_unit_id: int
    org_unit: str
    population: int
    drawn: int


def draw_strata(draw: CheckDraw) -> list[DrawStratum]:
    """Each unit of a stratified draw with its reports and how many were drawn (one query for the names)."""
    drawn = set(draw.drawn)
    names = dict(OrgUnit.objects.filter(pk__in=[int(u) for u in draw.strata]).values_list("pk", "name"))
    return [DrawStratum(int(unit), names.get(int(unit), unit), len(ids), len(drawn.intersection(ids)))
            for unit, ids in sorted(draw.strata.items(), key=lambda item: int(item[0]))]


def _standing_rows(ids: list[int], year: int) -> QuerySet[PersonalReport, Any]:
    """Each report with its most telling check — the latest concluded one, else an open one — as
    "outcome|handling" (one correlated subquery, as the raw form's one LATERAL); none when never checked."""
    telling = (ReportCheck.objects.filter(report=OuterRef("pk"))
               .annotate(open=Case(When(outcome=CheckOutcome.PENDING, then=Value(1)), default=Value(0)),
                         state=Concat("outcome", Value("|"), "handling", output_field=CharField()))
               .order_by("open", "-checked_on", "-pk").values("state")[:1])
    return (PersonalReport.objects.filter(cadre_id__in=ids, year=year)
            .annotate(state=Subquery(telling, output_field=CharField())).values_list("cadre_id", "state"))


STANDING_READ = CompiledRead(_standing_rows, ids=[-424242], year=32123)  # a year in the field's range


def report_standing(cadre_ids: list[int], year: int) -> dict[int, str | None]:
    """R19, the personal-matters half: per cadre, None when the `year` report exists and its latest concluded
    check is not 瞒报; otherwise why not (no report, not checked, check open, 瞒报). One statement for any
    number of cadres: each report with whether it has a check and its latest concluded one."""
    rows = STANDING_READ.rows(ids=sorted(set(cadre_ids)), year=year)
    found: dict[int, tuple[bool, str | None, str | None]] = {}
    for cadre_id, state in rows:
        outcome, _bar, handling = (state or "").partition("|")
        concluded = bool(state) and outcome != CheckOutcome.PENDING
        found[cadre_id] = (state is not None, outcome if concluded else None, handling if concluded else None)
    labels = dict(CheckHandling.choices)
    result: dict[int, str | None] = {}
    for cadre_id in cadre_ids:
        checked, outcome, handling = found.get(cadre_id, (None, None, None))
        if checked is None:
            result[cadre_id] = f"没有 {year} 年度个人有关事项报告"
        elif checked is False:
            result[cadre_id] = f"{year} 年度个人有关事项报告尚未核查"
        elif outcome is None:
            result[cadre_id] = f"{year} 年度个人有关事项报告正在核查，尚无结果"
        elif outcome == CheckOutcome.CONCEALED:
            result[cadre_id] = f"{year} 年度个人有关事项报告经核查存在瞒报（{labels.get(handling or '', '')}）"
        else:
            result[cadre_id] = None
    return result


def report_ids(cadre_ids: list[int], year: int) -> dict[int, int]:
    """cadre id → the id of their `year` report (those who filed one)."""
    return dict(PersonalReport.objects.filter(cadre_id__in=cadre_ids, year=year).values_list("cadre_id", "pk"))


# --- 报备 ----------------------------------------------------------------------------------------------

def reviews_visible(jurisdiction: Jurisdiction) -> QuerySet[PlanReview]:
    """Reviews of the selections in sight: the submitter's own, and (the subtree being theirs) the reviewer's."""
    return scope(PlanReview.objects.select_related("selection__org_unit", "reviewer_unit", "submitted_by",
                                                   "reviewed_by"), jurisdiction, "selection__org_unit")


def review_list(jurisdiction: Jurisdiction, *, decision: str = "") -> QuerySet[PlanReview]:
    rows = reviews_visible(jurisdiction)
    if decision:
        rows = rows.filter(decision=decision)
    return rows.order_by("decision", "-submitted_on", "-pk")


def review_get(jurisdiction: Jurisdiction, pk: int) -> PlanReview:
    review = reviews_visible(jurisdiction).filter(pk=pk).first()
    if review is None:
        raise NotFound("未找到该报备，或不在您的管辖范围内")
    return review


# --- R22: special inspections and their rotation ------------------------------------------------------------

def inspections_visible(jurisdiction: Jurisdiction) -> QuerySet[SpecialInspection]:
    return scope(SpecialInspection.objects.select_related("inspected_unit", "recorded_by"), jurisdiction,
                 "inspected_unit")


def inspection_list(jurisdiction: Jurisdiction) -> QuerySet[SpecialInspection]:
    return inspections_visible(jurisdiction).prefetch_related("situations").order_by("-started_on", "-pk")


def inspection_get(jurisdiction: Jurisdiction, pk: int) -> SpecialInspection:
    row = inspection_list(jurisdiction).filter(pk=pk).first()
    if row is None:
        raise NotFound("未找到该专项检查，或不在您的管辖范围内")
    return row


def situations_in_use() -> list[AccountabilitySituation]:
    return list(AccountabilitySituation.objects.filter(active=True).order_by("head", "order", "pk"))


@dataclass(frozen=True)
class RotationRow:
    unit: OrgUnit
    kind: str  # "county" / "department"
    years: int
    last: date | None
    due: date | None  # None: never inspected (overdue from the start)
    overdue: bool


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def inspection_schedule(jurisdiction: Jurisdiction, on: date) -> list[RotationRow]:
    """R22's rotation: every county (each [2] years) and municipal department (each [3] years) in sight, its
    last inspection, the day the next one is due and whether it is overdue; overdue first. The last
    inspections are one grouped query; the cycle is the register's parameter for each unit."""
    from zugong.rules.registry import param, rule_enabled

    units = list(scope(OrgUnit.objects.select_related("parent"), jurisdiction, "").filter(
        Q(kind=OrgKind.COUNTY) | Q(kind=OrgKind.DEPARTMENT, parent__kind=OrgKind.CITY)).order_by("path"))
    last = dict(SpecialInspection.objects.filter(inspected_unit__in=units, started_on__lte=on)
                .values("inspected_unit_id").annotate(last=Max("started_on")).values_list("inspected_unit_id", "last"))
    rows = []
    for unit in units:
        if not rule_enabled("R22", org_unit=unit, on=on):
            continue
        kind = "county" if unit.kind == OrgKind.COUNTY else "department"
        years = int(param("R22", f"{kind}_years", org_unit=unit, on=on))
        seen = last.get(unit.pk)
        due = _plus_years(seen, years) if seen else None
        rows.append(RotationRow(unit, kind, years, seen, due, due is None or due < on))
    return sorted(rows, key=lambda r: (not r.overdue, r.due or date.min, r.unit.path))
