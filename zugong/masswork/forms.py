"""Forms of the masswork staff pages. Every form takes `jurisdiction=` and draws its choices from the
scoped selectors (masswork's for walls and members, cadres' for cadres, core's for org units and users);
cadres, units and users are picked with search pickers (`PickerField`), never a `<select>` of everyone; dates
are ISO in every language (`zugong.core.forms.DateField`); an answer a person must give (a rating, a
satisfaction) starts empty (`blank_choice`), so nothing is recorded that nobody chose."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import Cadre
from zugong.cadres.pickers import cadre_label
from zugong.cadres.selectors import cadres_visible
from zugong.core.forms import CHOOSE, DateField, PickerField, ScopedForm, blank_choice
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Meeting, MeetingKind, OrgKind, OrgUnit
from zugong.core.pickers import users_visible
from zugong.core.selectors import meetings_visible, org_units_visible
from zugong.masswork.models import (
    Channel,
    LedgerEntry,
    LedgerSource,
    Member,
    OrderStatus,
    PetitionChannel,
    Rating,
    ReceptionDay,
    Satisfaction,
    ServiceCategory,
    ServiceOrder,
    Urgency,
)
from zugong.masswork.selectors import public_walls, reception_days_visible, walls_visible

CADRE_HINT = _("输入姓名、拼音首字母或身份证号搜索")
UNIT_HINT = _("输入单位名称搜索")
VILLAGES = "kind=village&kind=community"
VILLAGES_ONLY = "kind=village"
LEDGER_UNITS = "kind=township&kind=village&kind=community"


def unit_label(unit: OrgUnit) -> str:
    return unit.name


def user_label(user: User) -> str:
    return user.get_full_name() or user.username


def _units(label: Any, query: str) -> PickerField:
    return PickerField(OrgUnit.objects.none(), url_name="pick:units", query=query, label=label,
                       placeholder=UNIT_HINT, label_from=unit_label)


def _cadre(label: Any) -> PickerField:
    return PickerField(Cadre.objects.none(), url_name="pick-cadres", label=label, placeholder=CADRE_HINT,
                       label_from=cadre_label)


def units_of_kinds(jurisdiction: Jurisdiction, *kinds: str) -> QuerySet[OrgUnit]:
    return org_units_visible(jurisdiction).filter(kind__in=kinds)


def serving_cadres(jurisdiction: Jurisdiction) -> QuerySet[Cadre]:
    return cadres_visible(jurisdiction).filter(status="serving").select_related("org_unit")


def _scope(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field: Any = form.fields[name]
    field.queryset = queryset


class VisitForm(ScopedForm):
    """入户走访 on a phone: the village and the cadre are found with search pickers in the jurisdiction."""

    village = _units(_("村（社区）"), VILLAGES)
    cadre = _cadre(_("走访干部"))
    household = forms.CharField(label=_("农户"), max_length=60)
    visited_on = DateField(label=_("走访日期"))
    matters = forms.CharField(label=_("反映事项"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "village", units_of_kinds(jurisdiction, OrgKind.VILLAGE, OrgKind.COMMUNITY))
        _scope(self, "cadre", serving_cadres(jurisdiction))
        self.fields["visited_on"].initial = timezone.localdate()


class LedgerEntryForm(ScopedForm):
    """一条民情: raised in a village or community (or at the township itself), kept in the township's ledger."""

    org_unit = _units(_("所在乡镇或村（社区）"), LEDGER_UNITS)
    source = forms.ChoiceField(label=_("来源"), choices=blank_choice(list(LedgerSource.choices)))
    household = forms.CharField(label=_("反映群众"), max_length=60, required=False)
    matter = forms.CharField(label=_("民情事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    recorded_on = DateField(label=_("登记日期"))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "org_unit", units_of_kinds(jurisdiction, OrgKind.TOWNSHIP, OrgKind.VILLAGE, OrgKind.COMMUNITY))
        self.fields["recorded_on"].initial = timezone.localdate()


class LedgerResolveForm(ScopedForm):
    resolved_on = DateField(label=_("办结日期"))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        self.fields["resolved_on"].initial = timezone.localdate()


MEETING_CHOICES = 50  # the latest 民情分析会 offered for linking


class LedgerDiscussForm(ScopedForm):
    """Link chosen entries to a 民情分析会 recorded on /meetings/, with what it decided."""

    meeting = forms.ModelChoiceField(label=_("民情分析会"), queryset=Meeting.objects.none(), empty_label=CHOOSE,
                                     error_messages={"invalid_choice": _("只能关联民情分析会"),
                                                     "required": _("请选择民情分析会")})
    entry_ids = forms.TypedMultipleChoiceField(label=_("讨论的民情事项"), coerce=int, choices=[],
                                               widget=forms.CheckboxSelectMultiple,
                                               error_messages={"required": _("请勾选会议讨论的民情事项")})
    decision = forms.CharField(label=_("会议议定"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, entries: list[LedgerEntry] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        meetings = (meetings_visible(jurisdiction).filter(kind=MeetingKind.LEDGER_MEETING)
                    .select_related("org_unit").order_by("-held_on", "-pk"))
        meeting: Any = self.fields["meeting"]
        meeting.queryset = meetings
        meeting.label_from_instance = lambda m: f"{m.held_on:%Y-%m-%d} {m.org_unit.name} {m.title}".strip()
        ids: Any = self.fields["entry_ids"]
        if entries is not None:
            ids.choices = [(e.pk, e.matter[:40]) for e in entries]
        else:  # bound from a POST: the ids are checked by the service against the meeting's township
            ids.valid_value = lambda value: True
        self._latest = meetings

    def meeting_choices(self) -> list[Meeting]:
        return list(self._latest[:MEETING_CHOICES])


class ReceptionDayForm(ScopedForm):
    """接访日 scheduled: the unit, the day and the leader who receives."""

    org_unit = _units(_("接访单位"), "")
    day = DateField(label=_("接访日期"))
    leader_name = forms.CharField(label=_("接访领导"), max_length=40)
    leader_title = forms.CharField(label=_("职务"), max_length=80, required=False)
    location = forms.CharField(label=_("地点"), max_length=120, required=False)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "org_unit", org_units_visible(jurisdiction))


class ReceptionRecordForm(ScopedForm):
    record = forms.CharField(label=_("接访情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class DutyShiftForm(ScopedForm):
    """坐班 scheduled: the village, the cadre on the shift and their own account (who alone checks in)."""

    village = _units(_("村"), VILLAGES_ONLY)
    cadre = _cadre(_("值班干部"))
    user = PickerField(User.objects.none(), url_name="pick:users", label=_("签到账号（值班干部本人）"),
                       placeholder=_("输入账号或姓名搜索"), label_from=user_label)
    day = DateField(label=_("值班日期"))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "village", units_of_kinds(jurisdiction, OrgKind.VILLAGE))
        _scope(self, "cadre", serving_cadres(jurisdiction))
        _scope(self, "user", User.objects.filter(users_visible(jurisdiction), is_active=True))


class InVillageDayForm(ScopedForm):
    """驻村日: a day the village secretary or director spent in the village (today or earlier)."""

    village = _units(_("村"), VILLAGES_ONLY)
    cadre = _cadre(_("驻村干部"))
    day = DateField(label=_("驻村日期"))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "village", units_of_kinds(jurisdiction, OrgKind.VILLAGE))
        _scope(self, "cadre", serving_cadres(jurisdiction))
        self.fields["day"].initial = timezone.localdate()


class PairingForm(ScopedForm):
    """联系村 (no household) or 结亲家 with one household and its needs (民情登记卡)."""

    cadre = _cadre(_("结对干部"))
    village = _units(_("联系村（社区）"), VILLAGES)
    valid_from = DateField(label=_("结对日期"))
    household = forms.CharField(label=_("结对农户（联系村可不填）"), max_length=60, required=False)
    household_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    household_address = forms.CharField(label=_("住址"), max_length=200, required=False)
    needs = forms.CharField(label=_("民情登记"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "cadre", serving_cadres(jurisdiction))
        _scope(self, "village", units_of_kinds(jurisdiction, OrgKind.VILLAGE, OrgKind.COMMUNITY))
        self.fields["valid_from"].initial = timezone.localdate()


class PairingResolveForm(ScopedForm):
    """民情办结卡: what was done for the paired household, and when."""

    resolution = forms.CharField(label=_("办结情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    resolved_on = DateField(label=_("办结日期"))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        self.fields["resolved_on"].initial = timezone.localdate()


class PetitionForm(ScopedForm):
    """登记信访: the receiving unit, the petitioner and the matter; the receiver becomes its first-contact owner."""

    org_unit = _units(_("受理单位"), "")
    channel = forms.ChoiceField(label=_("信访方式"), choices=blank_choice(list(PetitionChannel.choices)))
    received_on = DateField(label=_("登记日期"))
    petitioner_name = forms.CharField(label=_("信访人姓名"), max_length=40)
    petitioner_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "tel"}))
    petitioner_id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    petitioner_address = forms.CharField(label=_("住址"), max_length=200, required=False)
    visitors = forms.IntegerField(label=_("来访人数"), min_value=1, max_value=500, initial=1)
    subject = forms.CharField(label=_("事由"), max_length=200)
    content = forms.CharField(label=_("信访内容"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    reception_day = forms.ModelChoiceField(label=_("领导接访日（当天接访时选择）"), required=False,
                                           queryset=ReceptionDay.objects.none(), empty_label=_("（无）"))

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "org_unit", org_units_visible(jurisdiction))
        today = timezone.localdate()
        days: Any = self.fields["reception_day"]
        days.queryset = reception_days_visible(jurisdiction).filter(day__range=(today - timedelta(days=30), today))
        days.label_from_instance = lambda d: f"{d.day:%Y-%m-%d} {d.leader_name}"
        self.fields["received_on"].initial = today


STAFF_CHANNELS = [c for c in Channel.choices if c[0] not in (Channel.PUBLIC, Channel.OPEN311)]


class OrderIntakeForm(ScopedForm):
    """代群众点单: an order a resident gave by phone, letter, QQ, WeChat or in person, taken down by staff."""

    wall = forms.Field(label=_("民心墙"))  # replaced in __init__ by a scoped picker
    channel = forms.ChoiceField(label=_("点单方式"), choices=blank_choice(STAFF_CHANNELS))
    category = forms.ChoiceField(label=_("服务类别"), choices=blank_choice(list(ServiceCategory.choices)))
    urgency = forms.TypedChoiceField(label=_("轻重缓急"), coerce=int, choices=list(Urgency.choices),
                                     initial=Urgency.NORMAL)
    resident_name = forms.CharField(label=_("居民姓名"), max_length=40)
    resident_phone = forms.CharField(label=_("联系电话"), max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "tel"}))
    description = forms.CharField(label=_("需求内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("地址（选填）"), max_length=200, required=False)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        from zugong.masswork.pickers import wall_label

        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        self.fields["wall"] = PickerField(
            walls_visible(jurisdiction).filter(is_active=True), url_name="masswork:pick-walls", label=_("民心墙"),
            placeholder=_("输入民心墙、社区或党小组名称搜索"), label_from=wall_label)
        self.order_fields(["wall", "channel", "category", "urgency", "resident_name", "resident_phone",
                           "description", "address"])


class WallForm(ScopedForm):
    """设立民心墙: the party group that runs it and the community (or village) it serves."""

    org_unit = _units(_("党小组"), "kind=party_group")
    community = _units(_("所在社区（村）"), VILLAGES)
    name = forms.CharField(label=_("名称"), max_length=120)
    location = forms.CharField(label=_("位置"), max_length=200, required=False)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "org_unit", units_of_kinds(jurisdiction, OrgKind.PARTY_GROUP))
        _scope(self, "community", units_of_kinds(jurisdiction, OrgKind.VILLAGE, OrgKind.COMMUNITY))


class WallLocationForm(ScopedForm):
    """Where the wall stands (WGS84 decimal degrees, as a phone's map shows them) and how far it serves;
    the ranges are checked by the service (`wall_locate`), which names the field."""

    lat = forms.FloatField(label=_("纬度"), required=False, widget=forms.NumberInput(
        attrs={"step": "any", "placeholder": "34.6523"}), error_messages={"invalid": _("请填写十进制度数，例如 34.6523")})
    long = forms.FloatField(label=_("经度"), required=False, widget=forms.NumberInput(
        attrs={"step": "any", "placeholder": "107.1326"}), error_messages={"invalid": _("请填写十进制度数，例如 107.1326")})
    coverage_m = forms.IntegerField(label=_("服务半径（米）"), error_messages={"invalid": _("服务半径请填写整数米数")})


class MemberForm(ScopedForm):
    """登记在职党员 at a wall, with their own account (who alone accepts the orders dispatched to them)."""

    name = forms.CharField(label=_("姓名"), max_length=40)
    user = PickerField(User.objects.none(), url_name="pick:users", label=_("本人账号（接单用）"), required=False,
                       placeholder=_("输入账号或姓名搜索"), label_from=user_label)
    work_unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    specialties = forms.CharField(label=_("特长（以顿号分隔）"), max_length=200, required=False)
    claimed_posts = forms.MultipleChoiceField(label=_("认领服务岗位"), choices=ServiceCategory.choices,
                                              required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "user", User.objects.filter(users_visible(jurisdiction), is_active=True))


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

    rating = forms.ChoiceField(label=_("电话回访评价"), choices=blank_choice(list(Rating.choices)))
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


class TransferForm(ScopedForm):
    """移交: the first-contact owner names a colleague, who becomes the owner once they accept."""

    to_user = PickerField(User.objects.none(), url_name="pick:users", label=_("移交给"),
                          placeholder=_("输入账号或姓名搜索"), label_from=user_label)

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, **kwargs: Any) -> None:
        super().__init__(*args, jurisdiction=jurisdiction, **kwargs)
        _scope(self, "to_user", User.objects.filter(users_visible(jurisdiction), is_active=True))


class ExtendForm(ScopedForm):
    reason = forms.CharField(label=_("延期理由"), max_length=2000)


class CloseForm(ScopedForm):
    reply = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 4}))


class SatisfactionForm(ScopedForm):
    satisfaction = forms.ChoiceField(label=_("信访人满意度"), choices=blank_choice(list(Satisfaction.choices)))


# ---------------------------------------------------------------- the residents' pages (/m/, no account)


class PublicOrderForm(forms.Form):
    """点单 by a resident: no jurisdiction (the active walls are public). The page first narrows the walls
    to one community (county → community), so a phone never shows every wall of the province."""

    wall = forms.TypedChoiceField(label=_("民心墙"), coerce=int)
    resident_name = forms.CharField(label=_("您的姓名"), max_length=40)
    resident_phone = forms.CharField(label=_("手机号码"), max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    category = forms.ChoiceField(label=_("需求类别"), choices=ServiceCategory.choices, initial=ServiceCategory.OTHER)
    description = forms.CharField(label=_("需求内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("地址（选填）"), max_length=200, required=False)
    photo = forms.FileField(label=_("照片（选填）"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))

    def __init__(self, *args: Any, community_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        walls = public_walls()
        if community_id is not None:
            walls = walls.filter(community_id=community_id)
        elif self.is_bound:  # a post without the community: the posted wall decides which walls are shown again
            posted = str(self.data.get("wall", ""))
            walls = walls.filter(community_id__in=walls.filter(pk=int(posted) if posted.isdigit() else 0)
                                 .values("community_id"))
        rows = [(str(w.pk), w.name) for w in walls]
        wall: Any = self.fields["wall"]
        wall.choices = rows if len(rows) == 1 else blank_choice(rows)


class PublicRateForm(forms.Form):
    """评单 by the resident with the tracking code: radio buttons, none checked."""

    rating = forms.ChoiceField(label=_("您的评价"), choices=Rating.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("不满意的原因"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
