"""Masswork fixtures: a wall in county A (community_a's first party group) and one in county B."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from zugong.conftest import Tree, make_user
from zugong.core.models import OrgKind, Role
from zugong.core.permissions import SYSTEM
from zugong.core.services import org_unit_create
from zugong.masswork.models import Member, ServiceCategory, Wall
from zugong.masswork.services.orders import member_register, wall_create


@dataclass
class Walls:
    a: Wall
    b: Wall
    plumber: Member
    nurse: Member
    other_b: Member
    plumber_user: User  # the party members' own accounts (role member at the wall's group): 接单 is theirs
    nurse_user: User


@pytest.fixture(autouse=True)
def _clear_cache(request: pytest.FixtureRequest) -> None:
    # The throttles count in the database cache: a test in a rolled-back transaction starts with it empty,
    # one that commits (transactional) must empty it, as the flush between tests leaves the cache table be.
    marker = request.node.get_closest_marker("django_db")
    if ({"transactional_db", "live_server"} & set(request.fixturenames)
            or (marker is not None and marker.kwargs.get("transaction"))):
        request.getfixturevalue("transactional_db")
        cache.clear()


@pytest.fixture
def walls(tree: Tree) -> Walls:
    group_a = org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name="第一党小组", parent=tree.community_a)
    community_b = org_unit_create(actor=None, kind=OrgKind.COMMUNITY, name="乙社区", parent=tree.township_b)
    group_b = org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name="第一党小组", parent=community_b)
    wall_a = wall_create(actor=None, jurisdiction=SYSTEM, org_unit=group_a, community=tree.community_a, name="甲社区民心墙")
    wall_b = wall_create(actor=None, jurisdiction=SYSTEM, org_unit=group_b, community=community_b, name="乙社区民心墙")
    plumber = member_register(actor=None, jurisdiction=SYSTEM, wall=wall_a, name="王水工", specialties="水电、维修",
                              claimed_posts=ServiceCategory.REPAIR)
    nurse = member_register(actor=None, jurisdiction=SYSTEM, wall=wall_a, name="李护士", specialties="护理、量血压",
                            claimed_posts=f"{ServiceCategory.HEALTH},{ServiceCategory.ELDERLY}")
    other_b = member_register(actor=None, jurisdiction=SYSTEM, wall=wall_b, name="赵党员", specialties="法律")
    accounts = {}
    for member, username in ((plumber, "wang"), (nurse, "li")):
        accounts[username] = make_user(username, group_a, Role.MEMBER)
        member.user = accounts[username]
        member.save(update_fields=["user"])
    return Walls(wall_a, wall_b, plumber, nurse, other_b, accounts["wang"], accounts["li"])


def accept(order_id: int) -> Any:
    """接单 by the party member who holds the order, with their own account (nobody else may)."""
    from zugong.core.jurisdiction import jurisdiction_for
    from zugong.masswork.models import ServiceOrder
    from zugong.masswork.services.orders import order_accept

    member = ServiceOrder.objects.select_related("member__user").get(pk=order_id).member
    assert member is not None and member.user is not None
    holder = member.user
    return order_accept(actor=holder, jurisdiction=jurisdiction_for(holder), order_id=order_id)


def place(wall: Wall, **kwargs: Any) -> Any:
    from zugong.masswork.services.orders import order_place

    values: dict[str, Any] = {"actor": None, "jurisdiction": SYSTEM, "wall": wall, "channel": "wall", "resident_name": "张三丰",
                              "resident_phone": "13800138000", "description": "楼道灯坏了，请帮忙维修",
                              "category": ServiceCategory.REPAIR}
    values.update(kwargs)
    return order_place(**values)


@pytest.fixture
def override(tree: Tree) -> Callable[..., None]:
    """Set rule parameters the way an org_admin does: an override in the rule register (province-wide),
    so the services read them exactly as in production. Defaults come from the register's seed."""
    from zugong.rules.services import rule_override_set

    def set_params(code: str, **params: Any) -> None:
        rule_override_set(actor=None, jurisdiction=SYSTEM, code=code, org_unit=tree.province,
                          valid_from=date(2000, 1, 1), params=params)

    return set_params
