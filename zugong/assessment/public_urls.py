"""The voter's phone page, mounted at /m/vote/ by zugong/urls.py."""

from django.urls import URLPattern, URLResolver, path

from zugong.assessment import public_views

app_name = "assessment-public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.vote, name="vote"),
]
