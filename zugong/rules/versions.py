"""Which parameters are in force: the register default merged with the overrides along the org path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from zugong.core.models import OrgUnit

# re-exported: rules modules import ancestor_paths from here
from zugong.core.orgtree import ancestor_paths as ancestor_paths
from zugong.rules.models import RuleVersion
from zugong.rules.params import BY_CODE, default_params


@dataclass(frozen=True)
class InForce:
    params: dict[str, Any]
    enabled: bool
    version_id: int | None
    override_ids: tuple[int, ...] = field(default_factory=tuple)



def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def in_force_q(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def merge_versions(code: str, versions: list[RuleVersion]) -> InForce:
    """Merge versions ordered from the root down (None scope first, then by path length)."""
    params = default_params(code) if code in BY_CODE else {}
    enabled = True
    version_id: int | None = None
    for version in versions:
        params = deep_merge(params, version.params)
        enabled = version.enabled
        version_id = version.pk
    overrides = tuple(v.pk for v in versions if v.scope_id is not None)
    return InForce(params=params, enabled=enabled, version_id=version_id, override_ids=overrides)


def _depth_key(version: RuleVersion) -> int:
    return len(version.scope.path) if version.scope is not None else -1


def params_in_force(code: str, *, org_unit: OrgUnit | None, on: date) -> InForce:
    scope_q = Q(scope__isnull=True)
    if org_unit is not None:
        scope_q |= Q(scope__path__in=ancestor_paths(org_unit.path))
    versions = list(
        RuleVersion.objects.filter(in_force_q(on), scope_q, rule__code=code).select_related("scope")
    )
    versions.sort(key=_depth_key)
    return merge_versions(code, versions)


def params_in_force_many(code: str, *, org_units: list[OrgUnit], on: date) -> dict[int, InForce]:
    """`params_in_force` for many units in one query: every version of the rule in force on `on` whose scope is
    the root or an ancestor of one of the units, merged per unit from the root down."""
    paths = {path for unit in org_units for path in ancestor_paths(unit.path)}
    versions = list(RuleVersion.objects.filter(in_force_q(on), Q(scope__isnull=True) | Q(scope__path__in=paths),
                                               rule__code=code).select_related("scope"))
    versions.sort(key=_depth_key)
    result: dict[int, InForce] = {}
    for unit in org_units:
        if unit.pk not in result:
            mine = set(ancestor_paths(unit.path))
            result[unit.pk] = merge_versions(code, [v for v in versions if v.scope is None or v.scope.path in mine])
    return result
