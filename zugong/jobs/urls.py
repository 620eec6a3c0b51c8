from django.urls import URLPattern, path

from zugong.jobs import views

app_name = "jobs"
urlpatterns: list[URLPattern] = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/cancel/", views.job_cancel, name="cancel"),
    path("<int:job_id>/download/", views.job_download, name="download"),
    path("evaluate/", views.evaluate_start, name="evaluate"),
]
