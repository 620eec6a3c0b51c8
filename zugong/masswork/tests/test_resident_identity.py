"""Issue 16: a resident's full name is for the staff who call residents back (`masswork.resident_phone_view`);
members and leaders see it masked (张**) on the order page and in every order the API returns."""

from __future__ import annotations

import pytest

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.masswork.services.orders import order_dispatch
from zugong.masswork.tests.conftest import place

FULL = "张三丰"
MASKED = "张**"


@pytest.fixture
def group_leader(walls, tree):
    return make_user("gl", walls.a.org_unit, Role.GROUP_LEADER)


@pytest.fixture
def leader(tree):
    return make_user("lu", tree.county_a, Role.LEADER)


def _dispatched_to_plumber(walls, group_leader):
    order = place(walls.a, resident_name=FULL)
    order_dispatch(actor=group_leader, jurisdiction=jurisdiction_for(group_leader), order_id=order.pk,
                   member_id=walls.plumber.pk)
    return order


def test_member_sees_the_resident_name_masked_on_the_page_and_in_the_api(walls, group_leader):
    # given an order dispatched to the plumber, a party member with an account
    order = _dispatched_to_plumber(walls, group_leader)
    member = walls.plumber_user
    # when the member opens it on the page, lists and reads it through the API, and accepts it
    page = logged_in(member).get(f"/masswork/orders/{order.pk}/")
    api = bearer(member)
    listed = api.get("/api/v1/orders").json()
    detail = api.get(f"/api/v1/orders/{order.pk}").json()
    accepted = api.post(f"/api/v1/orders/{order.pk}/accept")
    # then the name is masked everywhere
    assert page.status_code == 200
    text = page.content.decode()
    assert MASKED in text and FULL not in text
    assert [o["resident_name"] for o in listed if o["id"] == order.pk] == [MASKED]
    assert detail["resident_name"] == MASKED
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["resident_name"] == MASKED


def test_leader_sees_the_resident_name_masked(walls, leader):
    order = place(walls.a, resident_name=FULL)
    text = logged_in(leader).get(f"/masswork/orders/{order.pk}/").content.decode()
    assert MASKED in text and FULL not in text
    assert bearer(leader).get(f"/api/v1/orders/{order.pk}").json()["resident_name"] == MASKED


def test_staff_who_call_residents_back_see_the_full_name(walls, group_leader, alice):
    order = place(walls.a, resident_name=FULL)
    for user in (group_leader, alice):
        text = logged_in(user).get(f"/masswork/orders/{order.pk}/").content.decode()
        assert FULL in text, user.username
        api = bearer(user)
        assert api.get(f"/api/v1/orders/{order.pk}").json()["resident_name"] == FULL
        assert [o["resident_name"] for o in api.get("/api/v1/orders").json() if o["id"] == order.pk] == [FULL]
