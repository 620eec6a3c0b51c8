"""Open311 GeoReport v2 (JSON only) over the wish-wall orders, under /open311/v2/.

- services.json: the service categories (`ServiceCategory`), type "realtime", metadata false.
- requests.json GET: filters service_request_id (comma list, overrides the others), service_code,
  start_date, end_date (ISO 8601 on requested_datetime), status (open, closed); without dates the
  last 90 days; at most 1000 rows.
- requests.json POST (form-encoded): service_code, address_id (the wall's id, which stands for the
  community the wall serves), description, phone, first_name/last_name, optional lat/long and
  api_key. The order is placed through the same service as the public page and throttled the same
  way; `service_notice` carries the tracking code the resident needs to rate the order.
- requests/{id}.json: one request, as a one-element list.

api_key is optional: GeoReport allows open posting and so does the residents' page. When a key is
given it must be a valid zugong API token (403 otherwise) and the per-address throttle is lifted for
that integrator (counted per key instead); the per-phone throttle always applies. Personal data never appears: no names or
phones, `address` is the wall's community, and lat/long are rounded to 3 decimals (about 100 m).
Errors are the spec's list of {"code", "description"}.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from zugong.core.errors import DomainError
from zugong.core.models import ApiToken
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
from zugong.masswork.services.public import public_order_place

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
CLOSED_STATUSES = frozenset(set(OrderStatus.values) - set(OPEN_ORDER_STATUSES))


def _error(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": description}], status=status, safe=False,
                        json_dumps_params={"ensure_ascii": False})


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


@require_GET
def services(request: HttpRequest) -> JsonResponse:
    return _json([{"service_code": c.value, "service_name": str(c.label), "description": f"民心墙点单：{c.label}",
                   "metadata": False, "type": "realtime", "keywords": "民心墙,点单", "group": "民心墙"}
                  for c in ServiceCategory])


def _expected(order: ServiceOrder) -> str:
    due = order.handle_due if order.status in (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED) else order.dispatch_due
    if due is None:
        return ""
    return timezone.make_aware(datetime.combine(due, time(23, 59, 59))).isoformat()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    return ({k: str(v) for k, v in OrderStatus.choices}, {k: str(v) for k, v in ServiceCategory.choices})


def _status_notes(order: ServiceOrder, statuses: dict[str, str]) -> str:
    parts = [statuses[order.status]]
    if order.report:
        parts.append(f"办理情况：{order.report}")
    if order.explanation:
        parts.append(f"解释说明：{order.explanation}")
    return "；".join(parts)


def request_out(order: ServiceOrder, labels: tuple[dict[str, str], dict[str, str]] | None = None) -> dict[str, Any]:
    statuses, services = labels or _labels()
    return {
        "service_request_id": str(order.pk),
        "status": "open" if order.status in OPEN_ORDER_STATUSES else "closed",
        "status_notes": _status_notes(order, statuses),
        "service_name": services[order.category],
        "service_code": order.category,
        "description": order.description,
        "agency_responsible": f"{order.wall.community.name}{order.wall.org_unit.name}",
        "service_notice": "",
        "requested_datetime": timezone.localtime(order.ordered_at).isoformat(),
        "updated_datetime": timezone.localtime(order.updated_at).isoformat(),
        "expected_datetime": _expected(order),
        "address": f"{order.wall.community.name}（{order.wall.name}）",
        "address_id": str(order.wall_id),
        "zipcode": "",
        "lat": _round(order.lat),
        "long": _round(order.long),
        "media_url": "",
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


def _filtered(params: dict[str, str]) -> QuerySet[ServiceOrder] | JsonResponse:
    orders = _orders()
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        if not all(i.isdigit() for i in ids):
            return _error(400, "service_request_id 格式不正确")
        return orders.filter(pk__in=[int(i) for i in ids]).order_by("-ordered_at", "-pk")
    if params.get("service_code"):
        orders = orders.filter(category__in=params["service_code"].split(","))
    bounds = {}
    for name in ("start_date", "end_date"):
        if params.get(name):
            moment = _parse_moment(params[name], end=name == "end_date")
            if moment is None:
                return _error(400, f"{name} 不是有效的 ISO 8601 日期时间")
            bounds[name] = moment
    if not bounds:
        bounds["start_date"] = timezone.now() - timedelta(days=DEFAULT_DAYS)
    if "start_date" in bounds:
        orders = orders.filter(ordered_at__gte=bounds["start_date"])
    if "end_date" in bounds:
        orders = orders.filter(ordered_at__lte=bounds["end_date"])
    if params.get("status"):
        wanted = {s.strip() for s in params["status"].split(",")}
        if not wanted <= {"open", "closed"}:
            return _error(400, "status 只能是 open 或 closed")
        statuses = (set(OPEN_ORDER_STATUSES) if "open" in wanted else set()) | (
            set(CLOSED_STATUSES) if "closed" in wanted else set())
        orders = orders.filter(status__in=statuses)
    return orders.order_by("-ordered_at", "-pk")


@csrf_exempt  # a machine API without cookies: nothing for a forged request to ride on
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return _create(request)
    orders = _filtered({k: request.GET.get(k, "") for k in request.GET})
    if isinstance(orders, JsonResponse):
        return orders
    labels = _labels()
    return _json([request_out(o, labels) for o in orders[:MAX_RESULTS]])


@require_GET
def request_detail(request: HttpRequest, request_id: int) -> JsonResponse:
    order = _orders().filter(pk=request_id).first()
    if order is None:
        return _error(404, "未找到该服务请求")
    return _json([request_out(order)])


def _float(value: str, name: str, low: float, high: float) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise DomainError(f"{name} 不是有效的数字") from exc
    if not low <= number <= high:
        raise DomainError(f"{name} 超出范围")
    return number


def _key_valid(key: str) -> bool:
    return ApiToken.objects.filter(key_hash=hash_token(key), revoked_at__isnull=True, user__is_active=True).exists()


def _create(request: HttpRequest) -> JsonResponse:
    data = request.POST
    key = data.get("api_key", "")
    if key and not _key_valid(key):
        return _error(403, "api_key 无效")
    code = data.get("service_code", "")
    if code not in ServiceCategory.values:
        return _error(400, "service_code 无效，请先查询 services.json")
    wall_id = data.get("address_id", "")
    wall = Wall.objects.filter(pk=int(wall_id), is_active=True).first() if wall_id.isdigit() else None
    if wall is None:
        return _error(400, "address_id 必须是有效的民心墙编号")
    name = (data.get("last_name", "") + data.get("first_name", "")).strip()
    try:
        order = public_order_place(
            wall=wall, resident_name=name or "匿名", resident_phone=data.get("phone", ""),
            description=data.get("description", ""), category=code, channel=Channel.OPEN311,
            address=data.get("address_string", ""),
            lat=_float(data.get("lat", ""), "lat", -90, 90), long=_float(data.get("long", ""), "long", -180, 180),
            client_address=f"key:{hash_token(key)[:16]}" if key else client_address(request))
    except DomainError as exc:
        return _error(exc.status if exc.status in (400, 429) else 400, exc.message)
    return _json([{"service_request_id": str(order.pk), "service_notice": f"查询码：{order.tracking_code}",
                   "account_id": None}], status=201)
