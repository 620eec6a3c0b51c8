from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "zugong.talks"
    label = "talks"
    verbose_name = _("谈心谈话")

    def ready(self) -> None:
        from zugong.core.events import subscribe
        from zugong.core.nav import NavItem, register_nav
        from zugong.talks import rules_wiring
        from zugong.talks.services.triggers import on_cadre_flagged, on_post_changed

        subscribe("post_changed", on_post_changed)
        subscribe("cadre_flagged", on_cadre_flagged)
        register_nav(NavItem("talks", _("谈心谈话"), "talks:talk-list", "talks.talk_view", "talks", order=30))
        register_nav(NavItem("talks-plan", _("谈话计划"), "talks:plan", "talks.talk_view", "talks", order=31))
        register_nav(NavItem("talks-triggers", _("五必谈"), "talks:trigger-list", "talks.talk_view", "talks", order=32))
        register_nav(NavItem("talks-interviews", _("约谈"), "talks:interview-list", "talks.talk_view", "supervision", order=33))
        register_nav(NavItem("talks-stats", _("谈话统计"), "talks:stats", "talks.talk_view", "stats", order=34))
        rules_wiring.wire()
