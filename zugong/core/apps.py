from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zugong.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from zugong.core.cache import create_cache_table
        from zugong.core.nav import NavItem, register_nav

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="zugong.core.cache_table")
        self._connect_lockout()

        register_nav(NavItem("home", _("工作台"), "home", "core.home_view", order=0))
        register_nav(NavItem("orgs", _("组织机构"), "core:org-tree", "core.org_view", order=10))

    def _connect_lockout(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from zugong.core.lockout import locked_out, login_failed

        user_login_failed.connect(login_failed, dispatch_uid="zugong.core.login_failed")
        user_locked_out.connect(locked_out, dispatch_uid="zugong.core.locked_out")
