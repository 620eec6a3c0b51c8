from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "zugong.assessment"
    label = "assessment"
    verbose_name = _("考核评价")

    def ready(self) -> None:
        from zugong.assessment import rule_sources
        from zugong.core.nav import NavItem, register_nav

        rule_sources.register()

        register_nav(NavItem("assessments", _("考核评价"), "assessment:list", "assessment.campaign_view", "cadres",
                             order=70))
        register_nav(NavItem("points", _("积分卡"), "assessment:points", "assessment.points_view", "cadres",
                             order=72))
        register_nav(NavItem("surveys", _("满意度测评"), "assessment:surveys", "assessment.survey_view", "stats",
                             order=71))
