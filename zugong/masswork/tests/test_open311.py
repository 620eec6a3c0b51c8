"""Open311 GeoReport v2: the spec's field names, filters, POST validation, no personal data."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from zugong.conftest import make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.services import api_token_issue
from zugong.masswork.models import ServiceOrder
from zugong.masswork.services import orders as svc
from zugong.masswork.tests.conftest import accept, place


@pytest.fixture
def key(tree) -> str:
    return api_token_issue(actor=None, user=make_user("app", tree.county_a, "org_staff"))


REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


def test_services_json_fields():
    rows = Client().get("/open311/v2/services.json").json()
    assert {r["service_code"] for r in rows} >= {"repair", "elderly", "other"}
    assert set(rows[0]) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert rows[0]["type"] == "realtime" and rows[0]["metadata"] is False


def test_requests_json_fields_and_status(walls, alice):
    order = place(walls.a, lat=34.6512345, long=107.1312345)
    j = jurisdiction_for(alice)
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    rows = Client().get("/open311/v2/requests.json").json()
    assert len(rows) == 1 and set(rows[0]) == REQUEST_FIELDS
    row = rows[0]
    assert row["service_request_id"] == str(order.pk) and row["status"] == "open"
    assert row["service_code"] == "repair" and row["service_name"] == "维修维护"
    assert row["status_notes"] == "已派单" and row["agency_responsible"] == "甲社区第一党小组"
    assert row["lat"] == 34.651 and row["long"] == 107.131
    assert "张三丰" not in str(rows) and "13800138000" not in str(rows) and order.tracking_code not in str(rows)
    assert datetime.fromisoformat(row["requested_datetime"]).tzinfo is not None
    order.refresh_from_db()
    assert datetime.fromisoformat(row["expected_datetime"]).date() == order.handle_due


def test_requests_json_filters(walls, alice):
    old = place(walls.a, ordered_at=timezone.now() - timedelta(days=200), category="elderly")
    new = place(walls.a, category="repair")
    j = jurisdiction_for(alice)
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=new.pk, member_id=walls.plumber.pk)
    accept(new.pk)
    svc.order_complete(actor=alice, jurisdiction=j, order_id=new.pk, report="修好了")
    client = Client()

    def ids(query: str) -> list[str]:
        return [r["service_request_id"] for r in client.get("/open311/v2/requests.json" + query).json()]

    assert ids("") == [str(new.pk)]  # default window: the last 90 days
    assert ids(f"?service_request_id={old.pk},{new.pk}") == [str(new.pk), str(old.pk)]
    start = (timezone.now() - timedelta(days=365)).date().isoformat()
    assert ids(f"?start_date={start}") == [str(new.pk), str(old.pk)]
    assert ids(f"?start_date={start}&service_code=elderly") == [str(old.pk)]
    assert ids(f"?start_date={start}&status=closed") == [str(new.pk)]
    assert ids(f"?start_date={start}&status=open") == [str(old.pk)]
    end = (timezone.now() - timedelta(days=100)).astimezone(ZoneInfo("Asia/Shanghai")).isoformat()
    assert ids(f"?end_date={quote(end)}") == [str(old.pk)]
    bad = client.get("/open311/v2/requests.json?status=pending")
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400 and "description" in bad.json()[0]
    assert client.get("/open311/v2/requests.json?start_date=yesterday").status_code == 400


def test_request_detail(walls):
    order = place(walls.a)
    rows = Client().get(f"/open311/v2/requests/{order.pk}.json").json()
    assert len(rows) == 1 and rows[0]["service_request_id"] == str(order.pk) and rows[0]["status"] == "open"
    missing = Client().get("/open311/v2/requests/999999.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_post_creates_order_through_the_same_service(walls, key):
    response = Client().post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "elderly", "address_id": str(walls.a.pk), "description": "独居老人需要代购",
        "phone": "13700001111", "first_name": "秀英", "last_name": "王", "lat": "34.65", "long": "107.13"})
    assert response.status_code == 201
    body = response.json()
    order = ServiceOrder.objects.get(pk=int(body[0]["service_request_id"]))
    assert order.channel == "open311" and order.resident_name == "王秀英" and order.category == "elderly"
    assert body[0]["service_notice"] == f"查询码：{order.tracking_code}"
    assert order.dispatch_due is not None


def test_post_validates(walls, key):
    client = Client()
    base = {"api_key": key, "service_code": "repair", "address_id": str(walls.a.pk), "description": "灯坏了", "phone": "13700001111"}
    unknown = client.post("/open311/v2/requests.json", {**base, "service_code": "graffiti"})
    assert unknown.status_code == 404 and "没有服务代码 graffiti" in unknown.json()[0]["description"]
    cases = [
        ({"service_code": ""}, "请提供 service_code"),
        ({"address_id": "abc"}, "address_id"),
        ({"phone": "1"}, "手机号码"),
        ({"description": ""}, "需求内容"),
        ({"lat": "95", "long": "107.13"}, "lat"),
        ({"lat": "34.65"}, "lat 和 long 必须同时提供"),
    ]
    for change, message in cases:
        response = client.post("/open311/v2/requests.json", {**base, **change})
        assert response.status_code == 400, change
        assert message in response.json()[0]["description"]
    assert not ServiceOrder.objects.exists()


def test_post_api_key_required_by_default_and_checked(walls, key):
    base = {"service_code": "repair", "address_id": str(walls.a.pk), "description": "灯坏了", "phone": "13700001111"}
    missing = Client().post("/open311/v2/requests.json", base)
    assert missing.status_code == 403 and "需要 api_key" in missing.json()[0]["description"]
    refused = Client().post("/open311/v2/requests.json", {**base, "api_key": "not-a-key"})
    assert refused.status_code == 403 and "api_key 无效" in refused.json()[0]["description"]
    accepted = Client().post("/open311/v2/requests.json", {**base, "api_key": key})
    assert accepted.status_code == 201
    assert not ServiceOrder.objects.exclude(pk=int(accepted.json()[0]["service_request_id"])).exists()


def test_post_without_key_when_the_setting_allows_open_posting(walls, settings):
    settings.ZUGONG_OPEN311_POST_KEY_REQUIRED = False
    base = {"service_code": "repair", "address_id": str(walls.a.pk), "description": "灯坏了", "phone": "13700001111"}
    assert Client().post("/open311/v2/requests.json", base).status_code == 201


def test_post_is_throttled_per_phone(walls, key):
    base = {"api_key": key, "service_code": "repair", "address_id": str(walls.a.pk), "description": "灯坏了", "phone": "13700001111"}
    codes = [Client().post("/open311/v2/requests.json", base).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
