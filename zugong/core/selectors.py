"""Reads of core objects, always scoped to a jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise

from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import Meeting, Membership, OrgKind, OrgUnit


def org_units_visible(jurisdiction: Jurisdiction) -> QuerySet[OrgUnit]:
    return scope(OrgUnit.objects.all(), jurisdiction, org_field="")


def org_unit_list(
    jurisdiction: Jurisdiction, *, parent_id: int | None = None, query: str = "", limit: int = 200
) -> QuerySet[OrgUnit]:
    units = org_units_visible(jurisdiction).select_related("parent")
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    if query:
        units = units.filter(Q(name__contains=query) | Q(short_name__contains=query) |
                             Q(division_code__startswith=query))
    return units.order_by("path")[:limit]


def org_unit_get(jurisdiction: Jurisdiction, pk: int) -> OrgUnit:
    """One unit, or NotFound when it does not exist *or* lies outside the jurisdiction."""
    unit = org_units_visible(jurisdiction).filter(pk=pk).select_related("parent").first()
    if unit is None:
        raise NotFound("未找到该组织，或不在您的管辖范围内")
    return unit


def org_unit_by_code(jurisdiction: Jurisdiction, division_code: str) -> OrgUnit:
    unit = org_units_visible(jurisdiction).filter(division_code=division_code).order_by("depth").first()
    if unit is None:
        raise NotFound(f"未找到区划代码为 {division_code} 的组织，或不在您的管辖范围内")
    return unit


def org_roots(jurisdiction: Jurisdiction) -> QuerySet[OrgUnit]:
    """The top units of the jurisdiction (the tree browser starts here)."""
    if jurisdiction.is_superuser:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path")
    return OrgUnit.objects.filter(path__in=jurisdiction.paths).order_by("path")


def meetings_visible(jurisdiction: Jurisdiction) -> QuerySet[Meeting]:
    return scope(Meeting.objects.select_related("org_unit"), jurisdiction)


def memberships_of(user_id: int) -> QuerySet[Membership]:
    """The signed-in user's own memberships (what /me and the jurisdiction switcher show)."""
    return Membership.objects.filter(user_id=user_id).select_related("org_unit").order_by("pk")


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str | Promise
    count: int


def org_counts_by_kind(jurisdiction: Jurisdiction) -> list[KindCount]:
    """How many org units of each kind the jurisdiction holds, in the order of OrgKind."""
    visible = scope(OrgUnit.objects.all(), jurisdiction, org_field="")
    rows = {row["kind"]: row["n"] for row in visible.order_by().values("kind").annotate(n=Count("pk"))}
    return [KindCount(kind.value, kind.label, rows[kind.value]) for kind in OrgKind if rows.get(kind.value)]


def with_child_flag(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    # A child of a visible unit lies in the same subtree, so it is visible too: no second scope needed.
    return units.annotate(has_children=Exists(OrgUnit.objects.filter(parent_id=OuterRef("pk"))))
