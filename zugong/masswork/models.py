"""Mass work (群众工作): the 民心墙 wish wall and its orders, petitions (信访), the township sentiment
ledger, household visits, pairing and village duty.

Tables only; every write goes through `zugong.masswork.services`, every read through `selectors`.
The state machines are the explicit transition tables next to the models (`ORDER_ALLOWED`,
`PETITION_ALLOWED`), checked by the services.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.core.models import Meeting, OrgUnit

# ---------------------------------------------------------------- wish wall (民心墙, R16)


class Wall(models.Model):
    """A party group's 民心墙 in a community."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("党小组"), on_delete=models.PROTECT, related_name="walls")
    community = models.ForeignKey(OrgUnit, verbose_name=_("所在社区"), on_delete=models.PROTECT,
                                  related_name="community_walls")
    name = models.CharField(_("名称"), max_length=120)
    location = models.CharField(_("位置"), max_length=200, blank=True)
    # Where the wall stands (WGS84) and how far around it residents are served: Open311 places a request
    # given by lat/long at the nearest wall whose coverage contains the point.
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    long = models.FloatField(_("经度"), null=True, blank=True)
    coverage_m = models.PositiveIntegerField(_("服务半径（米）"), default=1000)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("民心墙")
        verbose_name_plural = _("民心墙")
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A serving party member (在职党员) registered at a wall, with specialties and claimed posts."""

    wall = models.ForeignKey(Wall, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="wall_memberships")
    name = models.CharField(_("姓名"), max_length=40)
    work_unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    specialties = models.CharField(_("特长"), max_length=200, blank=True, help_text=_("以顿号或逗号分隔"))
    claimed_posts = models.CharField(_("认领服务岗位"), max_length=200, blank=True,
                                     help_text=_("服务类别代码，以逗号分隔"))
    is_active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("在职党员")
        verbose_name_plural = _("在职党员")
        ordering: ClassVar[list[str]] = ["wall", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class ServiceCategory(models.TextChoices):
    """Also the Open311 service list (service_code)."""

    REPAIR = "repair", _("维修维护")
    ELDERLY = "elderly", _("助老助残")
    HEALTH = "health", _("健康医疗")
    ENVIRONMENT = "environment", _("环境卫生")
    POLICY = "policy", _("政策咨询")
    EDUCATION = "education", _("助学辅导")
    LEGAL = "legal", _("法律服务")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    WALL = "wall", _("民心墙")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("书信")
    QQ = "qq", _("QQ")
    WECHAT = "wechat", _("微信")
    PROXY = "proxy", _("委托代诉")
    PUBLIC = "public", _("网上点单")
    OPEN311 = "open311", _("Open311 接口")


class Urgency(models.IntegerChoices):
    URGENT = 1, _("紧急")
    NORMAL = 2, _("一般")
    LOW = 3, _("不急")


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已接单")
    DONE = "done", _("已办结待评")
    RATED = "rated", _("已评单")
    FOLLOW_UP = "follow_up", _("不满意回访中")
    EXPLAINED = "explained", _("已解释说明")


ORDER_ALLOWED: dict[str, frozenset[str]] = {
    OrderStatus.ORDERED: frozenset({OrderStatus.DISPATCHED}),
    OrderStatus.DISPATCHED: frozenset({OrderStatus.ACCEPTED}),
    OrderStatus.ACCEPTED: frozenset({OrderStatus.DONE}),
    OrderStatus.DONE: frozenset({OrderStatus.RATED, OrderStatus.FOLLOW_UP}),
    OrderStatus.FOLLOW_UP: frozenset({OrderStatus.DISPATCHED, OrderStatus.EXPLAINED}),
    OrderStatus.RATED: frozenset(),
    OrderStatus.EXPLAINED: frozenset(),
}
OPEN_ORDER_STATUSES = frozenset({OrderStatus.ORDERED, OrderStatus.DISPATCHED, OrderStatus.ACCEPTED,
                                 OrderStatus.FOLLOW_UP})
# Orders a member is currently working on (the "load" of the dispatch suggestions).
LOAD_STATUSES = frozenset({OrderStatus.DISPATCHED, OrderStatus.ACCEPTED})


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ServiceOrder(models.Model):
    """One resident's request (点单) and its path through dispatch, handling and rating."""

    wall = models.ForeignKey(Wall, on_delete=models.PROTECT, related_name="orders")
    # The wall's party group, denormalised so jurisdiction scoping is one range scan on the org path.
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    channel = models.CharField(_("点单方式"), max_length=12, choices=Channel.choices)
    category = models.CharField(_("服务类别"), max_length=16, choices=ServiceCategory.choices,
                                default=ServiceCategory.OTHER)
    urgency = models.PositiveSmallIntegerField(_("轻重缓急"), choices=Urgency.choices, default=Urgency.NORMAL)
    resident_name = models.CharField(_("居民姓名"), max_length=40)
    resident_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    resident_email = models.EmailField(_("电子邮箱"), blank=True)  # Open311's optional contact
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    description = models.TextField(_("需求内容"))
    photo = models.CharField(_("照片"), max_length=120, blank=True)  # file name under MEDIA_ROOT/masswork/
    # Only a photo the wall's staff approved is published (Open311 media_url); residents' photos may show faces.
    photo_published = models.BooleanField(_("照片已审核公开"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.ORDERED)
    ordered_at = models.DateTimeField(_("点单时间"), default=timezone.now)
    dispatch_due = models.DateField(_("应派单日期"))
    member = models.ForeignKey(Member, verbose_name=_("承办党员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="orders")
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    dispatch_count = models.PositiveSmallIntegerField(_("派单次数"), default=0)
    handle_due = models.DateField(_("办理期限"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    report = models.TextField(_("办理情况"), blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    rating_reason = models.TextField(_("不满意原因"), blank=True)
    rated_at = models.DateTimeField(_("评单时间"), null=True, blank=True)
    # Who recorded a rating the resident gave by phone (代评); empty when the resident rated it themselves.
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代评人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    explanation = models.TextField(_("解释说明"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("居民点单")
        verbose_name_plural = _("居民点单")
        ordering: ClassVar[list[str]] = ["-ordered_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            # With -id the newest-first lists are index-only scans (see selectors.order_list).
            models.Index(fields=["wall", "-ordered_at", "-id"], name="mw_order_wall_newest"),
            models.Index(fields=["org_unit", "-ordered_at", "-id"], name="mw_order_org_newest"),
            models.Index(fields=["-ordered_at", "-id"], name="mw_order_newest"),  # Open311 requests.json
            models.Index(fields=["status", "dispatch_due"], name="mw_order_status_due"),
            models.Index(fields=["resident_phone"], name="mw_order_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.get_status_display()}"


class OrderEvent(models.Model):
    """The order's public history: each step with its time (the wall's 公示 columns)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["occurred_at", "pk"]

    @property
    def to_status_label(self) -> str:
        """The step in words (待派单, 已派单…) for the timeline; the raw code if it is not a status."""
        return str(OrderStatus(self.to_status).label) if self.to_status in OrderStatus.values else self.to_status


# ---------------------------------------------------------------- petitions (信访, R28)


class PetitionChannel(models.TextChoices):
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    PHONE = "phone", _("来电")
    ONLINE = "online", _("网上信访")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("已登记待受理")
    ACCEPTED = "accepted", _("已受理办理中")
    REJECTED = "rejected", _("不予受理")
    CLOSED = "closed", _("已办结")


PETITION_ALLOWED: dict[str, frozenset[str]] = {
    PetitionStatus.RECEIVED: frozenset({PetitionStatus.ACCEPTED, PetitionStatus.REJECTED}),
    PetitionStatus.ACCEPTED: frozenset({PetitionStatus.CLOSED}),
    PetitionStatus.REJECTED: frozenset(),
    PetitionStatus.CLOSED: frozenset(),
}


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ReceptionDay(models.Model):
    """A leader's reception day (领导接访日): scheduled, then recorded."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("接访日期"))
    leader_name = models.CharField(_("接访领导"), max_length=40)
    leader_title = models.CharField(_("职务"), max_length=80, blank=True)
    location = models.CharField(_("地点"), max_length=120, blank=True)
    held = models.BooleanField(_("已接访"), default=False)
    record = models.TextField(_("接访情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("领导接访日")
        verbose_name_plural = _("领导接访日")
        ordering: ClassVar[list[str]] = ["-day", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.leader_name}"


class Petition(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("受理单位"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("信访方式"), max_length=10, choices=PetitionChannel.choices)
    petitioner_name = models.CharField(_("信访人"), max_length=40)
    petitioner_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    petitioner_id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    petitioner_address = models.CharField(_("住址"), max_length=200, blank=True)
    visitors = models.PositiveSmallIntegerField(_("来访人数"), default=1)
    subject = models.CharField(_("事由"), max_length=200)
    content = models.TextField(_("信访内容"))
    tokens = models.TextField(blank=True, editable=False)  # jieba tokens for repeat detection
    received_on = models.DateField(_("登记日期"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("首问责任人"), on_delete=models.PROTECT,
                              related_name="owned_petitions")
    transfer_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reception_day = models.ForeignKey(ReceptionDay, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="petitions")
    status = models.CharField(_("状态"), max_length=10, choices=PetitionStatus.choices,
                              default=PetitionStatus.RECEIVED)
    accept_due = models.DateField(_("受理期限"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decision_note = models.TextField(_("受理意见"), blank=True)
    close_due = models.DateField(_("办结期限"), null=True, blank=True)
    extended = models.BooleanField(_("已延期"), default=False)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    reply = models.TextField(_("答复意见"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="repeats", verbose_name=_("重复信访"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        ordering: ClassVar[list[str]] = ["-received_on", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["org_unit", "received_on"], name="mw_petition_org_day"),
            models.Index(fields=["status", "accept_due"], name="mw_petition_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.subject}"


# ---------------------------------------------------------------- township and village (R07–R11)


class LedgerSource(models.TextChoices):
    VISIT = "visit", _("走访")
    TALK = "talk", _("谈心")
    ORDER = "order", _("点单")
    PETITION = "petition", _("信访")


class LedgerStatus(models.TextChoices):
    OPEN = "open", _("待办")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")


class LedgerEntry(models.Model):
    """One line of a township's 民情台账."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+")
    # Where the matter was raised (a village or community, or the township itself): the village's own staff
    # read the entries their village raised, though the ledger is the township's.
    raised_at = models.ForeignKey(OrgUnit, verbose_name=_("反映地"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=10, choices=LedgerSource.choices)
    source_ref = models.CharField(_("来源编号"), max_length=40, blank=True)
    recorded_on = models.DateField(_("登记日期"))
    household = models.CharField(_("群众"), max_length=60, blank=True)
    matter = models.TextField(_("民情事项"))
    status = models.CharField(_("状态"), max_length=12, choices=LedgerStatus.choices, default=LedgerStatus.OPEN)
    meeting = models.ForeignKey(Meeting, verbose_name=_("民情分析会"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="ledger_entries")
    decision = models.TextField(_("会议议定"), blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("民情台账")
        verbose_name_plural = _("民情台账")
        ordering: ClassVar[list[str]] = ["-recorded_on", "-pk"]


class HouseholdVisit(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("走访干部"), on_delete=models.PROTECT,
                              related_name="household_visits")
    household = models.CharField(_("农户"), max_length=60)
    visited_on = models.DateField(_("走访日期"))
    matters = models.TextField(_("反映事项"), blank=True)
    ledger_entry = models.ForeignKey(LedgerEntry, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        ordering: ClassVar[list[str]] = ["-visited_on", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["cadre", "visited_on"], name="mw_visit_cadre_day"),
        ]


class Pairing(models.Model):
    """A cadre's link to a village (联系村) and the households paired with (结亲家)."""

    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT,
                              related_name="pairings")
    village = models.ForeignKey(OrgUnit, verbose_name=_("联系村"), on_delete=models.PROTECT, related_name="+")
    household = models.CharField(_("结对农户"), max_length=60, blank=True)
    household_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    household_address = models.CharField(_("住址"), max_length=200, blank=True)
    needs = models.TextField(_("民情登记"), blank=True)
    resolution = models.TextField(_("办结情况"), blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    valid_from = models.DateField(_("结对日期"))
    valid_to = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering: ClassVar[list[str]] = ["cadre", "valid_from", "pk"]


class DutyShift(models.Model):
    """A village cadre's scheduled day at the village office, and the check-in when it happened."""

    village = models.ForeignKey(OrgUnit, verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("值班干部"), on_delete=models.PROTECT,
                              related_name="duty_shifts")
    # The account of the cadre on the shift: the only person who may check in (a cadre record has no login).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签到账号"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("值班日期"))
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("坐班值班")
        verbose_name_plural = _("坐班值班")
        ordering: ClassVar[list[str]] = ["-day", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["village", "cadre", "day"], name="mw_duty_unique"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["village", "day"], name="mw_duty_day")]


class InVillageDay(models.Model):
    """A day the village secretary or director spent in the village (R10)."""

    village = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, related_name="in_village_days")
    day = models.DateField()

    class Meta:
        verbose_name = _("在村天数")
        verbose_name_plural = _("在村天数")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["cadre", "day"], name="mw_in_village_unique"),
        ]


class PetitionerAccessGrant(models.Model):
    """An explicit grant to see petitioners' identities in full under `org_unit` (besides org_admin)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("信访人信息查看授权")
        verbose_name_plural = _("信访人信息查看授权")
