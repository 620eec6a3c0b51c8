"""Field work at province scale (issue 13): R30's rolling five-year training check and R27's grading.

Data (generated with SQL generate_series in scratch database zg_bench_fieldwork, reused across runs): the
province-scale tree; 300,000 serving cadres in the counties' 县委组织部 departments; 2,000,000 training
records (half off-job, ending over 2018–2025, 1–60 days); one income report a village (~20,000) for
2025Q3 spread over the five colours.

Figures, medians of alternating runs in the same process, each beside one raw SQL statement returning the
same rows:
1. R30: `selectors.off_job_days_in_cycle(SYSTEM, as_of=2025-12-31, org_unit=<province>)` — every
   org-department cadre with the off-job days of the courses ended in the rolling window; target ≤ 1.5× raw;
2. R27: `list(selectors.graded_reports(<province>, 2025Q3))` — every village's report of the quarter with its
   colour; target ≤ 1.5× raw;
3. R27 for one county, for information (a 1 ms statement: the query's fixed cost shows).
"""

from __future__ import annotations

import time
from datetime import date
from functools import partial
from typing import Any

from django.db import connection

from bench.common import ensure_province_tree, report, require_postgres, time_pair_ms, use_scratch_database

CADRES = 300_000
TRAININGS = 2_000_000
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
                "measures, submitted_on) SELECT id, %s, (id * 7 %% 8000) / 100.0, '', NULL, '', %s "
                "FROM core_orgunit WHERE kind = 'village'", [QUARTER, date(2025, 10, 5)])
            cursor.execute("VACUUM ANALYZE fieldwork_villageincomereport")
    print(f"data ready in {time.perf_counter() - started:.1f} s: {Cadre.objects.count():,} cadres, "
          f"{TrainingRecord.objects.count():,} training records, "
          f"{VillageIncomeReport.objects.filter(quarter_start=QUARTER).count():,} income reports")


def _raw(statement: str, params: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return len(cursor.fetchall())


def main() -> None:
    require_postgres()
    use_scratch_database("zg_bench_fieldwork")
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
    ratios = [report("R30 rolling five-year off-job days (province, 300,000 cadres)", measured, raw, target=TARGET)]

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
