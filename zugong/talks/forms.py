"""Forms of the talks pages; choices come from jurisdiction-scoped selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import OrgUnit
from zugong.talks import selectors
from zugong.talks.models import FlagKind, InterviewOutcome, InterviewTarget, SupervisionKind, TalkKind


def _none() -> QuerySet[Any]:
    """A placeholder; each form's __init__ puts the jurisdiction-scoped queryset in."""
    return OrgUnit.objects.none()


class DateInput(forms.DateInput):
    input_type = "date"


class TalkForm(forms.Form):
    held_on = forms.DateField(label="谈话日期", widget=DateInput)
    kind = forms.ChoiceField(label="谈话类型", choices=TalkKind.choices)
    talkers = forms.ModelMultipleChoiceField(label="谈话人", queryset=_none())
    talkees = forms.ModelMultipleChoiceField(label="谈话对象", queryset=_none())
    place = forms.CharField(label="地点", required=False, max_length=120)
    topics = forms.CharField(label="主题", required=False, max_length=300)
    summary = forms.CharField(label="谈话内容摘要（保密）", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    follow_up_action = forms.CharField(label="跟进事项", required=False, max_length=300)
    follow_up_owner = forms.CharField(label="责任人", required=False, max_length=60)
    follow_up_deadline = forms.DateField(label="期限", required=False, widget=DateInput)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        talkers: Any = self.fields["talkers"]
        talkers.queryset = selectors.talkers_visible(jurisdiction).order_by("role", "name")
        talkees: Any = self.fields["talkees"]
        talkees.queryset = selectors.cadres_visible(jurisdiction).order_by("org_unit__path", "name")
        self.fields["held_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("follow_up_action") and not data.get("follow_up_owner"):
            self.add_error("follow_up_owner", "请填写跟进事项的责任人")
        return data


class InterviewForm(forms.Form):
    target_kind = forms.ChoiceField(label="约谈对象类型", choices=InterviewTarget.choices)
    team = forms.ModelChoiceField(label="被约谈班子（单位）", queryset=_none(), required=False)
    cadre = forms.ModelChoiceField(label="被约谈干部 / 单位主要负责人", queryset=_none(),
                                   required=False)
    situations = forms.ModelMultipleChoiceField(label="约谈情形", queryset=_none(),
                                                widget=forms.CheckboxSelectMultiple)
    proposed_on = forms.DateField(label="提出日期", widget=DateInput)
    proposing_office = forms.ChoiceField(label="提出机构", choices=[("干部监督机构", "干部监督机构"),
                                                                 ("干部工作机构", "干部工作机构")])
    reason = forms.CharField(label="约谈事由（保密）", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team: Any = self.fields["team"]
        team.queryset = scope(OrgUnit.objects.all(), jurisdiction, org_field="").order_by("path")
        cadre: Any = self.fields["cadre"]
        cadre.queryset = selectors.cadres_visible(jurisdiction).order_by("org_unit__path", "name")
        situations: Any = self.fields["situations"]
        situations.queryset = selectors.situations_active()
        situations.label_from_instance = lambda s: f"[{s.get_scope_display()}] {s.text}"
        self.fields["proposed_on"].initial = timezone.localdate()


class StepForm(forms.Form):
    on = forms.DateField(label="日期", widget=DateInput)
    reason = forms.CharField(label="理由", required=False, max_length=300)
    scheduled_for = forms.DateField(label="约定约谈日期", required=False, widget=DateInput)
    interviewers = forms.CharField(label="约谈人", required=False, max_length=200)
    place = forms.CharField(label="地点", required=False, max_length=120)
    record = forms.CharField(label="约谈记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    text = forms.CharField(label="书面报告", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label="评估结论", required=False, choices=[("", "—"), *InterviewOutcome.choices])
    note = forms.CharField(label="说明", required=False, max_length=300)


class FlagForm(forms.Form):
    cadre = forms.ModelChoiceField(label="干部", queryset=_none())
    kind = forms.ChoiceField(label="标记", choices=FlagKind.choices)
    note = forms.CharField(label="情况", required=False, max_length=300)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadre: Any = self.fields["cadre"]
        cadre.queryset = selectors.cadres_visible(jurisdiction).filter(is_leading=True).order_by(
            "org_unit__path", "name")


class SupervisionForm(forms.Form):
    cadre = forms.ModelChoiceField(label="干部", queryset=_none())
    kind = forms.ChoiceField(label="方式", choices=SupervisionKind.choices)
    issued_on = forms.DateField(label="日期", widget=DateInput)
    matter = forms.CharField(label="事项（保密）", widget=forms.Textarea(attrs={"rows": 3}))
    response_due_on = forms.DateField(label="答复期限", required=False, widget=DateInput)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cadre: Any = self.fields["cadre"]
        cadre.queryset = selectors.cadres_visible(jurisdiction).filter(is_leading=True).order_by(
            "org_unit__path", "name")
        self.fields["issued_on"].initial = timezone.localdate()
