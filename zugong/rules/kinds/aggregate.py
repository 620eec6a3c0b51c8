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


COUNTS_TABLE = "zg_rule_counts"


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
    sql = (
        f"INSERT INTO {Finding._meta.db_table} ({_COLUMNS}) "
        f"SELECT %s, %s, %s, %s, %s, %s, CAST(p.subject_id AS VARCHAR(64)), p.subject_label, p.org_unit_id, "
        f"CASE WHEN {excess_sql} THEN %s WHEN {value} >= %s THEN %s ELSE %s END, "
        f"{value}, %s, NULL, NULL, {responsible}, "
        f"%s || {_as_text(value)} || %s || CASE WHEN {excess_sql} THEN %s WHEN {value} >= %s THEN %s ELSE %s END, "
        f"%s "
        f"FROM ({pop_sql}) p "
        f"JOIN {OrgUnit._meta.db_table} o ON o.id = p.org_unit_id "
        f"LEFT JOIN {{counts}} e ON e.subject_id = p.subject_id "
        f"WHERE {where_sql}"
    )
    excess_params: list[Any] = [maximum] if maximum is not None else []
    args: list[Any] = [
        job.rule_id, job.region.version_id, job.part, ops.adapt_datefield_value(job.period.start),
        ops.adapt_datefield_value(job.period.end), source.subject_type or subject_type_fallback,
        *excess_params, FindingStatus.VIOLATED, minimum, FindingStatus.COMPLIANT, shortfall,
        minimum,
        prefix, unit,
        *excess_params, f"，应不多于 {_fmt(maximum or 0)}{unit}", minimum, f"，达到不少于 {_fmt(minimum)}{unit}的要求",
        f"，应不少于 {_fmt(minimum)}{unit}",
        ops.adapt_datetimefield_value(job.evaluated_at),
        *pop_params,
    ]
    counts_sql = (f"SELECT ev.subject_id AS subject_id, {aggregate} AS n FROM ({ev_sql}) ev "
                  f"WHERE ev.event_date >= %s AND ev.event_date <= %s GROUP BY ev.subject_id")
    counts_params = [*ev_params, ops.adapt_datefield_value(job.period.start), ops.adapt_datefield_value(job.period.end)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # INSERT … SELECT never runs in parallel on PostgreSQL, CREATE TABLE … AS does: aggregate
            # the events first (the expensive part, over millions of rows), then join and insert.
            cursor.execute(f"CREATE TEMP TABLE {COUNTS_TABLE} ON COMMIT DROP AS {counts_sql}", counts_params)
            cursor.execute(f"ANALYZE {COUNTS_TABLE}")
            # The statuses written come back from the INSERT itself: no second pass over the findings.
            cursor.execute(f"WITH written AS ({sql.replace('{counts}', COUNTS_TABLE)} RETURNING status) "
                           f"SELECT status, COUNT(*) FROM written GROUP BY status", [*args, *where_params])
            counts = {status: int(n) for status, n in cursor.fetchall()}
            cursor.execute(f"DROP TABLE {COUNTS_TABLE}")
            return counts
        cursor.execute(sql.replace("{counts}", f"({counts_sql})"), [*args, *counts_params, *where_params])
    return job_counts(job)


def job_counts(job: Job) -> dict[str, int]:
    rows = (Finding.objects.filter(job.region.org_q("org_unit__"), rule_id=job.rule_id, part=job.part,
                                   period_start=job.period.start)
            .order_by().values_list("status").annotate(n=Count("id")))
    return {status: n for status, n in rows}
