"""The demo province: deterministic from the seed, the sizes the issue asks for, core's accounts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from zugong.core.demo import DemoContext
from zugong.core.demo_data import PROVINCE_CODE, SIZES, load_org_tree
from zugong.core.jurisdiction import jurisdiction_for, scope
from zugong.core.models import Membership, OrgKind, OrgUnit


class Rollback(Exception):
    pass


def build(seed: int) -> tuple[DemoContext, list[tuple[str, str, str | None, str]]]:
    """Run core's contributor at small scale, note every unit, and undo it."""
    ctx = DemoContext(scale="small", seed=seed, today=date(2026, 1, 5), out=io.StringIO())
    rows: list[tuple[str, str, str | None, str]] = []
    try:
        with transaction.atomic():
            load_org_tree(ctx)
            rows = list(OrgUnit.objects.order_by("path").values_list("path", "name", "division_code", "kind"))
            raise Rollback
    except Rollback:
        pass
    return ctx, rows


@pytest.mark.django_db
def test_same_seed_gives_same_tree_and_other_seed_differs() -> None:
    _, first = build(2026)
    _, again = build(2026)
    _, other = build(7)
    assert first == again
    assert [r[1] for r in first] != [r[1] for r in other]
    assert [(r[0], r[2], r[3]) for r in first] == [(r[0], r[2], r[3]) for r in other]  # same shape and codes


@pytest.mark.django_db
def test_small_scale_shape() -> None:
    ctx, rows = build(2026)
    kinds: dict[str, int] = {}
    for _, _, _, kind in rows:
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == {"province": 1, "city": 1, "county": 2, "department": 20, "township": 10, "village": 40,
                     "community": 10, "party_branch": 10, "party_group": 30}
    assert rows[0][1:] == ("示范省", PROVINCE_CODE, "province")
    assert len({r[0] for r in rows}) == len(rows)  # paths unique
    codes = [r[2] for r in rows if r[2]]
    assert len(codes) == len(set(codes)) and all(c.startswith("99") for c in codes)
    assert [a.username for a in ctx.accounts][:9] == ["admin", "province", "city", "leader", "alice", "staff",
                                                      "bob", "carol", "village"]


def test_province_scale_sizes_match_the_issue() -> None:
    cities, counties, townships, villages, _ = SIZES["province"]
    assert cities == 13
    assert 95 <= cities * counties <= 110
    assert 1400 <= cities * counties * townships <= 1600
    assert 19_000 <= cities * counties * townships * villages <= 21_000


@pytest.mark.django_db
def test_demo_accounts_see_their_own_subtrees() -> None:
    ctx = DemoContext(scale="small", seed=2026, today=date(2026, 1, 5), out=io.StringIO())
    load_org_tree(ctx)
    alice, carol = User.objects.get(username="alice"), User.objects.get(username="carol")
    county_a, county_b = ctx.data["counties"]
    seen_by_alice = scope(OrgUnit.objects.all(), jurisdiction_for(alice), org_field="")
    assert seen_by_alice.filter(pk=county_a.pk).exists() and not seen_by_alice.filter(pk=county_b.pk).exists()
    assert scope(OrgUnit.objects.all(), jurisdiction_for(carol), org_field="").filter(pk=county_b.pk).exists()
    assert Membership.objects.get(user__username="bob").org_unit.parent_id == county_a.pk
    assert User.objects.get(username="admin").is_superuser
    assert alice.check_password("zugong-demo")


@pytest.mark.django_db
def test_demo_command_refuses_a_database_with_org_units() -> None:
    OrgUnit.objects.create(kind=OrgKind.PROVINCE, name="已有省", path="00001.", depth=0)
    with pytest.raises(CommandError, match="只能装入空数据库"):
        call_command("demo")
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
