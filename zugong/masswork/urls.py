from django.urls import URLPattern, URLResolver

app_name = "masswork"
urlpatterns: list[URLPattern | URLResolver] = []
