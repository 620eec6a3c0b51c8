"""Deadline: an item started on a day must be done within N calendar or working days.

One SELECT fetches the items of the job, due dates are computed for the distinct start days from one
read of the working-day calendar, and the findings are written with one bulk insert; on PostgreSQL the
whole job is one statement that writes only the findings that changed (`evaluate_deadline_in_sql`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q

from zugong.core.calendar import _workday_flags
from zugong.core.models import OrgUnit
from zugong.rules import digests
from zugong.rules.kinds.aggregate import JobCounts, analyze_after_bulk_write, replaces_its_findings
from zugong.rules.kinds.region import Job
from zugong.rules.models import Finding, FindingStatus
from zugong.rules.registry import DeadlineSource, SourceContext


def due_dates(starts: set[date], days: int, *, workdays: bool) -> dict[date, date]:
    """The due date of every start day, reading the calendar once for the whole span."""
    if not starts:
        return {}
    if not workdays or days == 0:
        return {start: start + timedelta(days=days) for start in starts}
    first, last = min(starts), max(starts)
    flags = _workday_flags(first + timedelta(days=1), last + timedelta(days=2 * days + 30))
    working = [day for day, is_working in flags if is_working]
    result: dict[date, date] = {}
    index = 0
    for start in sorted(starts):
        while index < len(working) and working[index] <= start:
            index += 1
        result[start] = working[index + days - 1]
    return result


def classify(*, due: date, done: date | None, as_of: date, warn_days: int) -> str:
    if done is not None:
        return FindingStatus.COMPLIANT if done <= due else FindingStatus.VIOLATED
    if as_of > due:
        return FindingStatus.OVERDUE
    return FindingStatus.DUE_SOON if (due - as_of).days <= warn_days else FindingStatus.PENDING


def _detail(label: str, status: str, start: date, due: date, done: date | None, as_of: date) -> str:
    head = f"{label}{start:%Y-%m-%d}起算，应于{due:%Y-%m-%d}前办结"
    if done is not None:
        late = (done - due).days
        return f"{head}，{done:%Y-%m-%d}办结" + (f"，逾期 {late} 天" if late > 0 else "")
    if status == FindingStatus.OVERDUE:
        return f"{head}，尚未办结，已逾期 {(as_of - due).days} 天"
    return f"{head}，尚未办结，剩余 {(due - as_of).days} 天"


def evaluate_deadline(job: Job, source: DeadlineSource) -> JobCounts:
    """Write the findings of one job; return how many, by status. On PostgreSQL the job runs in SQL and
    replaces its changed findings itself (`evaluate_deadline_in_sql`); elsewhere the caller deleted them."""
    if replaces_its_findings():
        return evaluate_deadline_in_sql(job, source)
    params = job.params
    ctx = SourceContext(period_start=job.period.start, period_end=job.period.end, as_of=job.as_of,
                        root_path=job.region.root_path, params=params)
    in_region = OrgUnit.objects.filter(job.region.org_q()).values("id")
    rows = list(
        source.items(ctx)
        .filter(org_unit_id__in=in_region, start_date__lte=job.as_of)
        .filter(Q(done_date__isnull=True) | Q(done_date__gte=job.period.start, done_date__lte=job.as_of))
        .order_by()
    )
    computed = due_dates({r["start_date"] for r in rows if r["due_date"] is None}, params["days"],
                         workdays=params["workdays"])
    findings: list[Finding] = []
    for row in rows:
        due = row["due_date"] or computed[row["start_date"]]
        status = classify(due=due, done=row["done_date"], as_of=job.as_of, warn_days=params["warn_days"])
        findings.append(_finding(job, source, row, due, status))
    Finding.objects.bulk_create(findings, batch_size=2000)
    return JobCounts(Counter(f.status for f in findings))


def _finding(job: Job, source: DeadlineSource, row: dict[str, Any], due: date, status: str) -> Finding:
    return Finding(
        rule_id=job.rule_id, rule_version_id=job.region.version_id, part=job.part,
        period_start=job.period.start, period_end=job.period.end, subject_type=source.subject_type,
        subject_id=str(row["subject_id"]), subject_label=str(row["subject_label"])[:200],
        org_unit_id=row["org_unit_id"], status=status, measure=None, target=None, due_date=due,
        done_date=row["done_date"], responsible_user_id=row.get("responsible_user_id"),
        detail=_detail(source.item_label, status, row["start_date"], due, row["done_date"], job.as_of)[:300],
        evaluated_at=job.evaluated_at,
    )


# -- PostgreSQL: the whole job in SQL ------------------------------------------------------------------------
# Issue 17, item 7: R16 for one county took 647 ms where the raw SQL of the same evaluation takes a few ms —
# every item was fetched, turned into a Finding instance and inserted, after all the job's findings had been
# deleted. Here the status and the Chinese detail are computed in SQL (the same words as `classify` and
# `_detail`), each finding is fingerprinted over every column it writes, and one statement diffs them against
# the stored ones: only findings that changed are deleted and inserted.

_WRITTEN = ("rule_id", "rule_version_id", "part", "period_start", "period_end", "subject_type", "subject_id",
            "subject_label", "org_unit_id", "status", "measure", "target", "due_date", "done_date",
            "responsible_user_id", "detail", "evaluated_at")


def _items_sql(job: Job, source: DeadlineSource) -> tuple[str, list[Any], bool]:
    params = job.params
    ctx = SourceContext(period_start=job.period.start, period_end=job.period.end, as_of=job.as_of,
                        root_path=job.region.root_path, params=params)
    in_region = OrgUnit.objects.filter(job.region.org_q()).values("id")
    items = source.items(ctx).filter(org_unit_id__in=in_region).order_by()
    has_responsible = "responsible_user_id" in set(items.query.values_select) | set(items.query.annotation_select)
    sql, sql_params = items.query.get_compiler(using=items.db).as_sql()
    # The engine's own filter on the items' days, applied to the source's rows once computed: behind the
    # OFFSET 0 fence PostgreSQL does not inline it into the scan, where it would compute every row's days
    # (a timestamp's day in the local zone, AT TIME ZONE) a second time over (+16 % for R16 in a county).
    fenced = (f"SELECT it.* FROM (SELECT src.* FROM ({sql}) src OFFSET 0) it "
              f"WHERE CAST(it.start_date AS DATE) <= %s AND (it.done_date IS NULL OR "
              f"(CAST(it.done_date AS DATE) >= %s AND CAST(it.done_date AS DATE) <= %s))")
    return fenced, [*sql_params, job.as_of, job.period.start, job.as_of], has_responsible


def _computed_due_dates(job: Job, items_sql: str, items_params: list[Any]) -> tuple[list[date], list[date]] | None:
    """The due dates the engine computes (items without their own), as two arrays to join in SQL; None when
    they are calendar days, which SQL adds itself (start + days) without reading the start days first."""
    if not job.params["workdays"] or job.params["days"] == 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT i.start_date FROM ({items_sql}) i WHERE i.due_date IS NULL", items_params)
        starts = {row[0] for row in cursor.fetchall()}
    computed = due_dates(starts, job.params["days"], workdays=job.params["workdays"])
    ordered = sorted(computed)
    return ordered, [computed[start] for start in ordered]


_DETAIL = (
    "LEFT(%s || to_char(i.start_on, 'YYYY-MM-DD') || '起算，应于' || to_char(i.due, 'YYYY-MM-DD') || '前办结' || "
    "CASE WHEN i.done_on IS NOT NULL THEN '，' || to_char(i.done_on, 'YYYY-MM-DD') || '办结' || "
    "CASE WHEN i.done_on > i.due THEN '，逾期 ' || (i.done_on - i.due) || ' 天' ELSE '' END "
    "WHEN i.status = 'overdue' THEN '，尚未办结，已逾期 ' || (CAST(%s AS DATE) - i.due) || ' 天' "
    "ELSE '，尚未办结，剩余 ' || (i.due - CAST(%s AS DATE)) || ' 天' END, 300)"
)
_STATUS = (
    "CASE WHEN i.done_on IS NOT NULL THEN CASE WHEN i.done_on <= i.due THEN %s ELSE %s END "
    "WHEN CAST(%s AS DATE) > i.due THEN %s WHEN i.due - CAST(%s AS DATE) <= %s THEN %s ELSE %s END"
)
# What a finding says, per item: everything its status and detail are made of. The job's constants (rule
# version, period, subject type, wording, as-of day and the SQL above) seed the hash instead of being hashed per
# row; an open item's detail counts the days from its due date to the as-of day, so that count is hashed too
# (a done item's finding stays the same from one day to the next, an open one's changes daily). Each part is
# hashed as what it is (days as numbers since 2000-01-01, not dates formatted as text and joined: a third of the
# statement's CPU) and the hashes combined, each seeded differently so that two parts cannot trade places.
_PARTS = (
    "hashtextextended(COALESCE(n.subject_label, ''), {seed})",
    "hashint8extended(COALESCE(n.org_unit_id, -1), {seed} + 1)",
    "hashtextextended(n.status, {seed} + 2)",
    "hashint8extended(COALESCE(n.start_on - DATE '2000-01-01', -100000), {seed} + 3)",
    "hashint8extended(COALESCE(n.due - DATE '2000-01-01', -100000), {seed} + 4)",
    "hashint8extended(COALESCE(n.done_on - DATE '2000-01-01', -100000), {seed} + 5)",
    "hashint8extended(CASE WHEN n.done_on IS NULL THEN CAST({as_of} AS DATE) - n.due ELSE -100000 END, {seed} + 6)",
    "hashint8extended(COALESCE(n.responsible_user_id, -1), {seed} + 7)",
)
_FINGERPRINT = "(" + " # ".join(part.format(seed="%s", as_of="%s") for part in _PARTS) + ")"


def _fingerprint_params(as_of: Any, seed: int) -> list[Any]:
    """The parameters of `_FINGERPRINT` in order: each part's seed, the as-of day before the seventh's."""
    return [seed] * 6 + [as_of, seed, seed]


assert _FINGERPRINT.count("%s") == len(_fingerprint_params(None, 0))


def _seed(constants: list[Any]) -> int:
    digest = hashlib.blake2b(repr(constants).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def evaluate_deadline_in_sql(job: Job, source: DeadlineSource) -> JobCounts:
    """PostgreSQL: in one statement, compute the job's items with due date and status, fingerprint them, diff
    them against the stored findings, delete the stored ones that changed and insert the new ones (their
    Chinese detail built for those only); return the findings by status and the statuses written."""
    items_sql, items_params, has_responsible = _items_sql(job, source)
    computed = _computed_due_dates(job, items_sql, items_params)
    if computed is None:
        due_sql, due_join, due_params = "COALESCE(CAST(it.due_date AS DATE), CAST(it.start_date AS DATE) + CAST(%s AS INTEGER))", "", [job.params["days"]]
    else:
        due_sql = "COALESCE(CAST(it.due_date AS DATE), m.due)"
        due_join = ("LEFT JOIN unnest(CAST(%s AS DATE[]), CAST(%s AS DATE[])) AS m (start, due) "
                    "ON m.start = it.start_date")
        due_params = list(computed)
    as_of = job.as_of
    statuses = [FindingStatus.COMPLIANT, FindingStatus.VIOLATED, as_of, FindingStatus.OVERDUE, as_of,
                job.params["warn_days"], FindingStatus.DUE_SOON, FindingStatus.PENDING]
    responsible = "CAST(i.responsible_user_id AS INTEGER)" if has_responsible else "CAST(NULL AS INTEGER)"
    # The items with their due date and status: what the raw SQL of the evaluation computes, the detail aside.
    items = (
        f"SELECT CAST(i.subject_id AS VARCHAR(64)) AS subject_id, LEFT(CAST(i.subject_label AS TEXT), 200) AS subject_label, "
        f"i.org_unit_id, CAST(i.status AS VARCHAR(20)) AS status, i.due, i.done_on, i.start_on, "
        f"{responsible} AS responsible_user_id "
        f"FROM (SELECT d.*, {_STATUS.replace('i.', 'd.')} AS status FROM "
        f"(SELECT it.*, {due_sql} AS due, CAST(it.done_date AS DATE) AS done_on, "
        f"CAST(it.start_date AS DATE) AS start_on FROM ({items_sql}) it {due_join}) d) i"
    )
    items_all_params: list[Any] = [*statuses, *(due_params if computed is None else []), *items_params,
                                   *(due_params if computed is not None else [])]
    seed = _seed([job.rule_id, job.region.version_id, job.part, job.period.start, job.period.end,
                  source.subject_type, source.item_label, _DETAIL, _STATUS, _FINGERPRINT])
    written = ", ".join(_WRITTEN)
    inserted = (f"CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS VARCHAR(30)), CAST(%s AS DATE), "
                f"CAST(%s AS DATE), CAST(%s AS VARCHAR(60)), i.subject_id, i.subject_label, i.org_unit_id, i.status, "
                f"NULL, NULL, i.due, i.done_on, i.responsible_user_id, {_DETAIL}, "
                f"CAST(%s AS TIMESTAMP WITH TIME ZONE), i.fingerprint")
    inserted_params: list[Any] = [job.rule_id, job.region.version_id, job.part, job.period.start, job.period.end,
                                  source.subject_type, source.item_label, as_of, as_of, job.evaluated_at]
    where_sql, where_params = job.region.path_sql("o")
    stored = (f"SELECT f.id, f.subject_id, f.fingerprint FROM {Finding._meta.db_table} f "
              f"JOIN {OrgUnit._meta.db_table} o ON o.id = f.org_unit_id "
              f"WHERE f.rule_id = %s AND f.part = %s AND f.period_start = %s AND {where_sql}")
    job_params: list[Any] = [job.rule_id, job.part, job.period.start]
    # First the items (already restricted to the region) computed and summed: a re-evaluation with the digest its region keeps (the same day's,
    # as an open item's detail counts days) has nothing to write (rules/digests.py).
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n.status, NULL, COUNT(*), SUM({_FINGERPRINT} # hashtextextended(n.subject_id, %s)) "
                       f"FROM ({items}) n GROUP BY n.status", [*_fingerprint_params(as_of, seed), seed, *items_all_params])
        summed = list(cursor.fetchall())
    summary = digests.summarise(job, seed, {str(status): int(n) for status, _, n, _ in summed}, {}, summed)
    same, kept = digests.unchanged(job, summary)
    totals = summary.totals
    if same:
        return JobCounts(totals, written=(), inserted=0, unchanged=True)
    with connection.cursor() as cursor:
        cursor.execute(
            # n is read once, by the diff (the counts by status are the digest's)
            f"WITH n AS NOT MATERIALIZED (SELECT n.*, {_FINGERPRINT} AS fingerprint FROM ({items}) n), "
            f"diff AS MATERIALIZED (SELECT f.id AS old_id, n.subject_id IS NOT NULL AS is_new, n.* FROM n "
            f"FULL JOIN ({stored}) f ON n.subject_id = f.subject_id AND n.fingerprint = f.fingerprint "
            f"WHERE f.id IS NULL OR n.subject_id IS NULL), "
            # by primary key only: the ids are the job's, and the job's other rows are not scanned for them
            f"gone AS (DELETE FROM {Finding._meta.db_table} "
            f"WHERE id = ANY(ARRAY(SELECT old_id FROM diff WHERE old_id IS NOT NULL))), "
            f"added AS (INSERT INTO {Finding._meta.db_table} ({written}, fingerprint) "
            f"SELECT {inserted} FROM diff i WHERE i.is_new) "
            f"SELECT status, COUNT(*) FROM diff WHERE is_new GROUP BY status",
            [*_fingerprint_params(as_of, seed), *items_all_params, *job_params, *where_params, *inserted_params])
        rows = cursor.fetchall()
        counts = JobCounts(totals, written={status for status, _ in rows}, inserted=sum(int(n) for _, n in rows))
    digests.keep(job, summary, kept)
    analyze_after_bulk_write(counts.inserted)
    return counts
