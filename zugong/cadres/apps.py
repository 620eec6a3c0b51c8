from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "zugong.cadres"
    label = "cadres"
    verbose_name = _("干部信息")

    def ready(self) -> None:
        from zugong.core.nav import NavItem, register_nav

        register_nav(NavItem("cadres", _("干部信息"), "cadres:list", "cadres.cadre_view", "cadres", order=20))
        register_nav(NavItem("cadres-audit", _("档案审核"), "cadres:audit", "cadres.archive_audit", "cadres", order=21))
