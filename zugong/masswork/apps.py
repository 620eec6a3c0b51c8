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
        register_nav(NavItem("masswork", _("群众工作"), "masswork:index", order=50))
