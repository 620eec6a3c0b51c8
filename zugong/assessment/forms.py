"""Forms of the assessment pages. Each takes `jurisdiction=` and draws its choices from scoped selectors;
a choice a person must make starts empty; people and units are chosen with the search pickers.

The indicator tree is edited as text, one indicator a line, a leading "－" (or two spaces) per level:

    党的建设 | 30 | 打分 | 述职评议
    －班子建设 | 50 | 打分
    －谈心谈话覆盖率 | 50 | 按数据计数 | 系统数据 | 谈心谈话覆盖率

The columns are name, weight, scoring method, evaluation method and (for 按数据计数) the system data it
reads; the methods are written as the page shows them, so the form is typed in Chinese.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.assessment.models import (
    CampaignKind,
    EvaluationMethod,
    Focus,
    Indicator,
    ScoringMethod,
    SubjectKind,
)
from zugong.assessment.services.campaigns import IndicatorSpec
from zugong.cadres.models import Cadre
from zugong.cadres.pickers import cadre_label
from zugong.cadres.selectors import cadres_visible
from zugong.core.forms import DateField, PickerField, ScopedForm, blank_choice
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.selectors import org_units_visible

CADRE_HINT = _("输入姓名、拼音首字母或身份证号搜索")
UNIT_HINT = _("输入单位名称搜索")
MAX_INDICATOR_LINES = 200


def _unit_picker(label: Any, *, required: bool = True) -> PickerField:
    return PickerField(OrgUnit.objects.none(), url_name="pick:units", label=label, required=required,
                       placeholder=UNIT_HINT)


class CampaignForm(ScopedForm):
    title = forms.CharField(label=_("考核名称"), max_length=200)
    kind = forms.ChoiceField(label=_("考核类型"), choices=blank_choice(CampaignKind.choices))
    org_unit = _unit_picker(_("组织单位"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    period = forms.CharField(label=_("考核期间（平时考核如 2026Q1）"), max_length=20, required=False)
    excellent_percent = forms.DecimalField(label=_("优秀（好）等次比例（%）"), min_value=Decimal("0"),
                                           max_value=Decimal("100"), decimal_places=1, initial=Decimal("15"))
    evaluation_percent = forms.DecimalField(label=_("民主测评结果占总分比例（%，0 为只计指标得分）"),
                                            min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=1,
                                            initial=Decimal("0"), required=False)
    focus = forms.ChoiceField(label=_("考核方式（R01）"), choices=Focus.choices, required=False)
    theme = forms.CharField(label=_("分类考核的部门类别或主题"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_visible(self.jurisdiction)  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


class SubjectForm(ScopedForm):
    """A cadre (领导干部) or a unit's team (领导班子) or the unit (单位)."""

    kind = forms.ChoiceField(label=_("对象类型"), choices=blank_choice(SubjectKind.choices))
    cadre = PickerField(Cadre.objects.none(), url_name="pick-cadres", label=_("干部（领导干部）"), required=False,
                        placeholder=CADRE_HINT, label_from=cadre_label)
    org_unit = _unit_picker(_("单位（领导班子或单位）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres_visible(self.jurisdiction).select_related("org_unit")  # type: ignore[attr-defined]
        self.fields["org_unit"].queryset = org_units_visible(self.jurisdiction)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == SubjectKind.CADRE and data.get("cadre") is None:
            self.add_error("cadre", _("请选择干部"))
        if kind in (SubjectKind.TEAM, SubjectKind.UNIT) and data.get("org_unit") is None:
            self.add_error("org_unit", _("请选择单位"))
        return data


SCORING_BY_LABEL = {str(label): value for value, label in ScoringMethod.choices}
EVALUATION_BY_LABEL = {str(label): value for value, label in EvaluationMethod.choices}
DEPTH_MARK = re.compile(r"^(?:－|-|\u3000|  )")


def _depth(line: str) -> tuple[int, str]:
    depth = 0
    while match := DEPTH_MARK.match(line):
        line = line[match.end():]
        depth += 1
    return depth, line.strip()


def _weight(text: str, number: int) -> Decimal:
    try:
        weight = Decimal(text.strip().rstrip("%％"))
    except InvalidOperation:
        raise forms.ValidationError(_("第 %(n)s 行：权重“%(w)s”不是数字") % {"n": number, "w": text}) from None
    if not weight.is_finite() or not Decimal("0") < weight <= Decimal("100"):
        raise forms.ValidationError(_("第 %(n)s 行：权重须大于 0 且不超过 100") % {"n": number})
    return weight


def _choice(table: dict[str, str], text: str, number: int, what: Any) -> str:
    text = text.strip()
    if not text:
        return ""
    if text not in table:
        raise forms.ValidationError(_("第 %(n)s 行：%(what)s“%(text)s”无效，可选：%(options)s") % {
            "n": number, "what": what, "text": text, "options": "、".join(table)})
    return table[text]


def _spec(line: str, number: int, sources: dict[str, str]) -> IndicatorSpec:
    cells = [c.strip() for c in re.split(r"[|｜]", line)]
    if len(cells) < 2 or not cells[0]:
        raise forms.ValidationError(_("第 %(n)s 行：须写“指标名称 | 权重”") % {"n": number})
    scoring = _choice(SCORING_BY_LABEL, cells[2], number, _("计分方法")) if len(cells) > 2 else ""
    return IndicatorSpec(
        name=cells[0], weight=_weight(cells[1], number), scoring=scoring or ScoringMethod.SCALE,
        evaluation=_choice(EVALUATION_BY_LABEL, cells[3], number, _("考核方法")) if len(cells) > 3 else "",
        source=_choice(sources, cells[4], number, _("系统数据")) if len(cells) > 4 else "")


def parse_tree(text: str, sources: dict[str, str]) -> list[IndicatorSpec]:
    """The text's indicators as a tree; a line may go at most one level deeper than the line before."""
    roots: list[IndicatorSpec] = []
    stack: list[IndicatorSpec] = []
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_INDICATOR_LINES:
        raise forms.ValidationError(_("指标不能超过 %(n)s 行") % {"n": MAX_INDICATOR_LINES})
    for number, raw in lines:
        depth, line = _depth(raw)
        if depth > len(stack):
            raise forms.ValidationError(_("第 %(n)s 行：缩进过深（上一行不是它的上级指标）") % {"n": number})
        spec = _spec(line, number, sources)
        del stack[depth:]
        (stack[-1].children if stack else roots).append(spec)
        stack.append(spec)
    return roots


def tree_text(rows: list[tuple[int, Indicator]], source_labels: dict[str, str]) -> str:
    """The stored tree written in the form's format (so the form opens with the current tree)."""
    out = []
    for depth, i in rows:
        cells = [i.name, f"{i.weight.normalize():f}", str(i.get_scoring_display()), str(i.get_evaluation_display())]
        if i.source:
            cells.append(source_labels.get(i.source, i.source))
        out.append("－" * depth + " | ".join(cells).rstrip(" |"))
    return "\n".join(out)


class IndicatorTreeForm(forms.Form):
    tree = forms.CharField(label=_("考核指标（每行一项：名称 | 权重 | 计分方法 | 考核方法 | 系统数据；下级指标以“－”开头）"),
                           widget=forms.Textarea(attrs={"rows": 12}), max_length=20000)

    def __init__(self, *args: Any, sources: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = sources  # label → key of the system data an indicator may read

    def clean_tree(self) -> list[IndicatorSpec]:
        return parse_tree(self.cleaned_data["tree"], self.sources)


class VoterClassForm(forms.Form):
    name = forms.CharField(label=_("投票人类别"), max_length=40)
    weight = forms.DecimalField(label=_("权重"), min_value=Decimal("0.01"), max_value=Decimal("100"),
                                decimal_places=2)


class CodesForm(forms.Form):
    voter_class = forms.TypedChoiceField(label=_("投票人类别"), coerce=int)
    count = forms.IntegerField(label=_("数量"), min_value=1, max_value=5000)

    def __init__(self, *args: Any, classes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voter_class"].choices = blank_choice([(str(pk), name) for pk, name in classes])  # type: ignore[attr-defined]


# --- the satisfaction survey (R31) ----------------------------------------------------------------------------

class SurveyForm(ScopedForm):
    title = forms.CharField(label=_("测评名称"), max_length=200)
    org_unit = _unit_picker(_("组织单位（测评其下各市、县）"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_visible(self.jurisdiction)  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


def parse_questionnaire(text: str) -> list[tuple[str, list[str]]]:
    """Lines "测评领域 | 指标"; the areas in the order they first appear."""
    areas: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in re.split(r"[|｜]", line)]
        if len(cells) != 2 or not all(cells):
            raise forms.ValidationError(_("第 %(n)s 行：须写“测评领域 | 指标”") % {"n": number})
        areas.setdefault(cells[0], []).append(cells[1])
    return list(areas.items())


class QuestionnaireForm(forms.Form):
    questionnaire = forms.CharField(label=_("问卷（每行一项：测评领域 | 指标）"), widget=forms.Textarea(attrs={"rows": 12}),
                                    max_length=20000)

    def clean_questionnaire(self) -> list[tuple[str, list[str]]]:
        return parse_questionnaire(self.cleaned_data["questionnaire"])


class SurveyCodesForm(ScopedForm):
    county = PickerField(OrgUnit.objects.none(), url_name="pick:units", label=_("县（市、区）"), query="kind=county",
                         placeholder=UNIT_HINT)
    count = forms.IntegerField(label=_("样本数（问卷码数量）"), min_value=1, max_value=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = org_units_visible(self.jurisdiction)  # type: ignore[attr-defined]


class SurveyQuotaForm(ScopedForm):
    county = PickerField(OrgUnit.objects.none(), url_name="pick:units", label=_("县（市、区）"), query="kind=county",
                         placeholder=UNIT_HINT)
    target = forms.IntegerField(label=_("样本量（0 为取消该县）"), min_value=0, max_value=100000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = org_units_visible(self.jurisdiction)  # type: ignore[attr-defined]


class FollowUpsForm(forms.Form):
    due_on = DateField(label=_("完成期限"))


class FollowUpDoneForm(forms.Form):
    done_on = DateField(label=_("完成日期"))
    note = forms.CharField(label=_("检查情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# --- points cards (R32) -----------------------------------------------------------------------------------------

class PointItemForm(ScopedForm):
    name = forms.CharField(label=_("积分项目"), max_length=100)
    points = forms.DecimalField(label=_("每次分值（扣分项填负数）"), max_digits=6, decimal_places=2)
    role = forms.CharField(label=_("适用对象（空为全部干部）"), max_length=40, required=False)
    source = forms.ChoiceField(label=_("系统数据（自动计入）"), required=False)
    org_unit = _unit_picker(_("设置单位"))

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_visible(self.jurisdiction)  # type: ignore[attr-defined]
        self.fields["source"].choices = [("", _("手工登记（须佐证、审核）")), *sources]  # type: ignore[attr-defined]


class PointEntryForm(ScopedForm):
    cadre = PickerField(Cadre.objects.none(), url_name="pick-cadres", label=_("干部"), placeholder=CADRE_HINT,
                        label_from=cadre_label)
    item = forms.TypedChoiceField(label=_("积分项目"), coerce=int)
    on = DateField(label=_("日期"))
    quantity = forms.DecimalField(label=_("次数"), min_value=Decimal("0.01"), max_value=Decimal("1000"),
                                  decimal_places=2, initial=1)
    evidence = forms.CharField(label=_("佐证材料"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, items: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres_visible(self.jurisdiction).select_related("org_unit")  # type: ignore[attr-defined]
        self.fields["item"].choices = blank_choice([(str(pk), name) for pk, name in items])  # type: ignore[attr-defined]
        self.fields["on"].initial = timezone.localdate()


class PointsFillForm(ScopedForm):
    org_unit = _unit_picker(_("单位"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_visible(self.jurisdiction)  # type: ignore[attr-defined]


# --- rater scores (自评, 上级评, 同级评) and the weights of a leaf's score --------------------------------------

class EvaluationShareForm(forms.Form):
    share = forms.DecimalField(label=_("民主测评占比（%）"), min_value=Decimal("0"), max_value=Decimal("100"),
                               decimal_places=1)


class ScoreWeightsForm(forms.Form):
    org = forms.IntegerField(label=_("组织评分权重（%）"), min_value=0, max_value=100)
    self_ = forms.IntegerField(label=_("自评权重（%）"), min_value=0, max_value=100)
    manager = forms.IntegerField(label=_("上级评分权重（%）"), min_value=0, max_value=100)
    peer = forms.IntegerField(label=_("同级评分权重（%）"), min_value=0, max_value=100)


class RaterScoreForm(forms.Form):
    """One rater's score form for one subject: a field `i-<leaf id>` per typed leaf (blank: not scored)."""

    subject = forms.TypedChoiceField(label=_("考核对象"), coerce=int)
    role = forms.ChoiceField(label=_("评分人类别"))
    rater_cadre = PickerField(Cadre.objects.none(), url_name="pick-cadres",
                              label=_("同级评分人（同级评必选，须为考核对象所在单位的干部）"), required=False,
                              placeholder=CADRE_HINT, label_from=cadre_label,
                              # Django's own words ("选择一个有效的选项") do not say where to choose from
                              error_messages={"invalid_choice": _("同级评分人须从本辖区的干部名册中选择")})

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, subjects: list[tuple[int, str]], leaves: list[Indicator],
                 **kwargs: Any) -> None:
        from zugong.assessment.models import RaterRole

        super().__init__(*args, **kwargs)
        self.fields["rater_cadre"].queryset = cadres_visible(jurisdiction).select_related("org_unit")  # type: ignore[attr-defined]
        self.fields["subject"].choices = blank_choice([(str(pk), name) for pk, name in subjects])  # type: ignore[attr-defined]
        self.fields["role"].choices = blank_choice(list(RaterRole.choices))  # type: ignore[attr-defined]
        for leaf in leaves:
            self.fields[f"i-{leaf.pk}"] = forms.DecimalField(
                label=f"{leaf.name}（{leaf.get_scoring_display()}）", required=False, max_digits=7, decimal_places=2)
        self.leaves = leaves

    def values(self) -> dict[int, Decimal | None]:
        return {leaf.pk: self.cleaned_data.get(f"i-{leaf.pk}") for leaf in self.leaves}
