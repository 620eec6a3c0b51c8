"""Core API: who am I, and the org tree within my jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from zugong.core import selectors
from zugong.core.api_queries import CompiledRead
from zugong.core.models import OrgUnit
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.core.schemas import Out

router = Router(tags=["core"])


class MembershipOut(Out):
    org_unit_id: int
    org_unit_name: str
    division_code: str | None
    role: str


class MeOut(Out):
    id: int
    username: str
    name: str
    memberships: list[MembershipOut]


class OrgUnitOut(Out):
    id: int
    code: str | None
    name: str
    kind: str
    parent: int | None


def _org_out(unit: OrgUnit) -> OrgUnitOut:
    return OrgUnitOut(id=unit.pk, code=unit.division_code, name=unit.name, kind=unit.kind, parent=unit.parent_id)


def _membership_rows(user_id: int) -> QuerySet[Any]:
    return selectors.memberships_of(user_id).values_list("org_unit_id", "org_unit__name",
                                                         "org_unit__division_code", "role")


# `selectors.memberships_of` as plain values, its SQL compiled once (every client calls /me first).
MEMBERSHIP_READ = CompiledRead(_membership_rows, user_id=-424242)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user = actor_of(request)
    return {
        "id": user.pk, "username": user.get_username(), "name": getattr(user, "first_name", "") or user.get_username(),
        "memberships": [{"org_unit_id": unit_id, "org_unit_name": name, "division_code": code, "role": role}
                        for unit_id, name, code, role in MEMBERSHIP_READ.rows(user_id=user.pk)],
    }


@router.get("/org-units", response=list[OrgUnitOut])
def org_units(request: HttpRequest, parent: RowId | None = None, q: str = "") -> list[OrgUnitOut]:
    units = selectors.org_unit_list(jurisdiction_of(request, "core.org_view"), parent_id=parent, query=q.strip())
    return [_org_out(u) for u in units]


@router.get("/org-units/{unit_id}", response=OrgUnitOut)
def org_unit_detail(request: HttpRequest, unit_id: RowId) -> OrgUnitOut:
    return _org_out(selectors.org_unit_get(jurisdiction_of(request, "core.org_view"), unit_id))
