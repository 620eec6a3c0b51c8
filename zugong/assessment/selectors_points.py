"""Reads of the points cards (R32), scoped to the jurisdiction: items, entries awaiting approval, and the
periodic totals with a ranking per unit.

A cadre's total for a period = Σ points of the cadre's approved entries dated in the period (automatic
entries are dated on the first day of the period they count). Within each unit cadres rank by total,
highest first; equal totals share a rank. One grouped query."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from zugong.assessment.models_points import EntryStatus, PointEntry, PointItem
from zugong.cadres.models import Cadre
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, scope

PERIOD = re.compile(r"^(\d{4})(?:(Q[1-4])|-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    text: str
    start: date
    end: date
    label: str


def period_of(text: str) -> Period:
    """"2026" (a year), "2026Q1" (a quarter) or "2026-03" (a month)."""
    match = PERIOD.match(text.strip())
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationFailed("期间格式为 2026、2026Q1 或 2026-03", field="period")
    year = int(match.group(1))
    if match.group(2):
        q = int(match.group(2)[1])
        start, label = date(year, 3 * q - 2, 1), f"{year}年第{q}季度"
        months = 3
    elif match.group(3):
        start, label, months = date(year, int(match.group(3)), 1), f"{year}年{int(match.group(3))}月", 1
    else:
        return Period(text.strip(), date(year, 1, 1), date(year, 12, 31), f"{year}年")
    after = date(start.year + (start.month + months - 1) // 12, (start.month + months - 1) % 12 + 1, 1)
    return Period(text.strip(), start, after - timedelta(days=1), label)


def current_period(today: date) -> Period:
    """The period of R32's `period` kind (default a quarter) that holds `today`."""
    from zugong.rules.registry import param

    kind = param("R32", "period", org_unit=None, on=today)
    if kind == "year":
        return period_of(str(today.year))
    if kind == "month":
        return period_of(f"{today.year}-{today.month:02d}")
    return period_of(f"{today.year}Q{(today.month - 1) // 3 + 1}")


def items_visible(jurisdiction: Jurisdiction) -> QuerySet[PointItem]:
    return scope(PointItem.objects.select_related("org_unit"), jurisdiction)


def items_applicable(jurisdiction: Jurisdiction) -> QuerySet[PointItem]:
    """The items of the cards the jurisdiction's cadres hold: set inside it, or above it (a county's items
    apply in its townships)."""
    from zugong.core.orgtree import ancestor_paths

    above = {p for root in jurisdiction.paths for p in ancestor_paths(root)}
    return (PointItem.objects.filter(jurisdiction.org_q("org_unit__") | Q(org_unit__path__in=above))
            .select_related("org_unit"))


def entries_visible(jurisdiction: Jurisdiction) -> QuerySet[PointEntry]:
    return scope(PointEntry.objects.select_related("item", "cadre", "org_unit"), jurisdiction)


def pending(jurisdiction: Jurisdiction) -> QuerySet[PointEntry]:
    return entries_visible(jurisdiction).filter(status=EntryStatus.PENDING).order_by("on", "pk")


@dataclass(frozen=True)
class CadreTotal:
    cadre_id: int
    name: str
    unit_id: int
    unit: str
    total: Decimal
    rank: int  # within the unit


def totals(jurisdiction: Jurisdiction, period: Period) -> list[CadreTotal]:
    rows = (entries_visible(jurisdiction).filter(status=EntryStatus.APPROVED, on__range=(period.start, period.end))
            .order_by().values_list("cadre_id", "cadre__name", "org_unit_id", "org_unit__name", "org_unit__path")
            .annotate(total=Sum("points")))
    ordered = sorted(rows, key=lambda r: (r[4], -r[5], r[0]))
    out: list[CadreTotal] = []
    position = 0
    for cadre_id, name, unit_id, unit, _path, total in ordered:
        same_unit = bool(out) and out[-1].unit_id == unit_id
        position = position + 1 if same_unit else 1
        rank = out[-1].rank if same_unit and out[-1].total == total else position
        out.append(CadreTotal(cadre_id, name, unit_id, unit, total, rank))
    return out


def cadre_total(cadre: Cadre, start: date, end: date) -> Decimal:
    """One cadre's approved points in [start, end] (the assessment indicator reads it)."""
    total = (PointEntry.objects.filter(cadre=cadre, status=EntryStatus.APPROVED, on__range=(start, end))
             .aggregate(t=Sum("points"))["t"])
    return total or Decimal("0")
