"""The rule engine's public registry: what other apps import from the rules app.

Modules never touch the engine's internals. They

- read a rule's parameter in force with `param()` / `rule_enabled()`;
- register where a rule's data lives with `register_source()` (an `AggregateSource` for the cadence,
  coverage and threshold kinds, a `DeadlineSource` for the deadline kind);
- register checks with `register_gate()` / `register_cap()`, which their services call through
  `check_gate()` and `caps_for()`.

A rule with no registered source is evaluated as "no data source", never as compliant.
See docs/rules.md, "How a module wires a rule", for worked examples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import BigIntegerField, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

from zugong.core.errors import GateRefused
from zugong.core.orgtree import subtree_q

if TYPE_CHECKING:
    from zugong.core.models import OrgUnit


@dataclass(frozen=True)
class SourceContext:
    """What a source function receives: the period evaluated and the org subtree in scope.

    `period_start`/`period_end` are inclusive. `as_of` is the evaluation day (never after
    `period_end` when a past period is evaluated). `org_q(prefix)` is a Q restricting rows to the
    subtree being evaluated (use it for speed; the engine scopes again by `org_unit_id` anyway).
    """

    period_start: date
    period_end: date
    as_of: date
    root_path: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def org_q(self, prefix: str = "org_unit__") -> Q:
        if not self.root_path:
            return Q()
        return subtree_q(self.root_path, prefix)


SourceFunc = Callable[[SourceContext], QuerySet[Any]]


@dataclass(frozen=True)
class AggregateSource:
    """Data of a cadence, coverage or threshold rule: who must comply, and their events.

    population(ctx) -> a `.values()` queryset with the columns
        subject_id (int), subject_label (str), org_unit_id (int)
        [, responsible_user_id (int | None)] [, subject_version (int, `row_version()`)]
    events(ctx) -> a `.values()` queryset with the columns
        subject_id (int), event_date (date) [, measure (number)]

    The engine counts the events (COUNT, or SUM(measure) when `measure` is True) per subject in the
    period in one GROUP BY, joins them to the population and writes the findings in one INSERT …
    SELECT. `event_label` and `unit` make the detail text: "2024年3月民情分析会 0 次，应不少于 1 次".
    `part` names a section of the rule's parameters when one rule has several sources (R12 has
    "retreat" and "symposium").

    `subject_version`, where the label is built from the columns of one row (the subject's own): a number that
    changes whenever that row does (`row_version(Model)`). On PostgreSQL the engine then tells whether a finding is
    unchanged by that number instead of building and hashing its label; a row updated for any other reason has its
    finding rewritten once, which is only slower.
    """

    subject_type: str
    population: SourceFunc
    events: SourceFunc
    event_label: str
    unit: str = "次"
    measure: bool = False
    part: str = ""


@dataclass(frozen=True)
class DeadlineSource:
    """Data of a deadline rule: items that start, fall due and get done.

    items(ctx) -> a `.values()` queryset with the columns
        subject_id (int), subject_label (str), org_unit_id (int), start_date (date),
        due_date (date | None), done_date (date | None) [, responsible_user_id (int | None)]

    When `due_date` is None the engine computes it as start_date + the rule's `days` parameter, in
    calendar or working days (`workdays` parameter, through zugong.core.calendar). Return the items
    that are open on ctx.as_of or were done in the period; the engine filters again.
    """

    subject_type: str
    items: SourceFunc
    item_label: str
    part: str = ""


Source = AggregateSource | DeadlineSource


def row_version(model: type[Model]) -> dict[str, Any]:
    """`subject_version` for a population's `.values(**row_version(Model))`, or nothing where it has no meaning.

    On PostgreSQL, the row's `xmin`: the transaction that wrote this version of the row. Any UPDATE writes a new
    version with a new `xmin`; VACUUM's freezing keeps the number (PostgreSQL ≥ 9.4 only marks the row frozen); a dump
    restored elsewhere gives every row a new one (each finding is then rewritten once). Elsewhere (SQLite), nothing:
    the engine there rewrites a job's findings every time."""
    if connection.vendor != "postgresql":
        return {}
    table = connection.ops.quote_name(model._meta.db_table)
    return {"subject_version": RawSQL(f"CAST(CAST({table}.xmin AS TEXT) AS BIGINT)", (),
                                      output_field=BigIntegerField())}


@dataclass(frozen=True)
class Cap:
    """A limit another module must apply, e.g. R14: rating at most "称职", with the reason."""

    code: str
    limit: str
    reason: str


# A gate is called with org_unit=, on= and the caller's keyword arguments; it returns None to let
# the action pass, or the Chinese reason for refusing it.
GateFunc = Callable[..., str | None]
CapFunc = Callable[..., list[Cap]]

_sources: dict[str, list[Source]] = {}
_gates: dict[str, GateFunc] = {}
_caps: dict[str, CapFunc] = {}


def register_source(code: str, source: Source) -> None:
    """Declare where rule `code` finds its data. Call it from your AppConfig.ready().

    Registering the same (code, part) twice replaces the earlier source (safe on reloads).
    """
    existing = [s for s in _sources.get(code, []) if s.part != source.part]
    _sources[code] = [*existing, source]


def sources_for(code: str) -> list[Source]:
    return list(_sources.get(code, []))


def register_gate(code: str, func: GateFunc) -> None:
    _gates[code] = func


def register_cap(code: str, func: CapFunc) -> None:
    _caps[code] = func


def gate_registered(code: str) -> bool:
    return code in _gates


def cap_registered(code: str) -> bool:
    return code in _caps


def is_wired(code: str) -> bool:
    """Whether a module registered a source, a gate or a cap for rule `code`."""
    return bool(_sources.get(code)) or code in _gates or code in _caps


def check_gate(code: str, *, org_unit: OrgUnit | None = None, on: date | None = None, **kwargs: Any) -> None:
    """Run gate `code`; raise GateRefused with "R23 …：reason" when it refuses.

    A gate whose rule is switched off for `org_unit` on `on` lets everything pass. `org_unit` and
    `on` are passed on to the gate function together with the other keyword arguments.
    """
    from zugong.rules.params import rule_title

    day = on or _today()
    if not rule_enabled(code, org_unit=org_unit, on=day):
        return
    func = _gates.get(code)
    if func is None:
        return
    reason = func(org_unit=org_unit, on=day, **kwargs)
    if reason:
        raise GateRefused(f"不符合{code}（{rule_title(code)}）：{reason}", code="gate_refused")


def caps_for(*, org_unit: OrgUnit | None = None, on: date | None = None, codes: list[str] | None = None,
             **kwargs: Any) -> list[Cap]:
    """Every cap that applies (rule enabled there), from the cap functions of `codes` (default all)."""
    day = on or _today()
    result: list[Cap] = []
    for code in sorted(codes if codes is not None else _caps):
        func = _caps.get(code)
        if func is not None and rule_enabled(code, org_unit=org_unit, on=day):
            result.extend(func(org_unit=org_unit, on=day, **kwargs))
    return result


def param(code: str, name: str, *, org_unit: OrgUnit | None, on: date) -> Any:
    """The value of parameter `name` of rule `code` in force for `org_unit` on `on`.

    Overrides set at `org_unit` or an ancestor win over the register default, the lowest level
    winning; a dotted name reaches into a part ("retreat.min_count").
    """
    from zugong.rules.versions import params_in_force

    value: Any = params_in_force(code, org_unit=org_unit, on=on).params
    for key in name.split("."):
        if not isinstance(value, dict) or key not in value:
            raise KeyError(f"{code} 没有参数 {name}")
        value = value[key]
    return value


def rule_enabled(code: str, *, org_unit: OrgUnit | None, on: date) -> bool:
    from zugong.rules.versions import params_in_force

    return params_in_force(code, org_unit=org_unit, on=on).enabled


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()
