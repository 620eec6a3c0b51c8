"""Reads of the field work app, scoped to the reader's jurisdiction.

R30's rolling five-year check and R27's five-colour grading are each one SQL statement over the set
(an aggregate subquery, a CASE), never a loop over cadres or villages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from zugong.cadres.models import CadreStatus
from zugong.cadres.selectors import cadres_visible
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.orgtree import ancestor_paths, subtree_q
from zugong.fieldwork.models import (
    IncomeLevel,
    IncomeScale,
    TrainingKind,
    TrainingRecord,
    VillageIncomeReport,
)
from zugong.rules.registry import param

# Who is an org-department cadre (组工干部): a serving cadre of a department whose name holds this.
ORG_DEPARTMENT_NAME = "组织部"


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def org_department_cadres_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}org_unit__kind": OrgKind.DEPARTMENT, f"{prefix}org_unit__name__contains": ORG_DEPARTMENT_NAME,
                f"{prefix}status": CadreStatus.SERVING})


def trainings_of(jurisdiction: Jurisdiction, cadre_id: int) -> QuerySet[TrainingRecord]:
    """A cadre's training records; empty when the cadre is out of sight."""
    return TrainingRecord.objects.filter(cadre__in=cadres_visible(jurisdiction).filter(pk=cadre_id))


def trainings_visible(jurisdiction: Jurisdiction) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(jurisdiction.org_q("cadre__org_unit__")).select_related("cadre")


@dataclass(frozen=True)
class CycleCheck:
    window_start: date  # exclusive
    window_end: date
    min_days: int


def cycle_check(org_unit: OrgUnit | None, as_of: date) -> CycleCheck:
    years = int(param("R30", "cycle_years", org_unit=org_unit, on=as_of))
    days = int(param("R30", "training_days_per_cycle", org_unit=org_unit, on=as_of))
    return CycleCheck(window_start=years_before(as_of, years), window_end=as_of, min_days=days)


def off_job_days_in_cycle(jurisdiction: Jurisdiction, *, as_of: date, org_unit: OrgUnit | None = None) -> QuerySet[Any]:
    """Each org-department cadre in sight with the off-job days of the courses that ended in the rolling
    window (as_of − cycle_years, as_of] and whether that meets the minimum: one statement.

    Rows: id, name, org_unit_id, off_job_days, meets (bool)."""
    check = cycle_check(org_unit, as_of)
    days = (TrainingRecord.objects.filter(cadre_id=OuterRef("pk"), kind=TrainingKind.OFF_JOB,
                                          end_date__gt=check.window_start, end_date__lte=check.window_end)
            .order_by().values("cadre_id").annotate(total=Sum("days")).values("total"))
    rows = cadres_visible(jurisdiction).filter(org_department_cadres_q())
    if org_unit is not None:
        rows = rows.filter(subtree_q(org_unit.path, "org_unit__"))
    return (rows.annotate(off_job_days=Coalesce(Subquery(days, output_field=IntegerField()), 0))
            .annotate(meets=Case(When(off_job_days__gte=check.min_days, then=Value(True)), default=Value(False)))
            .order_by("org_unit_id", "name").values("id", "name", "org_unit_id", "off_job_days", "meets"))


# ---- R27 village collective income -------------------------------------------------------------

DEFAULT_SCALE = (Decimal(5), Decimal(10), Decimal(20), Decimal(50))  # orange, yellow, green, blue from (万元)
LEVEL_ORDER = [IncomeLevel.RED, IncomeLevel.ORANGE, IncomeLevel.YELLOW, IncomeLevel.GREEN, IncomeLevel.BLUE]


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(start: date) -> date:
    return _month_end(start.year, start.month + 2)


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def quarter_label(start: date) -> str:
    return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"


def parse_quarter(text: str) -> date:
    """"2024Q3" or "2024-3" → the quarter's first day; ValueError otherwise."""
    cleaned = text.strip().upper().replace("-", "Q")
    year, _, number = cleaned.partition("Q")
    quarter = int(number)
    if not 1 <= quarter <= 4 or not year.isdigit() or len(year) != 4:
        raise ValueError(text)
    return date(int(year), 3 * quarter - 2, 1)


def report_due(start: date) -> date:
    """A quarter's report is due 10 days after the quarter ends (its first ten days of the next one)."""
    end = quarter_end(start)
    return date.fromordinal(end.toordinal() + 10)


def scale_for(unit: OrgUnit, on: date) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """The thresholds in force at `unit`: the lowest level's newest version on `on`, else the default."""
    paths = ancestor_paths(unit.path)
    scales = list(IncomeScale.objects.filter(org_unit__path__in=paths, valid_from__lte=on)
                  .select_related("org_unit").order_by("-org_unit__depth", "-valid_from")[:1])
    if not scales:
        return DEFAULT_SCALE
    s = scales[0]
    return (s.orange_from, s.yellow_from, s.green_from, s.blue_from)


def level_case(scale: tuple[Decimal, Decimal, Decimal, Decimal], field: str = "income") -> Case:
    orange, yellow, green, blue = scale
    return Case(When(**{f"{field}__gte": blue}, then=Value(IncomeLevel.BLUE.value)),
                When(**{f"{field}__gte": green}, then=Value(IncomeLevel.GREEN.value)),
                When(**{f"{field}__gte": yellow}, then=Value(IncomeLevel.YELLOW.value)),
                When(**{f"{field}__gte": orange}, then=Value(IncomeLevel.ORANGE.value)),
                default=Value(IncomeLevel.RED.value), output_field=CharField())


def _counties_under(root: OrgUnit) -> list[OrgUnit]:
    if root.kind in (OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.VILLAGE):
        return [root]
    return list(OrgUnit.objects.filter(subtree_q(root.path), kind=OrgKind.COUNTY))


def graded_reports(root: OrgUnit, quarter: date) -> QuerySet[Any]:
    """The quarter's reports of every village under `root`, graded: one query. Each county's scale is a
    branch of one CASE (a handful of counties per city, at most a few hundred in a province).

    Rows: village_id, village, township, income, goal, submitted_on, level."""
    on = quarter_end(quarter)
    branches = [When(subtree_q(county.path, "village__"), then=level_case(scale_for(county, on)))
                for county in _counties_under(root)]
    level: Any = Case(*branches, default=level_case(DEFAULT_SCALE), output_field=CharField()) if branches else level_case(DEFAULT_SCALE)
    return (VillageIncomeReport.objects.filter(subtree_q(root.path, "village__"), quarter_start=quarter)
            .annotate(level=level, village_name=F("village__name"), township=F("village__parent__name"))
            .order_by("-income", "village__name")
            .values("village_id", "village_name", "township", "income", "goal", "submitted_on", "level"))


def visible_unit(jurisdiction: Jurisdiction, pk: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(jurisdiction.org_q(), pk=pk).first()
    if unit is None:
        raise NotFound("未找到该单位，或不在您的管辖范围内")
    return unit


def home_unit(jurisdiction: Jurisdiction) -> OrgUnit:
    """The top unit of the reader's jurisdiction (the first, when it has several): the default scope."""
    unit = OrgUnit.objects.filter(path__in=jurisdiction.paths).order_by("depth", "path").first()
    if unit is None and jurisdiction.is_superuser:
        unit = OrgUnit.objects.filter(parent=None).order_by("path").first()
    if unit is None:
        raise NotFound("您的管辖范围内没有单位")
    return unit


@dataclass(frozen=True)
class LevelCount:
    level: str
    label: str
    count: int


def level_counts(rows: list[dict[str, Any]]) -> list[LevelCount]:
    labels = dict(IncomeLevel.choices)
    return [LevelCount(level.value, str(labels[level.value]), sum(1 for r in rows if r["level"] == level.value))
            for level in LEVEL_ORDER]


def public_county(pk: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=pk, kind=OrgKind.COUNTY).first()
    if unit is None:
        raise NotFound("未找到该县")
    return unit


def missing_reports(root: OrgUnit, quarter: date) -> QuerySet[OrgUnit]:
    """Villages under `root` without a report for the quarter."""
    done = VillageIncomeReport.objects.filter(quarter_start=quarter).values("village_id")
    return OrgUnit.objects.filter(subtree_q(root.path), kind=OrgKind.VILLAGE).exclude(pk__in=done).order_by("path")

