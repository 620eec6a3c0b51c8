"""Open311 GeoReport v2 over the wish-wall orders, under /open311/v2/ (http://wiki.open311.org/GeoReport_v2).

Every method answers in the format its extension names, `.xml` (the spec's required format) or `.json`,
with `charset=utf-8`; errors are always the spec's error array, also for an unknown path. The choices and
the sections of the spec behind them are in docs/masswork.md ("Open311 GeoReport v2").

Personal data never appears: no names or phones, `address` is the wall's community, lat/long are rounded
to 3 decimals (about 100 m).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree

from django.conf import settings
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from zugong.core.errors import DomainError
from zugong.core.models import ApiToken, OrgUnit
from zugong.core.request import ID_MAX
from zugong.core.services import hash_token
from zugong.masswork.models import (
    OPEN_ORDER_STATUSES,
    Channel,
    OrderStatus,
    ServiceCategory,
    ServiceOrder,
    Wall,
)
from zugong.masswork.public_views import client_address
from zugong.masswork.services.public import PHOTO_DIR, public_order_place
from zugong.masswork.services.walls import MAX_COVERAGE_M  # the lat/long search box

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00+08:00"
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
EARTH_RADIUS_M = 6_371_000
CLOSED_STATUSES = frozenset(set(OrderStatus.values) - set(OPEN_ORDER_STATUSES))
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element name of one item of a list, as the spec's XML examples write it.
_ITEMS = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
          "formats": "format", "attributes": "attribute", "values": "value"}


class Open311Error(DomainError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# -- rendering ---------------------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(name: str, value: Any) -> ElementTree.Element:
    node = ElementTree.Element(name)
    if isinstance(value, dict):
        node.extend(_element(k, v) for k, v in value.items())
    elif isinstance(value, list):
        node.extend(_element(_ITEMS.get(name, "item"), v) for v in value)
    else:
        node.text = _text(value)
    return node


def render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under `root` (the spec's root element: services, service_requests, …)."""
    if fmt == "xml":
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(_element(root, data),
                                                                             encoding="unicode")
    else:
        body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def _format_of(path: str) -> str:
    return "xml" if path.rstrip("/").endswith(".xml") else "json"


# -- reads -------------------------------------------------------------------------------------------------

def _service(category: ServiceCategory) -> dict[str, Any]:
    return {"service_code": category.value, "service_name": str(category.label),
            "description": f"民心墙点单：{category.label}", "metadata": False, "type": "realtime",
            "keywords": "民心墙,点单", "group": "民心墙"}


class RequestRow(NamedTuple):
    """What a service request shows, as plain values: read from an order, or straight from the database for a
    list (a thousand model instances with three related ones each cost most of `requests.json`)."""

    pk: int
    status: str
    report: str
    explanation: str
    category: str
    description: str
    community: str
    group: str
    wall: str
    wall_id: int
    ordered_at: datetime
    updated_at: datetime
    handle_due: date | None
    dispatch_due: date | None
    lat: float | None
    long: float | None
    photo: str
    photo_published: bool


ROW_FIELDS = ("pk", "status", "report", "explanation", "category", "description", "wall__community__name",
              "wall__org_unit__name", "wall__name", "wall_id", "ordered_at", "updated_at", "handle_due", "dispatch_due",
              "lat", "long", "photo", "photo_published")


def _row(order: ServiceOrder) -> RequestRow:
    return RequestRow(order.pk, order.status, order.report, order.explanation, order.category, order.description,
                      order.wall.community.name, order.wall.org_unit.name, order.wall.name, order.wall_id,
                      order.ordered_at, order.updated_at, order.handle_due, order.dispatch_due, order.lat, order.long,
                      order.photo, order.photo_published)


def _expected(row: RequestRow) -> str:
    due = row.handle_due if row.status in (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED) else row.dispatch_due
    if due is None:
        return ""
    return timezone.make_aware(datetime.combine(due, time(23, 59, 59))).isoformat()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    return ({k: str(v) for k, v in OrderStatus.choices}, {k: str(v) for k, v in ServiceCategory.choices})


def _status_notes(row: RequestRow, statuses: dict[str, str]) -> str:
    parts = [statuses[row.status]]
    if row.report:
        parts.append(f"办理情况：{row.report}")
    if row.explanation:
        parts.append(f"解释说明：{row.explanation}")
    return "；".join(parts)


def _media_url(row: RequestRow, media_base: str) -> str:
    return f"{media_base}{row.pk}.jpg" if row.photo and row.photo_published and media_base else ""


def request_out(order: ServiceOrder, labels: tuple[dict[str, str], dict[str, str]] | None = None,
                media_base: str = "") -> dict[str, Any]:
    return row_out(_row(order), labels or _labels(), media_base)


def requests_out(orders: QuerySet[ServiceOrder], media_base: str = "") -> list[dict[str, Any]]:
    """`request_out` of every order of `orders`, read as values in one query (the expected time of a due day
    computed once for all the orders due that day)."""
    labels = _labels()
    expected: dict[tuple[str, date | None, date | None], str] = {}
    zone = timezone.get_current_timezone()  # once: `localtime()` looks the zone up for every value
    rows = []
    for values in orders.values_list(*ROW_FIELDS):
        row = RequestRow(*values)
        key = (row.status, row.handle_due, row.dispatch_due)
        if key not in expected:
            expected[key] = _expected(row)
        rows.append(row_out(row, labels, media_base, expected[key], zone))
    return rows


def row_out(row: RequestRow, labels: tuple[dict[str, str], dict[str, str]], media_base: str,
            expected: str | None = None, zone: tzinfo | None = None) -> dict[str, Any]:
    statuses, services = labels
    zone = zone or timezone.get_current_timezone()
    return {
        "service_request_id": str(row.pk),
        "status": "open" if row.status in OPEN_ORDER_STATUSES else "closed",
        "status_notes": _status_notes(row, statuses),
        "service_name": services[row.category],
        "service_code": row.category,
        "description": row.description,
        "agency_responsible": f"{row.community}{row.group}",
        "service_notice": "",
        "requested_datetime": row.ordered_at.astimezone(zone).isoformat(),
        "updated_datetime": row.updated_at.astimezone(zone).isoformat(),
        "expected_datetime": _expected(row) if expected is None else expected,
        "address": f"{row.community}（{row.wall}）",
        "address_id": str(row.wall_id),
        "zipcode": "",
        "lat": _round(row.lat),
        "long": _round(row.long),
        "media_url": _media_url(row, media_base),
    }


def _orders() -> QuerySet[ServiceOrder]:
    return ServiceOrder.objects.select_related("wall", "wall__community", "wall__org_unit")


def _parse_moment(value: str, *, end: bool) -> datetime | None:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            return None
        moment = datetime.combine(day, time.max if end else time.min)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _window(params: dict[str, str]) -> tuple[datetime | None, datetime | None]:
    """The spec's default: without dates, the most recent 90 days; a date given bounds that side only."""
    bounds: dict[str, datetime] = {}
    for name in ("start_date", "end_date"):
        if params.get(name):
            moment = _parse_moment(params[name], end=name == "end_date")
            if moment is None:
                raise Open311Error(400, f"{name} 不是有效的 ISO 8601 日期时间，例如 2026-01-01T00:00:00+08:00")
            bounds[name] = moment
    if not bounds:
        return timezone.now() - timedelta(days=DEFAULT_DAYS), None
    return bounds.get("start_date"), bounds.get("end_date")


def _filtered(params: dict[str, str]) -> QuerySet[ServiceOrder]:
    orders = _orders()
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        if not all(i.isdigit() and int(i) <= ID_MAX for i in ids):  # past it, `pk__in` overflows
            raise Open311Error(400, "service_request_id 必须是以逗号分隔的数字编号")
        return orders.filter(pk__in=[int(i) for i in ids]).order_by("-ordered_at", "-pk")
    if params.get("service_code"):
        orders = orders.filter(category__in=params["service_code"].split(","))
    start, end = _window(params)
    if start is not None:
        orders = orders.filter(ordered_at__gte=start)
    if end is not None:
        orders = orders.filter(ordered_at__lte=end)
    if params.get("status"):
        wanted = {s.strip() for s in params["status"].split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status 只能是 open 或 closed（可用逗号同时给出）")
        statuses = (set(OPEN_ORDER_STATUSES) if "open" in wanted else set()) | (
            set(CLOSED_STATUSES) if "closed" in wanted else set())
        orders = orders.filter(status__in=statuses)
    return orders.order_by("-ordered_at", "-pk")


# -- location ----------------------------------------------------------------------------------------------

def _float(value: str, name: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise Open311Error(400, f"{name} 不是有效的数字（WGS84 十进制度数）") from exc
    if not low <= number <= high:
        raise Open311Error(400, f"{name} 超出范围（{low} 至 {high}）")
    return number


def _distance_m(lat1: float, long1: float, lat2: float, long2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(long2 - long1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def wall_at(lat: float, long: float) -> Wall | None:
    """The nearest active wall whose coverage circle contains the point."""
    dlat = math.degrees(MAX_COVERAGE_M / EARTH_RADIUS_M)
    dlong = dlat / max(math.cos(math.radians(lat)), 0.01)
    near = Wall.objects.filter(is_active=True, lat__range=(lat - dlat, lat + dlat),
                               long__range=(long - dlong, long + dlong))
    covering = [(d, w.pk, w) for w in near
                if (d := _distance_m(lat, long, w.lat or 0.0, w.long or 0.0)) <= w.coverage_m]
    return min(covering, key=lambda c: (c[0], c[1]))[2] if covering else None


def _ancestor_hits(community: OrgUnit, address: str) -> int:
    hits, unit = 0, community.parent
    while unit is not None:
        hits += unit.name in address
        unit = unit.parent
    return hits


def wall_for_address(address: str) -> Wall:
    """The first active wall of the one community the address names (its county or township decides
    between communities of the same name)."""
    communities = list(OrgUnit.objects.annotate(text=Cast(Value(address), TextField()))
                       .filter(community_walls__is_active=True, text__contains=F("name"))
                       .select_related("parent__parent__parent").distinct())
    if not communities:
        raise Open311Error(400, "address_string 中没有找到已设民心墙的社区名称，请写明社区名称或改用 lat/long")
    scored = sorted(((_ancestor_hits(c, address), len(c.name), c.pk, c) for c in communities), reverse=True)
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        raise Open311Error(400, "address_string 对应多个社区，请同时写明所在县（区）和乡镇（街道）")
    wall = Wall.objects.filter(community=scored[0][3], is_active=True).order_by("pk").first()
    assert wall is not None  # the filter above found the community through an active wall
    return wall


def locate(data: dict[str, str]) -> Wall:
    """The spec's location: one of lat & long, address_string or address_id must be given."""
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    if bool(lat) != bool(long):
        raise Open311Error(400, "lat 和 long 必须同时提供")
    wall_id = data.get("address_id", "").strip()
    if wall_id:
        wall = Wall.objects.filter(pk=int(wall_id), is_active=True).first() if wall_id.isdigit() else None
        if wall is None:
            raise Open311Error(400, "address_id 必须是有效的民心墙编号（见 requests.json 的 address_id）")
        return wall
    if lat:
        found = wall_at(_float(lat, "lat", -90, 90), _float(long, "long", -180, 180))
        if found is None:
            raise Open311Error(400, "该位置不在任何民心墙的服务范围内，请改用 address_string 写明社区名称")
        return found
    if data.get("address_string", "").strip():
        return wall_for_address(data["address_string"].strip())
    raise Open311Error(400, "请提供位置：lat 和 long、address_string 或 address_id 之一")


# -- views -------------------------------------------------------------------------------------------------

def _answer(fmt: str, root: str, produce: Any) -> HttpResponse:
    try:
        data, status = produce()
    except DomainError as exc:
        status = exc.status if exc.status in (400, 403, 404, 429) else 400
        return error(fmt, status, exc.message)
    return render(fmt, root, data, status=status)


def _only(request: HttpRequest, fmt: str, *methods: str) -> HttpResponse | None:
    if request.method in methods:
        return None
    response = error(fmt, 405, f"此地址只接受 {'、'.join(methods)} 请求")
    response["Allow"] = ", ".join(methods)
    return response


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _only(request, fmt, "GET")
    if refused:
        return refused
    base = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
    return render(fmt, "discovery", {
        "changeset": CHANGESET, "contact": "所在社区党组织（民心墙）", "key_service": "向县委组织部申请 API 令牌",
        "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}]})


def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return _only(request, fmt, "GET") or render(fmt, "services", [_service(c) for c in ServiceCategory])


def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    refused = _only(request, fmt, "GET")
    if refused:
        return refused
    if code not in ServiceCategory.values:
        return error(fmt, 404, f"没有服务代码 {code}，可用的代码见 services.{fmt}")
    return render(fmt, "service_definition", {"service_code": code, "attributes": []})


@csrf_exempt  # a machine API without cookies: nothing for a forged request to ride on
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _only(request, fmt, "GET", "POST")
    if refused:
        return refused
    if request.method == "POST":
        return _answer(fmt, "service_requests", lambda: ([_create(request)], 201))

    def listed() -> tuple[list[dict[str, Any]], int]:
        orders = _filtered({k: request.GET.get(k, "") for k in request.GET})
        return requests_out(orders[:MAX_RESULTS], _media_base(request)), 200

    return _answer(fmt, "service_requests", listed)


def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    refused = _only(request, fmt, "GET")
    if refused:
        return refused
    order = _orders().filter(pk=int(request_id)).first() if request_id.isdigit() else None
    if order is None:
        return error(fmt, 404, f"没有编号为 {request_id} 的服务请求")
    return render(fmt, "service_requests", [request_out(order, media_base=_media_base(request))])


def _media_base(request: HttpRequest) -> str:
    one = reverse("open311:media", kwargs={"request_id": "1"})
    return request.build_absolute_uri(one[: -len("1.jpg")])


def media(request: HttpRequest, request_id: str) -> HttpResponse | FileResponse:
    """The photo of a request, only once the wall's staff approved it for publication."""
    order = ServiceOrder.objects.filter(pk=int(request_id), photo_published=True).exclude(photo="").first()
    path = Path(settings.MEDIA_ROOT) / PHOTO_DIR / order.photo if order else None
    if path is None or not path.is_file():
        return error("json", 404, "没有已审核公开的照片")
    return FileResponse(path.open("rb"), content_type="image/jpeg")


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(_format_of(request.path), 404, "没有这个 Open311 接口，可用的接口见 discovery.json 或 discovery.xml")


# -- POST Service Request ----------------------------------------------------------------------------------

def key_required() -> bool:
    """Settings `ZUGONG_OPEN311_POST_KEY_REQUIRED` (default True, as the spec requires a key for POST)."""
    return bool(getattr(settings, "ZUGONG_OPEN311_POST_KEY_REQUIRED", True))


def _key_valid(key: str) -> bool:
    return ApiToken.objects.filter(key_hash=hash_token(key), revoked_at__isnull=True, user__is_active=True).exists()


def _create(request: HttpRequest) -> dict[str, Any]:
    data = {k: request.POST.get(k, "") for k in request.POST}
    key = data.get("api_key", "")
    if key and not _key_valid(key):
        raise Open311Error(403, "api_key 无效，请向县委组织部申请有效的 API 令牌")
    if not key and key_required():
        raise Open311Error(403, "提交服务请求需要 api_key，请向县委组织部申请 API 令牌")
    code = data.get("service_code", "")
    if not code:
        raise Open311Error(400, "请提供 service_code，可用的代码见 services.json")
    if code not in ServiceCategory.values:  # the spec's errors: service_code not found is a 404
        raise Open311Error(404, f"没有服务代码 {code}，可用的代码见 services.json")
    wall = locate(data)
    name = (data.get("last_name", "") + data.get("first_name", "")).strip()
    coordinates = (_float(data["lat"], "lat", -90, 90), _float(data["long"], "long", -180, 180)) if data.get(
        "lat") and data.get("long") else (None, None)
    order = public_order_place(
        wall=wall, resident_name=name or "匿名", resident_phone=data.get("phone", ""),
        resident_email=data.get("email", ""),
        description=data.get("description", ""), category=code, channel=Channel.OPEN311,
        address=data.get("address_string", ""), lat=coordinates[0], long=coordinates[1],
        client_address=f"key:{hash_token(key)[:16]}" if key else client_address(request))
    return {"service_request_id": str(order.pk), "service_notice": f"查询码：{order.tracking_code}",
            "account_id": None}
