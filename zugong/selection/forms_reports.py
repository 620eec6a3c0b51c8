"""Forms of the personal-matters report pages (个人有关事项报告, R19) and of 报备."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.core.forms import DateField, PickerField, ScopedForm, blank_choice
from zugong.core.selectors import org_units_visible
from zugong.selection.forms import LINES, _cadre_field, unit_label
from zugong.selection.models import (
    AccountabilitySituation,
    AccountableHead,
    CheckHandling,
    CheckOutcome,
    PersonalMatterItem,
)


class ReportForm(ScopedForm):
    """One text box per active item (the items are data); an empty box means 无."""

    cadre = forms.Field(label=_("干部"))
    year = forms.IntegerField(label=_("报告年度"), min_value=2000, max_value=2100)
    submitted_on = DateField(label=_("报告日期"))

    def __init__(self, *args: Any, items: list[PersonalMatterItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["cadre"] = _cadre_field(self, _("干部"))
        for item in items:
            self.fields[f"item_{item.code}"] = forms.CharField(
                label=item.label, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("没有则留空（视为“无”）"))

    def declared(self) -> dict[str, str]:
        return {item.code: self.cleaned_data[f"item_{item.code}"] for item in self.items}


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("核查结果"), choices=blank_choice(
        [(v, label) for v, label in CheckOutcome.choices if v != CheckOutcome.PENDING]))
    checked_on = DateField(label=_("核查日期"))
    handling = forms.ChoiceField(label=_("处理方式"), required=False,
                                 choices=blank_choice(list(CheckHandling.choices), _("（未如实报告时选择）")))
    discrepancy = forms.CharField(label=_("不一致情况"), required=False, widget=forms.Textarea(attrs=LINES),
                                  help_text=_("漏报、瞒报时写明哪些事项与查核结果不一致"))


class DrawForm(ScopedForm):
    org_unit = forms.Field(label=_("抽查范围"))
    year = forms.IntegerField(label=_("报告年度"), min_value=2000, max_value=2100)
    share = forms.DecimalField(label=_("抽查比例"), min_value=Decimal("0.0001"), max_value=Decimal("1"),
                               decimal_places=4, required=False, help_text=_("如 0.1 表示抽查 10%；不填时取制度参数"))
    seed = forms.IntegerField(label=_("随机种子"), min_value=0, max_value=2**62 - 1, required=False,
                              help_text=_("不填时由系统随机产生；种子与结果一并留存，可重新抽取验证"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = PickerField(
            org_units_visible(self.jurisdiction), url_name="pick:units", label=_("抽查范围"),
            placeholder=_("输入单位名称搜索"), label_from=unit_label)
        self.order_fields(["org_unit", "year", "share", "seed"])


class ReviewForm(forms.Form):
    reason = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs=LINES),
                             help_text=_("责令调整时须写明理由"))


class InspectionForm(ScopedForm):
    inspected_unit = forms.Field(label=_("被检查单位"))
    started_on = DateField(label=_("检查日期"))
    team = forms.CharField(label=_("检查组"), max_length=300)
    findings = forms.CharField(label=_("发现的问题"), required=False, widget=forms.Textarea(attrs=LINES))
    situations = forms.MultipleChoiceField(label=_("追究责任情形"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    handling = forms.CharField(label=_("问责处理"), required=False, widget=forms.Textarea(attrs=LINES),
                               help_text=_("认定追究责任情形的，须写明对谁作何处理"))

    def __init__(self, *args: Any, situations: list[AccountabilitySituation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspected_unit"] = PickerField(
            org_units_visible(self.jurisdiction), url_name="pick:units", label=_("被检查单位"),
            placeholder=_("输入县（市、区）或市直部门名称搜索"), label_from=unit_label)
        field = self.fields["situations"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(s.pk), f"{s.get_head_display()}：{s.text}") for s in situations]
        self.order_fields(["inspected_unit", "started_on", "team", "findings", "situations", "handling"])


class SituationForm(forms.Form):
    head = forms.ChoiceField(label=_("追究对象"), choices=blank_choice(list(AccountableHead.choices)))
    text = forms.CharField(label=_("情形"), max_length=200)
