"""GeoReport v2 POST Service Request: the contact is optional — a phone, an e-mail or none — while the
residents' own page and staff intake still need a phone (services/orders.py `_contact_phone`). Throttling follows whatever contact is given."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from zugong.core.services import api_token_issue
from zugong.masswork.models import ServiceOrder
from zugong.masswork.tests.conftest import Walls


@pytest.fixture
def key(alice: User) -> str:
    return api_token_issue(actor=None, user=alice)


def _post(walls: Walls, key: str, **contact: str) -> Any:
    return Client().post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "repair", "address_id": str(walls.a.pk), "description": "灯坏了", **contact})


def test_a_request_without_any_contact_is_placed(walls: Walls, key: str) -> None:
    response = _post(walls, key)
    assert response.status_code == 201
    order = ServiceOrder.objects.get()
    assert (order.resident_phone, order.resident_email, order.channel) == ("", "", "open311")


def test_a_request_with_an_email_only_keeps_the_email(walls: Walls, key: str) -> None:
    assert _post(walls, key, email="wang@example.cn").status_code == 201
    assert ServiceOrder.objects.get().resident_email == "wang@example.cn"


def test_a_bad_email_or_phone_is_refused_in_the_error_array(walls: Walls, key: str) -> None:
    bad_mail = _post(walls, key, email="not-an-address")
    bad_phone = _post(walls, key, phone="1")
    assert bad_mail.status_code == 400 and "电子邮箱格式不正确" in bad_mail.json()[0]["description"]
    assert bad_phone.status_code == 400 and "手机号码" in bad_phone.json()[0]["description"]
    assert not ServiceOrder.objects.exists()


def test_an_email_contact_is_throttled_like_a_phone(walls: Walls, key: str) -> None:
    codes = [_post(walls, key, email="Wang@Example.cn" if i % 2 else "wang@example.cn").status_code
             for i in range(4)]
    assert codes == [201, 201, 201, 429]
