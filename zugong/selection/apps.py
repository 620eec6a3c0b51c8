from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "zugong.selection"
    label = "selection"
    verbose_name = _("选拔任用")

    def ready(self) -> None:
        from zugong.core.attachments import register_owner
        from zugong.core.nav import NavItem, register_nav
        from zugong.selection.models import StageRecord
        from zugong.selection.rule_wiring import wire

        wire()
        register_owner(StageRecord, "selection.selection_view")
        register_nav(NavItem("selections", _("选拔任用"), "selection:list", "selection.selection_view", "cadres",
                             order=60))
        register_nav(NavItem("problems", _("问题信息档案"), "selection:problems", "selection.problem_view",
                             "supervision", order=60))
        register_nav(NavItem("personal_reports", _("个人有关事项报告"), "selection:reports", "selection.report_view",
                             "supervision", order=61))
        register_nav(NavItem("special_inspections", _("选人用人专项检查"), "selection:inspections",
                             "selection.inspection_view", "supervision", order=62))
        register_nav(NavItem("selection_stats", _("选拔任用统计"), "selection:stats", "selection.selection_view",
                             "stats", order=60))
