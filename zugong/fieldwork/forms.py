"""Forms of the field work pages: importing training records from Excel, a village's quarterly income."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.core.forms import PickerField, ScopedForm
from zugong.core.models import OrgKind
from zugong.core.selectors import org_units_visible
from zugong.fieldwork.selectors import parse_quarter


class TrainingImportForm(forms.Form):
    workbook = forms.FileField(label=_("Excel 文件"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                               help_text=_("第一行为表头：身份证号码、姓名、培训班次、主办单位、培训方式（脱产、在职、网络）、"
                                           "开始日期、结束日期、天数、学时、证书编号"))


class IncomeReportForm(ScopedForm):
    village = forms.Field(label=_("村"))
    quarter = forms.CharField(label=_("季度"), max_length=7, help_text=_("如 2025Q3"))
    income = forms.DecimalField(label=_("已实现收入（万元）"), min_value=Decimal(0), max_digits=12, decimal_places=2)
    goal = forms.DecimalField(label=_("年度目标（万元）"), min_value=Decimal(0), max_digits=12, decimal_places=2,
                              required=False)
    channels = forms.CharField(label=_("增收渠道"), max_length=300, required=False)
    measures = forms.CharField(label=_("主要措施"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                               required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = org_units_visible(self.jurisdiction).filter(kind=OrgKind.VILLAGE)
        self.fields["village"] = PickerField(villages, url_name="pick:units", label=_("村"),
                                             placeholder=_("输入村名搜索"), label_from=lambda unit: str(unit.name))

    def clean_quarter(self) -> date:
        try:
            return parse_quarter(self.cleaned_data["quarter"])
        except ValueError:
            raise forms.ValidationError(_("季度格式应为 2025Q3")) from None
