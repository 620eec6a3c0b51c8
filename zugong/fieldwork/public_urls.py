"""The public 通报 of village collective income, mounted at /m/income/ by zugong/urls.py."""

from django.urls import URLPattern, URLResolver, path

from zugong.fieldwork import views

app_name = "fieldwork-public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:county_id>/", views.public_bulletin, name="income"),
]
