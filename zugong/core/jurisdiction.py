"""Jurisdiction (管辖范围): the one place that decides which org units a user may see.

A user's jurisdiction is the union of the subtrees of their memberships (or of the one membership
they switched to). Every selector scopes its queryset through `scope()`; nothing else filters by org.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet

from zugong.core.models import Membership, OrgUnit
from zugong.core.orgtree import subtree_q

M = TypeVar("M", bound=Model)

ALL_PATHS = ("",)


@dataclass(frozen=True)
class Grant:
    path: str
    role: str
    org_unit_id: int


@dataclass(frozen=True)
class Jurisdiction:
    """The subtrees a user may see, and the roles they hold at the root of each."""

    user_id: int | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    is_superuser: bool = False

    @property
    def paths(self) -> tuple[str, ...]:
        if self.is_superuser:
            return ALL_PATHS
        return minimal_roots(g.path for g in self.grants)

    @property
    def is_empty(self) -> bool:
        return not self.is_superuser and not self.grants

    def org_q(self, prefix: str = "") -> Q:
        """A Q over `<prefix>path` matching every unit in the jurisdiction (nothing if empty)."""
        if self.is_empty:
            return Q(pk__in=[])
        query = Q()
        for path in self.paths:
            query |= subtree_q(path, prefix)
        return query

    def contains_path(self, path: str) -> bool:
        return any(path.startswith(root) for root in self.paths)

    def contains(self, org: OrgUnit) -> bool:
        return self.contains_path(org.path)

    def roles_at(self, org: OrgUnit) -> set[str]:
        """Roles that apply at `org`: those of every membership whose subtree contains it."""
        if self.is_superuser:
            return {"org_admin"}
        return {g.role for g in self.grants if org.path.startswith(g.path)}

    def has_role_at(self, org: OrgUnit, roles: Iterable[str]) -> bool:
        return bool(self.roles_at(org) & set(roles))

    def roles(self) -> set[str]:
        if self.is_superuser:
            return {"org_admin"}
        return {g.role for g in self.grants}


def minimal_roots(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop every path that lies under another one: the union stays the same, the SQL gets shorter."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return tuple(roots)


def jurisdiction_for(user: AbstractBaseUser | AnonymousUser | None, membership_id: int | None = None) -> Jurisdiction:
    if user is None or not user.is_authenticated:
        return Jurisdiction(user_id=None)
    if getattr(user, "is_superuser", False) and membership_id is None:
        return Jurisdiction(user_id=user.pk, is_superuser=True)
    memberships = Membership.objects.filter(user_id=user.pk).select_related("org_unit")
    if membership_id is not None:
        memberships = memberships.filter(pk=membership_id)
    grants = tuple(Grant(path=m.org_unit.path, role=m.role, org_unit_id=m.org_unit_id) for m in memberships)
    return Jurisdiction(user_id=user.pk, grants=grants)


def scope(queryset: QuerySet[M], jurisdiction: Jurisdiction, org_field: str = "org_unit") -> QuerySet[M]:
    """Restrict `queryset` to rows whose `org_field` lies in the jurisdiction.

    `org_field` is the lookup path to the OrgUnit ("org_unit", "cadre__org_unit", or "" for OrgUnit).
    """
    prefix = f"{org_field}__" if org_field else ""
    return queryset.filter(jurisdiction.org_q(prefix))
