"""The province's mass work, run at 1/1000 of its size on the small tree: the same generators as
`zugong demo --scale province`, the same truths as the small demo (no step in the future, every order's
history ends in its status, ledger entries point at the visit that raised them)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from typing import cast

import pytest
from django.db.models import F
from django.utils import timezone

from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.masswork.demo_province import PROVINCE, load_province, tracking_code
from zugong.masswork.models import (
    DutyShift,
    HouseholdVisit,
    InVillageDay,
    LedgerEntry,
    OrderEvent,
    Pairing,
    Petition,
    ServiceOrder,
)
from zugong.masswork.services.orders import _CODE_ALPHABET

FINAL_STEPS = {"ordered": 1, "dispatched": 2, "accepted": 3, "done": 4, "rated": 5, "follow_up": 5, "explained": 6}


@pytest.fixture
def province(db) -> DemoContext:
    small = DemoContext(scale="small", seed=5, today=timezone.localdate(), out=io.StringIO())
    load_org_tree(small)
    ctx = DemoContext(scale="province", seed=5, today=small.today, out=io.StringIO(), fraction=0.001,
                      data=small.data)
    load_province(ctx)
    return ctx


def test_sizes_are_the_provinces_scaled_by_the_fraction(province: DemoContext) -> None:
    assert PROVINCE == {"orders": 2_000_000, "visits": 5_000_000, "petitions": 200_000}
    assert ServiceOrder.objects.count() == 2000
    assert HouseholdVisit.objects.count() == 5000
    assert Petition.objects.count() == 200
    assert {o.wall.org_unit_id for o in ServiceOrder.objects.select_related("wall")} <= {
        g.pk for g in province.data["party_groups"]}
    assert set(Petition.objects.values_list("org_unit_id", flat=True)) == {c.pk for c in province.data["counties"]}
    assert DutyShift.objects.exists() and InVillageDay.objects.exists() and Pairing.objects.exists()
    assert "点单 2000" in cast(io.StringIO, province.out).getvalue()  # with progress lines on the way
    assert "走访 100% 5,000/5,000" in cast(io.StringIO, province.out).getvalue()


def test_every_orders_history_ends_in_its_status_and_nothing_is_in_the_future(province: DemoContext) -> None:
    now = timezone.now()
    orders = ServiceOrder.objects.all()
    assert not orders.filter(ordered_at__gt=now).exists()
    assert not orders.filter(updated_at__lt=F("ordered_at")).exists()
    for field in ("dispatched_at", "accepted_at", "done_at", "rated_at"):
        assert not orders.filter(**{f"{field}__gt": now}).exists(), field
        assert not orders.filter(**{f"{field}__lt": F("ordered_at")}).exists(), field
    assert not OrderEvent.objects.filter(occurred_at__gt=now).exists()
    steps = Counter(OrderEvent.objects.values_list("order_id", flat=True))
    last = dict(OrderEvent.objects.order_by("order_id", "occurred_at", "pk").values_list("order_id", "to_status"))
    for order_id, status, member in orders.values_list("pk", "status", "member_id"):
        assert steps[order_id] == FINAL_STEPS[status] and last[order_id] == status
        assert (member is None) == (status == "ordered")
    statuses = Counter(orders.values_list("status", flat=True))
    assert statuses["rated"] > statuses["follow_up"] > 0 and statuses["ordered"] > 0  # the small demo's mix


def test_tracking_codes_are_distinct_and_readable_over_the_phone(province: DemoContext) -> None:
    codes = list(ServiceOrder.objects.values_list("tracking_code", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(len(c) == 12 and set(c) <= set(_CODE_ALPHABET) for c in codes)
    assert len({tracking_code(i) for i in range(1, 200_001)}) == 200_000


def test_ledger_entries_point_at_the_visit_that_raised_them(province: DemoContext) -> None:
    entries = list(LedgerEntry.objects.filter(source="visit"))
    assert entries
    visits = HouseholdVisit.objects.in_bulk([int(e.source_ref.split(":")[1]) for e in entries])
    for entry in entries:
        visit = visits[int(entry.source_ref.split(":")[1])]
        assert (visit.matters, visit.household, visit.visited_on) == (entry.matter, entry.household, entry.recorded_on)
        assert entry.raised_at_id == visit.org_unit_id and entry.org_unit_id == visit.org_unit.parent_id


def test_petitions_keep_their_deadlines(province: DemoContext) -> None:
    for p in Petition.objects.all():
        assert p.accept_due == p.received_on + timedelta(days=15)
        assert p.status in {"received", "accepted", "closed"}
        assert (p.accepted_on is None) == (p.status == "received")
        if p.closed_on:
            assert p.accepted_on and p.closed_on > p.accepted_on and p.reply and p.satisfaction
        assert p.tokens  # jieba's words, for repeat detection
