from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zugong.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from zugong.core.nav import NavItem, register_nav

        register_nav(NavItem("home", _("工作台"), "home", "core.home_view", order=0))
        register_nav(NavItem("orgs", _("组织机构"), "core:org-tree", "core.org_view", order=10))
