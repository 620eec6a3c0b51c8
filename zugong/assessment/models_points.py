"""Points cards (积分卡, R32, after 海伦's 创先争优积分卡): point items per role, positive or deductions,
some counted from zugong's own data, others entered with evidence and approved; totals per period.
Imported by models.py so Django registers these models with the assessment app."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit


class PointItem(models.Model):
    """One line of the card: what earns (or costs) how many points per occurrence."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("设置单位"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("适用对象"), max_length=40, blank=True, default="")  # "" = every cadre
    name = models.CharField(_("积分项目"), max_length=100)
    points = models.DecimalField(_("每次分值"), max_digits=6, decimal_places=2)  # negative: a deduction
    source = models.CharField(_("系统数据"), max_length=20, blank=True, default="")  # points_sources.SOURCES
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("积分项目")
        verbose_name_plural = _("积分项目")
        ordering: ClassVar[list[str]] = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已审核")
    REJECTED = "rejected", _("未通过")


class PointEntry(models.Model):
    item = models.ForeignKey(PointItem, verbose_name=_("积分项目"), on_delete=models.PROTECT, related_name="entries")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the cadre's unit: the scope
    on = models.DateField(_("日期"))  # an automatic entry: the first day of its period
    quantity = models.DecimalField(_("次数"), max_digits=7, decimal_places=2, default=1)
    points = models.DecimalField(_("积分"), max_digits=8, decimal_places=2)  # item.points × quantity
    evidence = models.TextField(_("佐证材料"), blank=True, default="")
    status = models.CharField(_("状态"), max_length=8, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    auto = models.BooleanField(_("系统计入"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "cadre", "on"], condition=models.Q(auto=True),
                                    name="assessment_point_auto_once"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["org_unit", "on"], name="assessment_point_scan")]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.item_id} {self.points}"
