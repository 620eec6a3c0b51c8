"""What staff make public, and the resident's phone in full: a wall's place for Open311's lat/long search,
an order's photo approved for Open311's media_url (or withdrawn), and the one full view of a resident's
phone that the order endpoints mask (allowed by role, logged as an access event)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from zugong.core.api_auth import permitted
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.masswork import selectors
from zugong.masswork.models import ServiceOrder, Wall
from zugong.masswork.services.orders import order_photo_publish, resident_phone_shown
from zugong.masswork.services.walls import wall_locate

router = Router(tags=["orders"])


class LocationIn(Schema):
    lat: float | None = None
    long: float | None = None
    coverage_m: int = 1000


class LocationOut(Schema):
    wall_id: int
    lat: float | None
    long: float | None
    coverage_m: int


class PhotoOut(Schema):
    order_id: int
    has_photo: bool
    photo_published: bool


class PhoneOut(Schema):
    order_id: int
    resident_phone: str


def _location(wall: Wall) -> LocationOut:
    return LocationOut(wall_id=wall.pk, lat=wall.lat, long=wall.long, coverage_m=wall.coverage_m)


def _photo(order: ServiceOrder) -> PhotoOut:
    return PhotoOut(order_id=order.pk, has_photo=bool(order.photo), photo_published=order.photo_published)


@router.put("/walls/{wall_id}/location",
            auth=permitted("masswork.wall_locate", scope=selectors.walls_visible, by="wall_id"),
            response=LocationOut)
def wall_location_set(request: HttpRequest, wall_id: RowId, payload: LocationIn) -> LocationOut:
    """Set a wall's place (WGS84) and coverage radius; neither lat nor long clears the place."""
    jurisdiction = jurisdiction_of(request)
    selectors.wall_get(jurisdiction, wall_id)  # 404 outside the jurisdiction, before any lock
    wall = wall_locate(actor=actor_of(request), jurisdiction=jurisdiction, wall_id=wall_id, lat=payload.lat,
                       long=payload.long, coverage_m=payload.coverage_m)
    return _location(wall)


def _publish(request: HttpRequest, order_id: int, published: bool) -> PhotoOut:
    jurisdiction = jurisdiction_of(request)
    selectors.order_get(jurisdiction, order_id)
    return _photo(order_photo_publish(actor=actor_of(request), jurisdiction=jurisdiction, order_id=order_id,
                                      published=published))


@router.post("/orders/{order_id}/photo/publish",
             auth=permitted("masswork.order_photo_publish", scope=selectors.orders_visible, by="order_id"),
             response=PhotoOut)
def order_photo_approve(request: HttpRequest, order_id: RowId) -> PhotoOut:
    """Approve the order's photo for publication: Open311 then gives its media_url."""
    return _publish(request, order_id, True)


@router.post("/orders/{order_id}/photo/withdraw",
             auth=permitted("masswork.order_photo_publish", scope=selectors.orders_visible, by="order_id"),
             response=PhotoOut)
def order_photo_withdraw(request: HttpRequest, order_id: RowId) -> PhotoOut:
    """Withdraw the approval: the media_url and the photo are gone from Open311."""
    return _publish(request, order_id, False)


@router.get("/orders/{order_id}/resident-phone", response=PhoneOut)
def order_resident_phone(request: HttpRequest, order_id: RowId) -> PhoneOut:
    """The resident's full phone, for the staff who call back (not members, not leaders); each call logged."""
    jurisdiction = jurisdiction_of(request, "masswork.resident_phone_view")
    order = selectors.order_get(jurisdiction, order_id)
    return PhoneOut(order_id=order.pk, resident_phone=resident_phone_shown(
        user=actor_of(request), jurisdiction=jurisdiction, order=order, reveal=True, channel="api"))
