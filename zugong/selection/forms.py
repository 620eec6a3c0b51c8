"""Forms of the selection pages: each stage asks only for its own fields; cadres through the search picker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zugong.cadres.pickers import cadre_label
from zugong.cadres.selectors import cadres_visible
from zugong.core.forms import AttachmentsField, DateField, PickerField, ScopedForm, blank_choice
from zugong.core.selectors import org_units_visible
from zugong.selection.models import (
    Candidate,
    CommitteeKind,
    ProblemHandling,
    ProblemSource,
    PublicityChannel,
    PublicityHandling,
    RecommendationKind,
)
from zugong.selection.services import selections as svc

CADRE_SEARCH = _("输入姓名、拼音首字母或身份证号搜索")
LINES = {"rows": 4}


def _cadre_field(form: ScopedForm, label: Any) -> PickerField:
    return PickerField(cadres_visible(form.jurisdiction).select_related("org_unit"), url_name="pick-cadres",
                       label=label, placeholder=CADRE_SEARCH, label_from=cadre_label)


def unit_label(unit: Any) -> str:
    return str(unit.name)


class ProblemForm(ScopedForm):
    cadre = forms.Field(label=_("干部"))
    source = forms.ChoiceField(label=_("来源"), choices=blank_choice(list(ProblemSource.choices)))
    received_on = DateField(label=_("收到日期"))
    document_number = forms.CharField(label=_("来文编号"), max_length=80, required=False)
    petition = forms.IntegerField(label=_("信访件编号"), required=False, min_value=1, max_value=2**31 - 1,
                                  help_text=_("来源为信访时，可填写信访事项的编号，关联该信访记录（须为本辖区受理的信访件）"))
    summary = forms.CharField(label=_("问题内容"), widget=forms.Textarea(attrs=LINES),
                              help_text=_("内容保密：仅组织部负责同志可查看，每次查看均留痕"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = _cadre_field(self, _("干部"))
        self.order_fields(["cadre", "source", "received_on", "document_number", "petition", "summary"])


class ProblemTransitionForm(forms.Form):
    handling = forms.ChoiceField(label=_("处理方式"), required=False,
                                 choices=blank_choice(list(ProblemHandling.choices), _("（已查实时选择）")))
    conclusion = forms.CharField(label=_("核实结论"), widget=forms.Textarea(attrs=LINES), required=False)


class SelectionForm(ScopedForm):
    org_unit = forms.Field(label=_("选任单位"))
    title = forms.CharField(label=_("名称"), max_length=200)
    posts = forms.CharField(label=_("拟任职务"), max_length=300)
    rank_level = forms.CharField(label=_("职务层次"), max_length=20, required=False,
                                 help_text=_("如：正科级、副科级、正县级（正县级职务须全委会票决）"))
    requires_report = forms.BooleanField(label=_("须向上级组织部门报备方案"), required=False,
                                         help_text=_("报备的方案经上级组织部门同意后，才能开展民主推荐"))
    proposed_by = forms.CharField(label=_("动议提出人"), max_length=200)
    reason = forms.CharField(label=_("动议理由"), widget=forms.Textarea(attrs=LINES))
    plan = forms.CharField(label=_("工作方案"), widget=forms.Textarea(attrs=LINES),
                           help_text=_("人选如何产生：会议推荐、谈话推荐等"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = PickerField(
            org_units_visible(self.jurisdiction), url_name="pick:units", label=_("选任单位"),
            placeholder=_("输入单位名称搜索"), label_from=unit_label)
        self.order_fields(["org_unit", "title", "posts", "rank_level", "requires_report", "proposed_by", "reason",
                           "plan"])


class VoteForm(ScopedForm):
    kind = forms.ChoiceField(label=_("推荐方式"), choices=RecommendationKind.choices, initial=RecommendationKind.MEETING,
                             required=False, help_text=_("会议推荐、谈话推荐分别登记，各按本轮有效票把关"))
    cadre = forms.Field(label=_("被推荐人"))
    votes = forms.IntegerField(label=_("推荐票数"), min_value=0, max_value=1_000_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = _cadre_field(self, _("被推荐人"))
        self.order_fields(["kind", "cadre", "votes"])

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or RecommendationKind.MEETING)


class SignedRecommendationForm(ScopedForm):
    recommender = forms.CharField(label=_("推荐人"), max_length=80)
    recommender_post = forms.CharField(label=_("推荐人职务"), max_length=120, required=False)
    cadre = forms.Field(label=_("被推荐人"))
    reason = forms.CharField(label=_("推荐理由"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("署名推荐：推荐人对所推荐人选负责"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = _cadre_field(self, _("被推荐人"))
        self.order_fields(["recommender", "recommender_post", "cadre", "reason"])


TALK_FIELDS = ("talk_eligible", "talk_issued", "talk_returned", "talk_valid")


class RecommendationForm(forms.Form):
    eligible = forms.IntegerField(label=_("会议推荐应参加人数"), min_value=0, required=False,
                                  help_text=_("方案为只开展谈话推荐的，会议推荐四项均不填"))
    issued = forms.IntegerField(label=_("会议推荐发出票"), min_value=0, required=False)
    returned = forms.IntegerField(label=_("会议推荐收回票"), min_value=0, required=False)
    valid = forms.IntegerField(label=_("会议推荐有效票"), min_value=0, required=False)
    talk_eligible = forms.IntegerField(label=_("谈话推荐应参加人数"), min_value=0, required=False,
                                       help_text=_("未开展谈话推荐时，谈话推荐四项均不填"))
    talk_issued = forms.IntegerField(label=_("谈话推荐发出票"), min_value=0, required=False)
    talk_returned = forms.IntegerField(label=_("谈话推荐收回票"), min_value=0, required=False)
    talk_valid = forms.IntegerField(label=_("谈话推荐有效票"), min_value=0, required=False)
    signed_recommendations = forms.CharField(label=_("推荐情况说明"), widget=forms.Textarea(attrs=LINES),
                                             required=False, help_text=_("会议推荐、谈话推荐的其他情况"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) is not None for name in TALK_FIELDS]
        if any(given) and not all(given):
            raise forms.ValidationError(_("谈话推荐的应参加人数、发出票、收回票和有效票须一并填写"))
        return data

    def meeting(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d[k] for k in ("eligible", "issued", "returned", "valid", "signed_recommendations")}

    def talk(self) -> svc.Ballots | None:
        d = self.cleaned_data
        if d.get("talk_eligible") is None:
            return None
        return svc.Ballots(d["talk_eligible"], d["talk_issued"], d["talk_returned"], d["talk_valid"])


class CandidateForm(ScopedForm):
    cadre = forms.Field(label=_("考察对象"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = _cadre_field(self, _("考察对象"))


def _split_lines(text: str, what: str) -> list[tuple[str, str]]:
    """Lines "前半：后半" (a full-width or ASCII colon) → pairs; a line without both halves is refused."""
    pairs = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        head, sep, tail = line.replace(":", "：").partition("：")
        if not sep or not head.strip() or not tail.strip():
            raise forms.ValidationError(_("每行写一条%(what)s，格式为“……：……”") % {"what": what})
        pairs.append((head.strip(), tail.strip()))
    return pairs


class _PerCandidateForm(forms.Form):
    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for c in candidates:
            self.add_candidate_fields(c)

    def add_candidate_fields(self, candidate: Candidate) -> None:
        raise NotImplementedError


class InvestigationForm(_PerCandidateForm):
    team = forms.CharField(label=_("考察组成员"), max_length=1000)
    talks_held = forms.IntegerField(label=_("个别谈话人数"), min_value=0)

    def add_candidate_fields(self, candidate: Candidate) -> None:
        name = candidate.cadre.name
        self.fields[f"evaluation_{candidate.cadre_id}"] = forms.CharField(
            label=_("%(name)s：民主测评结果") % {"name": name}, required=False)
        self.fields[f"conclusion_{candidate.cadre_id}"] = forms.CharField(
            label=_("%(name)s：考察结论") % {"name": name}, widget=forms.Textarea(attrs=LINES))
        self.fields[f"shortcomings_{candidate.cadre_id}"] = forms.CharField(
            label=_("%(name)s：不足之处") % {"name": name}, widget=forms.Textarea(attrs=LINES),
            help_text=_("每行一条，格式为“不足之处：具体事例”，至少一条"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for c in self.candidates:
            key = f"shortcomings_{c.cadre_id}"
            try:
                data[key] = _split_lines(data.get(key, ""), str(_("不足之处")))
            except forms.ValidationError as exc:
                self.add_error(key, exc)
        return data

    def findings(self) -> dict[int, svc.InvestigationFinding]:
        data = self.cleaned_data
        return {c.cadre_id: svc.InvestigationFinding(
            evaluation=data[f"evaluation_{c.cadre_id}"], conclusion=data[f"conclusion_{c.cadre_id}"],
            shortcomings=[svc.Shortcoming(item, fact) for item, fact in data[f"shortcomings_{c.cadre_id}"]])
            for c in self.candidates}


class ConsultationForm(_PerCandidateForm):
    replied_on = DateField(label=_("回复日期"))
    audit_note = forms.CharField(label=_("经济责任审计"), required=False, widget=forms.Textarea(attrs=LINES))

    def add_candidate_fields(self, candidate: Candidate) -> None:
        self.fields[f"reply_{candidate.cadre_id}"] = forms.CharField(
            label=_("%(name)s：廉政意见回复") % {"name": candidate.cadre.name})

    def replies(self) -> dict[int, str]:
        return {c.cadre_id: self.cleaned_data[f"reply_{c.cadre_id}"] for c in self.candidates}


class DecisionForm(_PerCandidateForm):
    kind = forms.ChoiceField(label=_("会议"), choices=blank_choice(list(CommitteeKind.choices)))
    held_on = DateField(label=_("会议日期"))
    expected = forms.IntegerField(label=_("应到会人数"), min_value=1)
    present = forms.IntegerField(label=_("实到会人数"), min_value=0)
    statements = forms.CharField(label=_("发言顺序"), widget=forms.Textarea(attrs=LINES),
                                 help_text=_("按发言先后每行一人"))
    secretary = forms.CharField(label=_("主要负责同志（书记）"), max_length=80,
                                help_text=_("须在发言顺序中，且最后发表意见"))

    def add_candidate_fields(self, candidate: Candidate) -> None:
        for key, label in (("agree", _("同意")), ("disagree", _("不同意")), ("abstain", _("弃权"))):
            self.fields[f"{key}_{candidate.cadre_id}"] = forms.IntegerField(
                label=_("%(name)s：%(what)s票") % {"name": candidate.cadre.name, "what": label}, min_value=0)

    def statement_list(self) -> list[svc.Statement]:
        secretary = self.cleaned_data["secretary"].strip()
        names = [n.strip() for n in self.cleaned_data["statements"].splitlines() if n.strip()]
        return [svc.Statement(n, is_secretary=n == secretary) for n in names]

    def tallies(self) -> dict[int, svc.Tally]:
        d = self.cleaned_data
        return {c.cadre_id: svc.Tally(d[f"agree_{c.cadre_id}"], d[f"disagree_{c.cadre_id}"], d[f"abstain_{c.cadre_id}"])
                for c in self.candidates}


class PublicityForm(forms.Form):
    start = DateField(label=_("公示开始"))
    end = DateField(label=_("公示结束"))
    channel = forms.CharField(label=_("公示方式"), max_length=200,
                              help_text=_("公示期间收到的反映，在公示登记后逐件登记、核查和办结"))


class PublicityReportForm(forms.Form):
    """One report received during 任前公示: about one of the cadres being publicised, or the selection as a whole."""

    received_on = DateField(label=_("收到日期"))
    channel = forms.ChoiceField(label=_("反映方式"), choices=blank_choice(list(PublicityChannel.choices)))
    cadre = forms.TypedChoiceField(label=_("反映对象"), coerce=int, required=False, empty_value=None)
    content = forms.CharField(label=_("反映内容"), max_length=20000, widget=forms.Textarea(attrs=LINES),
                              help_text=_("内容保密：仅组织部负责同志和办理核查的人员可见，每次查看均记入日志"))

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {c.cadre_id: c.cadre for c in candidates}
        field = self.fields["cadre"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("（不针对具体人选）")), *((c.cadre_id, c.cadre.name) for c in candidates)]


class PublicityReportTransitionForm(forms.Form):
    conclusion = forms.CharField(label=_("核查结论"), max_length=20000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    handling = forms.ChoiceField(label=_("处理意见"), required=False,
                                 choices=blank_choice(list(PublicityHandling.choices)),
                                 help_text=_("查实的：暂缓任职或取消任职；部分查实的：四项之一；不实的：不填"))
    on = DateField(label=_("办结日期"), required=False)


class AppointmentForm(forms.Form):
    on = DateField(label=_("任职日期"))
    title = forms.CharField(label=_("任职职务"), max_length=120)
    document_number = forms.CharField(label=_("任职文号"), max_length=80)
    late_reason = forms.CharField(label=_("逾期原因"), required=False, max_length=2000,
                                  help_text=_("超过公示期满后的发文期限时填写"))


class StopForm(forms.Form):
    reason = forms.CharField(label=_("终止原因"), widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(forms.Form):
    capacity = forms.CharField(label=_("签字身份"), max_length=80, required=False,
                               help_text=_("如：考察组组长、经办人"))


class StageFilesForm(forms.Form):
    attachments = AttachmentsField(label=_("环节材料"), required=True,
                                   help_text=_("PDF、JPEG/PNG 图片、Word 或 Excel，每个不超过 10 MB；上传后须重新签字确认"))


class StageFileRemoveForm(forms.Form):
    reason = forms.CharField(label=_("删除原因"), max_length=2000, help_text=_("如：误传了其他环节的材料"))


class AttestedSignForm(forms.Form):
    signer_name = forms.CharField(label=_("签字人姓名"), max_length=80)
    capacity = forms.CharField(label=_("签字人身份（职务）"), max_length=80)
