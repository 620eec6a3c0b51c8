from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from zugong.api import api
from zugong.cadres import pickers as cadre_pickers
from zugong.core import attachment_views
from zugong.core import views as core_views
from zugong.jobs import health as job_health
from zugong.masswork.open311 import not_found as open311_not_found

handler403 = "zugong.core.views.error_403"
handler404 = "zugong.core.views.error_404"
handler500 = "zugong.core.views.error_500"

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("zugong/favicon.svg"), permanent=True)),
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(template_name="core/password_change.html"),
         name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="core/password_change_done.html"), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("zugong.core.urls")),
    path("pick/", include("zugong.core.picker_urls")),
    path("pick/cadres/", cadre_pickers.cadre_pick, name="pick-cadres"),
    path("files/<int:pk>/", attachment_views.attachment_download, name="attachment"),
    path("meetings/", include("zugong.meetings.urls")),
    path("rectification/", include("zugong.rectification.urls")),
    path("selection/", include("zugong.selection.urls")),
    path("assessment/", include("zugong.assessment.urls")),
    path("fieldwork/", include("zugong.fieldwork.urls")),
    path("cadres/", include("zugong.cadres.urls")),
    path("rules/", include("zugong.rules.urls")),
    path("talks/", include("zugong.talks.urls")),
    path("masswork/", include("zugong.masswork.urls")),
    path("m/vote/", include("zugong.assessment.public_urls")),
    path("m/survey/", include("zugong.assessment.survey_public_urls")),
    path("m/income/", include("zugong.fieldwork.public_urls")),
    path("m/", include("zugong.masswork.public_urls")),
    path("open311/v2/", include("zugong.masswork.open311_urls")),
    re_path(r"^open311/(?P<rest>.*)$", open311_not_found),  # the spec's error array, outside v2/ too
    path("jobs/", include("zugong.jobs.urls")),
    path("healthz", job_health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
