"""Talks fixtures: a roster in county A (and one cadre in county B), the org department's talkers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.cadres.models import Cadre, PostHolding
from zugong.conftest import Tree, make_user
from zugong.core.models import OrgKind, OrgUnit, Role
from zugong.core.services import org_unit_create
from zugong.talks.models import PairingRule, Talker, TalkerRole


@dataclass
class Roster:
    finance: OrgUnit
    secretary_a: Cadre
    head_a: Cadre
    deputy_a: Cadre
    secretary_a2: Cadre
    finance_head: Cadre
    clerk: Cadre
    cadre_b: Cadre
    minister: Talker
    deputy: Talker
    staff: Talker
    staff_user: User


def cadre(name: str, unit: OrgUnit, title: str, rank: str, *, leading: bool = True,
          since: date = date(2020, 3, 1)) -> Cadre:
    person = Cadre.objects.create(name=name, org_unit=unit, rank_level=rank, is_leading=leading, current_post=title)
    PostHolding.objects.create(cadre=person, org_unit=unit, title=title, rank_level=rank, is_leading=leading,
                               valid_from=since)
    return person


@pytest.fixture
def roster(tree: Tree, alice: User) -> Roster:
    finance = org_unit_create(actor=None, kind=OrgKind.DEPARTMENT, name="甲县财政局", parent=tree.county_a)
    staff_user = make_user("staffer", tree.county_a, Role.ORG_STAFF)
    minister = Talker.objects.create(org_unit=tree.county_a, name="李部长", role=TalkerRole.MINISTER, user=alice)
    deputy = Talker.objects.create(org_unit=tree.county_a, name="王副部长", role=TalkerRole.TEAM_MEMBER)
    staff = Talker.objects.create(org_unit=tree.county_a, name="赵干事", role=TalkerRole.STAFF, user=staff_user)
    rules: list[dict[str, Any]] = [
        {"talker": minister, "priority": 10, "unit_kinds": "township", "title_keywords": "党委书记,镇长,乡长,!副",
         "description": "部长：乡镇党委书记、乡镇长"},
        {"talker": minister, "priority": 20, "unit_kinds": "department", "title_keywords": "局长",
         "description": "部长：综合经济部门一把手"},
        {"talker": deputy, "priority": 30, "unit_kinds": "township", "description": "副部长：乡镇其他班子成员"},
    ]
    for spec in rules:
        PairingRule.objects.create(org_unit=tree.county_a, **spec)
    return Roster(
        finance=finance,
        secretary_a=cadre("张书记", tree.township_a, "甲镇党委书记", "D1"),
        head_a=cadre("陈镇长", tree.township_a, "甲镇镇长", "D1"),
        deputy_a=cadre("刘副镇长", tree.township_a, "甲镇副镇长", "D2"),
        secretary_a2=cadre("周书记", tree.township_a2, "丙乡党委书记", "正科"),
        finance_head=cadre("吴局长", finance, "甲县财政局局长", "D1"),
        clerk=cadre("孙科员", tree.township_a, "甲镇科员", "E1", leading=False),
        cadre_b=cadre("郑书记", tree.township_b, "乙镇党委书记", "D1"),
        minister=minister, deputy=deputy, staff=staff, staff_user=staff_user,
    )
