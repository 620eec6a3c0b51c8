"""Training records of cadres (R30) and village collective income reports with their grading (R27).

Field stays (R06), research topics (R26) and retired village cadres (R25) are not built yet: see
docs/fieldwork.md."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

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

    class Meta:
        ordering: ClassVar = ["-quarter_start", "village"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["village", "quarter_start"], name="fieldwork_income_once_a_quarter"),
        ]
