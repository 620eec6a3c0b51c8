"""The demo data tells the truth about time and ownership: a county's petitions are owned by someone of
that county (alice never owns county B's), and no order is dated in the future or updated before it was
placed."""

from __future__ import annotations

import io

from django.db.models import F
from django.utils import timezone

from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.core.models import Membership
from zugong.masswork.demo_data import load_masswork
from zugong.masswork.models import OrderEvent, Petition, ServiceOrder


def _loaded() -> DemoContext:
    # today's date: orders placed "today" at a later hour than now are the ones that used to be in the future
    ctx = DemoContext(scale="small", seed=11, today=timezone.localdate(), out=io.StringIO())
    load_org_tree(ctx)
    load_masswork(ctx)
    return ctx


def test_petitions_are_owned_in_their_own_county(db) -> None:
    ctx = _loaded()
    county_a, county_b = ctx.data["counties"][:2]
    petitions = list(Petition.objects.select_related("owner", "org_unit"))
    assert {p.org_unit_id for p in petitions} == {county_a.pk, county_b.pk}
    for p in petitions:
        assert Membership.objects.filter(user=p.owner, org_unit__path__startswith=p.org_unit.path).exists(), p
        assert p.received_by_id == p.owner_id
    owners = {(p.org_unit_id, p.owner.username) for p in petitions}
    assert owners == {(county_a.pk, "alice"), (county_b.pk, "carol")}


def test_orders_are_never_in_the_future_nor_updated_before_they_were_placed(db) -> None:
    _loaded()
    now = timezone.now()
    orders = ServiceOrder.objects.all()
    assert orders.count() > 50
    assert not orders.filter(ordered_at__gt=now).exists()
    assert not orders.filter(updated_at__lt=F("ordered_at")).exists()
    assert not orders.filter(updated_at__gt=now).exists()
    for field in ("dispatched_at", "accepted_at", "done_at", "rated_at"):
        assert not orders.filter(**{f"{field}__gt": now}).exists(), field
        assert not orders.filter(**{f"{field}__lt": F("ordered_at")}).exists(), field
    assert not OrderEvent.objects.filter(occurred_at__gt=now).exists()
