from django.urls import URLPattern, URLResolver, path

from zugong.talks import views

app_name = "talks"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.talk_list, name="talk-list"),
    path("new/", views.talk_new, name="talk-new"),
    path("export.xlsx", views.talk_export, name="talk-export"),
    path("<int:talk_id>/", views.talk_detail, name="talk-detail"),
    path("<int:talk_id>/follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow-up-done"),
    path("plan/", views.plan, name="plan"),
    path("triggers/", views.trigger_list, name="trigger-list"),
    path("flags/", views.flag_new, name="flag-new"),
    path("supervision/", views.supervision_list, name="supervision-list"),
    path("interviews/", views.interview_list, name="interview-list"),
    path("interviews/new/", views.interview_new, name="interview-new"),
    path("interviews/<int:interview_id>/", views.interview_detail, name="interview-detail"),
    path("interviews/<int:interview_id>/<str:step>/", views.interview_step_post, name="interview-step"),
    path("stats/", views.stats, name="stats"),
    path("stats.xlsx", views.stats_export, name="stats-export"),
]
