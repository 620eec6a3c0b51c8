from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "zugong.rules"
    label = "rules"
    verbose_name = _("制度执行")
