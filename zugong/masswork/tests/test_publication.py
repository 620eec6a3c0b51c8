"""What staff make public, on the pages and over the API: a wall's place (Open311 lat/long), an order's
photo (Open311 media_url), and the resident's phone, which members and leaders only ever see masked."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.errors import Forbidden, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AccessEvent, AuditEvent, Role
from zugong.masswork.models import ServiceOrder, Wall
from zugong.masswork.services.public import photo_store
from zugong.masswork.services.walls import wall_locate
from zugong.masswork.tests.conftest import place

PHONE = "13800138000"
MASKED = "138****8000"


@pytest.fixture
def group_leader(walls, tree):
    return make_user("gl", walls.a.org_unit, Role.GROUP_LEADER)


@pytest.fixture
def leader(tree):
    return make_user("lu", tree.county_a, Role.LEADER)


# --- a wall's place ----------------------------------------------------------------------------------

def test_wall_locate_sets_the_place_and_is_audited(walls, bob):
    wall = wall_locate(actor=bob, jurisdiction=jurisdiction_for(bob), wall_id=walls.a.pk, lat=34.6523456789,
                       long=107.1326, coverage_m=1500)
    wall.refresh_from_db()
    assert (wall.lat, wall.long, wall.coverage_m) == (34.652346, 107.1326, 1500)
    event = AuditEvent.objects.filter(action="masswork.wall_locate").get()
    assert event.actor_name == "bob" and event.object_id == str(wall.pk)
    assert event.summary["before"] == {"lat": None, "long": None, "coverage_m": 1000}
    assert event.summary["after"] == {"lat": 34.652346, "long": 107.1326, "coverage_m": 1500}


@pytest.mark.parametrize(("lat", "long", "coverage", "field", "message"), [
    (90.5, 107.0, 1000, "lat", "纬度应在 -90 到 90 度之间"),
    (34.0, -180.01, 1000, "long", "经度应在 -180 到 180 度之间"),
    (float("nan"), 107.0, 1000, "lat", "纬度应在"),
    (34.0, None, 1000, "long", "纬度和经度必须同时填写"),
    (None, 107.0, 1000, "lat", "纬度和经度必须同时填写"),
    (34.0, 107.0, 49, "coverage_m", "服务半径应在 50 到 10000 米之间"),
    (34.0, 107.0, 10_001, "coverage_m", "服务半径应在 50 到 10000 米之间"),
])
def test_wall_locate_refuses_out_of_range(walls, bob, lat, long, coverage, field, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        wall_locate(actor=bob, jurisdiction=jurisdiction_for(bob), wall_id=walls.a.pk, lat=lat, long=long,
                    coverage_m=coverage)
    assert refused.value.field == field
    walls.a.refresh_from_db()
    assert (walls.a.lat, walls.a.long) == (None, None)


def test_wall_locate_edges_are_allowed_and_clearing_works(walls, bob):
    j = jurisdiction_for(bob)
    wall_locate(actor=bob, jurisdiction=j, wall_id=walls.a.pk, lat=-90.0, long=180.0, coverage_m=10_000)
    wall_locate(actor=bob, jurisdiction=j, wall_id=walls.a.pk, lat=None, long=None, coverage_m=50)
    walls.a.refresh_from_db()
    assert (walls.a.lat, walls.a.long, walls.a.coverage_m) == (None, None, 50)


def test_wall_locate_only_by_township_staff_of_the_wall(walls, carol, group_leader):
    for who, refusal in ((carol, NotFound), (group_leader, Forbidden), (walls.plumber_user, Forbidden)):
        with pytest.raises(refusal):
            wall_locate(actor=who, jurisdiction=jurisdiction_for(who), wall_id=walls.a.pk, lat=34.0, long=107.0,
                        coverage_m=1000)
    walls.a.refresh_from_db()
    assert walls.a.lat is None


def test_wall_location_page_saves_and_open311_places_by_lat_long(walls, bob, settings):
    settings.ZUGONG_OPEN311_POST_KEY_REQUIRED = False
    client = logged_in(bob)
    page = client.get(f"/masswork/walls/{walls.a.pk}/")
    assert f'/masswork/walls/{walls.a.pk}/location/' in page.content.decode() and "未设置位置" in page.content.decode()
    form = client.get(f"/masswork/walls/{walls.a.pk}/location/")
    assert form.status_code == 200 and 'value="1000"' in form.content.decode()
    saved = client.post(f"/masswork/walls/{walls.a.pk}/location/", {"lat": "34.6523", "long": "107.1326",
                                                                      "coverage_m": "800"})
    assert saved.status_code == 302 and saved["Location"] == f"/masswork/walls/{walls.a.pk}/"
    walls.a.refresh_from_db()
    assert (walls.a.lat, walls.a.long, walls.a.coverage_m) == (34.6523, 107.1326, 800)
    assert "纬度 34.6523，经度 107.1326，服务半径 800 米" in client.get(f"/masswork/walls/{walls.a.pk}/").content.decode()
    # a GeoReport client now reaches the wall by a point 500 m north of it
    posted = Client().post("/open311/v2/requests.json", {
        "service_code": "repair", "lat": str(34.6523 + 0.0045), "long": "107.1326",
        "description": "路灯不亮", "phone": PHONE})
    assert posted.status_code == 201, posted.content
    order = ServiceOrder.objects.get(pk=int(posted.json()[0]["service_request_id"]))
    assert order.wall_id == walls.a.pk


@pytest.mark.parametrize(("data", "message"), [
    ({"lat": "north", "long": "107", "coverage_m": "800"}, "请填写十进制度数"),
    ({"lat": "95", "long": "107", "coverage_m": "800"}, "纬度应在 -90 到 90 度之间"),
    ({"lat": "34", "long": "", "coverage_m": "800"}, "纬度和经度必须同时填写"),
    ({"lat": "34", "long": "107", "coverage_m": "20000"}, "服务半径应在 50 到 10000 米之间"),
])
def test_wall_location_page_shows_chinese_errors(walls, bob, data, message):
    response = logged_in(bob).post(f"/masswork/walls/{walls.a.pk}/location/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    walls.a.refresh_from_db()
    assert walls.a.lat is None


def test_wall_location_page_refused_to_members_and_other_counties(walls, carol, group_leader):
    assert logged_in(walls.plumber_user).get(f"/masswork/walls/{walls.a.pk}/location/").status_code == 403
    assert logged_in(group_leader).post(f"/masswork/walls/{walls.a.pk}/location/",
                                        {"lat": "1", "long": "1", "coverage_m": "100"}).status_code == 403
    assert logged_in(carol).get(f"/masswork/walls/{walls.a.pk}/location/").status_code == 404
    assert "mw-wall-locate" not in logged_in(group_leader).get(f"/masswork/walls/{walls.a.pk}/").content.decode()


def test_wall_location_api(walls, bob, carol):
    response = bearer(bob).put(f"/api/v1/walls/{walls.a.pk}/location",
                               json.dumps({"lat": 34.65, "long": 107.13, "coverage_m": 1200}),
                               content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"wall_id": walls.a.pk, "lat": 34.65, "long": 107.13, "coverage_m": 1200}
    bad = bearer(bob).put(f"/api/v1/walls/{walls.a.pk}/location", json.dumps({"lat": 34.65, "coverage_m": 1200}),
                          content_type="application/json")
    assert bad.status_code == 400 and "纬度和经度必须同时填写" in bad.json()["error"]["message"]
    other = bearer(carol).put(f"/api/v1/walls/{walls.a.pk}/location", json.dumps({"lat": 1, "long": 1}),
                              content_type="application/json")
    assert other.status_code == 404
    assert Wall.objects.get(pk=walls.a.pk).coverage_m == 1200


# --- an order's photo -----------------------------------------------------------------------------------

@pytest.fixture
def with_photo(walls, settings, tmp_path) -> ServiceOrder:
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    name = photo_store(SimpleUploadedFile("lamp.png", buffer.getvalue(), content_type="image/png"))
    return place(walls.a, photo=name)


def _media_url(order: ServiceOrder) -> str:
    return Client().get(f"/open311/v2/requests/{order.pk}.json").json()[0]["media_url"]


def test_photo_page_approves_and_withdraws(with_photo, group_leader):
    client = logged_in(group_leader)
    detail = client.get(f"/masswork/orders/{with_photo.pk}/").content.decode()
    assert f"/masswork/orders/{with_photo.pk}/photo/" in detail
    page = client.get(f"/masswork/orders/{with_photo.pk}/photo/")
    assert page.status_code == 200 and "未公开" in page.content.decode()
    image = client.get(f"/masswork/orders/{with_photo.pk}/photo.jpg")
    assert image.status_code == 200 and image.content.startswith(b"\xff\xd8")
    assert image["Cache-Control"] == "private, no-store"
    # when the group leader approves it
    approved = client.post(f"/masswork/orders/{with_photo.pk}/photo/", {"action": "publish"}, follow=True)
    assert "照片已审核公开" in approved.content.decode()
    assert _media_url(with_photo) == f"http://testserver/open311/v2/media/{with_photo.pk}.jpg"
    # and withdraws it again
    withdrawn = client.post(f"/masswork/orders/{with_photo.pk}/photo/", {"action": "withdraw"}, follow=True)
    assert "照片已撤回，不再公开" in withdrawn.content.decode()
    assert _media_url(with_photo) == ""
    assert list(AuditEvent.objects.filter(action="masswork.order_photo_publish")
                .values_list("summary", flat=True)) == [{"published": True}, {"published": False}]


def test_photo_page_refuses_members_and_other_counties(with_photo, walls, carol, leader):
    for user in (walls.plumber_user, leader):
        client = logged_in(user)
        assert client.get(f"/masswork/orders/{with_photo.pk}/photo/").status_code == 403
        assert client.post(f"/masswork/orders/{with_photo.pk}/photo/", {"action": "publish"}).status_code == 403
        assert client.get(f"/masswork/orders/{with_photo.pk}/photo.jpg").status_code == 403
        assert "/photo/" not in client.get(f"/masswork/orders/{with_photo.pk}/").content.decode()
    assert logged_in(carol).get(f"/masswork/orders/{with_photo.pk}/photo.jpg").status_code == 404
    assert _media_url(with_photo) == ""


def test_photo_page_unknown_action_and_no_photo(walls, group_leader):
    order = place(walls.a)
    client = logged_in(group_leader)
    refused = client.post(f"/masswork/orders/{order.pk}/photo/", {"action": "publish"}, follow=True)
    assert "该点单没有照片，无需审核公开" in refused.content.decode()
    unknown = client.post(f"/masswork/orders/{order.pk}/photo/", {"action": "burn"}, follow=True)
    assert "未知的操作" in unknown.content.decode()
    assert client.get(f"/masswork/orders/{order.pk}/photo.jpg").status_code == 404


def test_photo_api_publishes_and_withdraws(with_photo, group_leader, walls):
    client = bearer(group_leader)
    published = client.post(f"/api/v1/orders/{with_photo.pk}/photo/publish")
    assert published.status_code == 200
    assert published.json() == {"order_id": with_photo.pk, "has_photo": True, "photo_published": True}
    assert _media_url(with_photo).endswith(f"/open311/v2/media/{with_photo.pk}.jpg")
    assert client.post(f"/api/v1/orders/{with_photo.pk}/photo/withdraw").json()["photo_published"] is False
    assert _media_url(with_photo) == ""
    member = bearer(walls.plumber_user).post(f"/api/v1/orders/{with_photo.pk}/photo/publish")
    assert member.status_code == 403 and "审核点单照片公开" in member.json()["error"]["message"]
    assert _media_url(with_photo) == ""


# --- the resident's phone -------------------------------------------------------------------------------

def test_member_sees_the_phone_masked_on_pages_and_api(walls):
    order = place(walls.a, resident_phone=PHONE)
    member = walls.plumber_user
    page = logged_in(member).get(f"/masswork/orders/{order.pk}/").content.decode()
    assert MASKED in page and PHONE not in page and "reveal=phone" not in page
    assert logged_in(member).get(f"/masswork/orders/{order.pk}/?reveal=phone").status_code == 403
    api = bearer(member)
    for path in ("/api/v1/orders", f"/api/v1/orders/{order.pk}"):
        body = api.get(path).content.decode()
        assert MASKED in body and PHONE not in body, path
    refused = api.get(f"/api/v1/orders/{order.pk}/resident-phone")
    assert refused.status_code == 403 and "查看群众完整电话" in refused.json()["error"]["message"]
    assert not AccessEvent.objects.exists()


def test_leader_sees_the_phone_masked_too(walls, leader):
    order = place(walls.a, resident_phone=PHONE)
    page = logged_in(leader).get(f"/masswork/orders/{order.pk}/").content.decode()
    assert MASKED in page and PHONE not in page
    assert bearer(leader).get(f"/api/v1/orders/{order.pk}/resident-phone").status_code == 403


def test_staff_reveal_the_phone_and_each_view_is_logged(walls, group_leader):
    order = place(walls.a, resident_phone=PHONE)
    client = logged_in(group_leader)
    page = client.get(f"/masswork/orders/{order.pk}/").content.decode()
    assert MASKED in page and PHONE not in page and "?reveal=phone" in page
    assert not AccessEvent.objects.exists()  # the masked page logs nothing
    revealed = client.get(f"/masswork/orders/{order.pk}/?reveal=phone").content.decode()
    assert PHONE in revealed
    api = bearer(group_leader).get(f"/api/v1/orders/{order.pk}/resident-phone")
    assert api.json() == {"order_id": order.pk, "resident_phone": PHONE}
    assert list(AccessEvent.objects.order_by("pk").values_list("user_id", "object_type", "object_id", "field",
                                                               "channel")) == [
        (group_leader.pk, "masswork.serviceorder", str(order.pk), "resident_phone", "web"),
        (group_leader.pk, "masswork.serviceorder", str(order.pk), "resident_phone", "api")]


def test_an_order_without_phone_shows_nothing_to_mask(walls, group_leader):
    order = place(walls.a, resident_phone="", channel="open311")
    assert bearer(group_leader).get(f"/api/v1/orders/{order.pk}").json()["resident_phone"] == ""
