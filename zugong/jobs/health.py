"""`/healthz` for load balancers and monitoring: no login, JSON, 200 when this server can serve and the
queue is being worked, else 503.

Checked: the database answers, the cache keeps a value, and some worker's heartbeat is younger than
ZUGONG_WORKER_STALE_SECONDS. The last evaluation is reported (an install that never evaluated is not
unhealthy for it).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zugong.jobs import selectors

CACHE_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, ConnectionError, OSError)
try:  # the redis client raises its own errors when ZUGONG_REDIS_URL is set
    from redis.exceptions import RedisError

    CACHE_ERRORS += (RedisError,)
except ImportError:  # pragma: no cover - redis is a dependency
    pass


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _cache() -> dict[str, Any]:
    key, value = f"zugong-healthz-{secrets.token_hex(4)}", secrets.token_hex(4)
    try:
        cache.set(key, value, 30)
        ok = cache.get(key) == value
        cache.delete(key)
    except CACHE_ERRORS as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": ok}


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _worker(database_ok: bool) -> dict[str, Any]:
    last = selectors.last_heartbeat() if database_ok else None
    age = (timezone.now() - last).total_seconds() if last is not None else None
    stale_after = settings.ZUGONG_WORKER_STALE_SECONDS
    return {"ok": age is not None and age <= stale_after, "last_seen": _moment(last),
            "age_seconds": round(age, 1) if age is not None else None, "stale_after_seconds": stale_after}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database, cached = _database(), _cache()
    worker = _worker(database["ok"])
    healthy = bool(database["ok"] and cached["ok"] and worker["ok"])
    body = {"status": "ok" if healthy else "unavailable", "database": database, "cache": cached,
            "worker_heartbeat": worker,
            "last_evaluation": _moment(selectors.last_evaluation()) if database["ok"] else None}
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
