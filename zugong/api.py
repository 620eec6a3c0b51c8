"""The JSON API under /api/v1/: authentication, the error envelope, and every app's router.

Errors are always `{"error": {"code": ..., "message": ...}}` with a Chinese message.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zugong.core.api_auth import signed_in
from zugong.core.errors import DomainError
from zugong.core.middleware import STATUS_ERRORS

api = NinjaAPI(
    title="zugong 组工 API",
    version="1",
    urls_namespace="api-v1",
    auth=signed_in(),
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


# ninja's own HttpErrors carry English text ("Cannot parse request body"): the envelope says it in Chinese,
# with the same words as the error-contract middleware; a 400 from ninja is always an unparsable body.
HTTP_ERROR_MESSAGES: dict[int, tuple[str, str]] = {**STATUS_ERRORS, 400: ("bad_request", "请求内容无法解析，请检查 JSON 格式")}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, message = HTTP_ERROR_MESSAGES.get(exc.status_code, ("error", "请求无法处理"))
    return error_response(request, exc.status_code, code, message)


@api.exception_handler(OverflowError)
def _overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # A number past what the database holds (SQLite raises OverflowError): the caller's input, not a fault.
    return error_response(request, 400, "out_of_range", "参数数值超出允许范围")


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # PostgreSQL refuses an out-of-range or malformed value with DataError: also the caller's input.
    return error_response(request, 400, "out_of_range", "参数数值超出允许范围或格式不正确")


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", "请求内容过大")


api.add_router("", "zugong.core.api.router")
api.add_router("", "zugong.cadres.api.router")
api.add_router("", "zugong.rules.api.router")
api.add_router("", "zugong.talks.api.router")
api.add_router("", "zugong.masswork.api.router")
api.add_router("", "zugong.meetings.api.router")
api.add_router("", "zugong.rectification.api.router")
api.add_router("", "zugong.rectification.api_projects.router")
api.add_router("", "zugong.selection.api.router")
api.add_router("", "zugong.assessment.api.router")
api.add_router("", "zugong.assessment.api_surveys.router")
api.add_router("", "zugong.fieldwork.api.router")
api.add_router("", "zugong.jobs.api.router")
