"""Rectification (issue 12): R24's quarterly checks over 200,000 problems, each figure beside hand-written
SQL computing the same thing in the same run.

Data (generated with SQL in scratch database zg_bench_rectification, reused across runs): the province-scale
tree; one 述职评议 list per township issued by its county (~1,500 lists) and 200,000 problems spread over
them, a fifth closed, raised between March and September 2026; 150,000 checks in Q3 2026 (the quarter
before) and ~67,000 in Q4 2026. The day is 6 December 2026 (Q4 running).

Figures, medians of alternating runs:
1. the R24 evaluation through the rule engine, `evaluate(as_of=2026-12-06, rule="R24", periods=1)` (source
   compiled into the engine's cadence SQL; on PostgreSQL the counts in a temporary table and one statement
   that diffs the findings) against one raw statement computing the same per-status counts of the same
   population and checks (the counts are asserted equal first), and against raw SQL writing the same
   160,000 findings (subject, label, unit, status) into a table. Three cases: a re-evaluation where nothing
   changed (the job's digest equals the one kept: nothing written; the issue's target, ≤ 1.5× the raw count,
   and the exit code follow it), one after 1,000 checks changed (all over the province, then in three counties:
   the diff visits only the buckets of units whose sums changed), and the quarter's first evaluation (every
   finding written) beside raw SQL writing the same rows (see docs/rules.md, "How the SQL looks").
2. the pages' and API's state, `selectors.with_check_state(Problem.objects, as_of)` fetched as (id, state),
   against the hand-written `CASE … EXISTS` of the same states (rows asserted identical).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.db import connection

from bench.common import ensure_province_tree, report, require_postgres, time_pair_ms, use_scratch_database

PROBLEMS = 200_000
AS_OF = date(2026, 12, 6)
Q3 = (date(2026, 7, 1), date(2026, 9, 30))
Q4 = (date(2026, 10, 1), date(2026, 12, 31))
REPEAT = 5
TARGET = 1.5

# the engine's statuses for the running quarter: checked → compliant, otherwise pending (more than the
# warn days before the quarter's end) — the same population: raised by the quarter's end and not closed
RAW_EVALUATION = """
SELECT CASE WHEN COALESCE(e.n, 0) >= 1 THEN 'compliant'
            WHEN DATE %(end)s - DATE %(as_of)s <= %(warn)s THEN 'due_soon' ELSE 'pending' END AS status, count(*)
FROM rectification_problem p
LEFT JOIN (SELECT problem_id, count(*) AS n FROM rectification_quarterlycheck
           WHERE checked_on BETWEEN %(start)s AND %(end)s GROUP BY problem_id) e ON e.problem_id = p.id
WHERE p.raised_on <= %(end)s AND p.status <> 'closed'
GROUP BY 1 ORDER BY 1
"""

# the same evaluation written out: one row per finding (subject, label, unit, status) into a table, as the
# engine writes its findings — the work a finding costs beyond its count
RAW_FINDINGS = """
CREATE TEMP TABLE zg_raw_findings AS
SELECT p.id AS subject_id, '问题' || p.problem_list_id || '-' || p.number || '：' || substr(p.description, 1, 60) AS label,
       p.org_unit_id, CASE WHEN COALESCE(e.n, 0) >= 1 THEN 'compliant'
            WHEN DATE %(end)s - DATE %(as_of)s <= %(warn)s THEN 'due_soon' ELSE 'pending' END AS status
FROM rectification_problem p
LEFT JOIN (SELECT problem_id, count(*) AS n FROM rectification_quarterlycheck
           WHERE checked_on BETWEEN %(start)s AND %(end)s GROUP BY problem_id) e ON e.problem_id = p.id
WHERE p.raised_on <= %(end)s AND p.status <> 'closed'
"""

RAW_STATES = """
SELECT p.id, CASE
  WHEN p.status = 'closed' THEN 'none'
  WHEN p.raised_on <= %(prev_end)s AND NOT EXISTS (SELECT 1 FROM rectification_quarterlycheck c
       WHERE c.problem_id = p.id AND c.checked_on BETWEEN %(prev_start)s AND %(prev_end)s) THEN 'overdue'
  WHEN EXISTS (SELECT 1 FROM rectification_quarterlycheck c
       WHERE c.problem_id = p.id AND c.checked_on BETWEEN %(start)s AND %(end)s) THEN 'checked'
  ELSE 'due' END
FROM rectification_problem p
"""


def _data() -> None:
    from zugong.rectification.models import QuarterlyCheck

    if QuarterlyCheck.objects.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE rectification_quarterlycheck, rectification_problem, rectification_problemlist CASCADE")
        cursor.execute("""INSERT INTO rectification_problemlist
                            (title, source, issuing_unit_id, owner_unit_id, owner_person, issued_on, created_at, withdrawn_reason)
                          SELECT t.name || '述职评议问题清单', 'duty_review', t.parent_id, t.id, '书记', DATE '2026-02-20', now(), ''
                          FROM core_orgunit t WHERE t.kind = 'township' ORDER BY t.path""")
        cursor.execute("SELECT array_agg(id ORDER BY id), array_agg(owner_unit_id ORDER BY id) FROM rectification_problemlist")
        lists, owners = cursor.fetchone()
        cursor.execute("""INSERT INTO rectification_problem
                            (problem_list_id, number, org_unit_id, responsible_person, description, severity, status,
                             origin, raised_on, closed_on, created_at, withdrawn_reason)
                          SELECT (%(lists)s::int[])[1 + g %% %(n)s], 1 + g / %(n)s, (%(owners)s::int[])[1 + g %% %(n)s],
                                 '', '问题 ' || g, (ARRAY['general', 'serious', 'grave'])[1 + g %% 3],
                                 CASE WHEN g %% 5 = 0 THEN 'closed' ELSE (ARRAY['open', 'rectifying'])[1 + g %% 2] END,
                                 '', DATE '2026-03-01' + (g %% 200), CASE WHEN g %% 5 = 0 THEN DATE '2026-10-01' END, now(), ''
                          FROM generate_series(0, %(total)s - 1) g""",
                       {"lists": lists, "owners": owners, "n": len(lists), "total": PROBLEMS})
        cursor.execute("""INSERT INTO rectification_quarterlycheck
                            (problem_id, checked_on, period_start, verdict, note, created_at)
                          SELECT id, DATE '2026-07-01' + (id % 90)::int, DATE '2026-07-01', 'in_place', '', now()
                          FROM rectification_problem ORDER BY id LIMIT 150000""")
        cursor.execute("""INSERT INTO rectification_quarterlycheck
                            (problem_id, checked_on, period_start, verdict, note, created_at)
                          SELECT id, DATE '2026-10-01' + (id % 60)::int, DATE '2026-10-01', 'mostly', '', now()
                          FROM rectification_problem WHERE id % 3 = 0""")
        for table in ("rectification_problemlist", "rectification_problem", "rectification_quarterlycheck"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _raw(statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _raw_findings(params: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(RAW_FINDINGS, params)
        cursor.execute("DROP TABLE zg_raw_findings")


def _evaluate() -> None:
    from zugong.rules.engine import evaluate

    evaluate(as_of=AS_OF, rule="R24", periods=1)


def main() -> None:
    from zugong.rectification.models import Problem, QuarterlyCheck
    from zugong.rectification.selectors import with_check_state
    from zugong.rules.models import Finding
    from zugong.rules.registry import param

    require_postgres()
    use_scratch_database("zg_bench_rectification")
    ensure_province_tree()
    _data()
    print(f"{Problem.objects.count():,} problems ({Problem.objects.filter(status='closed').count():,} closed), "
          f"{QuarterlyCheck.objects.filter(period_start=Q3[0]).count():,} checks in Q3, "
          f"{QuarterlyCheck.objects.filter(period_start=Q4[0]).count():,} in Q4")
    # 1. the engine's R24 evaluation against the raw count
    warn = int(param("R24", "warn_days", org_unit=None, on=AS_OF))
    params = {"start": Q4[0], "end": Q4[1], "as_of": AS_OF, "warn": warn}
    _evaluate()
    found = sorted((row["status"], row["n"]) for row in Finding.objects.filter(
        rule__code="R24", period_start=Q4[0]).values("status").annotate(n=_count()))
    raw = [(s, n) for s, n in _raw(RAW_EVALUATION, params)]
    assert found == raw, f"the engine's findings {found} differ from the raw counts {raw}"
    print(f"R24 findings for Q4 2026: {dict(found)}")
    # a. the daily re-evaluation where nothing changed: the findings computed and summed, the job's digest
    #    equal to the one kept, nothing written (rules/digests.py) — the comparison
    measured, baseline = time_pair_ms(_evaluate, lambda: _raw(RAW_EVALUATION, params), repeat=REPEAT, warmup=1)
    worst = report(f"R24 re-evaluation, nothing changed, vs the raw count ({PROBLEMS:,} problems)", measured,
                   baseline, target=TARGET)
    # b. a re-evaluation after 1,000 problems gained or lost a check: the digest differs, the diff writes them
    changed, baseline = _changed_runs(params)
    report(f"R24 re-evaluation after {CHANGED:,} checks changed all over the province, vs the raw count", changed,
           baseline)
    changed, baseline = _changed_runs(params, clustered=True)
    report(f"R24 re-evaluation after {CHANGED:,} checks changed in three counties, vs the raw count", changed,
           baseline)
    # c. the first evaluation of the quarter, every finding written, against raw SQL writing the same rows
    measured, baseline = _first_runs(params)
    report(f"R24 first evaluation ({found[0][1] + found[1][1]:,} findings written) vs raw SQL writing them",
           measured, baseline)
    _breakdown(params)
    # 2. the pages' state against the hand-written CASE … EXISTS
    states = {"start": Q4[0], "end": date(2026, 12, 31), "prev_start": Q3[0], "prev_end": Q3[1]}

    def annotated() -> list[tuple[Any, ...]]:
        return list(with_check_state(Problem.objects.order_by(), AS_OF).values_list("id", "check_state"))  # type: ignore[misc]

    assert sorted(annotated()) == sorted(_raw(RAW_STATES, states)), "the two state computations differ"
    measured, baseline = time_pair_ms(annotated, lambda: _raw(RAW_STATES, states), repeat=REPEAT, warmup=1)
    worst = max(worst, report(f"with_check_state, fetched ({PROBLEMS:,} problems)", measured, baseline,
                              target=TARGET))
    if worst > TARGET:
        raise SystemExit(1)


CHANGED = 1_000


def _first_runs(params: dict[str, Any]) -> tuple[list[float], list[float]]:
    """The quarter's findings and digests deleted (untimed), then evaluated: every finding inserted (the ANALYZE
    after such a bulk write included); alternating with raw SQL writing the same rows into a new table."""
    from zugong.rules.models import JobDigest

    engine: list[float] = []
    raw: list[float] = []
    for _ in range(REPEAT):
        JobDigest.objects.filter(rule__code="R24").delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM rules_finding WHERE rule_id = (SELECT id FROM rules_rule WHERE code = 'R24') "
                           "AND period_start = %s", [Q4[0]])
            if not connection.in_atomic_block:
                cursor.execute("VACUUM rules_finding")
        started = time.perf_counter()
        _evaluate()
        engine.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        _raw_findings(params)
        raw.append((time.perf_counter() - started) * 1000)
    return engine, raw


def _toggle_checks(step: int, *, clustered: bool = False) -> None:
    """Odd steps add a Q4 check to CHANGED problems that had none — spread over the province, or `clustered` in
    the townships of a few counties (a day's entries) —, even steps take them away again."""
    where = ("org_unit_id IN (SELECT t.id FROM core_orgunit t JOIN core_orgunit c ON c.id = t.parent_id "
             "WHERE t.kind = 'township' AND c.id IN (SELECT id FROM core_orgunit WHERE kind = 'county' "
             "ORDER BY path LIMIT 3))" if clustered else "TRUE")
    with connection.cursor() as cursor:
        if step % 2:
            cursor.execute(f"""INSERT INTO rectification_quarterlycheck
                                (problem_id, checked_on, period_start, verdict, note, created_at)
                              SELECT id, DATE '2026-11-20', DATE '2026-10-01', 'mostly', 'bench', now()
                              FROM rectification_problem WHERE id %% 3 = 1 AND status <> 'closed' AND {where}
                              ORDER BY id LIMIT %s""", [CHANGED])
        else:
            cursor.execute("DELETE FROM rectification_quarterlycheck WHERE note = 'bench'")


def _changed_runs(params: dict[str, Any], *, clustered: bool = False) -> tuple[list[float], list[float]]:
    """Each engine run after the data changed (untimed), alternating with the raw count."""
    engine: list[float] = []
    raw: list[float] = []
    for step in range(1, 2 * REPEAT + 2):
        _toggle_checks(step, clustered=clustered)
        started = time.perf_counter()
        _evaluate()
        if step > 1:  # the first is a warm-up
            engine.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        _raw(RAW_EVALUATION, params)
        if step > 1:
            raw.append((time.perf_counter() - started) * 1000)
    _toggle_checks(0)
    _evaluate()
    return engine, raw


def _engine_statements() -> dict[str, str]:
    """The engine's statements of an R24 job as PostgreSQL ran them, after a change (the digest differs): the
    SELECT computing and summing the findings, the temp table of counts per problem, and the one statement
    that builds, fingerprints, diffs and writes the findings."""
    from django.test.utils import CaptureQueriesContext

    _toggle_checks(1)
    try:
        with CaptureQueriesContext(connection) as captured:
            _evaluate()
    finally:
        _toggle_checks(0)
        _evaluate()
    sqls = [q["sql"] for q in captured.captured_queries]
    return {"summed": next(s for s in sqls if s.startswith("SELECT x.org_unit_id, COUNT(*), SUM(")),
            "counts": next(s for s in sqls if s.startswith("CREATE TEMP TABLE")),
            "findings": next(s for s in sqls if s.startswith("WITH n AS NOT MATERIALIZED"))}


def _in_rolled_back_transaction(*statements: str) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off; SET LOCAL enable_nestloop = off")
        for statement in statements:
            cursor.execute(statement)
        transaction.set_rollback(True)


def _breakdown(params: dict[str, Any]) -> None:
    """Where the engine's time goes, each part timed alone beside the raw count: the findings computed and summed
    (all a re-evaluation with nothing changed runs in SQL beside reading the kept digest), then, when something
    changed, the counts table and the statement with the diff against the stored findings."""
    statements = _engine_statements()
    findings = statements["findings"]
    computed = findings[:findings.index("), diff AS MATERIALIZED")] + ") SELECT status, COUNT(*), SUM(fingerprint) FROM n GROUP BY status"
    parts = {
        "findings computed and summed (the digest)": (statements["summed"],),
        "counts table alone": (statements["counts"],),
        "counts table + findings computed, no diff": (statements["counts"], computed),
        "counts table + the engine's statement (with the diff)": (statements["counts"], findings),
    }
    for name, sqls in parts.items():
        measured, baseline = time_pair_ms(lambda s=sqls: _in_rolled_back_transaction(*s),  # type: ignore[misc]
                                          lambda: _raw(RAW_EVALUATION, params), repeat=REPEAT, warmup=1)
        report(f"  R24 engine part: {name}", measured, baseline)


def _count() -> Any:
    from django.db.models import Count

    return Count("id")
