"""Reads that run on every API request, with their SQL compiled once per process (issue 17, item 8).

Django compiles a queryset to SQL on every evaluation; for the one-row reads every bearer request makes
(the token with its user, the caller's memberships) compiling cost more CPU than PostgreSQL spent
answering. `CompiledRead` keeps the read written as a queryset — the ORM still decides the joins,
quoting and the database's dialect — compiles it once per database alias with sample values for its
parameters, and afterwards runs the same SQL with the request's values, applying the database's
converters (SQLite's datetimes) as Django would. Only parameters that appear in the SQL as plain values
(`=`, `IN`) may be named: a sample must appear exactly once among the compiled parameters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, int]  # parameter name → its index in `params`
    alias: str
    compiler: SQLCompiler
    converters: dict[int, Any]


class CompiledRead:
    """`build(**samples)` compiled once per database alias; `rows(**values)` runs it with other values."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **samples: object) -> None:
        self.build = build
        self.samples = samples
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self) -> _Compiled:
        queryset = self.build(**self.samples)
        alias = queryset.db
        compiled = self._compiled.get(alias)
        if compiled is not None:
            return compiled
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots: dict[str, int] = {}
        for name, sample in self.samples.items():
            found = [i for i, value in enumerate(params) if value == sample]
            if len(found) != 1:
                raise ValueError(f"sample {name}={sample!r} appears {len(found)} times in the compiled parameters")
            slots[name] = found[0]
        converters = compiler.get_converters([column[0] for column in compiler.select])
        compiled = _Compiled(sql, tuple(params), slots, alias, compiler, converters)
        with self._lock:
            self._compiled[alias] = compiled
        return compiled

    def rows(self, **values: object) -> list[Sequence[Any]]:
        if set(values) != set(self.samples):
            raise TypeError(f"CompiledRead takes {sorted(self.samples)}, not {sorted(values)}")
        compiled = self._compiled.get("default") or self._compile()
        params = list(compiled.params)
        for name, value in values.items():
            params[compiled.slots[name]] = value
        with connections[compiled.alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched: list[Sequence[Any]] = cursor.fetchall()
        if compiled.converters:
            return [tuple(row) for row in compiled.compiler.apply_converters(fetched, compiled.converters)]
        return fetched
