from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "zugong.meetings"
    label = "meetings"
    verbose_name = _("会议")

    def ready(self) -> None:
        from zugong.core.attachments import register_owner
        from zugong.core.models import Meeting
        from zugong.core.nav import NavItem, register_nav

        register_owner(Meeting, "meetings.meeting_view")
        register_nav(NavItem("meetings", _("会议记录"), "meetings:list", "meetings.meeting_view", "rules", order=40))
