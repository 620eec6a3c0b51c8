from django.urls import path

from zugong.core import picker_views

app_name = "pick"
urlpatterns = [
    path("units/", picker_views.unit_pick, name="units"),
    path("users/", picker_views.user_pick, name="users"),
]
