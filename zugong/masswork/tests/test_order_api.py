"""The order API: transitions, the 409 envelope, concurrent dispatch, and the permission matrix."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from zugong.conftest import bearer
from zugong.core.errors import IllegalTransition
from zugong.core.jurisdiction import jurisdiction_for
from zugong.masswork.models import OrderStatus, ServiceOrder
from zugong.masswork.services import orders as svc
from zugong.masswork.tests.conftest import accept, place


def test_dispatch_then_second_dispatch_is_409_in_chinese(walls, alice):
    client = bearer(alice)
    order = place(walls.a)
    first = client.post(f"/api/v1/orders/{order.pk}/dispatch", {"member_id": walls.plumber.pk},
                        content_type="application/json")
    assert first.status_code == 200 and first.json()["status"] == "dispatched"
    assert first.json()["member"] == "王水工"
    second = client.post(f"/api/v1/orders/{order.pk}/dispatch", {"member_id": walls.nurse.pk},
                         content_type="application/json")
    assert second.status_code == 409
    assert second.json() == {"error": {"code": "illegal_transition", "message": "该点单已派单，不能重复派单"}}


def test_accept_complete_rate_explain_over_the_api(walls, alice):
    client = bearer(alice)
    order = place(walls.a)
    client.post(f"/api/v1/orders/{order.pk}/dispatch", {"member_id": walls.plumber.pk},
                content_type="application/json")
    assert client.post(f"/api/v1/orders/{order.pk}/accept").status_code == 403  # 接单 is the member's own act
    assert bearer(walls.plumber_user).post(f"/api/v1/orders/{order.pk}/accept").json()["status"] == "accepted"
    done = client.post(f"/api/v1/orders/{order.pk}/complete", {"report": "已修好"}, content_type="application/json")
    assert done.json()["status"] == "done" and done.json()["report"] == "已修好"
    no_reason = client.post(f"/api/v1/orders/{order.pk}/rate", {"rating": "unsatisfied"},
                            content_type="application/json")
    assert no_reason.status_code == 400 and "不满意原因" in no_reason.json()["error"]["message"]
    rated = client.post(f"/api/v1/orders/{order.pk}/rate", {"rating": "unsatisfied", "reason": "又坏了"},
                        content_type="application/json")
    assert rated.json()["status"] == "follow_up"
    explained = client.post(f"/api/v1/orders/{order.pk}/explain", {"explanation": "属物业维修范围，已协调"},
                            content_type="application/json")
    assert explained.json()["status"] == "explained"
    again = client.post(f"/api/v1/orders/{order.pk}/accept")
    assert again.status_code == 409


def test_suggestions_and_stats_endpoints(walls, alice):
    client = bearer(alice)
    order = place(walls.a)
    rows = client.get(f"/api/v1/orders/{order.pk}/suggestions").json()
    assert rows[0]["name"] == "王水工" and rows[0]["claims_post"] is True
    stats = client.get(f"/api/v1/walls/{walls.a.pk}/stats").json()
    assert stats["total"] == 1 and stats["dispatched"] == 0


def test_staff_intake_by_phone(walls, bob):
    response = bearer(bob).post("/api/v1/orders", {
        "wall_id": walls.a.pk, "channel": "phone", "resident_name": "刘奶奶", "resident_phone": "13911112222",
        "description": "代买药品", "category": "elderly", "urgency": 1}, content_type="application/json")
    assert response.status_code == 201 and response.json()["channel"] == "phone"


@pytest.mark.parametrize(("who", "wall", "visible"), [
    ("alice", "a", True), ("bob", "a", True), ("carol", "a", False),
    ("alice", "b", False), ("bob", "b", False), ("carol", "b", True),
])
def test_permission_matrix(walls, people, who, wall, visible):
    order = place(getattr(walls, wall), resident_phone="13800000001")
    client = bearer(people[who])
    member = walls.plumber if wall == "a" else walls.other_b
    endpoints = [
        ("get", f"/api/v1/orders/{order.pk}", None),
        ("get", f"/api/v1/orders/{order.pk}/suggestions", None),
        ("get", f"/api/v1/walls/{order.wall_id}/stats", None),
        ("post", f"/api/v1/orders/{order.pk}/dispatch", {"member_id": member.pk}),
    ]
    for method, url, body in endpoints:
        response = getattr(client, method)(url, body, content_type="application/json") if body else getattr(
            client, method)(url)
        assert (response.status_code == 200) is visible, (who, url, response.status_code)
        if not visible:
            assert response.status_code == 404
    listed = [row["id"] for row in client.get("/api/v1/orders").json()]
    assert (order.pk in listed) is visible


def test_order_list_query_count(walls, alice, django_assert_max_num_queries):
    for i in range(15):
        place(walls.a, resident_phone=f"1380000{i:04d}")
    client = bearer(alice)
    with django_assert_max_num_queries(8):
        rows = client.get("/api/v1/orders?limit=15").json()
    assert len(rows) == 15


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; see the 409 test")
def test_concurrent_dispatch_exactly_one_wins(walls, alice):
    # given: one order, two group leaders in two threads, each on its own connection
    order = place(walls.a)
    jurisdiction = jurisdiction_for(alice)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def dispatch(member_id: int) -> None:
        try:
            barrier.wait()
            svc.order_dispatch(actor=alice, jurisdiction=jurisdiction, order_id=order.pk, member_id=member_id)
            outcomes.append("won")
        except IllegalTransition as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=dispatch, args=(m.pk,)) for m in (walls.plumber, walls.nurse)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then
    assert sorted(outcomes) == sorted(["won", "该点单已派单，不能重复派单"])
    final = ServiceOrder.objects.get(pk=order.pk)
    assert final.status == OrderStatus.DISPATCHED and final.dispatch_count == 1
    assert final.events.filter(to_status="dispatched").count() == 1


def test_member_stats_per_wall(walls, alice, carol):
    client = bearer(alice)
    j = jurisdiction_for(alice)
    for rating in ("satisfied", "unsatisfied"):
        order = place(walls.a)
        svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
        accept(order.pk)
        svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="好了")
        svc.order_rate(actor=None, order_id=order.pk, rating=rating, reason="慢")
    open_one = place(walls.a)
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=open_one.pk, member_id=walls.nurse.pk)
    rows = {r["name"]: r for r in client.get(f"/api/v1/walls/{walls.a.pk}/members/stats").json()}
    assert rows["王水工"] == {"member_id": walls.plumber.pk, "name": "王水工", "dispatched": 2, "done": 2,
                           "satisfied": 1, "basic": 0, "unsatisfied": 1, "in_hand": 0}
    assert rows["李护士"]["dispatched"] == 1 and rows["李护士"]["in_hand"] == 1
    assert bearer(carol).get(f"/api/v1/walls/{walls.a.pk}/members/stats").status_code == 404


def test_waiting_orders_listed_by_urgency_then_deadline(walls, alice):
    low = place(walls.a, urgency=3)
    urgent = place(walls.a, urgency=1)
    normal = place(walls.a, urgency=2)
    rows = bearer(alice).get("/api/v1/orders?status=ordered").json()
    assert [r["id"] for r in rows] == [urgent.pk, normal.pk, low.pk]


def test_member_cannot_record_a_rating_for_the_resident(walls, alice, tree):
    from zugong.conftest import make_user

    member_user = make_user("dave", walls.a.org_unit, "member")
    j = jurisdiction_for(alice)
    order = place(walls.a)
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    accept(order.pk)
    svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="好了")
    refused = bearer(member_user).post(f"/api/v1/orders/{order.pk}/rate", {"rating": "satisfied"},
                                       content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert bearer(alice).post(f"/api/v1/orders/{order.pk}/rate", {"rating": "satisfied"},
                              content_type="application/json").json()["status"] == "rated"
