"""Response headers every page gets, and the request's jurisdiction."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for

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

    Called once per request by `JurisdictionMiddleware`; views read `request.jurisdiction`."""
    membership_id = None
    if hasattr(request, "session"):
        raw = request.session.get(ACTIVE_MEMBERSHIP_KEY)
        membership_id = int(raw) if raw else None
    jurisdiction = jurisdiction_for(getattr(request, "user", None), membership_id)
    if membership_id is not None and jurisdiction.is_empty:
        # The membership was revoked since it was chosen: fall back to the union.
        return jurisdiction_for(getattr(request, "user", None))
    return jurisdiction


class JurisdictionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.jurisdiction = SimpleLazyObject(lambda: resolve_jurisdiction(request))  # type: ignore[attr-defined]
        return self.get_response(request)
