"""Assessment campaigns (考核评价): subjects, the indicator tree, negative-list entries and ratings.

The campaign's state machine is the transition table `CAMPAIGN_ALLOWED` next to the model; the services
check it and turn an illegal step into `IllegalTransition` (409) with a Chinese reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit


class CampaignKind(models.TextChoices):
    ANNUAL = "annual", _("年度考核")
    REGULAR = "regular", _("平时考核")
    SPECIAL = "special", _("专项考核")
    TARGET = "target", _("目标责任考核")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("已启动")
    SCORING = "scoring", _("评分中")
    RATING = "rating", _("定等次")
    PUBLISHED = "published", _("已公布")
    ARCHIVED = "archived", _("已归档")


CAMPAIGN_ALLOWED: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.OPEN}),
    CampaignStatus.OPEN: frozenset({CampaignStatus.SCORING}),
    CampaignStatus.SCORING: frozenset({CampaignStatus.RATING}),
    CampaignStatus.RATING: frozenset({CampaignStatus.PUBLISHED}),
    CampaignStatus.PUBLISHED: frozenset({CampaignStatus.ARCHIVED}),
    CampaignStatus.ARCHIVED: frozenset(),
}


class Focus(models.TextChoices):
    """R01: each year's 分类考核 (1–2 department categories or themes) and 重点考核 (about 10 teams)."""

    NONE = "", _("一般考核")
    CLASSIFIED = "classified", _("分类考核")
    KEY = "key", _("重点考核")


class Campaign(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("考核类型"), max_length=10, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.CharField(_("考核期间"), max_length=20, blank=True, default="")  # "2026Q1" for 平时考核
    focus = models.CharField(_("考核方式"), max_length=10, choices=Focus.choices, blank=True, default="")
    theme = models.CharField(_("考核类别或主题"), max_length=100, blank=True, default="")  # 分类考核: which one
    status = models.CharField(_("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    # 优秀 (or 好) may go to at most this share of the subjects of each scale, rounded down.
    excellent_share = models.DecimalField(_("优秀比例"), max_digits=4, decimal_places=3, default=Decimal("0.150"))
    # The final formula: 总分 = 指标得分 × (1 − share) + 民主测评得分 × share (0: the indicators alone).
    evaluation_share = models.DecimalField(_("民主测评占比"), max_digits=4, decimal_places=3, default=Decimal("0"))
    # A typed leaf's score = (org × 组织评分 + self × 自评 + manager × 上级评 + peer × 同级评的平均) ÷ 100, the four
    # weights totalling 100 (default: the org department's score alone, as before there were rater scores).
    org_weight = models.PositiveSmallIntegerField(_("组织评分权重"), default=100)
    self_weight = models.PositiveSmallIntegerField(_("自评权重"), default=0)
    manager_weight = models.PositiveSmallIntegerField(_("上级评分权重"), default=0)
    peer_weight = models.PositiveSmallIntegerField(_("同级评分权重"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["org_unit", "year"], name="assessment_unit_year")]

    def __str__(self) -> str:
        return self.title

    def next_states(self) -> list[str]:
        return sorted(CAMPAIGN_ALLOWED[self.status])


class SubjectKind(models.TextChoices):
    CADRE = "cadre", _("领导干部")
    TEAM = "team", _("领导班子")
    UNIT = "unit", _("单位")


CADRE_RATINGS = ("优秀", "称职", "基本称职", "不称职")
TEAM_RATINGS = ("好", "较好", "一般", "较差")
TOP_RATINGS = frozenset({"优秀", "好"})


class Subject(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("对象类型"), max_length=6, choices=SubjectKind.choices)
    # The assessed unit (team, unit), or the cadre's unit when the subject was added: the scope.
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    rating = models.CharField(_("等次"), max_length=6, blank=True, default="")
    rating_note = models.CharField(_("等次说明"), max_length=300, blank=True, default="")
    rated_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核对象")
        verbose_name_plural = _("考核对象")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["campaign", "cadre"], condition=models.Q(cadre__isnull=False),
                                    name="assessment_subject_one_cadre"),
            models.UniqueConstraint(fields=["campaign", "kind", "org_unit"], condition=models.Q(cadre__isnull=True),
                                    name="assessment_subject_one_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.cadre.name if self.cadre is not None else self.org_unit.name

    @property
    def scale(self) -> tuple[str, ...]:
        return CADRE_RATINGS if self.kind == SubjectKind.CADRE else TEAM_RATINGS


class ScoringMethod(models.TextChoices):
    SCALE = "scale", _("打分")
    COUNT = "count", _("按数据计数")
    PASS_FAIL = "pass_fail", _("达标/不达标")
    DEDUCTION = "deduction", _("扣分")


class EvaluationMethod(models.TextChoices):
    REPORT = "report", _("述职评议")
    UNANNOUNCED = "unannounced", _("明察暗访")
    SPECIAL_CHECK = "special_check", _("专项督查")
    SITE_VISIT = "site_visit", _("实地查看")
    SOCIAL = "social", _("社会评价")
    PUBLIC_REVIEW = "public_review", _("群众评议")
    DATA = "data", _("系统数据")


class Indicator(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("指标"), max_length=200)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    scoring = models.CharField(_("计分方法"), max_length=10, choices=ScoringMethod.choices)
    evaluation = models.CharField(_("考核方法"), max_length=14, choices=EvaluationMethod.choices, blank=True,
                                  default="")
    # For 按数据计数: the key of the system data the score is read from (indicator_sources.SOURCES).
    source = models.CharField(_("系统数据"), max_length=30, blank=True, default="")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering: ClassVar[list[str]] = ["campaign", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class IndicatorScore(models.Model):
    """A subject's score on one leaf indicator: the value typed or counted, and the score (0–100) it gives.

    scale: score = value; pass_fail: value 1 → 100, 0 → 0; deduction: score = max(0, 100 − value);
    count: value = the rate (%) read from zugong's data, score = value."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("录入值"), max_digits=7, decimal_places=2)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    basis = models.CharField(_("依据"), max_length=300, blank=True, default="")  # "谈话 8 人 / 应谈 10 人"
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["subject", "indicator"], name="assessment_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.indicator_id} {self.score}"


class NegativeSituation(models.TextChoices):
    DISCIPLINE = "discipline", _("受到党纪政务处分")
    ADMONISHMENT = "admonishment", _("受到诫勉")
    INVESTIGATION = "investigation", _("被立案审查调查尚未结案")
    MAJOR_INCIDENT = "major_incident", _("分管领域发生重大责任事故")
    RECTIFICATION = "rectification", _("巡视巡察反馈问题整改不力")
    OTHER = "other", _("其他不得评为优秀的情形")


class NegativeEntry(models.Model):
    """One situation of the negative list (负面清单) recorded for a subject: it bars 优秀 (好)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="negative_entries")
    situation = models.CharField(_("情形"), max_length=16, choices=NegativeSituation.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("负面清单")
        verbose_name_plural = _("负面清单")

    def __str__(self) -> str:
        return f"{self.subject_id} {self.situation}"


# --- democratic evaluation (民主测评 / 群众评议) -------------------------------------------------------
# Anonymity by construction: a code keeps only its hash and a used flag (no time); a ballot names its
# campaign and voter class, never the code; no column of either carries the moment of voting.


class VoterClass(models.Model):
    """A class of voters of one campaign (班子成员, 中层干部, 服务对象, 群众代表); its weight is versioned."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="voter_classes")
    name = models.CharField(_("投票人类别"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("投票人类别")
        verbose_name_plural = _("投票人类别")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["campaign", "name"], name="assessment_voter_class_name"),
        ]

    def __str__(self) -> str:
        return self.name


class VoterClassWeight(models.Model):
    """One version of a class's weight; the tally uses the newest version (earlier ones stay as history)."""

    voter_class = models.ForeignKey(VoterClass, on_delete=models.CASCADE, related_name="weights")
    version = models.PositiveSmallIntegerField(_("版本"))
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("类别权重")
        verbose_name_plural = _("类别权重")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["voter_class", "version"], name="assessment_weight_version"),
        ]

    def __str__(self) -> str:
        return f"{self.voter_class_id} v{self.version} {self.weight}"


class VotingCode(models.Model):
    """A one-time voting code: its SHA-256 only (the slip holds the code) and whether it has voted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="voting_codes")
    voter_class = models.ForeignKey(VoterClass, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("测评码")
        verbose_name_plural = _("测评码")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.voter_class_id}"


class Ballot(models.Model):
    """A cast ballot: which campaign and voter class, nothing that leads back to the code."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballots")
    voter_class = models.ForeignKey(VoterClass, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.voter_class_id}"


class PendingBallot(models.Model):
    """A ballot cast and not yet counted: written in the transaction that spends the code (so a vote is never
    lost nor a code spent without one), then moved into `Ballot` rows in shuffled batches by another
    transaction (`services.ballots.ballots_flush`) and deleted. No time column, nothing of the code."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    voter_class = models.ForeignKey(VoterClass, on_delete=models.PROTECT, related_name="+")
    grades = models.JSONField()  # {"<subject id>": grade}

    class Meta:
        verbose_name = _("待计入测评票")
        verbose_name_plural = _("待计入测评票")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.voter_class_id}"


class BallotMark(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(_("评价"), max_length=6)

    class Meta:
        verbose_name = _("测评评价")
        verbose_name_plural = _("测评评价")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["ballot", "subject"], name="assessment_mark_once"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["subject", "grade"], name="assessment_mark_subj")]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.grade}"


# The points each grade of a ballot counts for in the tally (published with the results).
GRADE_POINTS: dict[str, int] = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0,
                                "好": 100, "较好": 80, "一般": 60, "较差": 0}


# --- uses of published results (表彰, 优先使用, 诫勉谈话, 岗位调整) ---------------------------------------------


class UseKind(models.TextChoices):
    COMMENDATION = "commendation", _("表彰")
    PRIORITY_USE = "priority_use", _("优先使用")
    ADMONISHMENT = "admonishment", _("诫勉谈话")
    POST_ADJUSTMENT = "post_adjustment", _("岗位调整建议")


# Which published ratings each use follows from (the page offers only these; the service refuses the rest).
USE_RATINGS: dict[str, frozenset[str]] = {
    UseKind.COMMENDATION: frozenset({"优秀", "好"}),
    UseKind.PRIORITY_USE: frozenset({"优秀"}),
    UseKind.ADMONISHMENT: frozenset({"基本称职", "不称职"}),
    UseKind.POST_ADJUSTMENT: frozenset({"不称职", "较差"}),
}


class ResultUse(models.Model):
    """A use made of a subject's published result; 诫勉谈话 is also recorded in talks as a supervision action."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="uses")
    kind = models.CharField(_("结果运用"), max_length=16, choices=UseKind.choices)
    decided_on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True, default="")
    supervision_action = models.ForeignKey("talks.SupervisionAction", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("考核结果运用")
        verbose_name_plural = _("考核结果运用")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["subject", "kind"], name="assessment_use_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.kind}"


# --- side evidence (旁证, R02) -------------------------------------------------------------------------------


class SideEvidenceRequest(models.Model):
    """Evidence asked of one agency (纪检监察, 巡视, 审计 …: R02's `bodies`) about an assessed team or unit."""

    # Named `assessed`, not `subject`: the rule engine reads `subject_id` as the request's own id.
    assessed = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="side_evidence")
    # The assessed unit (the subject's): the rule engine's scope and the jurisdiction check.
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(_("旁证单位"), max_length=40)
    requested_on = models.DateField(_("发函日期"))
    due_on = models.DateField(_("回复期限"))
    replied_on = models.DateField(_("回复日期"), null=True, blank=True)
    reply = models.TextField(_("回复意见"), blank=True, default="")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("旁证")
        verbose_name_plural = _("旁证")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["assessed", "agency"], name="assessment_side_evidence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessed_id} {self.agency}"

    def is_overdue(self, today: date) -> bool:
        """No reply after the due day, or a reply that came after it."""
        return (self.replied_on or today) > self.due_on


# The satisfaction survey (R31) and the points cards (R32) live in their own modules; importing them registers
# their models with the app.
from zugong.assessment.models_points import PointEntry, PointItem  # noqa: E402
from zugong.assessment.models_raters import RaterRole, RaterScore  # noqa: E402
from zugong.assessment.models_survey import (  # noqa: E402
    PendingSurveyResponse,
    Survey,
    SurveyAnswer,
    SurveyCode,
    SurveyFollowUp,
    SurveyIndicator,
    SurveyResponse,
)

__all__ = ["PendingSurveyResponse", "PointEntry", "PointItem", "RaterRole", "RaterScore", "Survey", "SurveyAnswer", "SurveyCode", "SurveyFollowUp", "SurveyIndicator",
           "SurveyResponse"]
