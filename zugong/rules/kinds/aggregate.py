"""Cadence, coverage and threshold: aggregate events per subject and compare with the standard.

All findings of a job are written by one INSERT … SELECT: the population, joined to its org unit
for scoping, LEFT JOINed to one GROUP BY over the events of the period.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, QuerySet

from zugong.core.models import OrgUnit
from zugong.rules import digests
from zugong.rules.kinds.periods import shortfall_status
from zugong.rules.kinds.region import Job
from zugong.rules.models import Finding, FindingStatus
from zugong.rules.registry import AggregateSource, SourceContext

_COLUMNS = ("rule_id, rule_version_id, part, period_start, period_end, subject_type, subject_id, subject_label, "
            "org_unit_id, status, measure, target, due_date, done_date, responsible_user_id, detail, evaluated_at")


COUNTS_TABLE = "zg_rule_counts"


class JobCounts(dict[str, int]):
    """A job's findings by status, and `written`: the statuses of the findings it (re)wrote — all of them
    where the job replaces every finding (SQLite), only the changed ones where it diffs (PostgreSQL). The
    reminders look for new notices only when a job wrote a due-soon or overdue finding. `unchanged`: the job
    found its findings stored as they are (its digest), wrote nothing and deleted nothing."""

    def __init__(self, counts: Mapping[str, int], written: Iterable[str] | None = None,
                 inserted: int | None = None, *, unchanged: bool = False) -> None:
        super().__init__(counts)
        self.written = frozenset(self if written is None else written)
        self.inserted = sum(self.values()) if inserted is None else inserted
        self.unchanged = unchanged


# Past this many findings inserted by one job, the findings table is ANALYZEd once the evaluation commits: the
# next evaluation's diff (and the dashboard) then plan with the table's real size, not with statistics from
# before the bulk write, which is what they get until autovacuum comes by (never, where it is off). A few
# hundred ms after a write of that size; after the commit, so its lock never holds up another evaluation.
ANALYZE_AFTER = 20_000


def _analyze_findings() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Finding._meta.db_table}")


def analyze_after_bulk_write(inserted: int) -> None:
    if inserted >= ANALYZE_AFTER:
        transaction.on_commit(_analyze_findings)


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


def evaluate_aggregate(job: Job, source: AggregateSource, kind: str, subject_type_fallback: str = "") -> JobCounts:
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
    ops = connection.ops
    pg = connection.vendor == "postgresql"

    def typed(sql_type: str) -> str:
        # A temp table built with CREATE TABLE … AS needs typed parameters; SQLite keeps them bare.
        return f"CAST(%s AS {sql_type})" if pg else "%s"

    # the measure compared with a float, not with a NUMERIC (PostgreSQL would convert every row's count)
    excess_sql = f"{value} > {typed('DOUBLE PRECISION')}" if maximum is not None else "1 = 0"
    where_sql, where_params = job.region.path_sql("o")
    # the org units are joined only to restrict the population to a region below the whole tree
    org_join = f"JOIN {OrgUnit._meta.db_table} o ON o.id = p.org_unit_id " if where_params else ""
    # PostgreSQL: the subject's row version, when the source gives it, stands for its label in the fingerprint
    versioned = pg and "subject_version" in _columns(population)
    version_sql = (", p.subject_version" if versioned else ", CAST(NULL AS BIGINT)") if pg else ""
    select_sql = (
        f"SELECT {typed('INTEGER')}, {typed('INTEGER')}, {typed('VARCHAR(30)')}, {typed('DATE')}, {typed('DATE')}, "
        f"{typed('VARCHAR(60)')}, CAST(p.subject_id AS VARCHAR(64)), p.subject_label, p.org_unit_id, "
        f"CAST(CASE WHEN {excess_sql} THEN %s WHEN {value} >= {typed('DOUBLE PRECISION')} THEN %s ELSE %s END "
        f"AS VARCHAR(20)), "
        f"{value}, {typed('DOUBLE PRECISION')}, {typed('DATE')}, {typed('DATE')}, CAST({responsible} AS INTEGER), "
        f"{{detail}}, "
        f"{typed('TIMESTAMP WITH TIME ZONE') if pg else '%s'}{version_sql} "
        f"FROM ({pop_sql}) p "
        f"{org_join}"
        f"LEFT JOIN ({{counts}}) e ON e.subject_id = p.subject_id "
        f"WHERE {where_sql if where_params else 'p.org_unit_id IS NOT NULL'}"
    )
    excess_params: list[Any] = [maximum] if maximum is not None else []
    args: list[Any] = [
        job.rule_id, job.region.version_id, job.part, ops.adapt_datefield_value(job.period.start),
        ops.adapt_datefield_value(job.period.end), source.subject_type or subject_type_fallback,
        *excess_params, FindingStatus.VIOLATED, minimum, FindingStatus.COMPLIANT, shortfall,
        minimum, None, None,
    ]
    tail: list[Any] = [ops.adapt_datetimefield_value(job.evaluated_at), *pop_params]

    def detail_sql(measure: str) -> str:
        excess = f"{measure} > %s" if maximum is not None else "1 = 0"
        return (f"CAST(%s || {_as_text(measure)} || %s || CASE WHEN {excess} THEN %s WHEN {measure} >= %s "
                f"THEN %s ELSE %s END AS VARCHAR(300))")

    detail_params: list[Any] = [
        prefix, unit, *excess_params, f"，应不多于 {_fmt(maximum or 0)}{unit}", minimum,
        f"，达到不少于 {_fmt(minimum)}{unit}的要求", f"，应不少于 {_fmt(minimum)}{unit}",
    ]
    counts_sql = (f"SELECT ev.subject_id AS subject_id, {aggregate} AS n FROM ({ev_sql}) ev "
                  f"WHERE ev.event_date >= %s AND ev.event_date <= %s GROUP BY ev.subject_id")
    counts_params: list[Any] = [*ev_params, ops.adapt_datefield_value(job.period.start), ops.adapt_datefield_value(job.period.end)]
    if pg:
        seed = _seed([*args, *detail_params, *pop_params, select_sql, counts_sql, detail_sql("d.measure")])
        with _job_settings():
            # First the findings computed and summed (one SELECT, which PostgreSQL may run in parallel); a
            # re-evaluation with the digest its region keeps has nothing to write (rules/digests.py), and its
            # findings by status are the ones kept with that digest.
            inline = select_sql.replace("{counts}", counts_sql).replace("{detail}", "CAST(NULL AS VARCHAR(300))")
            summary = _summed(job, inline, [*args, *tail, *counts_params, *where_params], seed, versioned)
            same, kept = digests.unchanged(job, summary)
            if same:
                return JobCounts(digests.kept_totals(job, kept), written=(), inserted=0, unchanged=True)
            # The detail text is written only for the findings inserted; what it says is fingerprinted by
            # its inputs (measure, status, target) and the job's wording (`detail_params`).
            statement = select_sql.replace("{detail}", "CAST(NULL AS VARCHAR(300))")
            buckets = digests.changed_buckets(summary, kept, job)
            counts = _replace_changed(
                job, select_sql=statement, params=[*args, *tail, *where_params], counts_sql=counts_sql,
                counts_params=counts_params, where_sql=where_sql, where_params=where_params,
                detail_sql=detail_sql("d.measure"), detail_params=detail_params, seed=seed,
                subject_type=source.subject_type or subject_type_fallback, target=minimum,
                kept_totals=None if buckets is None else digests.kept_totals(job, kept), buckets=buckets,
                versioned=versioned)
        digests.keep(job, replace(summary, totals=dict(counts)), kept)
        return counts
    statement = select_sql.replace("{counts}", counts_sql).replace("{detail}", detail_sql(value))
    statement_params: list[Any] = [*args, *detail_params, *tail, *counts_params, *where_params]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {Finding._meta.db_table} ({_COLUMNS}) {statement}", statement_params)
    return job_counts(job)


# What a finding says, fingerprinted to diff new against stored findings on (subject_id, fingerprint):
# one 64-bit hash compared instead of nine columns. Within a job, status, target and the detail text
# are functions of the measure, and subject type, period and rule version are constants: the job's
# constants (its wording and the SQL that computes status and detail included) seed the hash, and per subject only the measure, label, org unit
# and responsible user are hashed; the detail text is built only for the rows inserted. Rows written
# elsewhere (SQLite, the deadline kind, older versions) have no fingerprint and are simply replaced
# the next time. Where the source gives the subject's row version (`registry.row_version`), that number is
# hashed in place of the label, which is then neither built nor hashed to tell that nothing changed.
def _fingerprint(versioned: bool) -> str:
    label = ("hashint8extended(x.subject_version, %s + 1)" if versioned
             else "hashtextextended(COALESCE(x.subject_label, ''), %s + 1)")
    return (f"hashfloat8extended(CAST(x.measure AS DOUBLE PRECISION), %s) # {label} "
            f"# hashint8extended(COALESCE(x.org_unit_id, -1), %s + 2) "
            f"# hashint8extended(COALESCE(x.responsible_user_id, -1), %s + 3)")


def _x_columns() -> str:
    """The columns of a job's findings as computed on PostgreSQL: the findings' own, then the subject's version."""
    return f"{_COLUMNS}, subject_version"


def _summed(job: Job, statement: str, params: list[Any], seed: int, versioned: bool) -> digests.Summary:
    """The job's findings computed and not written, summed per org unit: how many, and the sum of a hash of each
    (its fingerprint and its subject, what the diff joins on). Their statuses are not counted here: a status is a
    function of the measure and the job's constants, both in the digest, so equal digests have equal counts by
    status (kept with the digest); a changed job counts them from what it writes. Grouped by the unit alone, a
    column whose distinct values PostgreSQL knows, the aggregation runs in parallel (grouped by status and a bucket
    expression it was planned as one group per row, in one process: 1.4× slower); the units are folded into the
    buckets here."""
    row_hash = f"({_fingerprint(versioned)} # hashtextextended(x.subject_id, %s + 4))"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT x.org_unit_id, COUNT(*), SUM({row_hash}) "
                       f"FROM ({statement}) AS x ({_x_columns()}) GROUP BY x.org_unit_id", [seed] * 5 + params)
        rows = cursor.fetchall()
    buckets: dict[int, tuple[int, int]] = {}
    for unit, n, total in rows:
        bucket = int(unit) % digests.BUCKETS
        count, summed = buckets.get(bucket, (0, 0))
        buckets[bucket] = (count + int(n), summed + int(total))
    return digests.summarise(job, seed, {}, buckets)


def _seed(constants: list[Any]) -> int:
    digest = hashlib.blake2b(repr(constants).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True) // 8  # room for the "+ 3" above


# Per statement of this job only (restored afterwards): memory to aggregate 300,000 subjects and hash
# 300,000 findings without spilling to disk (the default 4MB would), no JIT compilation (it costs more
# than it saves on these one-off statements), and hash joins rather than nested loops — right after a
# bulk write the statistics of rules_finding are stale and a nested loop would be quadratic.
_SETTINGS = {"work_mem": "64MB", "jit": "off", "enable_nestloop": "off"}


@contextmanager
def _job_settings() -> Iterator[None]:
    """The job's statements run with `_SETTINGS`, restored afterwards; one round trip reads the settings and
    sets the job's (a CTE is evaluated before the outer SELECT)."""
    with connection.cursor() as cursor:
        cursor.execute("WITH saved AS MATERIALIZED (SELECT " + ", ".join(
            f"current_setting('{name}') AS {name}" for name in _SETTINGS) + ") SELECT saved.*, " + ", ".join(
            "set_config(%s, %s, true)" for _ in _SETTINGS) + " FROM saved",
            [item for pair in _SETTINGS.items() for item in pair])
        saved = dict(zip(_SETTINGS, cursor.fetchone()[:len(_SETTINGS)], strict=True))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in saved),
                           [item for pair in saved.items() for item in pair])


def _replace_changed(job: Job, *, select_sql: str, params: list[Any], counts_sql: str, counts_params: list[Any],
                     where_sql: str, where_params: list[Any], detail_sql: str, detail_params: list[Any],
                     seed: int, subject_type: str, target: float, kept_totals: dict[str, int] | None,
                     buckets: list[int] | None, versioned: bool) -> JobCounts:
    """PostgreSQL: aggregate the events into a narrow temp table of (subject, count) — CREATE TABLE …
    AS may run in parallel, a data-modifying statement never does — then, in one statement, build the
    findings (status in SQL) with their fingerprint, diff them against the stored ones in one FULL
    JOIN (stored rows without an identical new row are deleted, new rows without an identical stored
    row inserted, their Chinese detail built in SQL) and count the deleted and the inserted ones by status: the job's
    findings by status are the ones kept with the region's digest less the deleted plus the inserted (`kept_totals`),
    or, with no digest to start from, counted where they are stored. A re-evaluation where little changed writes little;
    given `buckets` (those whose sums differ from the digest kept, rules/digests.py), it builds and compares only
    the findings of units in those buckets."""
    table = Finding._meta.db_table
    job_params: list[Any] = [job.rule_id, job.part, job.period.start]
    statement = select_sql.replace("{counts}", f"SELECT subject_id, n FROM {COUNTS_TABLE}")
    only_sql, only_params = ("", []) if buckets is None else (
        f" AND MOD(p.org_unit_id, {digests.BUCKETS}) = ANY(%s)", [buckets])
    stored_only = "" if buckets is None else f" AND MOD(f.org_unit_id, {digests.BUCKETS}) = ANY(%s)"
    statement += only_sql
    # Only what the comparison needs, and the org units only when the region is not the whole tree.
    org_join = "" if not where_params else f"JOIN {OrgUnit._meta.db_table} o ON o.id = f.org_unit_id "
    stored = (f"SELECT f.id, f.subject_id, f.fingerprint, f.status FROM {table} f {org_join}"
              f"WHERE f.rule_id = %s AND f.part = %s AND f.period_start = %s AND {where_sql}{stored_only}")
    # n keeps what differs from subject to subject; the job's constants are written only with the rows inserted.
    varying = "subject_id, subject_label, org_unit_id, status, measure, responsible_user_id"
    written = (f"CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS VARCHAR(30)), CAST(%s AS DATE), "
               f"CAST(%s AS DATE), CAST(%s AS VARCHAR(60)), d.subject_id, d.subject_label, d.org_unit_id, d.status, "
               f"d.measure, CAST(%s AS DOUBLE PRECISION), NULL, NULL, d.responsible_user_id, {detail_sql}, "
               f"CAST(%s AS TIMESTAMP WITH TIME ZONE)")
    written_params: list[Any] = [job.rule_id, job.region.version_id, job.part, job.period.start, job.period.end,
                                 subject_type, target, *detail_params, job.evaluated_at]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {COUNTS_TABLE} ON COMMIT DROP AS {counts_sql}", counts_params)
        cursor.execute(
            # n is read once, by the diff: not materialised
            f"WITH n AS NOT MATERIALIZED (SELECT {', '.join('x.' + c for c in varying.split(', '))}, "
            f"{_fingerprint(versioned)} AS fingerprint FROM ({statement}) AS x ({_x_columns()})), "
            f"diff AS MATERIALIZED (SELECT f.id AS old_id, f.status AS old_status, n.subject_id IS NOT NULL AS is_new, "
            f"n.* "
            f"FROM n FULL JOIN ({stored}) f ON n.subject_id = f.subject_id AND n.fingerprint = f.fingerprint "
            f"WHERE f.id IS NULL OR n.subject_id IS NULL), "
            # by primary key only: the ids are the job's, and the job's other rows are not scanned for them
            f"gone AS (DELETE FROM {table} WHERE id = ANY(ARRAY(SELECT old_id FROM diff WHERE old_id IS NOT NULL))), "
            f"added AS (INSERT INTO {table} ({_COLUMNS}, fingerprint) SELECT {written}, d.fingerprint "
            f"FROM diff d WHERE d.is_new) "
            f"SELECT is_new, CASE WHEN is_new THEN status ELSE old_status END, COUNT(*) FROM diff GROUP BY 1, 2",
            [seed, seed, seed, seed, *params, *only_params, *job_params, *where_params, *only_params, *written_params])
        rows = cursor.fetchall()
        cursor.execute(f"DROP TABLE {COUNTS_TABLE}")
    added = Counter({str(status): int(n) for is_new, status, n in rows if is_new})
    if kept_totals is None:
        # no digest kept for the region (or another basis): every finding was compared, count them stored
        totals: Mapping[str, int] = job_counts(job)
    else:
        # the digest kept describes the findings stored before this diff: less the ones it deleted, plus its own
        removed = Counter({str(status): int(n) for is_new, status, n in rows if not is_new})
        totals = {status: n for status, n in (Counter(kept_totals) - removed + added).items() if n}
    counts = JobCounts(totals, written=set(added), inserted=sum(added.values()))
    analyze_after_bulk_write(counts.inserted)
    return counts


def replaces_its_findings() -> bool:
    """Whether evaluate_aggregate replaces the job's old findings itself (PostgreSQL) or expects
    the caller to have deleted them (SQLite)."""
    return connection.vendor == "postgresql"


def job_counts(job: Job) -> JobCounts:
    rows = (Finding.objects.filter(job.region.org_q("org_unit__"), rule_id=job.rule_id, part=job.part,
                                   period_start=job.period.start)
            .order_by().values_list("status").annotate(n=Count("id")))
    return JobCounts({status: n for status, n in rows})
