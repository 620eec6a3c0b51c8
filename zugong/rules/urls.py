from django.urls import URLPattern, URLResolver, path

from zugong.rules import views

app_name = "rules"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("<str:code>/override/", views.rule_override, name="rule-override"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
]
