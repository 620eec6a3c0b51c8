"""The meeting form: kind, unit and attendees through search pickers, ISO dates, attachments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.cadres.pickers import cadre_label
from zugong.cadres.selectors import cadres_visible
from zugong.core.forms import (
    AttachmentsField,
    DateField,
    PickerField,
    PickerMultipleField,
    ScopedForm,
    blank_choice,
)
from zugong.core.models import MeetingKind, OrgKind
from zugong.core.selectors import org_units_visible

HOLDING_UNITS = "&".join(f"kind={k}" for k in (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWNSHIP,
                                                OrgKind.DEPARTMENT))


def unit_label(unit: Any) -> str:
    return str(unit.name)


class MeetingForm(ScopedForm):
    kind = forms.ChoiceField(label=_("会议类型"), choices=blank_choice(list(MeetingKind.choices)))
    org_unit = forms.Field(label=_("召开单位"))  # replaced in __init__ by a scoped picker
    held_on = DateField(label=_("召开日期"))
    title = forms.CharField(label=_("议题"), max_length=200, required=False)
    attendees = forms.Field(label=_("参会干部"), required=False)
    other_attendees = forms.CharField(label=_("其他参会人员"), max_length=500, required=False,
                                      help_text=_("不在干部名册中的参会人员，用顿号分隔"))
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    decisions = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attachments = AttachmentsField(label=_("附件"), help_text=_("PDF、JPEG/PNG 图片、Word 或 Excel，每个不超过 10 MB"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = PickerField(
            org_units_visible(self.jurisdiction), url_name="pick:units", query=HOLDING_UNITS, label=_("召开单位"),
            placeholder=_("输入单位名称搜索"), label_from=unit_label)
        self.fields["attendees"] = PickerMultipleField(
            cadres_visible(self.jurisdiction).select_related("org_unit"), url_name="pick-cadres", required=False,
            label=_("参会干部"), placeholder=_("输入姓名、拼音首字母或身份证号搜索"), label_from=cadre_label)
        self.order_fields(["kind", "org_unit", "held_on", "title", "attendees", "other_attendees", "minutes",
                           "decisions", "attachments"])
