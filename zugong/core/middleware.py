"""Response headers every page gets, the request's jurisdiction, and one error contract for /api/ and
/open311/ (with oversized bodies refused before they are read)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast
from xml.etree import ElementTree

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.middleware import auser, get_user
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from zugong.core.jurisdiction import UNREAD, Jurisdiction, jurisdiction_for

ACTIVE_MEMBERSHIP_KEY = "zugong_active_membership"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


class ChineseFirstMiddleware:
    """Chinese unless the user chose another language with the switch (the language cookie).

    Django would otherwise follow the browser's Accept-Language, and an English-language browser on
    an intranet PC would open zugong in English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


def resolve_jurisdiction(request: HttpRequest) -> Jurisdiction:
    """The jurisdiction of the request's user, narrowed to the membership they switched to.

    Called once per request by `JurisdictionMiddleware`; views read `request.jurisdiction`. A bearer request
    read the generation stamp with its token (`core.api_auth`), so it is not read again."""
    membership_id = None
    if hasattr(request, "session"):
        raw = request.session.get(ACTIVE_MEMBERSHIP_KEY)
        membership_id = int(raw) if raw else None
    user = getattr(request, "user", None)
    generation = request.__dict__.get("zugong_generation", UNREAD)
    jurisdiction = jurisdiction_for(user, membership_id, generation=generation)
    if membership_id is not None and jurisdiction.is_empty:
        # The membership was revoked since it was chosen: fall back to the union.
        return jurisdiction_for(user, generation=generation)
    return jurisdiction


class JurisdictionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.jurisdiction = SimpleLazyObject(lambda: resolve_jurisdiction(request))  # type: ignore[attr-defined]
        return self.get_response(request)


# -- one error contract under /api/ and /open311/ ---------------------------------------------------------

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"
PUBLIC_PREFIXES = ("/m/", OPEN311_PREFIX)  # what residents and outside systems post to, without an account
PUBLIC_FORM_OVERHEAD_BYTES = 64 * 1024  # the text fields and multipart framing around a resident's photo

# (code, message) of an error response that did not come from the API's own handlers (Django's 404, 405,
# 413, 500 pages, a body refused before it was read): the same Chinese words as `zugong/api.py`.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求不正确"),
    401: ("unauthenticated", "未登录或令牌无效"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "未找到，或不在您的管辖范围内"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
    500: ("server_error", "系统出现错误，已记录，请稍后再试"),
}


def status_error(status: int) -> tuple[str, str]:
    return STATUS_ERRORS.get(status, ("server_error", STATUS_ERRORS[500][1]) if status >= 500
                             else ("error", "请求无法处理"))


def body_limit(path: str) -> int | None:
    """The largest body accepted on `path`, checked before anything reads it; None: Django's own limits.

    Public pages take one photo (`ZUGONG_MASSWORK_PHOTO_MAX_BYTES`, 3 MB) and a form; the API takes at
    most `ZUGONG_MAX_UPLOAD_BYTES` (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    if path.startswith(PUBLIC_PREFIXES):
        photo = int(getattr(settings, "ZUGONG_MASSWORK_PHOTO_MAX_BYTES", 3 * 1024 * 1024))
        return photo + PUBLIC_FORM_OVERHEAD_BYTES
    if path.startswith(API_PREFIX):
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return None


def declared_too_large(request: HttpRequest, limit: int) -> bool:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        return int(raw) > limit
    except ValueError:
        return True  # a length that is no number is refused like one too large: nothing reads the body


def api_error(status: int, code: str, message: str) -> HttpResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def open311_error(path: str, status: int, description: str) -> HttpResponse:
    """GeoReport v2's error array, in the format the path asks for (`.xml`, else JSON)."""
    if path.rstrip("/").endswith(".xml"):
        root = ElementTree.Element("errors")
        item = ElementTree.SubElement(root, "error")
        ElementTree.SubElement(item, "code").text = str(status)
        ElementTree.SubElement(item, "description").text = description
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="unicode")
        return HttpResponse(body.encode("utf-8"), status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse([{"code": status, "description": description}], status=status, safe=False,
                        json_dumps_params={"ensure_ascii": False})


def _is_structured(response: HttpResponse | StreamingHttpResponse) -> bool:
    kind = response.get("Content-Type", "")
    return kind.startswith(("application/json", "text/xml", "application/xml"))


class ErrorContractMiddleware:
    """Under /api/ the `{"error": {"code", "message"}}` envelope and under /open311/ the GeoReport error
    array for every error, also those no view wrote (Django's 404/405/500 pages, a body too large); and
    an oversized public or API body refused from its Content-Length, before CSRF or a form parses it.

    First in MIDDLEWARE, so it sees every response and answers before any other layer reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path)
        if limit is not None and declared_too_large(request, limit):
            return self.too_large(request, limit)
        return self.in_contract(request, self.get_response(request))

    def too_large(self, request: HttpRequest, limit: int) -> HttpResponse:
        message = f"请求内容过大，上限 {limit / (1024 * 1024):.1f} MB"
        if request.path.startswith(API_PREFIX):
            return api_error(413, "too_large", message)
        if request.path.startswith(OPEN311_PREFIX):
            return open311_error(request.path, 413, message)
        page = loader.get_template("core/too_large.html").render({"message": message})
        return HttpResponse(page, status=413)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A body without a usable Content-Length found too big while a view reads it: the same 413."""
        if isinstance(exception, RequestDataTooBig):
            limit = body_limit(request.path)
            if limit is not None:
                return self.too_large(request, min(limit, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)))
        return None

    def in_contract(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code < 400 or _is_structured(response):
            return response
        code, message = status_error(response.status_code)
        if request.path.startswith(API_PREFIX):
            return api_error(response.status_code, code, message)
        if request.path.startswith(OPEN311_PREFIX):
            return open311_error(request.path, response.status_code, message)
        return response


# -- a bearer request without cookies skips what only a browser needs (issue 17, item 6) ---------------------
# An API client sending `Authorization: Bearer …` and no cookie has no session, no messages and no language
# cookie: the session is always empty, the user is whoever the token names (set by `BearerAuth`), and the
# language is the default one (ChineseFirstMiddleware drops Accept-Language). Each of these middlewares still
# does what it would do with nothing to read — an empty session, an anonymous user until the token is checked,
# the default language activated, the same Vary and Content-Language — only without the general machinery.
# A request with any cookie (a browser, signed in or not) goes through Django's own middleware unchanged.

_BEARER_FLAG = "_zugong_bearer_only"


def bearer_only(request: HttpRequest) -> bool:
    """An API request carrying a bearer token and no cookie at all."""
    known = request.__dict__.get(_BEARER_FLAG)
    if known is None:
        meta = request.META
        known = (not meta.get("HTTP_COOKIE") and meta.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
                 and request.path.startswith(API_PREFIX))
        setattr(request, _BEARER_FLAG, known)
    return known


class SessionMiddleware(DjangoSessionMiddleware):
    async_capable = False  # the shortcut calls the next layer synchronously (under ASGI Django adapts it)

    def __call__(self, request: HttpRequest) -> Any:
        if not bearer_only(request):
            return super().__call__(request)
        request.session = self.SessionStore(None)  # no cookie: an empty session, as Django would make it
        response = cast(HttpResponseBase, self.get_response(request))  # sync only: zugong runs under WSGI
        session = request.session
        if session.modified and not session.is_empty():
            return self.process_response(request, cast(HttpResponse, response))  # Django saves it
        if session.accessed:
            patch_vary_headers(response, ("Cookie",))
        return response


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Without a cookie, an Accept-Language (dropped before) or a language prefix in the URL, Django's choice is
    the default language: activated here without asking each source in turn."""

    async_capable = False

    def __call__(self, request: HttpRequest) -> Any:
        if not bearer_only(request):
            return super().__call__(request)
        translation.activate(default_language())
        request.LANGUAGE_CODE = translation.get_language()
        response = cast(HttpResponseBase, self.get_response(request))  # sync only: zugong runs under WSGI
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def default_language() -> str:
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    async_capable = False

    def __call__(self, request: HttpRequest) -> Any:
        if not bearer_only(request):
            return super().__call__(request)
        # what Django's own process_request sets: the session's user, read lazily (an empty session: anonymous,
        # without a query; reading it marks the session accessed, so Vary: Cookie is as before)
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
        request.auser = partial(auser, request)  # type: ignore[attr-defined]
        return self.get_response(request)


class MessageMiddleware(DjangoMessageMiddleware):
    async_capable = False

    def __call__(self, request: HttpRequest) -> Any:
        if bearer_only(request):
            return self.get_response(request)  # nothing shows an API client's messages
        return super().__call__(request)
