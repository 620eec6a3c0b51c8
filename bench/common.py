"""Shared helpers for benchmarks: a PostgreSQL scratch database, the demo tree, and timing.

A benchmark's `main()` typically does:

    require_postgres()                      # exits non-zero with a clear message on SQLite
    use_scratch_database("zg_bench")        # created if absent; never the DATABASE_URL database itself
    ensure_province_tree()                  # 示范省 at province scale, built once and reused
    scoped = time_ms(lambda: ..., repeat=200)
    raw = time_ms(lambda: ..., repeat=200)
    report("county count", scoped, raw)     # "county count: X ms (raw Y ms, ratio Z)"

Published figures come from PostgreSQL; each figure is printed beside a raw-SQL baseline measured in
the same run, so the ratio means something on any machine.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from django.core.management import call_command
from django.db import connection, connections
from psycopg import sql

SCRATCH_DEFAULT = "zg_bench"


def require_postgres() -> None:
    """Stop with a clear message (exit 2) unless DATABASE_URL points at PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or connection.vendor != "postgresql":
        print("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://USER@HOST:PORT/DB "
              "(a scratch database next to DB is created and used; DB itself is not touched).",
              file=sys.stderr)
        raise SystemExit(2)


def _server_params() -> dict[str, Any]:
    settings = connections["default"].settings_dict
    params = {"host": settings.get("HOST") or None, "port": settings.get("PORT") or None,
              "user": settings.get("USER") or None, "password": settings.get("PASSWORD") or None}
    return {k: v for k, v in params.items() if v is not None}


def create_database_if_absent(name: str) -> bool:
    """Create database `name` on the DATABASE_URL server; True when it was created now."""
    with psycopg.connect(dbname="postgres", autocommit=True, **_server_params()) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(name: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **_server_params()) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def use_scratch_database(name: str = SCRATCH_DEFAULT) -> None:
    """Point Django's default connection at scratch database `name` (created if absent) and migrate it."""
    if name == connections["default"].settings_dict["NAME"] or name in {"postgres", "test"}:
        raise SystemExit(f"refusing to use {name!r} as a scratch database")
    created = create_database_if_absent(name)
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name
    print(f"scratch database: {name} ({'created' if created else 'reused'})")
    call_command("migrate", verbosity=0)


def ensure_province_tree(seed: int = 2026) -> dict[str, Any]:
    """Core's demo tree at province scale (13 cities, ~100 counties, ~1,500 townships, ~20,000 villages)
    and its accounts; built once per scratch database. Returns handles like the demo context's data."""
    from zugong.core.demo import DemoContext
    from zugong.core.demo_data import load_org_tree
    from zugong.core.models import OrgKind, OrgUnit

    if not OrgUnit.objects.exists():
        started = time.perf_counter()
        ctx = DemoContext(scale="province", seed=seed, today=date(2026, 1, 5), out=io.StringIO())
        load_org_tree(ctx)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE core_orgunit")
        print(f"province tree built in {time.perf_counter() - started:.1f} s")
    units = OrgUnit.objects.order_by("path")
    return {
        "province": units.get(kind=OrgKind.PROVINCE),
        "cities": list(units.filter(kind=OrgKind.CITY)),
        "counties": list(units.filter(kind=OrgKind.COUNTY)),
        "township_ids": list(units.filter(kind=OrgKind.TOWNSHIP).values_list("pk", flat=True)),
        "village_ids": list(units.filter(kind=OrgKind.VILLAGE).values_list("pk", flat=True)),
    }


def copy_rows(table: str, columns: Sequence[str], rows: Any) -> int:
    """Bulk-load `rows` (an iterable of tuples) into `table` with COPY, then VACUUM ANALYZE (as autovacuum
    would soon: statistics for the planner, the visibility map for index-only scans); returns the count.

    Call it outside a transaction: Django's connection is in autocommit, so the COPY commits at once.
    """
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    count = 0
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)).as_string(raw))
    return count


def explain(func: Callable[[], object]) -> list[str]:
    """The PostgreSQL plan of the last query `func` runs (as Django sent it)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        return [row[0] for row in cursor.fetchall()]


def time_ms(func: Callable[[], object], *, repeat: int = 200, warmup: int = 5) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls of `func`, after `warmup` unmeasured ones."""
    for _ in range(warmup):
        func()
    samples: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def time_pair_ms(first: Callable[[], object], second: Callable[[], object], *, repeat: int = 200,
                 warmup: int = 5) -> tuple[list[float], list[float]]:
    """Time two functions alternately, so drift (cache, autovacuum, a busy neighbour) hits both alike."""
    for _ in range(warmup):
        first()
        second()
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for func, samples in ((first, a), (second, b)):
            started = time.perf_counter()
            func()
            samples.append((time.perf_counter() - started) * 1000)
    return a, b


@dataclass(frozen=True)
class Stats:
    median: float
    p95: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        ordered = sorted(samples)
        index = max(0, min(len(ordered) - 1, round(0.95 * len(ordered)) - 1))
        return cls(median=statistics.median(ordered), p95=ordered[index])


def report(name: str, measured: Sequence[float], raw: Sequence[float], *, target: float | None = None) -> float:
    """Print "name: X ms (raw Y ms, ratio Z)" with medians and p95s; returns the ratio of medians."""
    m, r = Stats.of(measured), Stats.of(raw)
    ratio = m.median / r.median if r.median else float("inf")
    verdict = "" if target is None else (" OK" if ratio <= target else f" ABOVE TARGET {target}")
    print(f"{name}: {m.median:.3f} ms (raw {r.median:.3f} ms, ratio {ratio:.2f}){verdict}"
          f"  [p95 {m.p95:.3f} ms vs raw p95 {r.p95:.3f} ms, n={len(measured)}]")
    return ratio


def signed_in_client(username: str, unit: Any, role: str = "org_admin") -> Any:
    """A Django test client signed in as `username`, holding `role` at `unit` (created if absent)."""
    from django.contrib.auth.models import User
    from django.test import Client

    from zugong.core.models import Membership

    user, _ = User.objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, org_unit=unit, role=role)
    client = Client()
    client.force_login(user)
    return client
