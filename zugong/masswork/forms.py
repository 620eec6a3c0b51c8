"""Forms of the masswork staff pages. Every form takes `jurisdiction=` and draws its choices from the
scoped selectors (masswork's for walls and members, cadres' for cadres, core's for org units); dates
are ISO in every language (`zugong.core.forms.DateField`); an answer a person must give (a rating, a
satisfaction) starts empty (`blank_choice`), so nothing is recorded that nobody chose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import Cadre
from zugong.cadres.selectors import cadres_visible
from zugong.core.forms import DateField, ScopedForm, blank_choice
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.selectors import org_units_visible
from zugong.masswork.models import Member, OrderStatus, Rating, Satisfaction, ServiceCategory, ServiceOrder
from zugong.masswork.selectors import public_walls

CHOICE_LIMIT = 500  # a phone form lists at most this many villages or cadres


def _choices(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return blank_choice(choices)


def villages_for_visits(jurisdiction: Jurisdiction) -> QuerySet[OrgUnit]:
    return org_units_visible(jurisdiction).filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by("path")


def serving_cadres(jurisdiction: Jurisdiction) -> QuerySet[Cadre]:
    return cadres_visible(jurisdiction).filter(status="serving").order_by("name", "pk")


class VisitForm(ScopedForm):
    """入户走访 on a phone: the village and cadre lists come from the user's jurisdiction."""

    village = forms.TypedChoiceField(label=_("村（社区）"), coerce=int)
    cadre = forms.TypedChoiceField(label=_("走访干部"), coerce=int)
    household = forms.CharField(label=_("农户"), max_length=60)
    visited_on = DateField(label=_("走访日期"))
    matters = forms.CharField(label=_("反映事项"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        village: Any = self.fields["village"]
        village.choices = _choices([(v.pk, v.name) for v in villages_for_visits(jurisdiction)[:CHOICE_LIMIT]])
        cadre: Any = self.fields["cadre"]
        cadre.choices = _choices([(c.pk, c.name) for c in serving_cadres(jurisdiction)[:CHOICE_LIMIT]])
        self.fields["visited_on"].initial = timezone.localdate()

    def clean_village(self) -> OrgUnit:
        unit = villages_for_visits(self.jurisdiction).filter(pk=self.cleaned_data["village"]).first()
        if unit is None:
            raise forms.ValidationError(_("请选择村或社区"))
        return unit

    def clean_cadre(self) -> Cadre:
        cadre = serving_cadres(self.jurisdiction).filter(pk=self.cleaned_data["cadre"]).first()
        if cadre is None:
            raise forms.ValidationError(_("请选择走访干部"))
        return cadre


class OrderFilterForm(ScopedForm):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=blank_choice(list(OrderStatus.choices), _("全部")))
    overdue = forms.BooleanField(label=_("超期未派单"), required=False)


class DispatchForm(ScopedForm):
    """派单: one member of the order's wall, ranked by the suggestions (best first)."""

    member_id = forms.ModelChoiceField(label=_("推荐党员（按特长、认领岗位、当前任务排序）"),
                                       queryset=Member.objects.none(), empty_label=None)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, order: ServiceOrder,
                 ranked: list[tuple[Member, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        member: Any = self.fields["member_id"]
        member.queryset = Member.objects.filter(wall_id=order.wall_id, is_active=True)
        if ranked is not None:
            member.choices = [(m.pk, label) for m, label in ranked]


class CompleteForm(ScopedForm):
    report = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 3}))


class ExplainForm(ScopedForm):
    explanation = forms.CharField(label=_("客观原因的解释说明"), widget=forms.Textarea(attrs={"rows": 3}))


class PhoneRatingForm(ScopedForm):
    """The resident's answer on a phone follow-up: nothing pre-selected."""

    rating = forms.ChoiceField(label=_("电话回访评价"), choices=_choices(list(Rating.choices)))
    reason = forms.CharField(label=_("不满意原因"), required=False, max_length=1000)


class PetitionStatsForm(ScopedForm):
    start = DateField(label=_("自"), required=False)
    end = DateField(label=_("至"), required=False)

    def __init__(self, data: Any = None, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        # The page's query string says `from` and `to` (as the API does).
        if data is not None:
            data = {"start": data.get("from", ""), "end": data.get("to", "")}
        super().__init__(data, *args, jurisdiction=jurisdiction, **kwargs)


class DecideForm(ScopedForm):
    note = forms.CharField(label=_("不予受理的理由（受理时可不填）"), required=False, max_length=2000)


class ExtendForm(ScopedForm):
    reason = forms.CharField(label=_("延期理由"), max_length=2000)


class CloseForm(ScopedForm):
    reply = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 4}))


class SatisfactionForm(ScopedForm):
    satisfaction = forms.ChoiceField(label=_("信访人满意度"), choices=_choices(list(Satisfaction.choices)))


# ---------------------------------------------------------------- the residents' pages (/m/, no account)


class PublicOrderForm(forms.Form):
    """点单 by a resident: no jurisdiction (the active walls are public)."""

    wall = forms.TypedChoiceField(label=_("所在社区"), coerce=int)
    resident_name = forms.CharField(label=_("您的姓名"), max_length=40)
    resident_phone = forms.CharField(label=_("手机号码"), max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    category = forms.ChoiceField(label=_("需求类别"), choices=ServiceCategory.choices, initial=ServiceCategory.OTHER)
    description = forms.CharField(label=_("需求内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("地址（选填）"), max_length=200, required=False)
    photo = forms.FileField(label=_("照片（选填）"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wall: Any = self.fields["wall"]
        wall.choices = [(w.pk, f"{w.community.name} · {w.name}") for w in public_walls()]


class PublicRateForm(forms.Form):
    """评单 by the resident with the tracking code: radio buttons, none checked."""

    rating = forms.ChoiceField(label=_("您的评价"), choices=Rating.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("不满意的原因"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
