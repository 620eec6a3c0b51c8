"""zugong's URLs plus /bench/bare: a Django view that does nothing, through the same middleware, so the
load test can print what zugong's own code costs beside it."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from zugong.urls import urlpatterns as zugong_urlpatterns

ZugongUrls = list[URLPattern | URLResolver]


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [path("bench/bare", bare), *cast(ZugongUrls, zugong_urlpatterns)]
