"""Open311 GeoReport v2, mounted at /open311/v2/ by zugong/urls.py: every method in `.json` and `.xml`."""

from django.urls import URLPattern, URLResolver, re_path

from zugong.masswork import open311

app_name = "open311"
_FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^discovery" + _FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + _FMT, open311.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+)" + _FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + _FMT, open311.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+)" + _FMT, open311.request_detail, name="request"),
    re_path(r"^media/(?P<request_id>[0-9]+)\.jpg$", open311.media, name="media"),
    # Anything else under the endpoint is the spec's error array, never Django's HTML 404 page.
    re_path(r"^(?P<rest>.*)$", open311.not_found, name="not_found"),
]
