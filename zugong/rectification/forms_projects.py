"""Forms of the project pages: registering an item, claiming it (认项), deciding a claim, reporting a
period's progress, a day (publish, complete, milestone reached), a leader's half-year duty report."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.core.forms import AttachmentsField, DateField, ScopedForm
from zugong.core.models import OrgUnit
from zugong.core.selectors import org_units_visible
from zugong.rectification.forms import _unit_picker
from zugong.rectification.models import Project, ProjectKind


class ProjectForm(ScopedForm):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=ProjectKind.choices, initial=ProjectKind.KEY_TASK,
                             help_text=_("重点任务须按期报告进展"))
    issuing_unit = forms.Field(label=_("发布单位"))
    lead_unit = forms.Field(label=_("牵头单位"))
    leader = forms.CharField(label=_("责任领导"), max_length=100)
    responsible_person = forms.CharField(label=_("责任人"), max_length=100)
    measures = forms.CharField(label=_("工作措施"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    starts_on = DateField(label=_("开始日期"))
    deadline = DateField(label=_("完成时限"))
    milestones = forms.CharField(
        label=_("节点"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
        help_text=_("每行一个：日期 名称，如 2027-03-31 完成验收"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"] = _unit_picker(self, _("发布单位"))
        self.fields["lead_unit"] = _unit_picker(self, _("牵头单位"))

    def clean_milestones(self) -> list[tuple[str, date]]:
        rows: list[tuple[str, date]] = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            due, _sep, title = line.strip().partition(" ")
            try:
                day = date.fromisoformat(due.strip())
            except ValueError:
                raise forms.ValidationError(_("第 %(n)s 行的日期应写作 2027-03-31") % {"n": number}) from None
            if not title.strip():
                raise forms.ValidationError(_("第 %(n)s 行应为“日期 名称”") % {"n": number})
            rows.append((title.strip(), day))
        return rows


class ClaimForm(ScopedForm):
    org_unit = forms.Field(label=_("认项单位"))
    note = forms.CharField(label=_("认项说明"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _unit_picker(self, _("认项单位"))


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=[("accept", _("通过")), ("refuse", _("不通过"))],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("理由"), max_length=500, required=False, help_text=_("不通过时必填"))


class ReportForm(ScopedForm):
    org_unit = forms.ModelChoiceField(label=_("报告单位"), queryset=OrgUnit.objects.none(), empty_label=None)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    reported_on = DateField(label=_("报告日期"))
    attachments = AttachmentsField(label=_("附件"), help_text=_("PDF、JPEG/PNG 图片、Word 或 Excel，每个不超过 10 MB"))

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = [project.lead_unit_id, *[c.org_unit_id for c in project.claims.all() if c.status == "approved"]]
        field = self.fields["org_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = org_units_visible(self.jurisdiction).filter(pk__in=units).order_by("path")


class DayForm(forms.Form):
    on = DateField(label=_("日期"))


def _project_label(project: Project) -> str:
    return f"{project.title}（{project.leader}）"


class LeaderReportForm(ScopedForm):
    org_unit = forms.Field(label=_("单位"))
    leader = forms.CharField(label=_("责任领导"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))], coerce=int)
    reported_on = DateField(label=_("述职日期"))
    text = forms.CharField(label=_("述职内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    projects: forms.ModelMultipleChoiceField[Project] = forms.ModelMultipleChoiceField(
        label=_("所述项目"), queryset=Project.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _unit_picker(self, _("单位"))
        field = self.fields["projects"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = projects
        field.label_from_instance = _project_label  # type: ignore[method-assign,assignment]


class ProjectDatesForm(forms.Form):
    deadline = DateField(label=_("完成时限"))
    milestones = forms.CharField(
        label=_("未完成的节点"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000,
        help_text=_("每行一个：日期 名称，如 2027-03-31 完成验收；已完成的节点不变"))
    reason = forms.CharField(label=_("修改理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    clean_milestones = ProjectForm.clean_milestones


class ClaimWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), max_length=500, required=False)


class ReportDayForm(ScopedForm):
    issuing_unit = forms.Field(label=_("发布单位"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"] = _unit_picker(self, _("发布单位"))


class ProjectImportForm(ScopedForm):
    issuing_unit = forms.Field(label=_("发布单位"))
    workbook = forms.FileField(label=_("Excel 文件"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                               help_text=_("导出的项目台账格式：第一行为表头，至少有项目名称、牵头单位、责任领导、责任人、"
                                           "工作措施、开始日期、完成时限；节点每行一个“日期 名称”；"
                                           "填有“编号”的行更新该已有项目，不新建"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"] = _unit_picker(self, _("发布单位"))


class ProjectEditForm(ScopedForm):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    lead_unit = forms.Field(label=_("牵头单位"))
    leader = forms.CharField(label=_("责任领导"), max_length=100)
    responsible_person = forms.CharField(label=_("责任人"), max_length=100)
    measures = forms.CharField(label=_("工作措施"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    reason = forms.CharField(label=_("修改理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"] = _unit_picker(self, _("牵头单位"))
        self.order_fields(["title", "lead_unit", "leader", "responsible_person", "measures", "reason"])
