"""R04 coverage (年度谈心谈话全覆盖) over 300,000 cadres, beside hand-written SQL for the same count.

Data (generated with SQL in scratch database zg_bench_talks, reused across runs): the province-scale
tree, 300,000 cadres in townships and county departments, one current post each (nine in ten leading
posts of rank 副科 or above), and one talk in the year with seven cadres in ten.

Figures, medians of alternating runs in the same process:
1. `roster.coverage_counts()` (the ORM, two COUNTs: roster and covered) for the province and for one
   county, against one raw SQL statement computing both counts;
2. the rule engine's evaluation of R04 for the province (`zugong.rules.engine.evaluate(rule="R04")`,
   which also writes a finding per cadre), against the raw count, for scale.
Targets (issue 17, item 7): 1 ≤ 1.5× raw (one statement each since the change of 2026-12-06), 2 ≤ 1.5×
the raw SQL of the whole evaluation (every roster cadre's count of talks, fetched).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.db import connection

from bench.common import (
    ensure_province_tree,
    explain,
    report,
    require_postgres,
    time_pair_ms,
    use_scratch_database,
)

CADRES = 300_000
YEAR = 2025
REPEAT = 30
TARGET = 1.5
LEVELS = ["D2", "D1", "C2", "C1", "B2", "B1", "A2", "A1", "副科", "正科", "副处", "正处", "副厅", "正厅", "副部", "正部"]
RAW_COVERAGE = """
SELECT count(*), count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM talks_talk_talkees tt JOIN talks_talk t ON t.id = tt.talk_id
         WHERE tt.cadre_id = c.id AND t.held_on BETWEEN %(start)s AND %(end)s))
FROM cadres_cadre c JOIN core_orgunit o ON o.id = c.org_unit_id
WHERE c.status = 'serving' AND o.path >= %(low)s AND o.path < %(high)s
  AND EXISTS (SELECT 1 FROM cadres_postholding h
              WHERE h.cadre_id = c.id AND h.is_leading AND h.valid_from <= %(end)s
                AND (h.valid_to IS NULL OR h.valid_to > %(end)s)
                AND (h.rank_level = ANY(%(levels)s) OR (h.rank_level = '' AND c.rank_level = ANY(%(levels)s))))
"""

# The whole R04 evaluation as hand-written SQL: every cadre on the roster with the number of talks held with
# them in the year (what the engine judges against min_count), fetched to the client, like bench_rules' R09.
RAW_R04_EVALUATION = """
SELECT c.id, c.name, c.org_unit_id, COALESCE(n.talks, 0)
FROM cadres_cadre c JOIN core_orgunit o ON o.id = c.org_unit_id
LEFT JOIN (SELECT tt.cadre_id, count(*) AS talks FROM talks_talk_talkees tt JOIN talks_talk t ON t.id = tt.talk_id
           WHERE t.held_on BETWEEN %(start)s AND %(end)s GROUP BY tt.cadre_id) n ON n.cadre_id = c.id
WHERE c.status = 'serving' AND o.path >= %(low)s AND o.path < %(high)s
  AND EXISTS (SELECT 1 FROM cadres_postholding h
              WHERE h.cadre_id = c.id AND h.is_leading AND h.valid_from <= %(end)s
                AND (h.valid_to IS NULL OR h.valid_to > %(end)s)
                AND (h.rank_level = ANY(%(levels)s) OR (h.rank_level = '' AND c.rank_level = ANY(%(levels)s))))
"""


# The whole evaluation as the engine must do it to write only what changed: the rows above judged (status by
# the count against the minimum; below it, the status the period's stage gives, a constant of the run), their
# Chinese detail built, full-joined with the stored R04 findings of the year, returning the rows that differ
# or exist on one side only. A re-evaluation that changes nothing returns no row.
RAW_R04_EVALUATION_DIFF = f"""
WITH counted AS ({RAW_R04_EVALUATION.replace("COALESCE(n.talks, 0)", "COALESCE(n.talks, 0) AS talks", 1).strip()}),
items AS (SELECT id::text AS subject, name, org_unit_id, talks::float AS measure,
                 CASE WHEN talks >= %(min)s THEN 'compliant' ELSE %(shortfall)s END AS status,
                 %(year)s || '年谈心谈话 ' || talks || ' 次，' ||
                 CASE WHEN talks >= %(min)s THEN '达到不少于 ' || %(min)s || ' 次的要求'
                      ELSE '应不少于 ' || %(min)s || ' 次' END AS detail
          FROM counted),
stored AS (SELECT f.subject_id, f.subject_label, f.org_unit_id, f.status, f.measure, f.detail
           FROM rules_finding f JOIN core_orgunit u ON u.id = f.org_unit_id
           WHERE f.rule_id = %(rule)s AND f.period_start = %(start)s AND f.part = ''
             AND u.path >= %(low)s AND u.path < %(high)s)
SELECT i.subject, s.subject_id FROM items i FULL JOIN stored s ON s.subject_id = i.subject
WHERE i.subject IS NULL OR s.subject_id IS NULL
   OR (i.name, i.org_unit_id, i.status, i.measure, i.detail)
      IS DISTINCT FROM (s.subject_label, s.org_unit_id, s.status, s.measure, s.detail)
"""

def _not_null_defaults(model: Any, given: set[str]) -> tuple[list[str], list[Any]]:
    """Columns the generator does not fill but the table requires: their Django defaults."""
    from django.utils import timezone

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.column in given:
            continue
        default = field.get_default()
        columns.append(field.column)
        values.append(timezone.now() if field.get_internal_type() == "DateTimeField" and default is None
                      else default)
    return columns, values


def _generate(units: list[int]) -> None:
    """Cadres, posts and talks, all with INSERT … SELECT generate_series (one statement each)."""
    from zugong.cadres.models import Cadre, PostHolding
    from zugong.talks.models import Talk

    extra_cols, extra_vals = _not_null_defaults(Cadre, {"name", "org_unit_id", "rank_level", "status"})
    placeholders = ", ".join(["%s"] * len(extra_vals))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO cadres_cadre (name, org_unit_id, rank_level, status{''.join(', ' + c for c in extra_cols)})
            SELECT '干部' || g, (%s::bigint[])[1 + (g::bigint * 7919) %% array_length(%s::bigint[], 1)],
                   CASE WHEN g %% 10 = 0 THEN 'E1' WHEN g %% 3 = 0 THEN 'D1' ELSE 'D2' END, 'serving'
                   {', ' + placeholders if extra_vals else ''}
            FROM generate_series(1, %s) AS g""", [units, units, *extra_vals, CADRES])
        ph_cols, ph_vals = _not_null_defaults(PostHolding, {"cadre_id", "org_unit_id", "title", "rank_level",
                                                            "is_leading", "valid_from"})
        ph_placeholders = ", ".join(["%s"] * len(ph_vals))
        cursor.execute(f"""
            INSERT INTO cadres_postholding (cadre_id, org_unit_id, title, rank_level, is_leading, valid_from
                                            {''.join(', ' + c for c in ph_cols)})
            SELECT id, org_unit_id, '职务', rank_level, rank_level <> 'E1', DATE '2020-01-01'
                   {', ' + ph_placeholders if ph_vals else ''}
            FROM cadres_cadre""", ph_vals)
        talk_cols, talk_vals = _not_null_defaults(Talk, {"org_unit_id", "held_on", "kind", "lead_role", "place",
                                                         "topics", "summary"})
        talk_placeholders = ", ".join(["%s"] * len(talk_vals))
        # one talk per covered cadre; talk id = cadre id keeps the link a plain join
        cursor.execute(f"""
            INSERT INTO talks_talk (id, org_unit_id, held_on, kind, lead_role, place, topics, summary
                                    {''.join(', ' + c for c in talk_cols)})
            SELECT id, org_unit_id, DATE '{YEAR}-01-01' + (id %% 360)::int, 'annual',
                   CASE WHEN id %% 3 = 0 THEN 'minister' ELSE 'team_member' END, '', '', ''
                   {', ' + talk_placeholders if talk_vals else ''}
            FROM cadres_cadre WHERE id %% 10 < 7""", talk_vals)
        cursor.execute("INSERT INTO talks_talk_talkees (talk_id, cadre_id) SELECT id, id FROM talks_talk")
        cursor.execute("SELECT setval(pg_get_serial_sequence('talks_talk', 'id'), (SELECT max(id) FROM talks_talk))")
        for table in ("cadres_cadre", "cadres_postholding", "talks_talk", "talks_talk_talkees"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def ensure_data(data: dict[str, Any]) -> None:
    from zugong.cadres.models import Cadre

    existing = Cadre.objects.count()
    if existing == CADRES:
        return
    if existing:
        raise SystemExit(f"zg_bench_talks holds {existing} cadres, expected 0 or {CADRES}: drop it and run again")
    from zugong.core.models import OrgKind, OrgUnit

    departments = list(OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT).values_list("pk", flat=True))
    _generate(list(data["township_ids"]) + departments)
    print(f"generated {CADRES} cadres, their posts and {YEAR} talks")


def raw_counts(path: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(RAW_COVERAGE, {"start": date(YEAR, 1, 1), "end": date(YEAR, 12, 31), "low": path,
                                      "high": path + "~", "levels": LEVELS})
        total, covered = cursor.fetchone()
    return int(total), int(covered)


def main() -> None:
    require_postgres()
    use_scratch_database("zg_bench_talks")
    data = ensure_province_tree()
    ensure_data(data)
    from zugong.rules.engine import evaluate
    from zugong.talks.roster import coverage_counts

    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    province, county = data["province"], data["counties"][0]
    for label, unit in (("province", province), ("county", county)):
        orm = coverage_counts(unit, start, end)
        raw = raw_counts(unit.path)
        assert orm == raw, f"ORM {orm} != raw {raw}"
        print(f"{label}: roster {orm[0]}, covered {orm[1]} ({orm[1] / max(orm[0], 1):.1%})")
        measured, baseline = time_pair_ms(partial(coverage_counts, unit, start, end),
                                          partial(raw_counts, unit.path), repeat=REPEAT, warmup=2)
        report(f"R04 coverage counts, {label} (ORM, one statement)", measured, baseline, target=TARGET)
    print("plan of the covered count:")
    for line in explain(lambda: coverage_counts(province, start, end)):
        print("   ", line)
    engine, baseline = time_pair_ms(lambda: evaluate(as_of=end, org_unit=province, rule="R04", periods=1),
                                    lambda: raw_counts(province.path), repeat=3, warmup=1)
    report("R04 engine re-evaluation, province, against the raw count", engine, baseline)
    engine, baseline = time_pair_ms(lambda: evaluate(as_of=end, org_unit=province, rule="R04", periods=1),
                                    partial(raw_evaluation, province.path), repeat=3, warmup=1)
    report("R04 engine re-evaluation, province, against the raw SQL of the items, fetched", engine, baseline)
    diff = diff_params(province.path)
    if raw_diff(diff):
        raise SystemExit("R04: the raw diff finds changes after an evaluation (wording or status differ)")
    engine, baseline = time_pair_ms(lambda: evaluate(as_of=end, org_unit=province, rule="R04", periods=1),
                                    partial(raw_diff, diff), repeat=3, warmup=1)
    report("R04 engine re-evaluation, province, against the raw SQL of the whole evaluation (items judged and "
           "diffed against the stored findings)", engine, baseline, target=1.5)


def diff_params(path: str) -> dict[str, Any]:
    from zugong.rules.kinds.periods import Period, shortfall_status
    from zugong.rules.models import Rule
    from zugong.rules.registry import param

    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    rule = Rule.objects.get(code="R04")
    shortfall = shortfall_status(Period("year", start, end), end, warn_days=param("R04", "warn_days", org_unit=None, on=end),
                                 grace_days=param("R04", "grace_days", org_unit=None, on=end))
    return {"start": start, "end": end, "low": path, "high": path + "~", "levels": LEVELS, "rule": rule.pk,
            "min": param("R04", "min_count", org_unit=None, on=end), "shortfall": str(shortfall), "year": str(YEAR)}


def raw_diff(params: dict[str, Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(RAW_R04_EVALUATION_DIFF, params)
        return len(cursor.fetchall())


def raw_evaluation(path: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(RAW_R04_EVALUATION, {"start": date(YEAR, 1, 1), "end": date(YEAR, 12, 31), "low": path,
                                            "high": path + "~", "levels": LEVELS})
        return len(cursor.fetchall())
