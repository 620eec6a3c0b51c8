from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "zugong.jobs"
    label = "jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        from zugong.core.nav import NavItem, register_nav
        from zugong.jobs import kinds

        kinds.register_builtin()
        register_nav(NavItem("jobs", _("我的任务"), "jobs:list", "jobs.job_view", "home", order=95))
