"""The respondent's phone page of the satisfaction survey, mounted at /m/survey/ by zugong/urls.py."""

from django.urls import URLPattern, URLResolver, path

from zugong.assessment import public_views

app_name = "assessment-survey"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.survey_answer, name="answer"),
    path("l/<str:token>/", public_views.survey_link, name="link"),
]
