"""requests.json reads its orders as plain values (issue 17, item 7: 4× its raw SQL with a thousand model
instances): every row the same as the order's own request.json, in one query however many orders."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.masswork.models import OrderStatus, ServiceCategory, ServiceOrder
from zugong.masswork.tests.conftest import place


def _orders(walls) -> list[ServiceOrder]:
    """Orders in every status, with and without report, explanation, place and a published photo."""
    made = []
    for i, status in enumerate(OrderStatus.values):
        order = place(walls.a if i % 2 else walls.b, category=ServiceCategory.values[i % len(ServiceCategory.values)],
                      lat=34.6 + i / 1000 if i % 3 else None, long=107.1 + i / 1000 if i % 3 else None,
                      ordered_at=timezone.now() - timedelta(days=i, minutes=i))
        ServiceOrder.objects.filter(pk=order.pk).update(
            status=status, report="已修好" if i % 2 else "", explanation="属供电部门" if i % 4 == 1 else "",
            photo=f"{order.pk}.jpg" if i % 3 == 1 else "", photo_published=i % 2 == 1,
            handle_due=date(2026, 1, 10) + timedelta(days=i) if i % 2 else None)
        made.append(order)
    return made


def test_every_listed_request_equals_its_own_request(walls) -> None:
    made = _orders(walls)
    client = Client()
    listed = client.get("/open311/v2/requests.json").json()
    assert sorted(int(r["service_request_id"]) for r in listed) == sorted(o.pk for o in made)
    for row in listed:
        assert [row] == client.get(f"/open311/v2/requests/{row['service_request_id']}.json").json()
    assert {r["status"] for r in listed} == {"open", "closed"}
    assert any(r["media_url"] for r in listed) and any(r["lat"] is None for r in listed)
    assert any("解释说明：属供电部门" in r["status_notes"] for r in listed)


def test_the_xml_list_holds_the_same_requests(walls) -> None:
    made = _orders(walls)
    body = Client().get("/open311/v2/requests.xml").content.decode()
    assert body.count("<request>") == len(made)
    assert all(f"<service_request_id>{o.pk}</service_request_id>" in body for o in made)


def test_one_query_for_the_list_however_many_orders(walls) -> None:
    _orders(walls)
    client = Client()
    client.get("/open311/v2/requests.json")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/open311/v2/requests.json").json()) == len(OrderStatus.values)
    _orders(walls)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/open311/v2/requests.json").json()) == 2 * len(OrderStatus.values)
    orders = [q for q in many.captured_queries if "masswork_serviceorder" in q["sql"]]
    assert len(many.captured_queries) == len(few.captured_queries) and len(orders) == 1
