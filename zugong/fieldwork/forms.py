"""Forms of the field work pages: importing training records from Excel."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TrainingImportForm(forms.Form):
    workbook = forms.FileField(label=_("Excel 文件"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                               help_text=_("第一行为表头：身份证号码、姓名、培训班次、主办单位、培训方式（脱产、在职、网络）、"
                                           "开始日期、结束日期、天数、学时、证书编号"))
