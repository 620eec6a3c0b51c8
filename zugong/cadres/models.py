"""The cadre roster (干部信息库). Other modules read people from here; history is effective-dated."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.core.models import OrgUnit


class CadreStatus(models.TextChoices):
    SERVING = "serving", _("在职")
    RETIRED = "retired", _("退休")
    TRANSFERRED = "transferred", _("调出")
    DECEASED = "deceased", _("去世")
    LEFT = "left", _("离任")


class Cadre(models.Model):
    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, blank=True)  # GB/T 2261.1 code: 1 男, 2 女
    birth_date = models.DateField(_("出生年月"), null=True, blank=True)
    id_number = models.CharField(_("公民身份号码"), max_length=18, null=True, blank=True, unique=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT,
                                 related_name="cadres")
    managing_unit = models.ForeignKey(OrgUnit, verbose_name=_("管理权限"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="managed_cadres")
    status = models.CharField(_("状态"), max_length=12, choices=CadreStatus.choices, default=CadreStatus.SERVING,
                              db_index=True)
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
    rank_level = models.CharField(_("现职务层次"), max_length=20, blank=True, db_index=True)
    is_reserve = models.BooleanField(_("后备干部"), default=False)
    township_recruit_on = models.DateField(_("乡镇新录用日期"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering: ClassVar[list[str]] = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class PostHolding(models.Model):
    """A cadre holding a post from a date to a date; closed, never overwritten."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="post_holdings")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("任职单位"), on_delete=models.PROTECT,
                                 related_name="post_holdings")
    title = models.CharField(_("职务"), max_length=120)
    rank_level = models.CharField(_("职务层次"), max_length=20, blank=True)
    is_leading = models.BooleanField(_("实职"), default=True)
    valid_from = models.DateField(_("任职时间"))
    valid_to = models.DateField(_("免职时间"), null=True, blank=True)
    document_number = models.CharField(_("任免文号"), max_length=80, blank=True)
    appointment_method = models.CharField(_("任职方式"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering: ClassVar[list[str]] = ["cadre", "valid_from"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["cadre", "valid_to"]),
                                                 models.Index(fields=["org_unit", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.title}"
