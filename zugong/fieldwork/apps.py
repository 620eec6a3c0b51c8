from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "zugong.fieldwork"
    label = "fieldwork"
    verbose_name = _("下基层·培训·村级")

    def ready(self) -> None:
        from zugong.core.nav import NavItem, register_nav
        from zugong.fieldwork import rule_sources

        rule_sources.register()
        register_nav(NavItem("fieldwork-income", _("村集体经济"), "fieldwork:income", "fieldwork.income_view",
                             "grassroots", order=70))
        register_nav(NavItem("fieldwork-training", _("组工干部培训"), "fieldwork:training", "fieldwork.training_view",
                             "cadres", order=40))
        register_nav(NavItem("fieldwork-stays", _("蹲点调研"), "fieldwork:stays", "fieldwork.stay_view",
                             "grassroots", order=72))
        register_nav(NavItem("fieldwork-suggestions", _("调研建议办理"), "fieldwork:suggestions", "fieldwork.stay_view",
                             "grassroots", order=73))
        register_nav(NavItem("fieldwork-research", _("调研课题"), "fieldwork:research", "fieldwork.topic_view",
                             "grassroots", order=74))
        register_nav(NavItem("fieldwork-recruits", _("新录用乡镇公务员"), "fieldwork:recruits",
                             "fieldwork.turnover_view", "cadres", order=45))
        register_nav(NavItem("fieldwork-retirees", _("离任村干部关爱"), "fieldwork:retirees", "fieldwork.retiree_view",
                             "grassroots", order=75))
