"""Forms of the rectification pages: issuing a list (or importing one from Excel), adding a problem, and
each step of a problem. Units come through the scoped search picker."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.cadres.pickers import cadre_label
from zugong.cadres.selectors import cadres_visible
from zugong.core.forms import (
    AttachmentsField,
    DateField,
    MultipleFileField,
    PickerField,
    ScopedForm,
    blank_choice,
)
from zugong.core.selectors import org_units_visible
from zugong.rectification.models import Grade, Severity, Source, Verdict

EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png"


def unit_label(unit: Any) -> str:
    return str(unit.name)


def _unit_picker(form: ScopedForm, label: Any, required: bool = True) -> PickerField:
    return PickerField(org_units_visible(form.jurisdiction), url_name="pick:units", label=label, required=required,
                       placeholder=_("输入单位名称搜索"), label_from=unit_label)


class ProblemListForm(ScopedForm):
    title = forms.CharField(label=_("清单名称"), max_length=200)
    source = forms.ChoiceField(label=_("来源"), choices=blank_choice(list(Source.choices)))
    issuing_unit = forms.Field(label=_("下发单位"))
    owner_unit = forms.Field(label=_("责任单位"))
    owner_person = forms.CharField(label=_("责任人"), max_length=100, required=False,
                                   help_text=_("如被反馈问题的党组织书记"))
    issued_on = DateField(label=_("下发日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"] = _unit_picker(self, _("下发单位"))
        self.fields["owner_unit"] = _unit_picker(self, _("责任单位"))


class ImportForm(ProblemListForm):
    workbook = forms.FileField(label=_("Excel 文件"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                               help_text=_("第一行为表头：序号、问题描述、严重程度、责任单位、责任人"))


class ProblemForm(ScopedForm):
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.GENERAL)
    org_unit = forms.Field(label=_("责任单位"), required=False)
    responsible_person = forms.CharField(label=_("责任人"), max_length=100, required=False)
    due_on = DateField(label=_("问题时限"), required=False, help_text=_("可不填；问题本身须完成的日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _unit_picker(self, _("责任单位"), required=False)
        self.fields["org_unit"].help_text = _("不填时为清单的责任单位")


class PlanForm(forms.Form):
    measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    deadline = DateField(label=_("整改时限"))
    milestones = forms.CharField(
        label=_("节点"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
        help_text=_("每行一个：日期 名称，如 2027-03-31 完成制度修订"))

    def clean_milestones(self) -> list[dict[str, str]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            due, _sep, title = line.strip().partition(" ")
            if not title.strip():
                raise forms.ValidationError(_("第 %(n)s 行应为“日期 名称”") % {"n": number})
            rows.append({"due": due.strip(), "title": title.strip()})
        return rows


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=[("accept", _("通过")), ("return", _("退回"))],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("理由"), max_length=500, required=False, help_text=_("退回或驳回时必填"))


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("整改进展"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    attachments = AttachmentsField(label=_("附件"))


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    evidence = MultipleFileField(label=_("佐证材料"), required=False,
                                 help_text=_("图片（JPEG/PNG）或 PDF，每个不超过 10 MB"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs["accept"] = EVIDENCE_ACCEPT


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class CheckForm(forms.Form):
    verdict = forms.ChoiceField(label=_("检查结论"), choices=blank_choice(list(Verdict.choices)))
    checked_on = DateField(label=_("检查日期"))
    note = forms.CharField(label=_("检查意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=5000)


class DutyReportForm(ScopedForm):
    org_unit = forms.Field(label=_("述职单位"))
    reviewing_unit = forms.Field(label=_("评议单位"))
    year = forms.IntegerField(label=_("述职年度"), min_value=2000, max_value=2100)
    secretary = forms.CharField(label=_("述职人"), max_length=100)
    reported_on = DateField(label=_("述职日期"))
    summary = forms.CharField(label=_("述职要点"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=20000)
    attachments = AttachmentsField(label=_("述职报告"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _unit_picker(self, _("述职单位"))
        self.fields["reviewing_unit"] = _unit_picker(self, _("评议单位"))
        self.order_fields(["org_unit", "reviewing_unit", "year", "secretary", "reported_on", "summary", "attachments"])


class DutyEvaluateForm(forms.Form):
    grade = forms.ChoiceField(label=_("评议等次"), choices=blank_choice(list(Grade.choices)), required=False)
    score = forms.DecimalField(label=_("评议得分"), max_digits=5, decimal_places=2, required=False)


_SEVERITY_PREFIX = {str(label): value for value, label in Severity.choices}


class DutyFeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("书面反馈意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                               max_length=20000)
    problems = forms.CharField(label=_("反馈的问题"), widget=forms.Textarea(attrs={"rows": 6}), max_length=50000,
                               help_text=_("每行一个问题；行首可写严重程度（一般、较重、严重）和空格"))
    documents = AttachmentsField(label=_("书面反馈文件"), help_text=_("书面反馈意见的文件（PDF、图片或 Word），可不附"))

    def clean_problems(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["problems"].splitlines():
            head, _sep, rest = line.strip().partition(" ")
            if head in _SEVERITY_PREFIX and rest.strip():
                rows.append((rest.strip(), _SEVERITY_PREFIX[head]))
            elif line.strip():
                rows.append((line.strip(), Severity.GENERAL))
        return rows


class ListEditForm(forms.Form):
    title = forms.CharField(label=_("清单名称"), max_length=200)
    owner_person = forms.CharField(label=_("责任人"), max_length=100, required=False)
    issued_on = DateField(label=_("下发日期"))


class ProblemEditForm(forms.Form):
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices)
    responsible_person = forms.CharField(label=_("责任人"), max_length=100, required=False)


class DueForm(forms.Form):
    due_on = DateField(label=_("问题时限"), required=False, help_text=_("清空则取消问题时限"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class DutyPlanForm(ScopedForm):
    reviewing_unit = forms.Field(label=_("评议单位"))
    year = forms.IntegerField(label=_("述职年度"), min_value=2000, max_value=2100)
    meeting = forms.CharField(label=_("述职会议"), max_length=200, help_text=_("如：县委书记抓基层党建述职评议会议"))
    held_on = DateField(label=_("会议日期"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewing_unit"] = _unit_picker(self, _("评议单位"))
        self.order_fields(["reviewing_unit", "year", "meeting", "held_on"])


class DutyPlanEntryForm(ScopedForm):
    org_unit = forms.Field(label=_("述职单位"))
    cadre = forms.Field(label=_("述职人（干部）"), required=False)
    secretary = forms.CharField(label=_("述职人"), max_length=100, required=False,
                                help_text=_("不选干部时填写姓名；开启民主测评须选择干部"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _unit_picker(self, _("述职单位"))
        self.fields["cadre"] = PickerField(
            cadres_visible(self.jurisdiction).select_related("org_unit"), url_name="pick-cadres", required=False,
            label=_("述职人（干部）"), placeholder=_("输入姓名、拼音首字母或身份证号搜索"), label_from=cadre_label)
        self.order_fields(["org_unit", "cadre", "secretary"])


class DutyEvaluationForm(forms.Form):
    voter_classes = forms.CharField(
        label=_("投票人类别及权重"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        initial="评议组成员 50\n党代表 30\n群众代表 20", help_text=_("每行一个类别：名称、空格、权重"))

    def clean_voter_classes(self) -> list[tuple[str, Decimal]]:
        rows = []
        for line in self.cleaned_data["voter_classes"].splitlines():
            name, _sep, weight = line.strip().rpartition(" ")
            if not line.strip():
                continue
            try:
                rows.append((name.strip(), Decimal(weight)))
            except InvalidOperation as exc:
                raise forms.ValidationError(_("“%(line)s”：请写类别名称、空格和权重") % {"line": line.strip()}) from exc
            if not name.strip():
                raise forms.ValidationError(_("“%(line)s”：请写类别名称、空格和权重") % {"line": line.strip()})
        return rows
