"""Open311 media_url: a resident's photo is published only after the wall's staff approved it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zugong.core.errors import DomainError, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.masswork.models import ServiceOrder
from zugong.masswork.services.orders import order_photo_publish
from zugong.masswork.services.public import photo_store
from zugong.masswork.tests.conftest import place


@pytest.fixture
def with_photo(walls, settings, tmp_path) -> ServiceOrder:
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    name = photo_store(SimpleUploadedFile("lamp.png", buffer.getvalue(), content_type="image/png"))
    return place(walls.a, photo=name)


def _media_url(order: ServiceOrder) -> str:
    return Client().get(f"/open311/v2/requests/{order.pk}.json").json()[0]["media_url"]


def test_photo_not_published_until_approved(with_photo, alice):
    # given a resident's photo nobody approved
    assert _media_url(with_photo) == ""
    assert Client().get(f"/open311/v2/media/{with_photo.pk}.jpg").status_code == 404
    # when the county's staff approve it
    order_photo_publish(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=with_photo.pk, published=True)
    # then requests.json links it and the link serves the JPEG
    url = _media_url(with_photo)
    assert url == f"http://testserver/open311/v2/media/{with_photo.pk}.jpg"
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")  # type: ignore[attr-defined]
    # and withdrawing the approval takes it down again
    order_photo_publish(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=with_photo.pk, published=False)
    assert _media_url(with_photo) == ""
    assert Client().get(url).status_code == 404


def test_only_the_wall_staff_of_the_order_approve(with_photo, carol):
    with pytest.raises(DomainError):
        order_photo_publish(actor=carol, jurisdiction=jurisdiction_for(carol), order_id=with_photo.pk, published=True)
    with_photo.refresh_from_db()
    assert with_photo.photo_published is False


def test_an_order_without_photo_has_nothing_to_approve(walls, alice):
    order = place(walls.a)
    with pytest.raises(ValidationFailed, match="没有照片"):
        order_photo_publish(actor=alice, jurisdiction=jurisdiction_for(alice), order_id=order.pk, published=True)
