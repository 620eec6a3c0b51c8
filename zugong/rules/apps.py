from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "zugong.rules"
    label = "rules"
    verbose_name = _("制度执行")

    def ready(self) -> None:
        from zugong.core.nav import NavItem, register_nav
        from zugong.rules import meeting_sources

        meeting_sources.register()
        from django.db.models.signals import post_delete, post_save

        from zugong.rules import digests
        from zugong.rules.models import Finding
        from zugong.rules.summary_cache import on_finding_change

        post_save.connect(on_finding_change, sender=Finding, dispatch_uid="rules.finding_counts_saved")
        post_delete.connect(on_finding_change, sender=Finding, dispatch_uid="rules.finding_counts_deleted")
        post_save.connect(digests.on_finding_change, sender=Finding, dispatch_uid="rules.finding_digest_saved")
        post_delete.connect(digests.on_finding_change, sender=Finding, dispatch_uid="rules.finding_digest_deleted")
        register_nav(NavItem("rules", _("制度执行"), "rules:dashboard", "rules.finding_view", "rules", order=50))
        register_nav(NavItem("rules-inbox", _("提醒"), "rules:inbox", "rules.notification_view", "home", order=90))
