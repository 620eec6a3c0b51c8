"""Core's demo contributor: the org tree of 示范省 and the demo accounts."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from zugong.core.demo import DemoAccount, DemoContext, demo_contributor
from zugong.core.models import Membership, OrgKind, OrgUnit, Role
from zugong.core.names import place_name
from zugong.core.orgtree import child_path

DEMO_PASSWORD = "zugong-demo"
PROVINCE_CODE = "990000"
COUNTY_DEPARTMENTS = ("县委组织部", "县委办公室", "县发展和改革局", "县财政局", "县教育局", "县农业农村局",
                      "县自然资源局", "县住房和城乡建设局", "县卫生健康局", "县信访局")
SIZES = {  # (cities, counties per city, townships per county, villages per township, communities)
    "small": (1, 2, 5, 4, 1),
    "province": (13, 8, 15, 13, 1),
}


@dataclass
class TreeBuilder:
    """Builds units in memory with their paths, then inserts them in one bulk_create per level."""

    rng: random.Random
    used_names: set[str] = field(default_factory=set)
    pending: list[OrgUnit] = field(default_factory=list)
    child_counts: dict[str, int] = field(default_factory=dict)

    def add(self, parent: OrgUnit | None, kind: str, name: str, code: str | None = None) -> OrgUnit:
        parent_path = parent.path if parent else ""
        number = self.child_counts.get(parent_path, 0) + 1
        self.child_counts[parent_path] = number
        unit = OrgUnit(kind=kind, name=name, short_name=name[:6], division_code=code, parent=parent,
                       path=child_path(parent_path, number), depth=(parent.depth + 1) if parent else 0,
                       sort_order=number, valid_from=date(2020, 1, 1))
        self.pending.append(unit)
        return unit

    def flush(self) -> None:
        OrgUnit.objects.bulk_create(self.pending, batch_size=2000)
        self.pending = []


def _build_tree(ctx: DemoContext) -> None:
    rng = ctx.rng("core.orgs")
    cities_n, counties_n, townships_n, villages_n, communities_n = SIZES[ctx.scale]
    tree = TreeBuilder(rng)
    province = tree.add(None, OrgKind.PROVINCE, "示范省", PROVINCE_CODE)
    tree.flush()
    cities = [tree.add(province, OrgKind.CITY, place_name(rng, tree.used_names) + "市", f"99{c + 1:02d}00")
              for c in range(cities_n)]
    tree.flush()
    counties: list[OrgUnit] = []
    for city in cities:
        for k in range(counties_n):
            counties.append(tree.add(city, OrgKind.COUNTY, place_name(rng, tree.used_names) + "县",
                                     f"{(city.division_code or '')[:4]}{k + 21:02d}"))
    tree.flush()
    townships: list[OrgUnit] = []
    departments: dict[int, list[OrgUnit]] = {}
    for county in counties:
        departments[county.pk] = [tree.add(county, OrgKind.DEPARTMENT, county.name + d[1:])
                                  for d in COUNTY_DEPARTMENTS]
        for t in range(townships_n):
            suffix = "镇" if rng.random() < 0.6 else "乡"
            townships.append(tree.add(county, OrgKind.TOWNSHIP, place_name(rng, tree.used_names) + suffix,
                                      f"{county.division_code}{t + 1:03d}"))
    tree.flush()
    villages: list[OrgUnit] = []
    communities: list[OrgUnit] = []
    for township in townships:
        code = township.division_code or ""
        for v in range(villages_n):
            villages.append(tree.add(township, OrgKind.VILLAGE, place_name(rng, set()) + "村",
                                     f"{code}{v + 201:03d}"))
        for c in range(communities_n):
            communities.append(tree.add(township, OrgKind.COMMUNITY, place_name(rng, set()) + "社区",
                                        f"{code}{c + 1:03d}"))
    tree.flush()
    party_groups: list[OrgUnit] = []
    if communities:  # every community's party branch and its groups (the mass-work walls hang on them)
        branches = [tree.add(c, OrgKind.PARTY_BRANCH, c.name + "党支部") for c in communities]
        tree.flush()
        for branch in branches:
            for g in range(3):
                party_groups.append(tree.add(branch, OrgKind.PARTY_GROUP, f"第{'一二三'[g]}党小组"))
        tree.flush()
    ctx.data.update(province=province, cities=cities, counties=counties, townships=townships,
                    villages=villages, communities=communities, departments=departments,
                    party_groups=party_groups)
    ctx.say(f"组织：{OrgUnit.objects.count()} 个（市 {len(cities)}，县 {len(counties)}，乡镇 {len(townships)}，"
            f"村 {len(villages)}，社区 {len(communities)}）")


@functools.cache
def _demo_password_hash() -> str:
    # One PBKDF2 run for all demo accounts (they share a published password anyway): hashing it
    # per account took most of the demo's time.
    return make_password(DEMO_PASSWORD)


def _account(ctx: DemoContext, username: str, role: str, unit: OrgUnit, full_name: str, note: str = "",
             superuser: bool = False) -> None:
    user_model = get_user_model()
    user = user_model.objects.create_user(username=username, first_name=full_name,
                                          is_staff=superuser or role == Role.ORG_ADMIN, is_superuser=superuser)
    user.password = _demo_password_hash()
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, org_unit=unit, role=role)
    ctx.accounts.append(DemoAccount(username, DEMO_PASSWORD, role, unit.name, note))


def _create_accounts(ctx: DemoContext) -> None:
    province: OrgUnit = ctx.data["province"]
    county_a, county_b = ctx.data["counties"][0], ctx.data["counties"][1]
    township_a = next(t for t in ctx.data["townships"] if t.parent_id == county_a.pk)
    village_a = next(v for v in ctx.data["villages"] if v.parent_id == township_a.pk)
    _account(ctx, "admin", Role.ORG_ADMIN, province, "系统管理员", "超级用户", superuser=True)
    _account(ctx, "province", Role.ORG_ADMIN, province, "省委组织部管理员")
    _account(ctx, "city", Role.ORG_ADMIN, ctx.data["cities"][0], "市委组织部管理员")
    _account(ctx, "leader", Role.LEADER, province, "省委组织部领导", "只读看板")
    _account(ctx, "alice", Role.ORG_ADMIN, county_a, "县委组织部（甲县）", "县 A 组织部管理员")
    _account(ctx, "staff", Role.ORG_STAFF, county_a, "县委组织部组工干部")
    _account(ctx, "bob", Role.TOWNSHIP_STAFF, township_a, "乡镇干部", "县 A 乡镇干部")
    _account(ctx, "carol", Role.ORG_ADMIN, county_b, "县委组织部（乙县）", "县 B 组织部管理员")
    _account(ctx, "village", Role.VILLAGE_STAFF, village_a, "村干部")
    if ctx.data["party_groups"]:
        group = ctx.data["party_groups"][0]
        _account(ctx, "grouplead", Role.GROUP_LEADER, group, "党小组长")
        _account(ctx, "member", Role.MEMBER, group, "在职党员")


@demo_contributor("core.orgs", order=0)
def load_org_tree(ctx: DemoContext) -> None:
    with transaction.atomic():
        _build_tree(ctx)
        _create_accounts(ctx)
