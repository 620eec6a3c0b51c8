"""Forms of the field work pages: importing training records from Excel, a village's quarterly income,
蹲点调研 batches, stays, logs, suggestions and their answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.cadres.selectors import cadres_visible
from zugong.core.forms import CHOOSE, DateField, PickerField, ScopedForm, blank_choice
from zugong.core.models import OrgKind
from zugong.core.selectors import org_units_visible
from zugong.fieldwork.models import (
    LogKind,
    MoveKind,
    Occasion,
    PlaceKind,
    ProgrammeKind,
    SuggestionStatus,
    TopicGrade,
    TrainingKind,
)
from zugong.fieldwork.selectors import parse_quarter
from zugong.fieldwork.selectors_research import calls_visible, leaders_visible
from zugong.fieldwork.selectors_stays import (
    departments_visible,
    organisers_visible,
    places_visible,
    senior_cadres,
)


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


class IncomeCorrectionForm(IncomeReportForm):
    """The same figures as the report, for a village and quarter already reported, with the reason."""

    reason = forms.CharField(label=_("更正原因"), max_length=200)


class IncomeScaleForm(ScopedForm):
    """A new version of a unit's five-colour thresholds: each colour's lower bound (万元), rising."""

    org_unit = forms.Field(label=_("设定单位"))
    valid_from = DateField(label=_("生效日期"))
    orange_from = forms.DecimalField(label=_("橙色起点（万元）"), min_value=Decimal(0), max_digits=10, decimal_places=2)
    yellow_from = forms.DecimalField(label=_("黄色起点（万元）"), min_value=Decimal(0), max_digits=10, decimal_places=2)
    green_from = forms.DecimalField(label=_("绿色起点（万元）"), min_value=Decimal(0), max_digits=10, decimal_places=2)
    blue_from = forms.DecimalField(label=_("蓝色起点（万元）"), min_value=Decimal(0), max_digits=10, decimal_places=2,
                                   help_text=_("低于橙色起点为红色；四个起点须逐级升高"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = forms.ModelChoiceField(organisers_visible(self.jurisdiction), label=_("设定单位"),
                                                         empty_label=CHOOSE)
        self.order_fields(["org_unit", "valid_from", "orange_from", "yellow_from", "green_from", "blue_from"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        steps = [("orange_from", _("橙色")), ("yellow_from", _("黄色")), ("green_from", _("绿色")),
                 ("blue_from", _("蓝色"))]
        for (lower, lower_name), (upper, upper_name) in zip(steps, steps[1:], strict=False):
            low, high = data.get(lower), data.get(upper)
            if low is not None and high is not None and high <= low:
                self.add_error(upper, _("%(upper)s起点应高于%(lower)s起点") % {"upper": upper_name, "lower": lower_name})
        return data

    def thresholds(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        data = self.cleaned_data
        return (data["orange_from"], data["yellow_from"], data["green_from"], data["blue_from"])


# ---- 蹲点调研 (R06) ----------------------------------------------------------------------------------

class BatchForm(ScopedForm):
    organiser = forms.Field(label=_("组织单位"))
    theme = forms.CharField(label=_("调研主题"), max_length=200)
    start_date = DateField(label=_("开始日期"))
    end_date = DateField(label=_("结束日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"] = forms.ModelChoiceField(organisers_visible(self.jurisdiction), label=_("组织单位"),
                                                          empty_label=CHOOSE)
        self.order_fields(["organiser", "theme", "start_date", "end_date"])


class StayForm(ScopedForm):
    cadre = forms.Field(label=_("参加人员"))
    place_kind = forms.ChoiceField(label=_("蹲点类型"), choices=blank_choice(PlaceKind.choices))
    place = forms.Field(label=_("蹲点村（社区）"), required=False)
    place_name = forms.CharField(label=_("蹲点企业"), max_length=120, required=False,
                                 help_text=_("蹲点在企业时填写企业名称"))
    start_date = DateField(label=_("开始日期"))
    end_date = DateField(label=_("结束日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = PickerField(senior_cadres(self.jurisdiction), url_name="pick-cadres",
                                           label=_("参加人员（处级以上干部）"), placeholder=_("输入姓名搜索"))
        self.fields["place"] = PickerField(places_visible(self.jurisdiction), url_name="pick:units",
                                           query="kind=village&kind=community", label=_("蹲点村（社区）"),
                                           placeholder=_("输入村或社区名称搜索"), required=False,
                                           label_from=lambda unit: str(unit.name))
        self.order_fields(["cadre", "place_kind", "place", "place_name", "start_date", "end_date"])


class StayLogForm(forms.Form):
    day = DateField(label=_("日期"))
    kind = forms.ChoiceField(label=_("类型"), choices=blank_choice(LogKind.choices))
    content = forms.CharField(label=_("工作内容"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    money = forms.DecimalField(label=_("资金（万元）"), min_value=Decimal(0), max_digits=10, decimal_places=2,
                               required=False)
    goods = forms.CharField(label=_("物资"), max_length=200, required=False)


class SuggestionForm(ScopedForm):
    content = forms.CharField(label=_("意见建议"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    department = forms.Field(label=_("转送部门"))
    reply_due = DateField(label=_("答复期限"), required=False, help_text=_("不填则为转送之日起30天"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"] = PickerField(departments_visible(self.jurisdiction), url_name="pick:units",
                                                query="kind=department", label=_("转送部门"),
                                                placeholder=_("输入部门名称搜索"), label_from=lambda unit: str(unit.name))
        self.order_fields(["content", "department", "reply_due"])


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("办理结果"), choices=blank_choice(
        [(SuggestionStatus.REPLIED.value, SuggestionStatus.REPLIED.label),
         (SuggestionStatus.ADOPTED.value, SuggestionStatus.ADOPTED.label)]))
    reply = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                            required=False)
    replied_on = DateField(label=_("答复日期"), required=False)


# ---- 调研课题 and research trips (R26) ------------------------------------------------------------

class TopicCallForm(ScopedForm):
    org_unit = forms.Field(label=_("单位"))
    register_by = DateField(label=_("申报截止日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = forms.ModelChoiceField(organisers_visible(self.jurisdiction), label=_("单位"),
                                                         empty_label=CHOOSE)
        self.order_fields(["org_unit", "register_by"])


class TopicForm(ScopedForm):
    call = forms.Field(label=_("课题年度"))
    title = forms.CharField(label=_("课题名称"), max_length=200)
    leader = forms.Field(label=_("牵头领导"))

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call"] = forms.ModelChoiceField(calls_visible(self.jurisdiction).filter(year=year),
                                                     label=_("课题年度"), empty_label=CHOOSE)
        self.fields["leader"] = forms.ModelChoiceField(leaders_visible(self.jurisdiction).order_by("name"),
                                                       label=_("牵头领导"), empty_label=CHOOSE)
        self.order_fields(["call", "title", "leader"])


class TopicSubmitForm(forms.Form):
    result = forms.CharField(label=_("调研成果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class TopicEvaluateForm(forms.Form):
    grade = forms.ChoiceField(label=_("评定等次"), choices=blank_choice(TopicGrade.choices))
    commendation = forms.CharField(label=_("表彰"), max_length=200, required=False)


class TripForm(ScopedForm):
    cadre = forms.Field(label=_("干部"))
    place = forms.CharField(label=_("调研地点"), max_length=200)
    start_date = DateField(label=_("开始日期"))
    end_date = DateField(label=_("结束日期"))
    purpose = forms.CharField(label=_("调研内容"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = forms.ModelChoiceField(leaders_visible(self.jurisdiction).order_by("name"),
                                                      label=_("干部（组织部领导）"), empty_label=CHOOSE)
        self.order_fields(["cadre", "place", "start_date", "end_date", "purpose"])


# ---- 离任村干部 (R25) ----------------------------------------------------------------------------

class RetireeForm(ScopedForm):
    village = forms.Field(label=_("村"))
    name = forms.CharField(label=_("姓名"), max_length=40)
    posts = forms.CharField(label=_("曾任职务"), max_length=200, help_text=_("如 村党支部书记、村委会主任"))
    served_from = DateField(label=_("任职起始"))
    left_on = DateField(label=_("离任日期"))
    roles_after = forms.CharField(label=_("离任后设岗定责"), max_length=200, required=False)
    in_hardship = forms.BooleanField(label=_("生活困难"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = org_units_visible(self.jurisdiction).filter(kind=OrgKind.VILLAGE)
        self.fields["village"] = PickerField(villages, url_name="pick:units", query="kind=village", label=_("村"),
                                             placeholder=_("输入村名搜索"), label_from=lambda unit: str(unit.name))
        self.order_fields(["village", "name", "posts", "served_from", "left_on", "roles_after", "in_hardship"])


class VisitForm(forms.Form):
    occasion = forms.ChoiceField(label=_("走访节点"), choices=blank_choice(Occasion.choices))
    visited_on = DateField(label=_("走访日期"))
    visitors = forms.CharField(label=_("走访人"), max_length=200)
    note = forms.CharField(label=_("走访情况"), max_length=300, required=False)


class HardshipForm(forms.Form):
    given_on = DateField(label=_("帮扶日期"))
    amount = forms.DecimalField(label=_("金额（元）"), min_value=Decimal(0), max_digits=10, decimal_places=2,
                                required=False)
    goods = forms.CharField(label=_("物资"), max_length=200, required=False)
    note = forms.CharField(label=_("帮扶情况"), max_length=300, required=False)


class SubsidyForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


# ---- R23 approval -------------------------------------------------------------------------------

class TransferApprovalForm(ScopedForm):
    cadre = forms.Field(label=_("干部"))
    kind = forms.ChoiceField(label=_("类型"), choices=blank_choice(MoveKind.choices))
    destination = forms.CharField(label=_("拟去单位"), max_length=200)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    signed_by = forms.CharField(label=_("签批人"), max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recruits = cadres_visible(self.jurisdiction).filter(township_recruit_on__isnull=False)
        self.fields["cadre"] = PickerField(recruits, url_name="pick-cadres", label=_("干部（新录用乡镇公务员）"),
                                           placeholder=_("输入姓名搜索"))
        self.order_fields(["cadre", "kind", "destination", "reason", "signed_by"])


class ProgrammeForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=blank_choice(ProgrammeKind.choices))
    title = forms.CharField(label=_("班次名称"), max_length=200)
    start_date = DateField(label=_("开始日期"))
    end_date = DateField(label=_("结束日期"))
    participants = forms.IntegerField(label=_("参训人数"), min_value=0, max_value=100000, required=False)


class SpendingForm(ScopedForm):
    village = forms.Field(label=_("联系村（社区）"))
    giver = forms.Field(label=_("联系单位"))
    spent_on = DateField(label=_("日期"))
    amount = forms.DecimalField(label=_("资金（万元）"), min_value=Decimal(0), max_digits=10, decimal_places=2,
                                required=False)
    goods = forms.CharField(label=_("物资"), max_length=200, required=False)
    purpose = forms.CharField(label=_("用途"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"] = PickerField(places_visible(self.jurisdiction), url_name="pick:units",
                                             query="kind=village&kind=community", label=_("联系村（社区）"),
                                             placeholder=_("输入村或社区名称搜索"), label_from=lambda unit: str(unit.name))
        self.fields["giver"] = PickerField(org_units_visible(self.jurisdiction), url_name="pick:units",
                                           label=_("联系单位"), placeholder=_("输入单位名称搜索"),
                                           label_from=lambda unit: str(unit.name))
        self.order_fields(["village", "giver", "spent_on", "amount", "goods", "purpose"])


class TrainingRecordForm(ScopedForm):
    cadre = forms.Field(label=_("干部"))
    course = forms.CharField(label=_("培训班次"), max_length=200)
    organiser = forms.CharField(label=_("主办单位"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("培训方式"), choices=blank_choice(TrainingKind.choices))
    start_date = DateField(label=_("开始日期"))
    end_date = DateField(label=_("结束日期"))
    days = forms.IntegerField(label=_("天数"), min_value=0, max_value=3660, required=False,
                              help_text=_("不填则按起止日期计算"))
    hours = forms.DecimalField(label=_("学时"), min_value=Decimal(0), max_digits=7, decimal_places=1, required=False)
    certificate = forms.CharField(label=_("证书编号"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = PickerField(cadres_visible(self.jurisdiction), url_name="pick-cadres", label=_("干部"),
                                           placeholder=_("输入姓名搜索"))
        self.order_fields(["cadre", "course", "organiser", "kind", "start_date", "end_date", "days", "hours",
                           "certificate"])


class RetireeFromRosterForm(ScopedForm):
    cadre = forms.Field(label=_("干部档案中的村干部"))
    left_on = DateField(label=_("离任日期"), required=False, help_text=_("不填则取最后一个村级职务的免职时间"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = PickerField(cadres_visible(self.jurisdiction), url_name="pick-cadres",
                                           label=_("干部档案中的村干部"), placeholder=_("输入姓名搜索"))
        self.order_fields(["cadre", "left_on"])


class SubsidyRuleForm(ScopedForm):
    org_unit = forms.Field(label=_("设定单位"))
    valid_from = DateField(label=_("生效日期"))
    posts = forms.CharField(label=_("职务"), max_length=200, required=False,
                            help_text=_("用逗号分隔，如 村党支部书记，村委会主任；不填则不限职务"))
    min_years = forms.IntegerField(label=_("最低任职年限"), min_value=0, max_value=60)
    yearly_amount = forms.DecimalField(label=_("每年补贴（元）"), min_value=Decimal("0.01"), max_digits=10,
                                       decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = forms.ModelChoiceField(organisers_visible(self.jurisdiction), label=_("设定单位"),
                                                         empty_label=CHOOSE)
        self.order_fields(["org_unit", "valid_from", "posts", "min_years", "yearly_amount"])
