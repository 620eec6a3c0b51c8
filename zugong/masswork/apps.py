from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MassworkConfig(AppConfig):
    name = "zugong.masswork"
    label = "masswork"
    verbose_name = _("群众工作")
