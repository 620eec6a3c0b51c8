from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassworkConfig(AppConfig):
    name = "zugong.masswork"
    label = "masswork"
    verbose_name = _("群众工作")

    def ready(self) -> None:
        from zugong.core.nav import register_nav
        from zugong.masswork import rule_sources
        from zugong.masswork.nav import NAV

        rule_sources.register()
        for item in NAV:
            register_nav(item)
