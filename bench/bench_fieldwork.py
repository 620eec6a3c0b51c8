"""Field work at province scale (issue 13): R30's rolling five-year training check and R27's grading.

Data (generated with SQL generate_series in scratch database zg_bench_fieldwork, reused across runs): the
province-scale tree; 300,000 serving cadres in the counties' 县委组织部 departments; 2,000,000 training
records (half off-job, ending over 2018–2025, 1–60 days); one income report a village (~20,000) for
2025Q3 spread over the five colours.

`ZUGONG_BENCH_FIELDWORK_SCALE` (default 1) scales the cadres and training records down, e.g. 0.1 for 30,000
cadres and 200,000 records, in their own scratch database (zg_bench_fieldwork_0.1).

Figures, medians of alternating runs in the same process, each beside raw SQL returning the same rows:
1. R30: `selectors.off_job_days_in_cycle(SYSTEM, as_of=2025-12-31, org_unit=<province>)` — every
   org-department cadre with the off-job days of the courses ended in the rolling window; target ≤ 1.5× raw;
1b. R30 through the rule engine, `evaluate(as_of=2025-12-31, rule="R30", periods=1)`: both parts (the year's
   off-job courses, and the rolling window's off-job days) for every org-department cadre, against raw SQL
   writing the same findings (subject, label, unit, status, measure) of both parts into a table; the counts
   by part and status are asserted equal first; target ≤ 1.5× raw. (On PostgreSQL a re-evaluation where
   nothing changed writes no finding — the engine diffs by fingerprint —; the raw SQL writes them all.) Then
   beside the raw SQL of the whole evaluation as the engine must do it (both parts judged, their detail built,
   diffed against the stored findings; checked to find no change after an evaluation), for information.
2. R27: `list(selectors.graded_reports(<province>, 2025Q3))` — every village's report of the quarter with its
   colour; target ≤ 1.5× raw;
3. R27 for one county, for information (a 1 ms statement: the query's fixed cost shows).
"""

from __future__ import annotations

import os
import time
from datetime import date
from functools import partial
from typing import Any

from django.db import connection

from bench.common import ensure_province_tree, report, require_postgres, time_pair_ms, use_scratch_database

SCALE = float(os.environ.get("ZUGONG_BENCH_FIELDWORK_SCALE", "1"))
CADRES = int(300_000 * SCALE)
TRAININGS = int(2_000_000 * SCALE)
AS_OF = date(2025, 12, 31)
QUARTER = date(2025, 7, 1)
REPEAT_R30 = 5
REPEAT_R27 = 20
TARGET = 1.5

RAW_R30 = """
SELECT c.id, c.name, c.org_unit_id, COALESCE(t.days, 0) AS off_job_days, COALESCE(t.days, 0) >= %(min_days)s
FROM cadres_cadre c
JOIN core_orgunit o ON o.id = c.org_unit_id
LEFT JOIN (SELECT cadre_id, SUM(days) AS days FROM fieldwork_trainingrecord
           WHERE kind = 'off_job' AND end_date > %(start)s AND end_date <= %(end)s GROUP BY cadre_id) t
       ON t.cadre_id = c.id
WHERE o.kind = 'department' AND o.name LIKE '%%组织部%%' AND c.status = 'serving'
ORDER BY c.org_unit_id, c.name
"""

# the engine's two R30 parts written out as findings: the year's off-job courses (by end date) against
# min_total, and the rolling window's off-job days against cycle.min_total
RAW_R30_FINDINGS = (
    """CREATE TEMP TABLE zg_raw_r30_year AS
SELECT c.id AS subject_id, c.name AS label, c.org_unit_id, COALESCE(y.n, 0) AS measure,
       CASE WHEN COALESCE(y.n, 0) >= %(min_courses)s THEN 'compliant' ELSE %(shortfall)s END AS status
FROM cadres_cadre c
JOIN core_orgunit o ON o.id = c.org_unit_id
LEFT JOIN (SELECT cadre_id, COUNT(*) AS n FROM fieldwork_trainingrecord
           WHERE kind = 'off_job' AND end_date >= %(year_start)s AND end_date <= %(end)s GROUP BY cadre_id) y
       ON y.cadre_id = c.id
WHERE o.kind = 'department' AND o.name LIKE '%%组织部%%' AND c.status = 'serving'""",
    """CREATE TEMP TABLE zg_raw_r30_cycle AS
SELECT c.id AS subject_id, c.name AS label, c.org_unit_id, COALESCE(t.days, 0) AS measure,
       CASE WHEN COALESCE(t.days, 0) >= %(min_days)s THEN 'compliant' ELSE %(shortfall)s END AS status
FROM cadres_cadre c
JOIN core_orgunit o ON o.id = c.org_unit_id
LEFT JOIN (SELECT cadre_id, SUM(days) AS days FROM fieldwork_trainingrecord
           WHERE kind = 'off_job' AND end_date > %(start)s AND end_date <= %(end)s GROUP BY cadre_id) t
       ON t.cadre_id = c.id
WHERE o.kind = 'department' AND o.name LIKE '%%组织部%%' AND c.status = 'serving'""",
)

# The whole R30 evaluation as the engine must do it to write only what changed: both parts' rows judged, their
# Chinese detail built, full-joined with the stored findings of the year, the rows that differ (or exist on one
# side only) returned. A re-evaluation that changes nothing returns no row.
RAW_R30_DIFF = """
WITH cadres AS (SELECT c.id, c.name, c.org_unit_id FROM cadres_cadre c JOIN core_orgunit o ON o.id = c.org_unit_id
                WHERE o.kind = 'department' AND o.name LIKE '%%组织部%%' AND c.status = 'serving'),
yearly AS (SELECT cadre_id, COUNT(*) AS n FROM fieldwork_trainingrecord
           WHERE kind = 'off_job' AND end_date >= %(year_start)s AND end_date <= %(end)s GROUP BY cadre_id),
cycle AS (SELECT cadre_id, SUM(days) AS n FROM fieldwork_trainingrecord
          WHERE kind = 'off_job' AND end_date > %(start)s AND end_date <= %(end)s GROUP BY cadre_id),
items AS (
  SELECT '' AS part, c.id::text AS subject, c.name, c.org_unit_id, COALESCE(y.n, 0)::float AS measure,
         CASE WHEN COALESCE(y.n, 0) >= %(min_courses)s THEN 'compliant' ELSE %(shortfall)s END AS status,
         %(year)s || '年脱产培训 ' || COALESCE(y.n, 0) || ' 次' ||
         CASE WHEN COALESCE(y.n, 0) >= %(min_courses)s THEN '，达到不少于 ' || %(min_courses_text)s || ' 次的要求'
              ELSE '，应不少于 ' || %(min_courses_text)s || ' 次' END AS detail
  FROM cadres c LEFT JOIN yearly y ON y.cadre_id = c.id
  UNION ALL
  SELECT 'cycle', c.id::text, c.name, c.org_unit_id, COALESCE(t.n, 0)::float,
         CASE WHEN COALESCE(t.n, 0) >= %(min_days)s THEN 'compliant' ELSE %(shortfall)s END,
         %(year)s || '年培训周期内脱产培训 ' || COALESCE(t.n, 0) || ' 天' ||
         CASE WHEN COALESCE(t.n, 0) >= %(min_days)s THEN '，达到不少于 ' || %(min_days_text)s || ' 天的要求'
              ELSE '，应不少于 ' || %(min_days_text)s || ' 天' END
  FROM cadres c LEFT JOIN cycle t ON t.cadre_id = c.id),
stored AS (SELECT f.part, f.subject_id, f.subject_label, f.org_unit_id, f.status, f.measure, f.detail
           FROM rules_finding f WHERE f.rule_id = %(rule)s AND f.period_start = %(year_start)s
           AND f.part IN ('', 'cycle'))
SELECT i.subject, s.subject_id FROM items i FULL JOIN stored s ON s.part = i.part AND s.subject_id = i.subject
WHERE i.subject IS NULL OR s.subject_id IS NULL
   OR (i.name, i.org_unit_id, i.status, i.measure, i.detail)
      IS DISTINCT FROM (s.subject_label, s.org_unit_id, s.status, s.measure, s.detail)
"""

RAW_R27 = """
SELECT r.village_id, v.name, p.name, r.income, r.goal, r.submitted_on,
       CASE WHEN r.income >= 50 THEN 'blue' WHEN r.income >= 20 THEN 'green' WHEN r.income >= 10 THEN 'yellow'
            WHEN r.income >= 5 THEN 'orange' ELSE 'red' END
FROM fieldwork_villageincomereport r
JOIN core_orgunit v ON v.id = r.village_id
LEFT JOIN core_orgunit p ON p.id = v.parent_id
WHERE r.quarter_start = %(quarter)s AND v.path >= %(low)s AND v.path < %(high)s
ORDER BY r.income DESC, v.name
"""


def _cadre_columns() -> tuple[list[str], list[str]]:
    """Every NOT NULL column of cadres_cadre with the SQL value a generated row gets (Django's defaults are
    not the database's)."""
    from zugong.cadres.models import Cadre

    columns, values = [], []
    special = {"name": "'组工干部' || n", "org_unit_id": "d.ids[1 + n %% array_length(d.ids, 1)]",
               "status": "'serving'", "created_at": "now()", "updated_at": "now()", "id_number": "NULL"}
    for field in Cadre._meta.concrete_fields:
        column = str(field.column)
        if field.primary_key:
            continue
        if column in special:
            columns.append(column)
            values.append(special[column])
        elif not field.null:
            default = field.get_default()
            columns.append(column)
            values.append("false" if default is False else "true" if default is True
                          else str(default) if isinstance(default, int) else "''")
    return columns, values


def _generate() -> None:
    from zugong.cadres.models import Cadre
    from zugong.fieldwork.models import TrainingRecord, VillageIncomeReport

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if not Cadre.objects.filter(name__startswith="组工干部").exists():
            columns, values = _cadre_columns()
            cursor.execute(
                f"INSERT INTO cadres_cadre ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM generate_series(1, %s) n, "
                f"(SELECT array_agg(id ORDER BY id) AS ids FROM core_orgunit "
                f"WHERE kind = 'department' AND name LIKE '%%组织部%%') d", [CADRES])
            cursor.execute("VACUUM ANALYZE cadres_cadre")
        if not TrainingRecord.objects.exists():
            cursor.execute(
                "INSERT INTO fieldwork_trainingrecord (cadre_id, course, organiser, kind, start_date, end_date, "
                "days, hours, certificate) "
                "SELECT c.ids[1 + (n::bigint * 7919) %% array_length(c.ids, 1)], '第' || n %% 40 || '期进修班', '省委党校', "
                "CASE WHEN n %% 2 = 0 THEN 'off_job' ELSE 'on_job' END, "
                "DATE '2018-01-01' + (n * 37) %% 2900, DATE '2018-01-01' + (n * 37) %% 2900 + (n %% 60), "
                "1 + n %% 60, 0, '' FROM generate_series(1, %s) n, "
                "(SELECT array_agg(id ORDER BY id) AS ids FROM cadres_cadre WHERE name LIKE '组工干部%%') c",
                [TRAININGS])
            cursor.execute("VACUUM ANALYZE fieldwork_trainingrecord")
        if not VillageIncomeReport.objects.filter(quarter_start=QUARTER).exists():
            cursor.execute(
                "INSERT INTO fieldwork_villageincomereport (village_id, quarter_start, income, channels, goal, "
                "measures, submitted_on, correction_reason) SELECT id, %s, (id * 7 %% 8000) / 100.0, '', NULL, '', %s, '' "
                "FROM core_orgunit WHERE kind = 'village'", [QUARTER, date(2025, 10, 5)])
            cursor.execute("VACUUM ANALYZE fieldwork_villageincomereport")
    print(f"data ready in {time.perf_counter() - started:.1f} s: {Cadre.objects.count():,} cadres, "
          f"{TrainingRecord.objects.count():,} training records, "
          f"{VillageIncomeReport.objects.filter(quarter_start=QUARTER).count():,} income reports")


def _raw(statement: str, params: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return len(cursor.fetchall())


def _raw_r30_findings(params: dict[str, Any]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        for statement in RAW_R30_FINDINGS:
            cursor.execute(statement, params)
        for part, table in (("", "zg_raw_r30_year"), ("cycle", "zg_raw_r30_cycle")):
            cursor.execute(f"SELECT status, COUNT(*) FROM {table} GROUP BY status")
            counts.update({(part, status): n for status, n in cursor.fetchall()})
            cursor.execute(f"DROP TABLE {table}")
    return counts


def _evaluate_r30() -> None:
    from zugong.rules.engine import evaluate

    evaluate(as_of=AS_OF, rule="R30", periods=1)


def _engine_r30(province: Any, check: Any) -> float:
    """1b: R30's two parts through the engine against raw SQL writing the same findings."""
    from django.db.models import Count

    from zugong.rules.kinds.periods import period_containing, shortfall_status
    from zugong.rules.models import Finding
    from zugong.rules.registry import param

    year = period_containing("year", AS_OF)
    params = {"year_start": year.start, "start": check.window_start, "end": check.window_end,
              "min_days": check.min_days, "min_courses": float(param("R30", "min_total", org_unit=province, on=AS_OF)),
              "shortfall": shortfall_status(year, AS_OF, warn_days=7, grace_days=5)}
    _evaluate_r30()
    # the engine evaluates R30's programme parts too (advanced_classes, seminars: one finding per county org
    # department, a few hundred); the raw SQL computes the two parts over the cadres, which are compared
    found = {(row["part"], row["status"]): row["n"] for row in Finding.objects.filter(
        rule__code="R30", period_start=year.start, part__in=("", "cycle")).values("part", "status").annotate(
        n=Count("id"))}
    raw = _raw_r30_findings(params)
    assert found == raw, f"the engine's findings {found} differ from the raw SQL's {raw}"
    print(f"R30 findings for {year.start.year}: {found}")
    measured, baseline = time_pair_ms(_evaluate_r30, partial(_raw_r30_findings, params), repeat=REPEAT_R30,
                                      warmup=1)
    ratio = report(f"R30 evaluation through the engine, both parts ({CADRES:,} cadres) vs raw SQL writing "
                   f"the same findings", measured, baseline, target=TARGET)
    from zugong.rules.models import Rule

    diff = {**params, "rule": Rule.objects.get(code="R30").pk, "year": str(year.start.year),
            "min_courses_text": f"{params['min_courses']:g}", "min_days_text": f"{check.min_days:g}"}
    changed = _raw(RAW_R30_DIFF, diff)
    if changed:
        raise SystemExit(f"R30: the raw diff finds {changed} changed findings after an evaluation (wording differs)")
    measured, baseline = time_pair_ms(_evaluate_r30, partial(_raw, RAW_R30_DIFF, diff), repeat=REPEAT_R30, warmup=1)
    report(f"R30 evaluation through the engine, both parts ({CADRES:,} cadres) vs the raw SQL of the whole "
           f"evaluation (both parts judged and diffed against the stored findings)", measured, baseline, target=TARGET)
    return ratio


def main() -> None:
    require_postgres()
    use_scratch_database("zg_bench_fieldwork" if SCALE == 1 else f"zg_bench_fieldwork_{SCALE:g}")
    tree = ensure_province_tree()
    _generate()
    from zugong.core.permissions import SYSTEM
    from zugong.fieldwork import selectors

    province = tree["province"]
    check = selectors.cycle_check(province, AS_OF)
    cycle = partial(selectors.off_job_days_in_cycle, SYSTEM, as_of=AS_OF, org_unit=province)
    raw_params = {"start": check.window_start, "end": check.window_end, "min_days": check.min_days}
    rows, raw_rows = cycle(), _raw(RAW_R30, raw_params)
    assert len(rows) == raw_rows, (len(rows), raw_rows)
    print(f"R30 rolling window ({check.window_start} exclusive, {check.window_end}]: {len(rows):,} cadres, "
          f"{sum(1 for r in rows if not r['meets']):,} below {check.min_days} days")
    measured, raw = time_pair_ms(cycle, partial(_raw, RAW_R30, raw_params), repeat=REPEAT_R30, warmup=1)
    ratios = [report(f"R30 rolling five-year off-job days (province, {CADRES:,} cadres)", measured, raw,
                     target=TARGET)]
    ratios.append(_engine_r30(province, check))

    def graded(unit: Any) -> list[dict[str, Any]]:
        return list(selectors.graded_reports(unit, QUARTER))

    whole = {"quarter": QUARTER, "low": province.path, "high": province.path + "~"}
    assert len(graded(province)) == _raw(RAW_R27, whole)
    measured, raw = time_pair_ms(partial(graded, province), partial(_raw, RAW_R27, whole), repeat=REPEAT_R27)
    ratios.append(report(f"R27 grading (province, {_raw(RAW_R27, whole):,} villages, 2025Q3)", measured, raw,
                         target=TARGET))
    county = tree["counties"][len(tree["counties"]) // 2]
    one = {"quarter": QUARTER, "low": county.path, "high": county.path + "~"}
    measured, raw = time_pair_ms(partial(graded, county), partial(_raw, RAW_R27, one), repeat=REPEAT_R27)
    report(f"R27 grading (one county, {_raw(RAW_R27, one)} villages), for information", measured, raw)
    if max(ratios) > TARGET:
        raise SystemExit(1)
