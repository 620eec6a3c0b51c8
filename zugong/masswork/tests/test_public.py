"""The residents' page against abuse: uploads, script in text, unknown codes, rate limits, CSRF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zugong.core.jurisdiction import jurisdiction_for
from zugong.masswork.models import OrderStatus, ServiceOrder
from zugong.masswork.services import orders as svc
from zugong.masswork.tests.conftest import accept, place


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form(wall, **extra):
    data = {"wall": wall.pk, "resident_name": "张三丰", "resident_phone": "13800138000", "category": "repair",
            "description": "楼道灯坏了", "address": "3 栋 2 单元"}
    data.update(extra)
    return data


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_place_order_gets_unguessable_code_and_tracks(walls):
    client = Client()
    page = client.get(f"/m/?community={walls.a.community_id}")
    assert page.status_code == 200 and "甲社区民心墙" in page.content.decode()
    response = client.post("/m/", _form(walls.a))
    assert response.status_code == 302
    order = ServiceOrder.objects.get()
    assert response["Location"] == f"/m/t/{order.tracking_code}/?new=1"
    assert order.channel == "public" and order.status == OrderStatus.ORDERED
    assert len(order.tracking_code) == 12 and order.tracking_code.isalnum()
    track = client.get(f"/m/t/{order.tracking_code.lower()}/")
    body = track.content.decode()
    assert track.status_code == 200 and "待派单" in body and "张**" in body and "张三丰" not in body
    assert "13800138000" not in body


def test_photo_is_verified_and_reencoded(walls, tmp_path):
    photo = SimpleUploadedFile("a.png", _png() + b"<script>x</script>", content_type="image/png")
    response = Client().post("/m/", _form(walls.a, photo=photo))
    assert response.status_code == 302
    order = ServiceOrder.objects.get()
    stored = Path(tmp_path) / "masswork" / "photos" / order.photo
    assert order.photo.endswith(".jpg") and len(order.photo) == 36
    with Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
    assert b"<script>" not in stored.read_bytes()


def test_fake_image_refused(walls):
    fake = SimpleUploadedFile("a.jpg", b"<?php echo 1; ?>" * 10, content_type="image/jpeg")
    response = Client().post("/m/", _form(walls.a, photo=fake))
    assert response.status_code == 400 and "不是有效的图片" in response.content.decode()
    assert not ServiceOrder.objects.exists()


def test_oversized_upload_refused(walls, settings):
    settings.ZUGONG_MASSWORK_PHOTO_MAX_BYTES = 10 * 1024
    big = SimpleUploadedFile("big.png", _png((100, 100)) + b"\0" * 20_000, content_type="image/png")
    response = Client().post("/m/", _form(walls.a, photo=big))
    assert response.status_code == 400 and "照片不能超过" in response.content.decode()
    assert not ServiceOrder.objects.exists()


def test_script_in_text_is_rendered_escaped(walls, alice):
    Client().post("/m/", _form(walls.a, description="<script>alert('x')</script>求助"))
    order = ServiceOrder.objects.get()
    assert order.description == "<script>alert('x')</script>求助"
    for url in (f"/m/t/{order.tracking_code}/", f"/m/walls/{walls.a.pk}/"):
        body = Client().get(url).content.decode()
        assert "<script>alert" not in body and "&lt;script&gt;alert" in body


def test_unknown_tracking_code_is_chinese_404(walls):
    response = Client().get("/m/t/NOSUCHCODE22/")
    assert response.status_code == 404 and "查询码不存在" in response.content.decode()
    assert Client().get("/m/walls/999999/").status_code == 404


def test_rate_limit_per_phone(walls):
    client = Client()
    for _ in range(3):
        assert client.post("/m/", _form(walls.a)).status_code == 302
    refused = client.post("/m/", _form(walls.a))
    assert refused.status_code == 429 and "该手机号一小时内提交次数已达上限" in refused.content.decode()
    assert ServiceOrder.objects.count() == 3


def test_rate_limit_per_address(walls, settings):
    settings.ZUGONG_MASSWORK_PER_ADDRESS_HOUR = 2
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert client.post("/m/", _form(walls.a, resident_phone="13800000001")).status_code == 302
    assert client.post("/m/", _form(walls.a, resident_phone="13800000002")).status_code == 302
    refused = client.post("/m/", _form(walls.a, resident_phone="13800000003"))
    assert refused.status_code == 429 and "您所在的网络" in refused.content.decode()
    other = Client(REMOTE_ADDR="10.9.9.9").post("/m/", _form(walls.a, resident_phone="13800000004"))
    assert other.status_code == 302


def test_forms_need_csrf(walls):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/m/", _form(walls.a)).status_code == 403
    page = client.get("/m/")
    token = page.cookies["csrftoken"].value
    assert client.post("/m/", {**_form(walls.a), "csrfmiddlewaretoken": token}).status_code == 302


def test_bad_phone_shows_chinese_error(walls):
    response = Client().post("/m/", _form(walls.a, resident_phone="110"))
    assert response.status_code == 400 and "请填写正确的手机号码" in response.content.decode()


def _done_order(walls, alice):
    order = place(walls.a)
    j = jurisdiction_for(alice)
    svc.order_dispatch(actor=alice, jurisdiction=j, order_id=order.pk, member_id=walls.plumber.pk)
    accept(order.pk)
    svc.order_complete(actor=alice, jurisdiction=j, order_id=order.pk, report="已更换灯泡")
    return order


def test_resident_rates_through_code(walls, alice):
    order = _done_order(walls, alice)
    client = Client()
    url = f"/m/t/{order.tracking_code}/"
    assert "提交评价" in client.get(url).content.decode()
    missing = client.post(url, {"rating": "unsatisfied", "reason": ""})
    assert missing.status_code == 400 and "请填写不满意原因" in missing.content.decode()
    done = client.post(url, {"rating": "basic"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.RATED and order.rating == "basic"
    again = client.post(url, {"rating": "satisfied"})
    assert again.status_code in (400, 409)
    order.refresh_from_db()
    assert order.rating == "basic"


def test_rating_before_done_refused(walls):
    order = place(walls.a)
    response = Client().post(f"/m/t/{order.tracking_code}/", {"rating": "satisfied"})
    assert response.status_code == 409 and "尚未办结" in response.content.decode()


def test_public_board_masks_and_shows_dispatch(walls, alice, django_assert_max_num_queries):
    order = _done_order(walls, alice)
    place(walls.b, resident_name="钱多多")
    with django_assert_max_num_queries(6):
        response = Client().get(f"/m/walls/{walls.a.pk}/")
    body = response.content.decode()
    assert "王水工" in body and "已更换灯泡" in body and "张**" in body
    assert "张三丰" not in body and "13800138000" not in body and "钱" not in body
    assert order.tracking_code not in body


def test_pages_have_no_inline_script(walls, alice):
    import re

    from zugong.conftest import logged_in

    order = place(walls.a)
    public = Client()
    staff = logged_in(alice)
    pages = [public.get("/m/"), public.get("/m/track/"), public.get(f"/m/t/{order.tracking_code}/"),
             public.get(f"/m/walls/{walls.a.pk}/"), public.get("/m/walls/"), staff.get("/masswork/"),
             staff.get(f"/masswork/orders/{order.pk}/"), staff.get("/masswork/petitions/"),
             staff.get("/masswork/visits/new/")]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)
        assert " onclick=" not in html and "javascript:" not in html


def test_huge_body_refused_before_parsing(walls, settings):
    settings.ZUGONG_MASSWORK_PHOTO_MAX_BYTES = 10 * 1024
    huge = SimpleUploadedFile("huge.png", _png() + b"\0" * 200_000, content_type="image/png")
    response = Client().post("/m/", _form(walls.a, photo=huge))
    assert response.status_code == 413 and "提交内容过大" in response.content.decode()
    assert not ServiceOrder.objects.exists()
