"""The residents' pages, mounted at /m/ by zugong/urls.py."""

from django.urls import URLPattern, URLResolver, path

from zugong.masswork import public_views

app_name = "masswork-public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.order_new, name="order-new"),
    path("track/", public_views.track_lookup, name="track-lookup"),
    path("t/<str:code>/", public_views.track, name="track"),
    path("walls/", public_views.wall_index, name="walls"),
    path("walls/<int:wall_id>/", public_views.wall_board, name="board"),
]
