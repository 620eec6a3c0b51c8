"""The cadre roster at 300,000: search, a county's list page, and xlsx import against a raw insert.

Data (scratch database zg_bench_cadres, reused across runs): the province-scale tree and the cadres
demo contributor at province scale (≈300,000 cadres with their current post, inserted in bulk; the
time it takes is printed the first time).

Figures, each beside a raw-SQL baseline measured in the same run:
1. search through `selectors.cadre_search` (jurisdiction = the province, 50 rows, sorted by pinyin) by
   name prefix, by pinyin initials and by ID number: p95 ≤ 20 ms each;
2. a county's list page (/cadres/?org=…, 50 rows, the Django test client signed in as the county's org
   department): ≤ 50 ms and ≤ 10 queries;
3. import of 10,000 cadres from an xlsx file in zugong's template (read, validate, insert with résumé
   lines, education, family, reviews) against a raw executemany INSERT of the same rows: target ≤ 3×.
"""

from __future__ import annotations

import io
import time
from datetime import date
from typing import Any

from django.db import connection, transaction

from bench.common import (
    Stats,
    ensure_province_tree,
    report,
    require_postgres,
    signed_in_client,
    time_pair_ms,
    use_scratch_database,
)

CADRES = 300_000
REPEAT = 100
SEARCH_P95_MS = 20.0
LIST_MS, LIST_QUERIES = 50.0, 10
IMPORT_ROWS, IMPORT_TARGET = 10_000, 3.0


def ensure_cadres() -> None:
    from zugong.cadres.demo_data import load_cadres
    from zugong.cadres.models import Cadre
    from zugong.core.demo import DemoContext
    from zugong.core.models import OrgKind, OrgUnit

    if Cadre.objects.count() >= CADRES * 0.9:
        return
    ctx = DemoContext(scale="province", seed=2026, today=date(2026, 1, 5), out=io.StringIO())
    ctx.data["townships"] = list(OrgUnit.objects.filter(kind=OrgKind.TOWNSHIP).order_by("path"))
    departments: dict[int, list[Any]] = {}
    for unit in OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT, parent__kind=OrgKind.COUNTY).order_by("path"):
        departments.setdefault(unit.parent_id or 0, []).append(unit)
    ctx.data["departments"] = departments
    started = time.perf_counter()
    load_cadres(ctx)
    print(f"demo contributor, province scale: {Cadre.objects.count()} cadres in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cadres_cadre")
        cursor.execute("VACUUM ANALYZE cadres_postholding")


RAW_SEARCH = """
SELECT c.* FROM cadres_cadre c JOIN core_orgunit o ON o.id = c.org_unit_id
WHERE o.path >= %s AND o.path < %s AND ({cond}) ORDER BY c.name_pinyin, c.id LIMIT 51
"""


def bench_search(province_path: str) -> list[str]:
    from zugong.cadres import selectors
    from zugong.cadres.models import Cadre
    from zugong.core.jurisdiction import Grant, Jurisdiction

    jurisdiction = Jurisdiction(user_id=None, grants=(Grant(path=province_path, role="org_admin", org_unit_id=0),))
    sample = Cadre.objects.order_by("pk")[1234]
    prefix, initials, number = sample.name[:2], sample.name_initials, sample.id_number or ""
    failures: list[str] = []
    cases = (("name prefix", selectors.CadreFilters(q=prefix), "c.name LIKE %s", prefix + "%"),
             ("pinyin initials", selectors.CadreFilters(q=initials),
              "c.name_pinyin LIKE %s OR c.name_initials LIKE %s", initials + "%"),
             ("ID number", selectors.CadreFilters(id_number=number), "c.id_number LIKE %s", number + "%"))
    for label, filters, cond, pattern in cases:
        params = [province_path, province_path + "~"] + [pattern] * cond.count("%s")

        def orm(filters: selectors.CadreFilters = filters) -> object:
            return selectors.cadre_search(jurisdiction, filters, limit=50).items

        def raw(cond: str = cond, params: list[str] = params) -> object:
            with connection.cursor() as cursor:
                cursor.execute(RAW_SEARCH.format(cond=cond), params)
                return cursor.fetchall()

        measured, baseline = time_pair_ms(orm, raw, repeat=REPEAT)
        report(f"search by {label} ({len(orm())} rows)", measured, baseline)  # type: ignore[arg-type]
        p95 = Stats.of(measured).p95
        print(f"  p95 {p95:.2f} ms (target ≤ {SEARCH_P95_MS} ms){'' if p95 <= SEARCH_P95_MS else ' ABOVE TARGET'}")
        if p95 > SEARCH_P95_MS:
            failures.append(label)
    return failures


def bench_list_page(county: Any) -> list[str]:
    client = signed_in_client("bench-county-admin", county)
    url = f"/cadres/?org={county.pk}"

    def page() -> object:
        response = client.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        return response

    def raw() -> object:
        with connection.cursor() as cursor:
            cursor.execute(RAW_SEARCH.format(cond="TRUE"), [county.path, county.path + "~"])
            return cursor.fetchall()

    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    page()
    with connection.execute_wrapper(count):  # request_started resets connection.queries, so count directly
        page()
    measured, baseline = time_pair_ms(page, raw, repeat=50)
    report(f"county list page, 50 rows ({len(statements)} queries)", measured, baseline)
    median = Stats.of(measured).median
    print(f"  median {median:.2f} ms (target ≤ {LIST_MS} ms), {len(statements)} queries (target ≤ {LIST_QUERIES})")
    return [] if median <= LIST_MS and len(statements) <= LIST_QUERIES else ["list page"]


class Rollback(Exception):
    pass


def bench_import(township: Any) -> list[str]:
    import random

    from zugong.cadres.demo_data import Factory
    from zugong.cadres.importers import cadre_import
    from zugong.cadres.models import Cadre
    from zugong.cadres.records import CadreRecord, EducationData, ResumeData, ReviewData
    from zugong.cadres.xlsx import write_workbook
    from zugong.core.permissions import SYSTEM

    factory = Factory(random.Random(99), date(2026, 1, 5), used_ids=set(
        str(i) for i in Cadre.objects.values_list("id_number", flat=True)))
    records: list[CadreRecord] = []
    for _ in range(IMPORT_ROWS):
        cadre = factory.person(township, 25, 55)
        work = cadre.work_start_date or date(2000, 7, 1)
        record = record_of_plain(cadre)
        record.education = [EducationData("full_time", "大学", "学士", "示范大学法学专业")]
        record.resume = [ResumeData(date(work.year - 4, 9, 1), work, "示范大学法学专业学习"),
                         ResumeData(work, None, f"{township.name}科员")]
        record.reviews = [ReviewData(2024, "competent"), ReviewData(2025, "excellent")]
        records.append(record)
    data = write_workbook(records)
    columns = ["name", "name_pinyin", "name_initials", "sex", "birth_date", "id_number", "ethnicity", "native_place",
               "birthplace", "political_status", "party_join_date", "work_start_date", "health", "org_unit_id"]

    def run_import() -> None:
        try:
            with transaction.atomic():
                result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=township, files=[("bench.xlsx", data)])
                assert result.imported == IMPORT_ROWS and not result.errors, result.errors[:3]
                raise Rollback
        except Rollback:
            pass

    def run_raw() -> None:
        from zugong.cadres.pinyin import name_pinyin

        rows = [(r.name, *name_pinyin(r.name), r.sex, r.birth_date, r.id_number, r.ethnicity, r.native_place,
                 r.birthplace, r.political_status, r.party_join_date, r.work_start_date, r.health, township.pk)
                for r in records]
        defaults = _defaults(set(columns))
        cols = columns + list(defaults)
        insert = (f"INSERT INTO cadres_cadre ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
                  "RETURNING id")
        try:
            with transaction.atomic():
                raw_connection = connection.connection
                assert raw_connection is not None
                with raw_connection.cursor() as cursor:
                    cursor.executemany(insert, [row + tuple(defaults.values()) for row in rows], returning=True)
                    ids: list[int] = []
                    while True:
                        fetched = cursor.fetchone()
                        assert fetched is not None
                        ids.append(fetched[0])
                        if not cursor.nextset():
                            break
                    pairs = list(zip(ids, records, strict=True))
                    cursor.executemany(
                        'INSERT INTO cadres_resumeline (cadre_id, start, "end", text, note, sort_order, recorded_at)'
                        " VALUES (%s, %s, %s, %s, '', %s, now())",
                        [(i, line.start, line.end, line.text, k) for i, r in pairs for k, line in enumerate(r.resume)])
                    cursor.executemany(
                        "INSERT INTO cadres_educationrecord (cadre_id, kind, level, level_text, degree, degree_text,"
                        " school, degree_school, sort_order, recorded_at) VALUES (%s, 'full_time', '20', '大学', '4',"
                        " '学士', %s, '', 0, now())", [(i, r.education[0].school) for i, r in pairs])
                    cursor.executemany(
                        "INSERT INTO cadres_annualreview (cadre_id, year, rating, sort_order, recorded_at)"
                        " VALUES (%s, %s, %s, %s, now())",
                        [(i, v.year, v.rating, k) for i, r in pairs for k, v in enumerate(r.reviews)])
                raise Rollback
        except Rollback:
            pass

    measured, baseline = time_pair_ms(run_import, run_raw, repeat=3, warmup=1)
    ratio = report(f"import {IMPORT_ROWS} cadres from xlsx", measured, baseline, target=IMPORT_TARGET)
    return [] if ratio <= IMPORT_TARGET else ["import"]


def record_of_plain(cadre: Any) -> Any:
    from zugong.cadres.records import CadreRecord
    from zugong.cadres.services import SCALAR_FIELDS

    return CadreRecord(**{name: getattr(cadre, name) for name in SCALAR_FIELDS})


def _defaults(given: set[str]) -> dict[str, Any]:
    from django.utils import timezone

    from zugong.cadres.models import Cadre

    values: dict[str, Any] = {}
    for field in Cadre._meta.concrete_fields:
        if field.primary_key or field.null or field.column in given:
            continue
        default = field.get_default()
        values[str(field.column)] = timezone.now() if field.get_internal_type() == "DateTimeField" else default
    return values


def main() -> None:
    require_postgres()
    use_scratch_database("zg_bench_cadres")
    data = ensure_province_tree()
    ensure_cadres()
    from zugong.core.models import OrgKind, OrgUnit

    failures = bench_search(data["province"].path)
    county = data["counties"][0]
    failures += bench_list_page(county)
    township = OrgUnit.objects.filter(kind=OrgKind.TOWNSHIP, parent=county).order_by("path").first()
    failures += bench_import(township)
    if failures:
        print("above target: " + ", ".join(failures))
        raise SystemExit(1)


if __name__ == "__main__":
    import django

    django.setup()
    main()
