from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassworkConfig(AppConfig):
    name = "zugong.masswork"
    label = "masswork"
    verbose_name = _("群众工作")

    def ready(self) -> None:
        from zugong.core.nav import NavItem, register_nav
        from zugong.masswork import rule_sources

        rule_sources.register()
        register_nav(NavItem("masswork", _("民心墙"), "masswork:index", "masswork.order_view", "masswork", order=50))
        register_nav(NavItem("masswork-petitions", _("信访"), "masswork:petitions", "masswork.petition_view",
                             "masswork", order=51))
        register_nav(NavItem("masswork-visit", _("走访登记"), "masswork:visit-new", "masswork.visit_record",
                             "grassroots", order=60))
