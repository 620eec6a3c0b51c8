"""Training records of cadres (R30), village collective income reports with their grading (R27), field
stays with their logs and forwarded suggestions (R06) and the days cadres spent in the field (R26)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit


class TrainingKind(models.TextChoices):
    OFF_JOB = "off_job", _("脱产")
    ON_JOB = "on_job", pgettext_lazy("training", "在职")
    ONLINE = "online", _("网络")


class TrainingRecord(models.Model):
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(_("培训班次"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=120, blank=True, default="")
    kind = models.CharField(_("培训方式"), max_length=10, choices=TrainingKind.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    days = models.PositiveIntegerField(_("培训天数"), default=0)
    hours = models.DecimalField(_("学时"), max_digits=7, decimal_places=1, default=Decimal(0))
    certificate = models.CharField(_("结业证书编号"), max_length=60, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-start_date", "pk"]
        indexes: ClassVar = [models.Index(fields=["cadre", "kind", "end_date"])]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="fieldwork_training_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.course}（{self.start_date}）"


class IncomeLevel(models.TextChoices):
    RED = "red", _("红色")
    ORANGE = "orange", _("橙色")
    YELLOW = "yellow", _("黄色")
    GREEN = "green", _("绿色")
    BLUE = "blue", _("蓝色")


class IncomeScale(models.Model):
    """Lower bounds (万元, a year's income so far) of orange, yellow, green and blue, set by a county
    (or any level above) from a date; below `orange_from` is red. Versions are rows, never edited."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("设定单位"), on_delete=models.PROTECT,
                                 related_name="income_scales")
    valid_from = models.DateField(_("生效日期"))
    orange_from = models.DecimalField(_("橙色起点（万元）"), max_digits=10, decimal_places=2)
    yellow_from = models.DecimalField(_("黄色起点（万元）"), max_digits=10, decimal_places=2)
    green_from = models.DecimalField(_("绿色起点（万元）"), max_digits=10, decimal_places=2)
    blue_from = models.DecimalField(_("蓝色起点（万元）"), max_digits=10, decimal_places=2)

    class Meta:
        ordering: ClassVar = ["org_unit", "-valid_from"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org_unit", "valid_from"], name="fieldwork_income_scale_once"),
        ]


class VillageIncomeReport(models.Model):
    """A village's collective income for one quarter (the year's realised income up to its end)."""

    village = models.ForeignKey(OrgUnit, verbose_name=_("村"), on_delete=models.PROTECT,
                                related_name="income_reports")
    quarter_start = models.DateField(_("季度"))
    income = models.DecimalField(_("已实现收入（万元）"), max_digits=12, decimal_places=2)
    channels = models.CharField(_("增收渠道"), max_length=300, blank=True, default="")
    goal = models.DecimalField(_("年度目标（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    measures = models.TextField(_("主要措施"), blank=True, default="")
    submitted_on = models.DateField(_("报送日期"))
    # A correction keeps `submitted_on` (R27's deadline counts the first report); the figures before it are
    # in the audit log.
    corrected_on = models.DateField(_("更正日期"), null=True, blank=True)
    correction_reason = models.CharField(_("更正原因"), max_length=200, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-quarter_start", "village"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["village", "quarter_start"], name="fieldwork_income_once_a_quarter"),
        ]


# ---- R06 field stays (蹲点调研) and the field days of R26 -----------------------------------------

# 处级以上: the rank levels (cadres' RankLevel codes) from 县处级副职 up.
SENIOR_RANK_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")


class FieldBatch(models.Model):
    """One batch (第 N 批) of 蹲点调研 organised by a unit in a year."""

    organiser = models.ForeignKey(OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT,
                                  related_name="field_batches")
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("批次"))
    theme = models.CharField(_("调研主题"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    class Meta:
        ordering: ClassVar = ["-year", "-number", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organiser", "year", "number"], name="fieldwork_batch_number_once"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="fieldwork_batch_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.number}批蹲点调研"


class PlaceKind(models.TextChoices):
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    ENTERPRISE = "enterprise", _("企业")


class FieldStay(models.Model):
    """One participant's stay in a batch: where, from when to when (同吃同住同劳动), its days counted."""

    batch = models.ForeignKey(FieldBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="stays")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="field_stays")
    place_kind = models.CharField(_("蹲点类型"), max_length=12, choices=PlaceKind.choices)
    place = models.ForeignKey(OrgUnit, verbose_name=_("蹲点村（社区）"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="field_stays")
    place_name = models.CharField(_("蹲点地点"), max_length=120)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    days = models.PositiveIntegerField(_("蹲点天数"))

    class Meta:
        ordering: ClassVar = ["batch", "start_date", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["batch", "cadre"], name="fieldwork_stay_once_a_batch"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="fieldwork_stay_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.place_name}（{self.start_date}—{self.end_date}）"


class LogKind(models.TextChoices):
    DEED = "deed", _("办实事")
    VISIT = "visit", _("走访")
    LABOUR = "labour", _("同劳动")
    MEETING = "meeting", _("座谈")
    OTHER = "other", _("其他")


class StayLog(models.Model):
    """What was done on a day of a stay; 办实事 with the money (万元) and goods given, if any."""

    stay = models.ForeignKey(FieldStay, verbose_name=_("蹲点"), on_delete=models.CASCADE, related_name="logs")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=LogKind.choices)
    content = models.TextField(_("工作内容"))
    money = models.DecimalField(_("资金（万元）"), max_digits=10, decimal_places=2, default=Decimal(0))
    goods = models.CharField(_("物资"), max_length=200, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["stay", "day", "pk"]


class SuggestionStatus(models.TextChoices):
    FORWARDED = "forwarded", _("已转送")
    REPLIED = "replied", _("已回复")
    ADOPTED = "adopted", _("已采纳")


SUGGESTION_ALLOWED: dict[str, set[str]] = {
    SuggestionStatus.FORWARDED: {SuggestionStatus.REPLIED, SuggestionStatus.ADOPTED},
    SuggestionStatus.REPLIED: {SuggestionStatus.ADOPTED},
    SuggestionStatus.ADOPTED: set(),
}


class Suggestion(models.Model):
    """A suggestion from a stay, forwarded (转送) to a department that must reply by `reply_due`."""

    stay = models.ForeignKey(FieldStay, verbose_name=_("蹲点"), on_delete=models.CASCADE, related_name="suggestions")
    content = models.TextField(_("意见建议"))
    department = models.ForeignKey(OrgUnit, verbose_name=_("转送部门"), on_delete=models.PROTECT,
                                   related_name="received_suggestions")
    forwarded_on = models.DateField(_("转送日期"))
    reply_due = models.DateField(_("答复期限"))
    status = models.CharField(_("状态"), max_length=10, choices=SuggestionStatus.choices,
                              default=SuggestionStatus.FORWARDED)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    reply = models.TextField(_("答复意见"), blank=True, default="")

    class Meta:
        ordering: ClassVar = ["reply_due", "pk"]
        indexes: ClassVar = [models.Index(fields=["status", "reply_due"])]

    def next_states(self) -> list[str]:
        return sorted(SUGGESTION_ALLOWED[self.status])


class FieldDayKind(models.TextChoices):
    STAY = "stay", _("蹲点")
    TRIP = "trip", _("调研")


class FieldDay(models.Model):
    """One day a cadre spent at the grassroots. One row per cadre and day, whatever brought them there: a
    day inside both a stay and a research trip is counted once (R26's days in the field)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="field_days")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("来源"), max_length=8, choices=FieldDayKind.choices)

    class Meta:
        ordering: ClassVar = ["cadre", "day"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cadre", "day"], name="fieldwork_field_day_once"),
        ]


# ---- R26 research topics (调研课题) and research trips ----------------------------------------------

class TopicCall(models.Model):
    """A jurisdiction's topic list for a year: topics are registered by `register_by` (年初定题) and their
    results evaluated at the year's end."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="topic_calls")
    year = models.PositiveSmallIntegerField(_("年度"))
    register_by = models.DateField(_("申报截止日期"))

    class Meta:
        ordering: ClassVar = ["-year", "org_unit"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["org_unit", "year"], name="fieldwork_topic_call_once")]

    def __str__(self) -> str:
        return f"{self.year}年调研课题"


class TopicStatus(models.TextChoices):
    REGISTERED = "registered", _("已立项")
    SUBMITTED = "submitted", _("已结题")
    EVALUATED = "evaluated", _("已评定")


TOPIC_ALLOWED: dict[str, set[str]] = {
    TopicStatus.REGISTERED: {TopicStatus.SUBMITTED},
    TopicStatus.SUBMITTED: {TopicStatus.EVALUATED},
    TopicStatus.EVALUATED: set(),
}


class TopicGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class ResearchTopic(models.Model):
    call = models.ForeignKey(TopicCall, verbose_name=_("课题年度"), on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("课题名称"), max_length=200)
    leader = models.ForeignKey(Cadre, verbose_name=_("牵头领导"), on_delete=models.PROTECT, related_name="research_topics")
    registered_on = models.DateField(_("立项日期"))
    status = models.CharField(_("状态"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.REGISTERED)
    result = models.TextField(_("调研成果"), blank=True, default="")
    submitted_on = models.DateField(_("结题日期"), null=True, blank=True)
    grade = models.CharField(_("评定等次"), max_length=10, choices=TopicGrade.choices, blank=True, default="")
    commendation = models.CharField(_("表彰"), max_length=200, blank=True, default="")
    evaluated_on = models.DateField(_("评定日期"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["call", "pk"]

    def next_states(self) -> list[str]:
        return sorted(TOPIC_ALLOWED[self.status])


class ResearchTrip(models.Model):
    """A research trip (调研) outside a stay; its days are field days (R26)."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="research_trips")
    topic = models.ForeignKey(ResearchTopic, verbose_name=_("课题"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="trips")
    place = models.CharField(_("调研地点"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    purpose = models.CharField(_("调研内容"), max_length=300, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-start_date", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="fieldwork_trip_dates_ordered"),
        ]


# ---- R25 retired village cadres (离任村干部) ---------------------------------------------------------

class RetiredVillageCadre(models.Model):
    """A former village cadre (村党支部书记, 村委会主任 …): taken from the roster or entered."""

    village = models.ForeignKey(OrgUnit, verbose_name=_("村"), on_delete=models.PROTECT, related_name="retired_cadres")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部档案"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="retired_village_records")
    name = models.CharField(_("姓名"), max_length=40)
    posts = models.CharField(_("曾任职务"), max_length=200)
    served_from = models.DateField(_("任职起始"))
    left_on = models.DateField(_("离任日期"))
    roles_after = models.CharField(_("离任后设岗定责"), max_length=200, blank=True, default="")
    in_hardship = models.BooleanField(_("生活困难"), default=False)
    is_active = models.BooleanField(_("在册"), default=True)  # off the register when deceased or moved away

    class Meta:
        ordering: ClassVar = ["village", "name", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(left_on__gte=models.F("served_from")),
                                   name="fieldwork_retiree_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class SubsidyRule(models.Model):
    """Who is eligible for the living subsidy, set by a county (or above) from a date: at least
    `min_years` in one of `posts` (comma-separated; empty: any village post), and the yearly amount (元)."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("设定单位"), on_delete=models.PROTECT,
                                 related_name="subsidy_rules")
    valid_from = models.DateField(_("生效日期"))
    posts = models.CharField(_("职务"), max_length=200, blank=True, default="")
    min_years = models.PositiveSmallIntegerField(_("最低任职年限"))
    yearly_amount = models.DecimalField(_("每年补贴（元）"), max_digits=10, decimal_places=2)

    class Meta:
        ordering: ClassVar = ["org_unit", "-valid_from"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org_unit", "valid_from"], name="fieldwork_subsidy_rule_once"),
        ]


class SubsidyPayment(models.Model):
    retiree = models.ForeignKey(RetiredVillageCadre, verbose_name=_("离任村干部"), on_delete=models.CASCADE,
                                related_name="subsidies")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("发放日期"))

    class Meta:
        ordering: ClassVar = ["-year", "retiree"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["retiree", "year"], name="fieldwork_subsidy_once_a_year")]


class HardshipHelp(models.Model):
    retiree = models.ForeignKey(RetiredVillageCadre, verbose_name=_("离任村干部"), on_delete=models.CASCADE,
                                related_name="hardship_helps")
    given_on = models.DateField(_("帮扶日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2, default=Decimal(0))
    goods = models.CharField(_("物资"), max_length=200, blank=True, default="")
    note = models.CharField(_("帮扶情况"), max_length=300, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-given_on", "pk"]


class Occasion(models.TextChoices):
    JULY_FIRST = "july_first", _("七一")
    SPRING_FESTIVAL = "spring_festival", _("春节")


class CareVisit(models.Model):
    """A visit at 七一 or 春节. `occasion_date` is the day of the occasion it counts for (1 July, or the
    lunar new year's day of that year), so a visit in late December counts for the next year's 春节."""

    retiree = models.ForeignKey(RetiredVillageCadre, verbose_name=_("离任村干部"), on_delete=models.CASCADE,
                                related_name="visits")
    occasion = models.CharField(_("走访节点"), max_length=16, choices=Occasion.choices)
    occasion_date = models.DateField(_("节日"))
    visited_on = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人"), max_length=200)
    note = models.CharField(_("走访情况"), max_length=300, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["-visited_on", "pk"]
        indexes: ClassVar = [models.Index(fields=["retiree", "occasion_date"])]


# ---- R23 township recruits: the approval between [2] and [3] years ---------------------------------

class MoveKind(models.TextChoices):
    TRANSFER = "transfer", _("调出")
    SECONDMENT = "second", _("借调")


class TransferApproval(models.Model):
    """A township recruit with [2] to [3] years in the township may move out only with this approval: the
    reason, who signed it and when; it is used once, by `valid_until`."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="transfer_approvals")
    kind = models.CharField(_("类型"), max_length=10, choices=MoveKind.choices)
    destination = models.CharField(_("拟去单位"), max_length=200)
    reason = models.TextField(_("理由"))
    signed_by = models.CharField(_("签批人"), max_length=40)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_on = models.DateField(_("审批日期"))
    valid_until = models.DateField(_("有效期至"))
    years_in_township = models.DecimalField(_("在乡镇工作年限"), max_digits=4, decimal_places=1)

    class Meta:
        ordering: ClassVar = ["-approved_on", "pk"]


# ---- R30 the department's own programme (示范班, 研讨班) ------------------------------------------

class ProgrammeKind(models.TextChoices):
    ADVANCED = "advanced", _("示范班")
    SEMINAR = "seminar", _("研讨班")


class TrainingProgramme(models.Model):
    """A class the org department runs itself: R30 asks for [2] advanced classes and [2] seminars a year."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("举办单位"), on_delete=models.PROTECT,
                                 related_name="training_programmes")
    kind = models.CharField(_("类型"), max_length=10, choices=ProgrammeKind.choices)
    title = models.CharField(_("班次名称"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    participants = models.PositiveIntegerField(_("参训人数"), default=0)

    class Meta:
        ordering: ClassVar = ["-start_date", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="fieldwork_programme_dates_ordered"),
        ]


# ---- 联系点 spending: money and goods a unit gives its linked village --------------------------------

class LinkSpending(models.Model):
    """What a unit spent on its linked village (联系点): money (万元) and goods, on a day, for a purpose."""

    village = models.ForeignKey(OrgUnit, verbose_name=_("联系村（社区）"), on_delete=models.PROTECT,
                                related_name="link_spendings")
    giver = models.ForeignKey(OrgUnit, verbose_name=_("联系单位"), on_delete=models.PROTECT, related_name="+")
    spent_on = models.DateField(_("日期"))
    amount = models.DecimalField(_("资金（万元）"), max_digits=10, decimal_places=2, default=Decimal(0))
    goods = models.CharField(_("物资"), max_length=200, blank=True, default="")
    purpose = models.CharField(_("用途"), max_length=200)

    class Meta:
        ordering: ClassVar = ["-spent_on", "pk"]
        indexes: ClassVar = [models.Index(fields=["village", "spent_on"])]
