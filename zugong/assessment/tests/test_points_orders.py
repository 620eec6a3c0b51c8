"""R32's 办结工单: 民心墙 orders completed through masswork's own services, counted for the cadre the wall
member is — by the member's account recorded as the cadre's (talker profile, duty shift), else by name and
work unit in the same county, never when ambiguous."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from zugong.assessment import selectors_points as read
from zugong.assessment.models_points import PointEntry
from zugong.assessment.order_links import orders_completed
from zugong.assessment.services import points as svc
from zugong.cadres.models import Cadre
from zugong.conftest import make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind, Role
from zugong.core.permissions import SYSTEM
from zugong.core.services import org_unit_create
from zugong.masswork.models import DutyShift, Member, OrderEvent, OrderStatus, Rating, Wall
from zugong.masswork.services import orders as mw
from zugong.talks.models import Talker

from .conftest import cadre

D = Decimal


def _wall(parent, name: str) -> Wall:
    group = org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name="第一党小组", parent=parent)
    return mw.wall_create(actor=None, jurisdiction=SYSTEM, org_unit=group, community=parent, name=name)


def _member(wall: Wall, name: str, work_unit: str, username: str) -> Member:
    user = make_user(username, wall.org_unit, Role.MEMBER)
    return mw.member_register(actor=None, jurisdiction=SYSTEM, wall=wall, name=name, work_unit=work_unit,
                              user_id=user.pk)


def _complete(member: Member, *, times: int = 1) -> int:
    """An order placed by a resident, dispatched to `member`, accepted and completed by the member's own account;
    `times` > 1: rated 不满意 and re-dispatched, then completed again."""
    user = member.user
    assert user is not None
    order = mw.order_place(actor=None, jurisdiction=SYSTEM, wall=member.wall, channel="wall", resident_name="张三丰",
                           resident_phone="13800138000", description="楼道灯坏了，请帮忙维修")
    for n in range(times):
        if n:
            mw.order_rate(actor=None, order_id=order.pk, rating=Rating.UNSATISFIED, reason="灯又坏了")
        mw.order_dispatch(actor=None, jurisdiction=SYSTEM, order_id=order.pk, member_id=member.pk)
        mw.order_accept(actor=user, jurisdiction=jurisdiction_for(user), order_id=order.pk)
        mw.order_complete(actor=user, jurisdiction=jurisdiction_for(user), order_id=order.pk, report="已更换灯泡")
    return order.pk


def test_orders_completed_count_for_the_cadre_the_member_is(world) -> None:
    tree = world.tree
    wall = _wall(tree.community_a, "甲社区民心墙")
    community_b = org_unit_create(actor=None, kind=OrgKind.COMMUNITY, name="乙社区", parent=tree.township_b)
    wall_b = _wall(community_b, "乙社区民心墙")
    by_name = world.cadres[1]      # 干部1 of 甲镇
    by_account = world.cadres[3]   # 干部3 of 甲镇, whose account is recorded on a talker profile
    by_duty = world.cadres[2]      # 干部2 of 丙乡, whose account checked in on a duty shift
    twin = world.cadres[5]         # 干部5 of 甲镇 — and a second 干部5 in 甲镇
    cadre("干部5", tree.township_a)

    named = _member(wall, "干部1", "甲镇", "m1")
    _complete(named)
    _complete(named, times=2)  # completed twice after an unsatisfied rating: one order
    aged = _complete(named)
    OrderEvent.objects.filter(order_id=aged, to_status=OrderStatus.DONE).update(
        occurred_at=timezone.now() - timedelta(days=400))  # completed in another period
    talker_account = _member(wall, "王水工", "县水利局", "m2")
    Talker.objects.create(org_unit=tree.county_a, name=by_account.name, cadre=by_account, user=talker_account.user)
    for _ in range(3):
        _complete(talker_account)
    duty_account = _member(wall, "李护士", "", "m3")
    DutyShift.objects.create(village=tree.village_a, cadre=by_duty, user=duty_account.user, day=date(2026, 1, 5))
    _complete(duty_account)
    _complete(_member(wall, "干部5", "甲镇", "m4"))         # two cadres 干部5 in 甲镇: linked to neither
    _complete(_member(wall, "干部7", "乙镇", "m5"))         # 干部7 works in 甲镇, not 乙镇
    _complete(_member(wall_b, "干部1", "甲镇", "m6"))       # a wall of county B: not county A's 干部1

    today = timezone.localdate()
    counted = orders_completed(Cadre.objects.filter(org_unit__path__startswith=tree.county_a.path), today, today)
    assert counted == {by_name.pk: 2, by_account.pk: 3, by_duty.pk: 1}
    assert twin.pk not in counted and world.cadres[7].pk not in counted

    item = svc.point_item_set(actor=world.alice, jurisdiction=world.ja, org_unit=tree.county_a, name="办结工单",
                              points=D("2"), source="orders")
    period = read.period_of(f"{today.year}Q{(today.month - 1) // 3 + 1}")
    svc.points_fill(actor=world.alice, jurisdiction=world.ja, org_unit=tree.county_a, start=period.start,
                    end=period.end)
    got = {e.cadre_id: (e.quantity, e.points, e.evidence) for e in PointEntry.objects.filter(item=item)}
    assert got == {
        by_name.pk: (D("2"), D("4.00"), f"系统计入：{period.start}–{period.end} 共 2 次"),
        by_account.pk: (D("3"), D("6.00"), f"系统计入：{period.start}–{period.end} 共 3 次"),
        by_duty.pk: (D("1"), D("2.00"), f"系统计入：{period.start}–{period.end} 共 1 次"),
    }
    svc.points_fill(actor=world.alice, jurisdiction=world.ja, org_unit=tree.county_a, start=period.start,
                    end=period.end)  # counted again: replaced, not doubled
    assert PointEntry.objects.filter(item=item).count() == 3


def test_an_account_recorded_for_two_cadres_links_neither(world) -> None:
    wall = _wall(world.tree.community_a, "甲社区民心墙")
    member = _member(wall, "王水工", "县水利局", "m1")
    for person in world.cadres[1:3]:
        Talker.objects.create(org_unit=world.tree.county_a, name=person.name, cadre=person, user=member.user)
    _complete(member)
    today = timezone.localdate()
    assert orders_completed(Cadre.objects.all(), today, today) == {}


def test_the_fill_counts_orders_in_a_fixed_number_of_queries(world, django_assert_max_num_queries) -> None:
    wall = _wall(world.tree.community_a, "甲社区民心墙")
    for n, person in enumerate(world.cadres):
        _complete(_member(wall, person.name, person.org_unit.name, f"m{n}"))
    today = timezone.localdate()
    with django_assert_max_num_queries(5):
        counted = orders_completed(Cadre.objects.all(), today, today)
    assert counted == {p.pk: 1 for p in world.cadres}
