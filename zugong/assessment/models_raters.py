"""Rater scores of a leaf indicator: 自评 (the subject's own), 上级评 (the manager's) and 同级评 (each peer's),
typed from the collected score forms beside the org department's score (`IndicatorScore`). The campaign's
four weights (`Campaign.org_weight`, `self_weight`, `manager_weight`, `peer_weight`, totalling 100) blend them
into the leaf's score; peers are averaged first. Imported by models.py so Django registers the model."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RaterRole(models.TextChoices):
    SELF = "self", _("自评")
    MANAGER = "manager", _("上级评")
    PEER = "peer", _("同级评")


class RaterScore(models.Model):
    subject = models.ForeignKey("assessment.Subject", on_delete=models.CASCADE, related_name="rater_scores")
    indicator = models.ForeignKey("assessment.Indicator", on_delete=models.CASCADE, related_name="rater_scores")
    role = models.CharField(_("评分人类别"), max_length=8, choices=RaterRole.choices)
    # who scored: a peer's name (each peer scores once); empty for 自评 and 上级评 (one each per leaf)
    rater = models.CharField(_("评分人"), max_length=40, blank=True, default="")
    # a peer picked from the roster (from migration 0014 every new 同级评 names one, of the subject's unit);
    # rows typed before with a name alone keep it null
    rater_cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("同级评分人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("录入值"), max_digits=7, decimal_places=2)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评分人评分")
        verbose_name_plural = _("评分人评分")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["subject", "indicator", "role", "rater"],
                                    condition=models.Q(rater_cadre__isnull=True), name="assessment_rater_once"),
            models.UniqueConstraint(fields=["subject", "indicator", "role", "rater_cadre"],
                                    condition=models.Q(rater_cadre__isnull=False), name="assessment_peer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator_id} {self.role} {self.score}"
