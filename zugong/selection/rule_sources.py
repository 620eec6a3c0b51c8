"""R22 in the rule engine: every county (each `county_years`, 2) and municipal department (each
`department_years`, 3) is a deadline item of the level above that inspects it — the finding's unit is the
inspected unit's parent, so its reminders reach that org department. The item starts on the last
inspection on or before the evaluation day and falls due the cycle's years later (as the rotation page,
`selectors.inspection_schedule`, computes it); a unit never inspected is due from the period's first day,
so it is overdue as it is on the page. An inspection closes the item by starting the next one."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    CharField,
    DateField,
    Expression,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.db.models.sql.compiler import SQLCompiler

from zugong.core.models import OrgKind, OrgUnit
from zugong.rules.models import RuleVersion
from zugong.rules.registry import DeadlineSource, SourceContext, register_source
from zugong.rules.versions import in_force_q, params_in_force_many
from zugong.selection.models import SpecialInspection

NEVER = "（未开展过专项检查）"


class PlusYears(Func):
    """A date `years` later, in SQL (29 February: PostgreSQL gives the 28th, as `_plus_years` does)."""

    output_field = DateField()

    def __init__(self, day: Expression | F, years: int) -> None:
        super().__init__(day)
        self.years = int(years)

    def as_sql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"(({sql}) + make_interval(years => %s))::date", [*params, self.years]
        return f"date({sql}, %s)", [*params, f"+{self.years} years"]


def rotation_units_q(prefix: str = "") -> Q:
    return (Q(**{f"{prefix}kind": OrgKind.COUNTY})
            | Q(**{f"{prefix}kind": OrgKind.DEPARTMENT, f"{prefix}parent__kind": OrgKind.CITY}))


def own_cycles(ctx: SourceContext) -> tuple[dict[int, int], set[int]]:
    """The inspected units that carry an R22 version of their own (an override set at the county or
    department itself): their cycle in years, and those that switched R22 off. The item belongs to the parent's
    region, whose `ctx.params` would otherwise be used; the rotation page reads the cycle at the unit, so the
    engine does too. One query for the versions (usually none), one for those units' merged parameters."""
    scoped = (RuleVersion.objects.filter(in_force_q(ctx.as_of), rule__code="R22", scope__isnull=False)
              .filter(rotation_units_q("scope__"), ctx.org_q("scope__"))
              .values_list("scope_id", flat=True).distinct())
    units = list(OrgUnit.objects.filter(pk__in=list(scoped)))
    if not units:
        return {}, set()
    in_force = params_in_force_many("R22", org_units=units, on=ctx.as_of)
    years = {u.pk: int(in_force[u.pk].params[f"{'county' if u.kind == OrgKind.COUNTY else 'department'}_years"])
             for u in units}
    return years, {u.pk for u in units if not in_force[u.pk].enabled}


def _due(ctx: SourceContext, own: dict[int, int]) -> Case:
    since = Value(ctx.period_start, output_field=DateField())
    county, department = int(ctx.params["county_years"]), int(ctx.params["department_years"])
    by_years: dict[int, list[int]] = {}
    for pk, years in own.items():
        by_years.setdefault(years, []).append(pk)
    return Case(When(last__isnull=True, then=since),
                *[When(pk__in=pks, then=PlusYears(F("last"), years)) for years, pks in sorted(by_years.items())],
                When(kind=OrgKind.COUNTY, then=PlusYears(F("last"), county)),
                default=PlusYears(F("last"), department), output_field=DateField())


def inspections_due(ctx: SourceContext) -> QuerySet[Any]:
    last = (SpecialInspection.objects.filter(inspected_unit=OuterRef("pk"), started_on__lte=ctx.as_of)
            .order_by().values("inspected_unit").annotate(last=Max("started_on")).values("last"))
    own, off = own_cycles(ctx)
    since = Value(ctx.period_start, output_field=DateField())
    return (OrgUnit.objects.filter(ctx.org_q(""), rotation_units_q(), parent__isnull=False).exclude(pk__in=off)
            .order_by()
            .annotate(last=Subquery(last, output_field=DateField()))
            .values(subject_id=F("id"),
                    subject_label=Case(When(last__isnull=True, then=Concat(F("name"), Value(NEVER))),
                                       default=F("name"), output_field=CharField()),
                    org_unit_id=F("parent_id"),
                    start_date=Case(When(last__isnull=True, then=since), default=F("last"),
                                    output_field=DateField()),
                    due_date=_due(ctx, own),
                    done_date=Value(None, output_field=DateField())))


def wire_sources() -> None:
    register_source("R22", DeadlineSource(subject_type="core.orgunit", items=inspections_due,
                                          item_label="选人用人专项检查轮回周期自"))
