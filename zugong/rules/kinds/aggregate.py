"""Cadence, coverage and threshold: aggregate events per subject and compare with the standard.

All findings of a job are written by one INSERT … SELECT: the population, joined to its org unit
for scoping, LEFT JOINed to one GROUP BY over the events of the period.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet

from zugong.core.models import OrgUnit
from zugong.rules.kinds.periods import shortfall_status
from zugong.rules.kinds.region import Job
from zugong.rules.models import Finding, FindingStatus
from zugong.rules.registry import AggregateSource, SourceContext

_COLUMNS = ("rule_id, rule_version_id, part, period_start, period_end, subject_type, subject_id, subject_label, "
            "org_unit_id, status, measure, target, due_date, done_date, responsible_user_id, detail, evaluated_at")


NEW_TABLE = "zg_rule_findings_new"


def _columns(qs: QuerySet[Any]) -> set[str]:
    return set(qs.query.values_select) | set(qs.query.annotation_select)


def _sql(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.order_by().query.get_compiler(using=qs.db).as_sql()
    return sql, tuple(params)


def _as_text(expr: str) -> str:
    return (f"CASE WHEN {expr} = CAST({expr} AS INTEGER) THEN CAST(CAST({expr} AS INTEGER) AS VARCHAR(32)) "
            f"ELSE CAST(ROUND(CAST({expr} AS NUMERIC), 1) AS VARCHAR(32)) END")


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def targets(kind: str, params: dict[str, Any], period_days: int) -> tuple[float, float | None]:
    """(minimum, maximum or None) of the measure for one subject in the period."""
    if kind == "threshold":
        if params.get("min_total") is not None:
            return float(params["min_total"]), None
        return float(math.ceil(params["min_share_of_days"] * period_days - 1e-9)), None
    maximum = params.get("max_count")
    return float(params["min_count"]), (float(maximum) if maximum is not None else None)


def evaluate_aggregate(job: Job, source: AggregateSource, kind: str, subject_type_fallback: str = "") -> dict[str, int]:
    """Write the findings of one job; return how many were written, by status."""
    params = job.params
    ctx = SourceContext(period_start=job.period.start, period_end=job.period.end, as_of=job.as_of,
                        root_path=job.region.root_path, params=params)
    population = source.population(ctx)
    events = source.events(ctx)
    pop_sql, pop_params = _sql(population)
    ev_sql, ev_params = _sql(events)
    minimum, maximum = targets(kind, params, job.period.days)
    shortfall = shortfall_status(job.period, job.as_of, warn_days=params.get("warn_days", 0),
                                 grace_days=params.get("grace_days", 0))
    aggregate = "SUM(ev.measure)" if source.measure else "COUNT(*)"
    responsible = "p.responsible_user_id" if "responsible_user_id" in _columns(population) else "NULL"
    value = "COALESCE(e.n, 0)"
    prefix = f"{job.period.label}{source.event_label} "
    unit = f" {source.unit}"
    excess_sql = f"{value} > %s" if maximum is not None else "1 = 0"
    where_sql, where_params = job.region.path_sql("o")
    ops = connection.ops
    pg = connection.vendor == "postgresql"

    def typed(sql_type: str) -> str:
        # A temp table built with CREATE TABLE … AS needs typed parameters; SQLite keeps them bare.
        return f"CAST(%s AS {sql_type})" if pg else "%s"

    select_sql = (
        f"SELECT {typed('INTEGER')}, {typed('INTEGER')}, {typed('VARCHAR(30)')}, {typed('DATE')}, {typed('DATE')}, "
        f"{typed('VARCHAR(60)')}, CAST(p.subject_id AS VARCHAR(64)), p.subject_label, p.org_unit_id, "
        f"CAST(CASE WHEN {excess_sql} THEN %s WHEN {value} >= %s THEN %s ELSE %s END AS VARCHAR(20)), "
        f"{value}, {typed('DOUBLE PRECISION')}, {typed('DATE')}, {typed('DATE')}, CAST({responsible} AS INTEGER), "
        f"CAST(%s || {_as_text(value)} || %s || CASE WHEN {excess_sql} THEN %s WHEN {value} >= %s THEN %s ELSE %s END"
        f" AS VARCHAR(300)), "
        f"{typed('TIMESTAMP WITH TIME ZONE') if pg else '%s'} "
        f"FROM ({pop_sql}) p "
        f"JOIN {OrgUnit._meta.db_table} o ON o.id = p.org_unit_id "
        f"LEFT JOIN ({{counts}}) e ON e.subject_id = p.subject_id "
        f"WHERE {where_sql}"
    )
    excess_params: list[Any] = [maximum] if maximum is not None else []
    args: list[Any] = [
        job.rule_id, job.region.version_id, job.part, ops.adapt_datefield_value(job.period.start),
        ops.adapt_datefield_value(job.period.end), source.subject_type or subject_type_fallback,
        *excess_params, FindingStatus.VIOLATED, minimum, FindingStatus.COMPLIANT, shortfall,
        minimum, None, None,
        prefix, unit,
        *excess_params, f"，应不多于 {_fmt(maximum or 0)}{unit}", minimum, f"，达到不少于 {_fmt(minimum)}{unit}的要求",
        f"，应不少于 {_fmt(minimum)}{unit}",
        ops.adapt_datetimefield_value(job.evaluated_at),
        *pop_params,
    ]
    counts_sql = (f"SELECT ev.subject_id AS subject_id, {aggregate} AS n FROM ({ev_sql}) ev "
                  f"WHERE ev.event_date >= %s AND ev.event_date <= %s GROUP BY ev.subject_id")
    counts_params: list[Any] = [*ev_params, ops.adapt_datefield_value(job.period.start), ops.adapt_datefield_value(job.period.end)]
    statement = select_sql.replace("{counts}", counts_sql)
    statement_params: list[Any] = [*args, *counts_params, *where_params]
    if pg:
        return _replace_changed(job, statement, statement_params, where_sql, where_params)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {Finding._meta.db_table} ({_COLUMNS}) {statement}", statement_params)
    return job_counts(job)


def _replace_changed(job: Job, statement: str, params: list[Any], where_sql: str,
                     where_params: list[Any]) -> dict[str, int]:
    """PostgreSQL: compute the job's findings into a temp table (CREATE TABLE … AS may run in parallel,
    INSERT … SELECT never does), then delete the findings that changed or vanished and insert the new
    and changed ones. A re-evaluation where little changed writes little."""
    table = Finding._meta.db_table
    same = " AND ".join([
        "n.subject_type = f.subject_type", "n.subject_id = f.subject_id", "n.org_unit_id = f.org_unit_id",
        "n.status = f.status", "n.detail = f.detail", "n.subject_label = f.subject_label",
        "n.period_end = f.period_end", "n.rule_version_id IS NOT DISTINCT FROM f.rule_version_id",
        "n.responsible_user_id IS NOT DISTINCT FROM f.responsible_user_id",
    ])
    job_params: list[Any] = [job.rule_id, job.part, job.period.start]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {NEW_TABLE} ({_COLUMNS}) ON COMMIT DROP AS {statement}", params)
        cursor.execute(f"ANALYZE {NEW_TABLE}")
        # Right after a bulk write the statistics of rules_finding are stale (a job's 300,000 rows look
        # like one), and the planner would pick a nested-loop anti-join: quadratic. Hash joins only.
        cursor.execute("SELECT current_setting('enable_nestloop')")
        nestloop = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(
            f"DELETE FROM {table} f USING {OrgUnit._meta.db_table} o "
            f"WHERE o.id = f.org_unit_id AND {where_sql} AND f.rule_id = %s AND f.part = %s AND f.period_start = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {NEW_TABLE} n WHERE {same})", [*where_params, *job_params])
        cursor.execute(
            f"INSERT INTO {table} ({_COLUMNS}) SELECT {_COLUMNS} FROM {NEW_TABLE} n WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} f WHERE f.rule_id = n.rule_id AND f.part = n.part "
            f"AND f.period_start = n.period_start AND {same})")
        cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [nestloop])
        cursor.execute(f"SELECT status, COUNT(*) FROM {NEW_TABLE} GROUP BY status")
        counts = {status: int(n) for status, n in cursor.fetchall()}
        cursor.execute(f"DROP TABLE {NEW_TABLE}")
    return counts


def replaces_its_findings() -> bool:
    """Whether evaluate_aggregate replaces the job's old findings itself (PostgreSQL) or expects
    the caller to have deleted them (SQLite)."""
    return connection.vendor == "postgresql"


def job_counts(job: Job) -> dict[str, int]:
    rows = (Finding.objects.filter(job.region.org_q("org_unit__"), rule_id=job.rule_id, part=job.part,
                                   period_start=job.period.start)
            .order_by().values_list("status").annotate(n=Count("id")))
    return {status: n for status, n in rows}
