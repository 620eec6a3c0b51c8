"""述职评议 plans: who reports to whom for a year (the reviewing level, the meeting, each reporting unit's
secretary) and the 民主测评 opened for the meeting through the assessment module."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.core.models import OrgUnit


class DutyPlan(models.Model):
    """A year's 述职 plan of a reviewing level: the meeting the secretaries report to, who reports, and the
    民主测评 (an assessment campaign) whose results become the reports' grades and scores."""

    year = models.PositiveSmallIntegerField(_("述职年度"))
    reviewing_unit = models.ForeignKey(OrgUnit, verbose_name=_("评议单位"), on_delete=models.PROTECT,
                                       related_name="duty_plans")
    meeting = models.CharField(_("述职会议"), max_length=200)
    held_on = models.DateField(_("会议日期"), null=True, blank=True)
    campaign = models.OneToOneField("assessment.Campaign", verbose_name=_("民主测评"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    results_read_at = models.DateTimeField(_("读入测评结果时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("述职计划")
        verbose_name_plural = _("述职计划")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["reviewing_unit", "year"], name="rectification_duty_plan_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.meeting}"


class DutyPlanEntry(models.Model):
    """One reporting unit of a plan and its secretary (the cadre, when the 民主测评 is to grade them)."""

    plan = models.ForeignKey(DutyPlan, on_delete=models.CASCADE, related_name="entries")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("述职单位"), on_delete=models.PROTECT, related_name="+")
    secretary = models.CharField(_("述职人"), max_length=100)
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("述职人（干部）"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("述职人")
        verbose_name_plural = _("述职人")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "org_unit"], name="rectification_duty_plan_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.secretary}"
