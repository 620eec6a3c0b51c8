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
    slots: dict[str, tuple[int, ...]]  # parameter name → its indexes in `params` (several for a list)
    alias: str
    compiler: SQLCompiler
    converters: dict[int, Any]


Shape = tuple[int, ...]  # the length of each list parameter (-1 for a single value), in `samples` order


class CompiledRead:
    """`build(**samples)` compiled once per process; `rows(**values)` runs it with other values.

    A list parameter (an `__in` filter: its sample is a one-item list of an integer, e.g. `ids=[-424242]`)
    is compiled once per length, with distinct samples counting down from that integer; an empty list
    matches nothing, so it returns no rows without a query."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **samples: object) -> None:
        for name, sample in samples.items():
            if isinstance(sample, list) and (len(sample) != 1 or not isinstance(sample[0], int)):
                raise TypeError(f"the sample of list parameter {name} is a one-item list of an integer")
        self.build = build
        self.samples = samples
        self._compiled: dict[Shape, _Compiled] = {}
        self._lock = threading.Lock()

    def _samples_for(self, shape: Shape) -> dict[str, Any]:
        return {name: [sample[0] - i for i in range(size)] if isinstance(sample, list) else sample
                for (name, sample), size in zip(self.samples.items(), shape, strict=True)}

    def _compile(self, shape: Shape) -> _Compiled:
        samples = self._samples_for(shape)
        queryset = self.build(**samples)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots: dict[str, tuple[int, ...]] = {}
        for name, sample in samples.items():
            found: list[int] = []
            for one in sample if isinstance(sample, list) else [sample]:
                at = [i for i, value in enumerate(params) if value == one]
                if len(at) != 1:
                    raise ValueError(f"sample {name}={one!r} appears {len(at)} times in the compiled parameters")
                found += at
            slots[name] = tuple(found)
        converters = compiler.get_converters([column[0] for column in compiler.select])
        compiled = _Compiled(sql, tuple(params), slots, queryset.db, compiler, converters)
        with self._lock:
            self._compiled[shape] = compiled
        return compiled

    def rows(self, **values: Any) -> list[Sequence[Any]]:
        if set(values) != set(self.samples):
            raise TypeError(f"CompiledRead takes {sorted(self.samples)}, not {sorted(values)}")
        shape = tuple(len(values[name]) if isinstance(sample, list) else -1 for name, sample in self.samples.items())
        if 0 in shape:
            return []
        compiled = self._compiled.get(shape) or self._compile(shape)
        params = list(compiled.params)
        for name, slots in compiled.slots.items():
            value = values[name]
            for slot, one in zip(slots, value if isinstance(value, (list, tuple)) else [value], strict=True):
                params[slot] = one
        with connections[compiled.alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched: list[Sequence[Any]] = cursor.fetchall()
        if compiled.converters:
            return [tuple(row) for row in compiled.compiler.apply_converters(fetched, compiled.converters)]
        return fetched


# -- a read whose SQL has a few shapes ------------------------------------------------------------------------
# A list search's SQL depends on which filters are set, the sort, whether a cursor is given and how many
# subtrees the jurisdiction has, but not on the values themselves. `ShapedRead` compiles one statement per
# shape from sentinel values and afterwards puts the request's values where the sentinels were.

Sentinels = dict[str, "str | int"]


@dataclass(frozen=True)
class _Shaped:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, str], ...]  # (index in params, value's name, suffix the ORM appended)
    alias: str
    compiler: SQLCompiler
    converters: dict[int, Any]
    names: tuple[str, ...]  # the columns of a `values()` read, in the SQL's order
    kinds: dict[str, type]  # each value's type (that of its sentinel)


class ShapedRead:
    """`build(shape, values)` compiled once per `shape` with `sentinels(shape)` for its values.

    A value may be a string or an integer (never None, a bool or a list: their SQL differs with the value).
    Each sentinel must turn up among the compiled parameters as itself or, for a string, followed by one of
    `suffixes` (a subtree's upper bound, `path + "~"`); it may turn up more than once (a keyset cursor's value
    is compared twice). The build must be a `values(...)` queryset; `rows` gives its columns' names and rows.

    With `max_shapes`, at most that many compiled shapes are kept (a shape holding literals, such as a page's
    LIMIT and OFFSET, must not grow a worker's memory without bound): the caller asks `keeps(shape)` first and
    reads a shape it would not keep through the ORM.
    """

    def __init__(self, build: Callable[[Any, dict[str, Any]], QuerySet[Any]],
                 sentinels: Callable[[Any], Sentinels], *, suffixes: tuple[str, ...] = (),
                 max_shapes: int | None = None) -> None:
        self.build = build
        self.sentinels = sentinels
        self.suffixes = ("", *suffixes)
        self.max_shapes = max_shapes
        self._compiled: dict[Any, _Shaped] = {}
        self._lock = threading.Lock()

    def keeps(self, shape: Any) -> bool:
        """Whether `shape` is compiled already or would be kept once compiled (`max_shapes` not reached)."""
        return shape in self._compiled or self.max_shapes is None or len(self._compiled) < self.max_shapes

    def _compile(self, shape: Any) -> _Shaped:
        samples = self.sentinels(shape)
        queryset = self.build(shape, dict(samples))
        query = queryset.query
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots: list[tuple[int, str, str]] = []
        for name, sample in samples.items():
            found = [(i, name, suffix) for i, value in enumerate(params) for suffix in self.suffixes
                     if type(value) is type(sample) and value == (sample + suffix if isinstance(sample, str) else sample)
                     and (suffix == "" or isinstance(sample, str))]
            if not found:
                raise ValueError(f"sentinel {name}={sample!r} is not among the compiled parameters")
            slots += found
        if len({i for i, _, _ in slots}) != len(slots):
            raise ValueError("a compiled parameter matches two sentinels")
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        converters = compiler.get_converters([column[0] for column in compiler.select])
        shaped = _Shaped(sql, tuple(params), tuple(slots), queryset.db, compiler, converters, tuple(names),
                         {name: type(sample) for name, sample in samples.items()})
        with self._lock:  # requests that raced past `keeps` run their statement without keeping it
            if self.max_shapes is None or len(self._compiled) < self.max_shapes:
                self._compiled[shape] = shaped
        return shaped

    def rows(self, shape: Any, values: dict[str, str | int]) -> tuple[tuple[str, ...], list[Sequence[Any]]]:
        shaped = self._compiled.get(shape) or self._compile(shape)
        if set(values) != set(shaped.kinds):
            raise TypeError(f"shape {shape!r} takes {sorted(shaped.kinds)}, not {sorted(values)}")
        for name, value in values.items():
            if type(value) is not shaped.kinds[name]:  # a bool is no int here: its SQL may differ
                raise TypeError(f"{name}: {shaped.kinds[name].__name__} expected, not {type(value).__name__}")
        params = list(shaped.params)
        for slot, name, suffix in shaped.slots:
            value = values[name]
            params[slot] = value + suffix if isinstance(value, str) else value
        with connections[shaped.alias].cursor() as cursor:
            cursor.execute(shaped.sql, params)
            fetched: list[Sequence[Any]] = cursor.fetchall()
        if shaped.converters:
            fetched = [tuple(row) for row in shaped.compiler.apply_converters(fetched, shaped.converters)]
        return shaped.names, fetched
