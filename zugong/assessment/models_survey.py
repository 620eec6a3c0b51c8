"""The public satisfaction survey (满意度测评, R31): a questionnaire as data (areas and indicators), one
round across the cities and counties of the organising unit, respondents with one-time codes issued per
county (the county's sample quota), answers per indicator, and the follow-up of the lowest-ranked units.

Imported by models.py so Django registers these models with the assessment app. As with ballots, a
response names its survey and county only; nothing links it to the code that submitted it.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.core.models import OrgUnit


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已结束")


SURVEY_ALLOWED: dict[str, frozenset[str]] = {
    SurveyStatus.DRAFT: frozenset({SurveyStatus.OPEN}),
    SurveyStatus.OPEN: frozenset({SurveyStatus.CLOSED}),
    SurveyStatus.CLOSED: frozenset(),
}

# The points of each answer (published beside the results).
ANSWER_POINTS: dict[str, int] = {"满意": 100, "基本满意": 60, "不满意": 0}

# The default questionnaire: the seed's four areas (004: 组织工作、组工干部、干部选拔任用、防止和纠正用人上
# 不正之风) and 19 indicators under them; editable per survey while it is a draft.
DEFAULT_QUESTIONNAIRE: list[tuple[str, list[str]]] = [
    ("组织工作", ["基层党组织建设", "党员队伍建设和管理", "人才工作", "服务群众成效", "组织工作创新"]),
    ("组工干部", ["政治素质", "公道正派", "工作作风", "服务态度", "廉洁自律"]),
    ("干部选拔任用", ["选人用人导向", "选拔程序规范", "民主推荐和考察", "干部监督管理", "选人用人公信度"]),
    ("防止和纠正用人上不正之风", ["整治跑官要官", "查处违规用人", "信访举报办理", "用人风气总体评价"]),
]


class Survey(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    # The round's public link (/m/survey/l/<token>/), as an alternative to one-time codes; empty: no link.
    public_token = models.CharField(_("公开链接"), max_length=32, blank=True, default="", db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")

    def __str__(self) -> str:
        return self.title

    def next_states(self) -> list[str]:
        return sorted(SURVEY_ALLOWED[self.status])


class SurveyIndicator(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="indicators")
    area = models.CharField(_("测评领域"), max_length=60)
    name = models.CharField(_("测评指标"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("测评指标")
        verbose_name_plural = _("测评指标")
        ordering: ClassVar[list[str]] = ["survey", "sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.area} · {self.name}"


class SurveyCode(models.Model):
    """A respondent's one-time code for one county (codes issued per county are its sample quota)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("测评问卷码")
        verbose_name_plural = _("测评问卷码")

    def __str__(self) -> str:
        return f"{self.survey_id} {self.org_unit_id}"


class SurveyResponse(models.Model):
    """One respondent's questionnaire: the survey and the county, nothing that leads back to the code."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("测评问卷")
        verbose_name_plural = _("测评问卷")

    def __str__(self) -> str:
        return f"{self.survey_id} {self.org_unit_id}"


class PendingSurveyResponse(models.Model):
    """A questionnaire submitted and not yet counted: written in the transaction that spends the code (so an
    answer is never lost nor a code spent without one), then moved into `SurveyResponse` / `SurveyAnswer` rows
    in shuffled batches per county by another transaction (`services.surveys.survey_responses_flush`) and
    deleted. No time column, nothing of the code."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()  # {"<indicator id>": points}

    class Meta:
        verbose_name = _("待计入测评问卷")
        verbose_name_plural = _("待计入测评问卷")

    def __str__(self) -> str:
        return f"{self.survey_id} {self.org_unit_id}"


class SurveyAnswer(models.Model):
    # survey and org_unit repeat the response's, so scoring a round is one scan of one index
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers", db_index=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    indicator = models.ForeignKey(SurveyIndicator, on_delete=models.CASCADE, related_name="+", db_index=False)
    points = models.PositiveSmallIntegerField(_("分值"))

    class Meta:
        verbose_name = _("测评答案")
        verbose_name_plural = _("测评答案")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["survey", "org_unit", "indicator"], name="assessment_answer_scan"),
            models.Index(fields=["response"], name="assessment_answer_response"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.indicator_id} {self.points}"


class FollowUpKind(models.TextChoices):
    SUPERVISION = "supervision", _("督导检查")  # the lowest cities
    SPECIAL_CHECK = "special_check", _("整改落实专项检查")  # the lowest counties


class SurveyFollowUp(models.Model):
    """A follow-up task of a low-ranked city or county, with its deadline (R31)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="follow_ups")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("任务"), max_length=14, choices=FollowUpKind.choices)
    rank = models.PositiveSmallIntegerField(_("排名"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    assigned_on = models.DateField(_("下达日期"))
    due_on = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("检查情况"), blank=True, default="")
    # The rectification problem raised for this task (满意度测评 list of its unit); its `origin` names the task.
    problem = models.ForeignKey("rectification.Problem", verbose_name=_("整改问题"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("测评跟进任务")
        verbose_name_plural = _("测评跟进任务")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["survey", "org_unit"], name="assessment_follow_up_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.org_unit_id} {self.kind}"

    def is_overdue(self, today: date) -> bool:
        return (self.done_on or today) > self.due_on


class SurveyQuota(models.Model):
    """A county's sample quota for the round's public link: answers through the link stop once the county's
    responses (counted and pending, whatever their channel) reach `target`."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+")
    target = models.PositiveIntegerField(_("样本量"))

    class Meta:
        verbose_name = _("样本配额")
        verbose_name_plural = _("样本配额")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["survey", "org_unit"], name="assessment_survey_quota_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.org_unit_id} {self.target}"


class SurveyLinkDedupe(models.Model):
    """One phone's keyed hash for one round answered through the public link (HMAC-SHA256 under the server's
    secret key, the round's id in the message): a second answer from the same phone is refused. No time, no
    county, nothing that links it to the response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["survey", "digest"], name="assessment_survey_phone_once"),
        ]
