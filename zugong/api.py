"""The JSON API under /api/v1/: authentication, the error envelope, and every app's router.

Errors are always `{"error": {"code": ..., "message": ...}}` with a Chinese message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from zugong.core.errors import DomainError
from zugong.core.models import ApiToken
from zugong.core.services import hash_token

# A token's last use is recorded at most this often: a write on every read would serialise bearer reads
# on SQLite and make the token's row hot on PostgreSQL (issue 17, item 8).
TOKEN_STAMP_INTERVAL = timedelta(minutes=1)


def stamp_token_use(row: ApiToken) -> None:
    """Record `row`'s use unless it was recorded within TOKEN_STAMP_INTERVAL (the UPDATE re-checks, so of
    concurrent requests one writes)."""
    now = timezone.now()
    since = now - TOKEN_STAMP_INTERVAL
    if row.last_used_at is not None and row.last_used_at > since:
        return
    (ApiToken.objects.filter(pk=row.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=since))
     .update(last_used_at=now))


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        row = (ApiToken.objects.select_related("user")
               .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True).first())
        if row is None:
            return None
        stamp_token_use(row)
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="zugong 组工 API",
    version="1",
    urls_namespace="api-v1",
    auth=[BearerAuth(), SessionAuth(csrf=True)],
    docs_url="/docs",
)


def error_response(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, field=exc.field)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [{"loc": [str(p) for p in e.get("loc", [])], "message": e.get("msg", "")} for e in exc.errors]
    return error_response(request, 422, "invalid", "请求参数不正确", details=details)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", "未登录或令牌无效")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "未找到，或不在您的管辖范围内")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


api.add_router("", "zugong.core.api.router")
api.add_router("", "zugong.cadres.api.router")
api.add_router("", "zugong.rules.api.router")
api.add_router("", "zugong.talks.api.router")
api.add_router("", "zugong.masswork.api.router")
api.add_router("", "zugong.meetings.api.router")
api.add_router("", "zugong.rectification.api.router")
