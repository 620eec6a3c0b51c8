"""Open311 POST Service Request: the spec's location (lat & long, address_string or address_id) finds the wall."""

from __future__ import annotations

import io
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from zugong.conftest import make_user
from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.core.models import OrgKind
from zugong.core.permissions import SYSTEM
from zugong.core.services import api_token_issue, org_unit_create
from zugong.masswork.demo_data import load_masswork
from zugong.masswork.models import ServiceOrder, Wall
from zugong.masswork.open311 import wall_at
from zugong.masswork.services.orders import wall_create

URL = "/open311/v2/requests.json"


@pytest.fixture
def key(tree) -> str:
    return api_token_issue(actor=None, user=make_user("app", tree.county_a, "org_staff"))


@pytest.fixture
def placed(walls):
    # wall a in 甲社区, wall b 2.2 km east of it (乙社区), each serving 1.5 km around
    Wall.objects.filter(pk=walls.a.pk).update(lat=34.650, long=107.130, coverage_m=1500)
    Wall.objects.filter(pk=walls.b.pk).update(lat=34.650, long=107.154, coverage_m=1500)
    return walls


_phones = itertools.count(13700001111)


def _post(key: str, **fields: str):
    # a new phone each time: the per-phone throttle is not what these tests are about
    return Client().post(URL, {"api_key": key, "service_code": "repair", "description": "路灯坏了",
                               "phone": str(next(_phones)), **fields})


def _wall_of(response) -> int:
    assert response.status_code == 201, response.content.decode()
    return ServiceOrder.objects.get(pk=int(response.json()[0]["service_request_id"])).wall_id


def test_lat_long_places_at_the_nearest_covering_wall(placed, key):
    assert _wall_of(_post(key, lat="34.651", long="107.139")) == placed.a.pk  # 0.8 km from a, 1.4 km from b
    assert _wall_of(_post(key, lat="34.650", long="107.145")) == placed.b.pk  # 1.4 km from a, 0.8 km from b
    order = ServiceOrder.objects.order_by("-pk").first()
    assert order is not None and (order.lat, order.long) == (34.650, 107.145)


def test_lat_long_outside_every_coverage_is_refused(placed, key):
    response = _post(key, lat="34.700", long="107.130")  # 5.5 km north of wall a
    assert response.status_code == 400
    assert "不在任何民心墙的服务范围内" in response.json()[0]["description"]
    assert not ServiceOrder.objects.exists()


def test_coverage_edge(placed):
    # 1 degree of latitude is about 111.2 km: 0.0134° ≈ 1490 m lies inside 1500 m, 0.0136° ≈ 1512 m outside
    assert wall_at(34.650 + 0.0134, 107.130) == placed.a
    assert wall_at(34.650 + 0.0136, 107.130) is None


def test_inactive_wall_never_found(placed):
    Wall.objects.filter(pk=placed.a.pk).update(is_active=False)
    assert wall_at(34.650, 107.131) is None


@pytest.mark.parametrize(("fields", "message"), [
    ({"lat": "34.65"}, "lat 和 long 必须同时提供"),
    ({"long": "107.13"}, "lat 和 long 必须同时提供"),
    ({"lat": "north", "long": "107.13"}, "lat 不是有效的数字"),
    ({}, "请提供位置"),
])
def test_location_errors(placed, key, fields, message):
    response = _post(key, **fields)
    assert response.status_code == 400 and message in response.json()[0]["description"]


def test_address_string_matched_to_a_community(placed, key):
    assert _wall_of(_post(key, address_string="甲社区幸福路 12 号")) == placed.a.pk
    assert ServiceOrder.objects.get().address == "甲社区幸福路 12 号"
    refused = _post(key, address_string="人民路 3 号")
    assert refused.status_code == 400 and "没有找到已设民心墙的社区名称" in refused.json()[0]["description"]


def test_address_string_same_community_name_decided_by_county(placed, tree, key):
    # given a second 甲社区 in county B's 乙镇
    twin = org_unit_create(actor=None, kind=OrgKind.COMMUNITY, name="甲社区", parent=tree.township_b)
    group = org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name="党小组", parent=twin)
    twin_wall = wall_create(actor=None, jurisdiction=SYSTEM, org_unit=group, community=twin, name="乙县甲社区民心墙")
    # then the bare name is ambiguous, and the county names the one
    ambiguous = _post(key, address_string="甲社区 5 号楼")
    assert ambiguous.status_code == 400 and "对应多个社区" in ambiguous.json()[0]["description"]
    assert _wall_of(_post(key, address_string="乙县乙镇甲社区 5 号楼")) == twin_wall.pk
    assert _wall_of(_post(key, address_string="甲县甲镇甲社区 5 号楼")) == placed.a.pk


def test_address_id_wins_over_the_others(placed, key):
    assert _wall_of(_post(key, address_id=str(placed.b.pk), lat="34.650", long="107.130")) == placed.b.pk


def test_demo_walls_can_be_found_by_location(db) -> None:
    # given the demo's walls
    ctx = DemoContext(scale="small", seed=11, today=timezone.localdate(), out=io.StringIO())
    load_org_tree(ctx)
    load_masswork(ctx)
    walls = list(Wall.objects.order_by("pk"))
    # then each has a place and a coverage, and a point 560 m north of it finds it
    assert walls and all(w.lat is not None and w.long is not None and w.coverage_m == 1500 for w in walls)
    for wall in walls[:25]:
        assert wall_at((wall.lat or 0) + 0.005, wall.long or 0) == wall
