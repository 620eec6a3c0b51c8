from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "zugong.rectification"
    label = "rectification"
    verbose_name = _("整改销号")

    def ready(self) -> None:
        from zugong.core.attachments import register_owner
        from zugong.core.nav import NavItem, register_nav
        from zugong.rectification import rule_sources
        from zugong.rectification.models import (
            DutyReport,
            Problem,
            ProblemList,
            ProgressUpdate,
            ProjectReport,
        )

        rule_sources.register()
        register_owner(Problem, "rectification.problem_view")
        register_owner(ProgressUpdate, "rectification.problem_view")
        register_owner(DutyReport, "rectification.problem_view")
        register_owner(ProblemList, "rectification.problem_view")  # the written feedback document of a 述职
        register_owner(ProjectReport, "rectification.project_view")
        register_nav(NavItem("rectification", _("问题整改"), "rectification:lists", "rectification.problem_view",
                             "supervision", order=60))
        register_nav(NavItem("rectification-duty", _("述职评议"), "rectification:duty-list",
                             "rectification.problem_view", "supervision", order=61))
        register_nav(NavItem("rectification-projects", _("项目化管理"), "rectification:projects",
                             "rectification.project_view", "supervision", order=62))
