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
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from zugong.cadres.models import Cadre, CadreStatus
from zugong.cadres.selectors import cadres_visible
from zugong.core.calendar import add_days
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.orgtree import ancestor_paths, subtree_q
from zugong.fieldwork.models import (
    IncomeLevel,
    IncomeScale,
    ProgrammeKind,
    TrainingKind,
    TrainingProgramme,
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
    years = int(param("R30", "cycle.years", org_unit=org_unit, on=as_of))
    days = int(param("R30", "cycle.min_total", org_unit=org_unit, on=as_of) or 0)
    return CycleCheck(window_start=years_before(as_of, years), window_end=as_of, min_days=days)


def off_job_days_in_cycle(jurisdiction: Jurisdiction, *, as_of: date,
                          org_unit: OrgUnit | None = None) -> list[dict[str, Any]]:
    """Each org-department cadre in sight with the off-job days of the courses that ended in the rolling
    window (as_of − `R30.cycle.years`, as_of] and whether that meets `R30.cycle.min_total`.

    Rows: id, name, org_unit_id, off_job_days, meets (bool). Two statements: the cadres, and the window's
    off-job days summed per cadre of the subtree (aggregated before they meet). Joining the courses to
    each cadre in SQL (a correlated subquery, or a filtered LEFT JOIN) made PostgreSQL's planner loop
    300,000 times: 3.4× the raw SQL (docs/fieldwork.md, "Measured")."""
    check = cycle_check(org_unit, as_of)
    if org_unit is None:
        cadres = cadres_visible(jurisdiction)
    elif jurisdiction.contains(org_unit):
        cadres = Cadre.objects.filter(subtree_q(org_unit.path, "org_unit__"))
    else:
        raise NotFound("未找到该单位，或不在您的管辖范围内")
    cadres = cadres.filter(org_department_cadres_q())
    courses = TrainingRecord.objects.filter(kind=TrainingKind.OFF_JOB, end_date__gt=check.window_start,
                                            end_date__lte=check.window_end)
    if org_unit is None:
        courses = courses.filter(jurisdiction.org_q("cadre__org_unit__"))
    elif org_unit.depth > 0:
        courses = courses.filter(subtree_q(org_unit.path, "cadre__org_unit__"))
    # (the whole tree: every course of the window, no join; only the cadres' totals are read below)
    totals = dict(courses.order_by().values("cadre_id").annotate(total=Sum("days")).values_list("cadre_id", "total"))
    rows = []
    for pk, name, unit_id in cadres.order_by("org_unit_id", "name").values_list("id", "name", "org_unit_id"):
        days = int(totals.get(pk) or 0)
        rows.append({"id": pk, "name": name, "org_unit_id": unit_id, "off_job_days": days,
                     "meets": days >= check.min_days})
    return rows


@dataclass(frozen=True)
class ProgrammeYear:
    year: int
    advanced: int
    seminars: int
    min_advanced: int
    min_seminars: int

    @property
    def meets(self) -> bool:
        return self.advanced >= self.min_advanced and self.seminars >= self.min_seminars


def programmes_visible(jurisdiction: Jurisdiction) -> QuerySet[TrainingProgramme]:
    return TrainingProgramme.objects.filter(jurisdiction.org_q("org_unit__")).select_related("org_unit")


def programme_year(unit: OrgUnit, year: int) -> ProgrammeYear:
    """The classes `unit`'s org department ran in the year (by their start) against R30's programme."""
    on = date(year, 12, 31)
    counts = dict(TrainingProgramme.objects.filter(org_unit=unit, start_date__year=year).order_by()
                  .values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return ProgrammeYear(year=year, advanced=counts.get(ProgrammeKind.ADVANCED, 0),
                         seminars=counts.get(ProgrammeKind.SEMINAR, 0),
                         min_advanced=int(param("R30", "advanced_classes.min_total", org_unit=unit, on=on)),
                         min_seminars=int(param("R30", "seminars.min_total", org_unit=unit, on=on)))


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


def report_due(start: date, unit: OrgUnit | None = None) -> date:
    """A quarter's report is due R27 `days` (10) after the quarter ends — calendar days, or working days where
    `workdays` is set —, with the parameters in force at `unit` on the quarter's last day: the day the engine's
    R27 finding names (the quarter's end is the deadline's start day)."""
    end = quarter_end(start)
    days = int(param("R27", "days", org_unit=unit, on=end))
    return add_days(end, days, workdays=bool(param("R27", "workdays", org_unit=unit, on=end)))


def level_case(scale: tuple[Decimal, Decimal, Decimal, Decimal], field: str = "income") -> Case:
    orange, yellow, green, blue = scale
    return Case(When(**{f"{field}__gte": blue}, then=Value(IncomeLevel.BLUE.value)),
                When(**{f"{field}__gte": green}, then=Value(IncomeLevel.GREEN.value)),
                When(**{f"{field}__gte": yellow}, then=Value(IncomeLevel.YELLOW.value)),
                When(**{f"{field}__gte": orange}, then=Value(IncomeLevel.ORANGE.value)),
                default=Value(IncomeLevel.RED.value), output_field=CharField())


Scale = tuple[Decimal, Decimal, Decimal, Decimal]


Version = tuple[str, int, date, Decimal, Decimal, Decimal, Decimal]  # path, depth, valid_from, the four bounds


def _scale_versions(root: OrgUnit, until: date) -> list[Version]:
    """The threshold versions set at `root`, above it or below it from `until` back, the lowest level's newest
    first: one query."""
    rows = (IncomeScale.objects.filter(Q(org_unit__path__in=ancestor_paths(root.path))
                                       | subtree_q(root.path, "org_unit__"), valid_from__lte=until)
            .values_list("org_unit__path", "org_unit__depth", "valid_from", "orange_from", "yellow_from",
                         "green_from", "blue_from"))
    return sorted(rows, key=lambda v: (v[1], v[2]), reverse=True)


def _county_paths(root: OrgUnit) -> list[str]:
    if root.kind in (OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.VILLAGE):
        return [root.path]
    return list(OrgUnit.objects.filter(subtree_q(root.path), kind=OrgKind.COUNTY).values_list("path", flat=True))


def _group_scales(versions: list[Version], paths: list[str], on: date) -> dict[Scale, list[str]]:
    groups: dict[Scale, list[str]] = {}
    for path in paths:
        # the lowest level's newest version in force on `on` set at this county or above it
        found = next((v for v in versions if v[2] <= on and path.startswith(v[0])), None)
        scale: Scale = (found[3], found[4], found[5], found[6]) if found else DEFAULT_SCALE
        groups.setdefault(scale, []).append(path)
    return groups


def _scales_by_county(root: OrgUnit, on: date) -> dict[Scale, list[str]]:
    """The county paths under `root` grouped by the thresholds in force for them on `on`: at most two
    queries whatever the number of counties (the versions above or below `root`; the counties, only when
    there is a version)."""
    versions = _scale_versions(root, on)
    if not versions:
        return {DEFAULT_SCALE: [root.path]}  # no version anywhere near: no need to list the counties
    return _group_scales(versions, _county_paths(root), on)


def _level_of(groups: dict[Scale, list[str]]) -> Any:
    """The five-colour CASE for these groups: counties sharing thresholds share one branch; when all share
    them there is no branch at all."""
    if len(groups) == 1:
        return level_case(next(iter(groups)))
    branches = []
    for scale, paths in groups.items():
        where = Q()
        for path in paths:
            where |= subtree_q(path, "village__")
        branches.append(When(where, then=level_case(scale)))
    return Case(*branches, default=level_case(DEFAULT_SCALE), output_field=CharField())


def graded_reports(root: OrgUnit, quarter: date) -> QuerySet[Any]:
    """The quarter's reports of every village under `root`, graded: one query (and at most two small reads
    of the thresholds).

    Rows: village_id, village, township, income, goal, submitted_on, level."""
    level = _level_of(_scales_by_county(root, quarter_end(quarter)))
    return (VillageIncomeReport.objects.filter(subtree_q(root.path, "village__"), quarter_start=quarter)
            .annotate(level=level, village_name=F("village__name"), township=F("village__parent__name"))
            .order_by("-income", "village__name")
            .values("village_id", "village_name", "township", "income", "goal", "submitted_on", "level"))


def scales_visible(jurisdiction: Jurisdiction) -> QuerySet[IncomeScale]:
    """The threshold versions set at units in sight or above them (a city's version covers its counties),
    newest first per unit."""
    above: set[str] = set()
    for path in jurisdiction.paths:
        above.update(ancestor_paths(path))
    return (IncomeScale.objects.filter(jurisdiction.org_q("org_unit__") | Q(org_unit__path__in=above))
            .select_related("org_unit").order_by("org_unit__path", "-valid_from"))


def quarters_back(last: date, count: int) -> list[date]:
    """`count` quarters ending with the quarter starting on `last`, oldest first."""
    index = last.year * 4 + (last.month - 1) // 3
    return [date(i // 4, 3 * (i % 4) + 1, 1) for i in range(index - count + 1, index + 1)]


@dataclass(frozen=True)
class LevelTrend:
    """The number of villages of each colour per quarter (the trend chart's series), oldest quarter first."""

    quarters: list[date]
    counts: dict[str, list[int]]  # level → one count per quarter
    reported: list[int]


def level_trend(root: OrgUnit, last: date, count: int = 4) -> LevelTrend:
    """Each of `count` quarters up to `last`, its reports under `root` graded by the thresholds in force at
    that quarter's end: one grouped query (and at most two small reads of the thresholds)."""
    quarters = quarters_back(last, count)
    versions = _scale_versions(root, quarter_end(quarters[-1]))
    paths = _county_paths(root) if versions else [root.path]
    level = Case(*(When(quarter_start=q, then=_level_of(_group_scales(versions, paths, quarter_end(q))))
                   for q in quarters), default=Value(""), output_field=CharField())
    rows = (VillageIncomeReport.objects.filter(subtree_q(root.path, "village__"), quarter_start__in=quarters)
            .annotate(level=level).order_by().values("quarter_start", "level").annotate(n=Count("id")))
    position = {q: i for i, q in enumerate(quarters)}
    counts = {lv.value: [0] * count for lv in LEVEL_ORDER}
    for row in rows:
        counts[row["level"]][position[row["quarter_start"]]] += row["n"]
    reported = [sum(series[i] for series in counts.values()) for i in range(count)]
    return LevelTrend(quarters, counts, reported)


@dataclass(frozen=True)
class VillageQuarter:
    """One quarter of a village's income history; `income` and `level` are None when it did not report."""

    quarter: date
    income: Decimal | None
    goal: Decimal | None
    level: str | None
    submitted_on: date | None
    corrected_on: date | None


def level_for(income: Decimal, scale: Scale) -> str:
    """The colour of `income` under `scale`, as `level_case` grades it in SQL."""
    bounds = zip(scale[::-1], LEVEL_ORDER[:0:-1], strict=True)  # blue, green, yellow, orange
    return next((level.value for bound, level in bounds if income >= bound), IncomeLevel.RED.value)


def village_income_history(village: OrgUnit, last: date, count: int = 8) -> list[VillageQuarter]:
    """The village's reports over `count` quarters up to `last`, each graded by the thresholds in force at its
    own quarter's end (as `graded_reports` grades that quarter): two queries."""
    quarters = quarters_back(last, count)
    versions = _scale_versions(village, quarter_end(quarters[-1]))
    reports = {r.quarter_start: r for r in VillageIncomeReport.objects.filter(village=village,
                                                                               quarter_start__in=quarters)}
    history = []
    for quarter in quarters:
        report = reports.get(quarter)
        scale = next(iter(_group_scales(versions, [village.path], quarter_end(quarter))))
        history.append(VillageQuarter(
            quarter=quarter, income=report.income if report else None, goal=report.goal if report else None,
            level=level_for(report.income, scale) if report else None,
            submitted_on=report.submitted_on if report else None,
            corrected_on=report.corrected_on if report else None))
    return history


def visible_village(jurisdiction: Jurisdiction, pk: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(jurisdiction.org_q(), pk=pk, kind=OrgKind.VILLAGE).first()
    if unit is None:
        raise NotFound("未找到该村，或不在您的管辖范围内")
    return unit


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

