from django.urls import URLPattern, URLResolver

app_name = "cadres"
urlpatterns: list[URLPattern | URLResolver] = []
