"""`{% shielded_mark cadre %}`: the R18 在查 mark on the cadre page, shown only to those allowed to know
(`selection.problem_view` at the cadre's unit). One query, only for them."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from zugong.cadres.models import Cadre
from zugong.core.permissions import may

register = template.Library()


@register.simple_tag(takes_context=True)
def shielded_mark(context: dict[str, Any], cadre: Cadre) -> SafeString | str:
    from zugong.selection.selectors import shielded_ids

    request = context.get("request")
    jurisdiction = getattr(request, "jurisdiction", None)
    if jurisdiction is None or not may(jurisdiction, "selection.problem_view", cadre.org_unit):
        return ""
    if cadre.pk not in shielded_ids([cadre.pk]):
        return ""
    return format_html('<p class="zg-shielded" id="zg-shielded"><strong>{}</strong> {} <a href="{}">{}</a></p>',
                       _("在查"), _("问题信息档案中有待核实或核实中的问题，核实前不得进入选拔（R18）。"),
                       reverse("selection:problems") + "?status=pending", _("问题信息档案"))
