"""Every masswork list page and list endpoint runs the same number of queries with 30 more rows: the
count is taken with 30 rows of what the list shows (with their members, owners, cadres and events),
the data grown by 30 more, and the count taken again. An N+1 makes the second count larger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.conftest import bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Meeting, MeetingKind
from zugong.core.permissions import SYSTEM
from zugong.masswork.models import DutyShift, InVillageDay, LedgerEntry, Pairing, Petition, ReceptionDay
from zugong.masswork.services import orders as order_svc
from zugong.masswork.services.orders import member_register
from zugong.masswork.tests.conftest import accept, place

MORE = 30


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _orders(ctx: dict[str, Any]) -> None:
    walls, alice = ctx["walls"], ctx["alice"]
    j = jurisdiction_for(alice)
    for i in range(MORE):
        order = place(walls.a, description=f"第{i}件事：楼道灯坏了")
        if i % 2:  # half of them dispatched, so the member column and events are filled
            order_svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk,
                                     member_id=(walls.plumber if i % 4 == 1 else walls.nurse).pk)


def _members(ctx: dict[str, Any]) -> None:
    for i in range(MORE):
        member_register(actor=None, jurisdiction=SYSTEM, wall=ctx["walls"].a, name=f"党员{i}", specialties="维修")
    _orders(ctx)


def _petitions(ctx: dict[str, Any]) -> None:
    tree, alice, bob = ctx["tree"], ctx["alice"], ctx["bob"]
    Petition.objects.bulk_create(
        Petition(org_unit=tree.township_a if i % 2 else tree.county_a, channel="visit", petitioner_name=f"信访人{i}",
                 petitioner_phone="13600001234", subject=f"事项{i}", content="内容", received_on=date(2024, 3, 1),
                 accept_due=date(2024, 3, 16), received_by=alice, owner=bob if i % 3 else alice,
                 transfer_to=alice if i % 5 == 0 else None)
        for i in range(MORE))


def _cadres(tree: Any) -> list[Cadre]:
    return Cadre.objects.bulk_create(Cadre(name=f"干部{i}", org_unit=tree.township_a) for i in range(MORE))


def _ledger(ctx: dict[str, Any]) -> None:
    LedgerEntry.objects.bulk_create(LedgerEntry(org_unit=ctx["tree"].township_a, source="visit", matter=f"事项{i}",
                                                recorded_on=date(2024, 3, 1)) for i in range(MORE))


def _duty(ctx: dict[str, Any]) -> None:
    tree = ctx["tree"]
    DutyShift.objects.bulk_create(DutyShift(village=tree.village_a, cadre=cadre, day=date(2024, 3, 1) + timedelta(i))
                                  for i, cadre in enumerate(_cadres(tree)))


def _pairings(ctx: dict[str, Any]) -> None:
    tree = ctx["tree"]
    Pairing.objects.bulk_create(Pairing(cadre=cadre, village=tree.village_a, valid_from=date(2024, 1, 1),
                                        household=f"户{i}") for i, cadre in enumerate(_cadres(tree)))


def _ledger_linked(ctx: dict[str, Any]) -> None:
    """Entries each discussed at their own 民情分析会 (the meeting column is filled)."""
    tree = ctx["tree"]
    meetings = Meeting.objects.bulk_create(Meeting(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a,
                                                   held_on=date(2024, 3, 28), title=f"第{i}次") for i in range(MORE))
    LedgerEntry.objects.bulk_create(LedgerEntry(org_unit=tree.township_a, source="visit", matter=f"事项{i}",
                                                recorded_on=date(2024, 3, 1), meeting=m, decision="议定")
                                    for i, m in enumerate(meetings))


def _duty_this_week(ctx: dict[str, Any]) -> None:
    tree, bob = ctx["tree"], ctx["bob"]
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    DutyShift.objects.bulk_create(DutyShift(village=tree.village_a, cadre=cadre, user=bob, day=monday + timedelta(i % 14))
                                  for i, cadre in enumerate(_cadres(tree)))


def _in_village(ctx: dict[str, Any]) -> None:
    tree = ctx["tree"]
    InVillageDay.objects.bulk_create(InVillageDay(village=tree.village_a, cadre=cadre, day=date(2024, 3, 1))
                                     for cadre in _cadres(tree))


def _reception_days(ctx: dict[str, Any]) -> None:
    ReceptionDay.objects.bulk_create(ReceptionDay(org_unit=ctx["tree"].county_a, day=timezone.localdate() - timedelta(i),
                                                  leader_name=f"领导{i}") for i in range(MORE))


def _events(ctx: dict[str, Any]) -> None:
    """The order of the detail page goes through 30 more steps (dispatch, unsatisfied, re-dispatch…)."""
    alice, walls, order = ctx["alice"], ctx["walls"], ctx["order"]
    j = jurisdiction_for(alice)
    for _ in range(MORE // 5):
        order_svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.nurse.pk)
        accept(order.pk)
        order_svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="已办")
        order_svc.order_rate(actor=None, order_id=order.pk, rating="unsatisfied", reason="不满意")
    for i in range(MORE):
        member_register(actor=None, jurisdiction=SYSTEM, wall=walls.a, name=f"党员{i}", specialties="维修")


# (who, url, how the list grows)
LISTS: list[tuple[str, str, Callable[[dict[str, Any]], object]]] = [
    ("page", "/masswork/", _orders),
    ("page", "/masswork/?status=ordered", _orders),
    ("page", "/masswork/?overdue=1", _orders),
    ("page", "/masswork/orders/{order}/", _events),
    ("page", "/masswork/petitions/", _petitions),
    ("page", "/masswork/visits/new/", lambda ctx: _cadres(ctx["tree"])),
    ("page", "/masswork/ledger/", _ledger_linked),
    ("page", "/masswork/pick/walls/?q=民心墙", lambda ctx: [order_svc.wall_create(
        actor=None, jurisdiction=SYSTEM, org_unit=ctx["walls"].a.org_unit, community=ctx["tree"].community_a,
        name=f"民心墙{i}") for i in range(MORE)]),
    ("page", "/masswork/orders/new/", _orders),
    ("page", "/masswork/walls/", lambda ctx: [order_svc.wall_create(
        actor=None, jurisdiction=SYSTEM, org_unit=ctx["walls"].a.org_unit, community=ctx["tree"].community_a,
        name=f"民心墙{i}") for i in range(MORE)]),
    ("page", "/masswork/walls/{wall}/", _members),
    ("page", "/masswork/duty/", _duty_this_week),
    ("page", "/masswork/in-village-days/", _in_village),
    ("page", "/masswork/pairings/", _pairings),
    ("page", "/masswork/reception-days/", _reception_days),
    ("page", "/masswork/ledger/new/", lambda ctx: _cadres(ctx["tree"])),
    ("page", "/masswork/duty/new/", lambda ctx: _cadres(ctx["tree"])),
    ("page", "/masswork/petitions/new/", _reception_days),
    ("public", "/m/walls/?community={community}", lambda ctx: [order_svc.wall_create(
        actor=None, jurisdiction=SYSTEM, org_unit=ctx["walls"].a.org_unit, community=ctx["tree"].community_a,
        name=f"民心墙{i}") for i in range(MORE)]),
    ("public", "/m/walls/{wall}/", _orders),
    ("public", "/m/t/{code}/", _events),
    ("public", "/open311/v2/requests.json", _orders),
    ("api", "/api/v1/orders", _orders),
    ("api", "/api/v1/orders?status=dispatched", _orders),
    ("api", "/api/v1/orders/{order}/suggestions", _members),
    ("api", "/api/v1/walls/{wall}/members/stats", _members),
    ("api", "/api/v1/petitions", _petitions),
    ("api", "/api/v1/ledger", _ledger),
    ("api", "/api/v1/duty", _duty),
    ("api", "/api/v1/pairings", _pairings),
    ("api", "/api/v1/reception-days", _reception_days),
]


@pytest.mark.parametrize(("who", "url", "grow"), LISTS, ids=[url for _who, url, _grow in LISTS])
def test_list_query_count_does_not_grow(walls, tree, alice, bob, who, url, grow):
    # given: 30 rows already listed (the first request also fills per-request caches)
    order = place(walls.a)
    ctx = {"walls": walls, "tree": tree, "alice": alice, "bob": bob, "order": order}
    client = {"page": logged_in(alice), "public": Client(), "api": bearer(alice)}[who]
    target = url.format(order=order.pk, wall=walls.a.pk, code=order.tracking_code, community=tree.community_a.pk)
    grow(ctx)
    _count(client, target)
    before = _count(client, target)
    # when
    grow(ctx)
    # then
    after = _count(client, target)
    assert after == before, f"{target}: {before} queries before, {after} with {MORE} more rows"
