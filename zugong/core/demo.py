"""The demo province (示范省, division code 990000): a registry of contributors.

Each app adds its own demo data in `zugong/<app>/demo_data.py` with `@demo_contributor(...)`; the `demo`
command imports those modules and runs the contributors in `order`. Everything is derived from the
seed, so the same seed gives the same province.
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TextIO

from django.db import connection, models

from zugong.core.progress import Progress

Scale = Literal["small", "province"]


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    org_name: str
    note: str = ""


@dataclass
class DemoContext:
    scale: Scale
    seed: int
    today: date
    out: TextIO
    # Province scale times this: a test runs the province generators at 1/1000 of their size.
    fraction: float = 1.0
    # Contributors leave handles here for later ones ("province", "counties", "cadres", …).
    data: dict[str, Any] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """A generator of its own for each contributor, so adding one never reshuffles another."""
        return random.Random(self.seed * 1_000_003 + zlib.crc32(name.encode("utf-8")))

    def say(self, message: str) -> None:
        self.out.write(message + "\n")

    def sized(self, n: int) -> int:
        """`n` rows at full province scale, scaled by `fraction` (at least one)."""
        return max(1, round(n * self.fraction))

    def progress(self, label: str, total: int | None) -> Progress:
        return Progress(self.out, label, total=total)


def reserve_ids(model: type[models.Model], n: int) -> int:
    """The first of `n` consecutive primary keys nobody else will take, so rows that point at these
    can be built before they are written. The demo is the only writer while it runs."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                           "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)", [table, table, n])
            row = cursor.fetchone()
            assert row is not None
            return int(row[0]) - n + 1
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
        row = cursor.fetchone()
        assert row is not None
        return int(row[0]) + 1


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write plain tuples (values in `fields` order, by attname) without building model instances:
    COPY on PostgreSQL, executemany on SQLite. Fields not named get their (constant) default; the
    key is left to the database unless named."""
    meta = model._meta
    named = [meta.get_field(name) for name in fields]
    rest = [f for f in meta.concrete_fields if f not in named and not f.primary_key]
    tail = tuple(f.get_default() for f in rest)
    columns = [f.column for f in named + rest]  # type: ignore[union-attr]
    column_list = ", ".join(f'"{c}"' for c in columns)
    written = 0
    if connection.vendor == "postgresql":
        raw = connection.connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f'COPY "{meta.db_table}" ({column_list}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row((*row, *tail))
                written += 1
        return written
    every = named + rest
    sql = f'INSERT INTO "{meta.db_table}" ({column_list}) VALUES ({", ".join("%s" for _ in columns)})'
    prepared = [[f.get_db_prep_save(v, connection) for f, v in zip(every, (*row, *tail), strict=True)]  # type: ignore[union-attr]
                for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
    return len(prepared)


@dataclass(frozen=True)
class ForeignKey:
    table: str  # as regclass prints it (quoted where needed)
    name: str
    definition: str  # pg_get_constraintdef: "FOREIGN KEY (…) REFERENCES …(id) DEFERRABLE INITIALLY DEFERRED"


def foreign_keys() -> list[ForeignKey]:
    """Every foreign-key constraint of zugong's schema (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema() "
            "ORDER BY 1, 2")
        # A load that failed left its constraints NOT VALID: the definition to add back is without it.
        return [ForeignKey(table, name, definition.removesuffix(" NOT VALID"))
                for table, name, definition in cursor.fetchall()]


@contextmanager
def foreign_keys_checked_once(ctx: DemoContext) -> Iterator[None]:
    """Load without foreign-key constraints and check each one once at the end (PostgreSQL).

    Django makes every foreign key DEFERRABLE INITIALLY DEFERRED, so PostgreSQL checks each row written
    by COPY or INSERT once per row, at COMMIT: tens of millions of single-row look-ups for the province
    (about 10 minutes for masswork's one transaction in the last full run). Dropped first and added back
    `NOT VALID` + `VALIDATE CONSTRAINT`, each constraint is one set-based scan instead. The demo is the
    only writer while it loads an empty database; a failed load gets its constraints back unvalidated
    (as they were, they are checked for every later write), a finished one validated."""
    if connection.vendor != "postgresql":
        yield
        return
    keys = foreign_keys()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(f"ALTER TABLE {key.table} DROP CONSTRAINT {quote(key.name)}")
    loaded = False
    try:
        yield
        loaded = True
    finally:
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute(f"ALTER TABLE {key.table} ADD CONSTRAINT {quote(key.name)} {key.definition} NOT VALID")
    if loaded:
        started = time.monotonic()
        with ctx.progress("外键校验", len(keys)) as progress, connection.cursor() as cursor:
            for key in keys:
                cursor.execute(f"ALTER TABLE {key.table} VALIDATE CONSTRAINT {quote(key.name)}")
                progress.advance()
        ctx.say(f"[外键校验] {len(keys)} 个约束 {time.monotonic() - started:.1f}s")


Contributor = Callable[[DemoContext], None]


@dataclass(frozen=True)
class Registered:
    name: str
    order: int
    func: Contributor


_registry: dict[str, Registered] = {}


def demo_contributor(name: str, *, order: int) -> Callable[[Contributor], Contributor]:
    """Register `func` to add demo data. Lower `order` runs first; core's org tree is order 0."""

    def decorate(func: Contributor) -> Contributor:
        _registry[name] = Registered(name=name, order=order, func=func)
        return func

    return decorate


def contributors() -> list[Registered]:
    return sorted(_registry.values(), key=lambda r: (r.order, r.name))
