"""Open311 GeoReport v2, mounted at /open311/v2/ by zugong/urls.py."""

from django.urls import URLPattern, URLResolver, path

from zugong.masswork import open311

app_name = "open311"
urlpatterns: list[URLPattern | URLResolver] = [
    path("services.json", open311.services, name="services"),
    path("requests.json", open311.requests, name="requests"),
    path("requests/<int:request_id>.json", open311.request_detail, name="request"),
]
