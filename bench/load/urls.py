"""zugong's URLs plus /bench/bare and /bench/bare.json: Django views that do nothing, through the same
middleware, so the load test and bench_api can print what zugong's own code costs beside them."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path

from zugong.urls import urlpatterns as zugong_urlpatterns

ZugongUrls = list[URLPattern | URLResolver]


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def bare_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True, "name": "bare"})


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare", bare), path("bench/bare.json", bare_json), *cast(ZugongUrls, zugong_urlpatterns)]
