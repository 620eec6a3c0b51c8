"""Forms of the talks pages. Every form takes `jurisdiction=` and draws its choices from the scoped
selectors; dates are ISO in every language (`zugong.core.forms.DateField`); a choice a person must
make starts empty (`blank_choice`). Each 约谈 step has its own form asking only that step's fields,
with element ids prefixed by the step so several step forms can share one page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import Cadre
from zugong.cadres.pickers import cadre_label
from zugong.cadres.selectors import cadres_visible
from zugong.core.forms import (
    DateField,
    PickerField,
    PickerMultipleField,
    RowsChoiceField,
    ScopedForm,
    blank_choice,
)
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.selectors import org_units_visible
from zugong.talks import selectors
from zugong.talks.models import (
    FlagKind,
    InterviewOutcome,
    InterviewSituation,
    InterviewTarget,
    SupervisionKind,
    Talker,
    TalkKind,
)

PROPOSING_OFFICES = [("干部监督机构", _("干部监督机构")), ("干部工作机构", _("干部工作机构"))]


def _choices(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return blank_choice(choices)


def _cadre_picker(label: Any, *, required: bool = True) -> PickerField:
    return PickerField(Cadre.objects.none(), url_name="pick-cadres", label=label, required=required,
                       placeholder=_("输入姓名、拼音首字母或身份证号搜索"), label_from=cadre_label)


def _scope(field: Any, queryset: Any) -> None:
    """Put the jurisdiction-scoped queryset into a field declared with `.none()`."""
    field.queryset = queryset


def _leading_cadres(jurisdiction: Jurisdiction) -> Any:
    return cadres_visible(jurisdiction).filter(is_leading=True).select_related("org_unit")


class TalkForm(ScopedForm):
    held_on = DateField(label=_("谈话日期"))
    kind = forms.ChoiceField(label=_("谈话类型"), choices=_choices(TalkKind.choices))
    talkers = RowsChoiceField(label=_("谈话人"), queryset=Talker.objects.none())
    talkees = PickerMultipleField(Cadre.objects.none(), url_name="pick-cadres", label=_("谈话对象"),
                                  placeholder=_("输入姓名、拼音首字母或身份证号搜索"), label_from=cadre_label)
    place = forms.CharField(label=_("地点"), required=False, max_length=120)
    topics = forms.CharField(label=_("主题"), required=False, max_length=300)
    summary = forms.CharField(label=_("谈话内容摘要（保密）"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    follow_up_action = forms.CharField(label=_("跟进事项"), required=False, max_length=300)
    follow_up_owner = forms.CharField(label=_("责任人"), required=False, max_length=60)
    follow_up_deadline = DateField(label=_("期限"), required=False)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self.fields["talkers"], selectors.talkers_visible(jurisdiction).order_by("role", "name"))
        _scope(self.fields["talkees"], cadres_visible(jurisdiction).select_related("org_unit"))
        self.fields["held_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("follow_up_action") and not data.get("follow_up_owner"):
            self.add_error("follow_up_owner", _("请填写跟进事项的责任人"))
        return data


class InterviewForm(ScopedForm):
    target_kind = forms.ChoiceField(label=_("约谈对象类型"), choices=_choices(InterviewTarget.choices))
    team = PickerField(OrgUnit.objects.none(), url_name="pick:units", label=_("被约谈班子（单位）"), required=False,
                       placeholder=_("输入单位名称搜索"))
    cadre = _cadre_picker(_("被约谈干部 / 单位主要负责人"), required=False)
    situations = RowsChoiceField(label=_("约谈情形"), queryset=InterviewSituation.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)
    proposed_on = DateField(label=_("提出日期"))
    proposing_office = forms.ChoiceField(label=_("提出机构"), choices=_choices(PROPOSING_OFFICES))
    reason = forms.CharField(label=_("约谈事由（保密）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self.fields["team"], org_units_visible(jurisdiction))
        _scope(self.fields["cadre"], cadres_visible(jurisdiction).select_related("org_unit"))
        situations: Any = self.fields["situations"]
        situations.queryset = selectors.situations_active()
        situations.label_from_instance = lambda s: f"[{s.get_scope_display()}] {s.text}"
        self.fields["proposed_on"].initial = timezone.localdate()


class StepForm(ScopedForm):
    """One step of the 约谈 procedure; `on` is the step's date. Subclasses add the step's own fields."""

    step = ""
    on = DateField(label=_("日期"))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.step}_%s")
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        if not self.is_bound:
            self.fields["on"].initial = timezone.localdate()


class ApproveForm(StepForm):
    step = "approve"
    on = DateField(label=_("批准日期"))


class RejectForm(StepForm):
    step = "reject"
    on = DateField(label=_("审批日期"))
    reason = forms.CharField(label=_("不予批准的理由"), max_length=300)


class NoticeForm(StepForm):
    step = "notice"
    on = DateField(label=_("预告日期"))
    scheduled_for = DateField(label=_("约定约谈日期"))


class HoldForm(StepForm):
    step = "hold"
    on = DateField(label=_("约谈日期"))
    interviewers = forms.CharField(label=_("约谈人"), max_length=200)
    place = forms.CharField(label=_("地点"), required=False, max_length=120)
    record = forms.CharField(label=_("约谈记录（全程纪实，保密）"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(StepForm):
    step = "follow-up"
    on = DateField(label=_("通报日期（领导班子：党委（党组）会日期）"))
    note = forms.CharField(label=_("说明或会议纪要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(StepForm):
    step = "report"
    on = DateField(label=_("提交日期"))
    text = forms.CharField(label=_("书面报告（保密）"), widget=forms.Textarea(attrs={"rows": 3}))


class AssessForm(StepForm):
    step = "assess"
    on = DateField(label=_("评估日期"))
    outcome = forms.ChoiceField(label=_("评估结论"), choices=_choices(InterviewOutcome.choices))
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


STEP_FORMS: dict[str, type[StepForm]] = {form.step: form for form in (
    ApproveForm, RejectForm, NoticeForm, HoldForm, FollowUpForm, ReportForm, AssessForm)}
STEP_LABELS = {"approve": _("批准"), "reject": _("不予批准"), "notice": _("发出预告"), "hold": _("登记约谈"),
               "follow-up": _("登记后续工作"), "report": _("登记书面报告"), "assess": _("评估")}


class FlagForm(ScopedForm):
    cadre = _cadre_picker(_("干部"))
    kind = forms.ChoiceField(label=_("标记"), choices=_choices(FlagKind.choices))
    note = forms.CharField(label=_("情况"), required=False, max_length=300)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self.fields["cadre"], _leading_cadres(jurisdiction))


class SupervisionForm(ScopedForm):
    cadre = _cadre_picker(_("干部"))
    kind = forms.ChoiceField(label=_("方式"), choices=_choices(SupervisionKind.choices))
    issued_on = DateField(label=_("日期"))
    matter = forms.CharField(label=_("事项（保密）"), widget=forms.Textarea(attrs={"rows": 3}))
    response_due_on = DateField(label=_("答复期限"), required=False)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self.fields["cadre"], _leading_cadres(jurisdiction))
        self.fields["issued_on"].initial = timezone.localdate()
