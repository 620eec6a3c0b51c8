"""The rule engine over 300,000 subjects and 5,000,000 events in one month, and the full register.

A threshold rule (R09: at least 10 visits a month) is re-evaluated by `zugong.rules.engine.evaluate`
— which computes all 300,000 findings and replaces those that changed — beside a hand-written
`GROUP BY` computing the same per-subject counts (population LEFT JOIN counts, fetched to the
client), timed alternately in the same run. Target: engine ≤ 1.5× the hand-written SQL (median).
The first evaluation of the month (every finding written) is timed once as well.
Then the whole register over the province, with its registered sources, once.

Needs PostgreSQL (DATABASE_URL); builds scratch database zg_bench_rules with server-side SQL.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, QuerySet

from bench.common import (
    Stats,
    ensure_province_tree,
    report,
    require_postgres,
    time_pair_ms,
    use_scratch_database,
)

SUBJECTS = 300_000
EVENTS = 5_000_000
MONTH_START = date(2024, 3, 1)
MONTH_END = date(2024, 3, 31)
AS_OF = date(2024, 3, 20)  # March is the running period: short subjects are pending, nobody is mailed
REPEAT = 5
TARGET = 1.5

HAND_SQL = """
SELECT s.id, COALESCE(e.n, 0)
FROM bench_rule_subject s
LEFT JOIN (SELECT subject_id, count(*) AS n FROM bench_rule_event
           WHERE event_date >= %s AND event_date <= %s GROUP BY subject_id) e ON e.subject_id = s.id
"""


class BenchSubject(models.Model):
    name = models.CharField(max_length=40)
    unit_id = models.IntegerField()
    objects: models.Manager[BenchSubject] = models.Manager()

    class Meta:
        app_label = "rules"
        managed = False
        db_table = "bench_rule_subject"


class BenchEvent(models.Model):
    subject_id = models.IntegerField()
    event_date = models.DateField()
    objects: models.Manager[BenchEvent] = models.Manager()

    class Meta:
        app_label = "rules"
        managed = False
        db_table = "bench_rule_event"


def _build_data() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_rule_event') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute("SELECT count(*) FROM bench_rule_event")
            if cursor.fetchone()[0] == EVENTS:
                return
        started = time.perf_counter()
        cursor.execute("DROP TABLE IF EXISTS bench_rule_subject, bench_rule_event")
        cursor.execute("CREATE TABLE bench_rule_subject (id integer PRIMARY KEY, name varchar(40), unit_id integer)")
        cursor.execute("CREATE TABLE bench_rule_event (id bigserial PRIMARY KEY, subject_id integer, event_date date)")
        # Each subject (a township cadre covering villages) sits in a village of the province tree.
        cursor.execute("""
            WITH v AS (SELECT array_agg(id ORDER BY path) AS ids, count(*) AS n FROM core_orgunit WHERE kind = 'village')
            INSERT INTO bench_rule_subject (id, name, unit_id)
            SELECT g, '干部' || g, v.ids[(1 + (g::bigint * 7919) %% v.n)::int] FROM generate_series(1, %s) g, v
        """, [SUBJECTS])
        # Skewed counts (about 16.7 a subject on average, many below 10), all in March 2024 but a few.
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute("""
            INSERT INTO bench_rule_event (subject_id, event_date)
            SELECT 1 + floor(%s * power(random(), 1.6))::int,
                   DATE '2024-02-25' + floor(random() * 40)::int
            FROM generate_series(1, %s)
        """, [SUBJECTS, EVENTS])
        cursor.execute("VACUUM ANALYZE bench_rule_subject")
        cursor.execute("VACUUM ANALYZE bench_rule_event")
        print(f"bench data built in {time.perf_counter() - started:.1f} s "
              f"({SUBJECTS:,} subjects, {EVENTS:,} events)")


def _population(ctx: Any) -> QuerySet[Any]:
    return BenchSubject.objects.values(subject_id=F("id"), subject_label=F("name"), org_unit_id=F("unit_id"))


def _events(ctx: Any) -> QuerySet[Any]:
    return BenchEvent.objects.values("subject_id", "event_date")


def _hand_written() -> int:
    # Same session settings as the engine gives its own jobs (kinds/aggregate.py), so the comparison
    # measures the engine's extra work, not a bigger work_mem.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off; SET LOCAL enable_nestloop = off")
        cursor.execute(HAND_SQL, [MONTH_START, MONTH_END])
        return len(cursor.fetchall())


def main() -> None:
    require_postgres()
    use_scratch_database("zg_bench_rules")
    ensure_province_tree()
    _build_data()
    from zugong.rules.engine import evaluate
    from zugong.rules.models import Finding
    from zugong.rules.registry import AggregateSource, register_source

    register_source("R09", AggregateSource(subject_type="bench.subject", population=_population, events=_events,
                                           event_label="走访农户", unit="户"))

    def engine() -> None:
        evaluate(as_of=AS_OF, rule="R09", periods=1)

    engine_ms, hand_ms = time_pair_ms(engine, _hand_written, repeat=REPEAT, warmup=1)
    counts = dict(Finding.objects.filter(rule__code="R09", period_start=MONTH_START)
                  .values_list("status").annotate(n=models.Count("id")).values_list("status", "n"))
    print(f"R09 findings for 2024-03: {counts}")
    report(f"threshold rule, {SUBJECTS:,} subjects / {EVENTS:,} events (engine vs hand-written GROUP BY)",
           engine_ms, hand_ms, target=TARGET)
    _check_same_counts()
    Finding.objects.filter(rule__code="R09").delete()
    started = time.perf_counter()
    engine()
    print(f"first evaluation (no previous findings, all {SUBJECTS:,} findings written): "
          f"{time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    full = evaluate(as_of=AS_OF, periods=1)
    elapsed = time.perf_counter() - started
    evaluated = [r for r in full.rules if r.subjects]
    print(f"full register over the province (as of {AS_OF}, 1 period): {elapsed:.2f} s, "
          f"{len(full.rules)} rules, {len(evaluated)} with subjects, {sum(r.subjects for r in full.rules):,} findings")
    print(f"  engine median {Stats.of(engine_ms).median / 1000:.2f} s, hand-written {Stats.of(hand_ms).median / 1000:.2f} s")


def _check_same_counts() -> None:
    """The engine's measures equal the hand-written counts, subject by subject."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT count(*) FROM ({HAND_SQL}) h (id, n)
            JOIN rules_finding f ON f.subject_id = CAST(h.id AS varchar) AND f.measure = h.n
            JOIN rules_rule r ON r.id = f.rule_id AND r.code = 'R09' AND f.period_start = %s
        """, [MONTH_START, MONTH_END, MONTH_START])
        matched = cursor.fetchone()[0]
    if matched != SUBJECTS:
        raise SystemExit(f"engine and hand-written counts differ: {matched} of {SUBJECTS} subjects agree")
    print(f"engine measures equal the hand-written counts for all {matched:,} subjects")
