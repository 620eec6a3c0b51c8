"""The cadre roster (干部信息库). Other modules read people from here; history is effective-dated.

History rows (posts, résumé lines, education, family, rewards, annual reviews) are never edited in
place: a change closes the current row (`valid_to` for posts, `superseded_at` for the others) and
adds a new one, so the record as it stood on any day can be read back.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.cadres.codes import choices
from zugong.core.models import OrgUnit


class CadreStatus(models.TextChoices):
    SERVING = "serving", _("在职")
    RETIRED = "retired", _("退休")
    TRANSFERRED = "transferred", _("调出")
    DECEASED = "deceased", _("去世")
    LEFT = "left", _("离任")


class RankLevel(models.Model):
    """职务层次 (after ZB09): admin-editable; codes are zugong's own, seeded by migration 0003."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("职务层次")
        verbose_name_plural = _("职务层次")
        ordering: ClassVar[list[str]] = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    """职级 (after ZB148): admin-editable, seeded by migration 0003."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("职级")
        verbose_name_plural = _("职级")
        ordering: ClassVar[list[str]] = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


def _pattern_index(field: str, name: str) -> models.Index:
    # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%'; SQLite ignores opclasses.
    return models.Index(fields=[field], name=name, opclasses=["varchar_pattern_ops"])


class Cadre(models.Model):
    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    name_pinyin = models.CharField(_("姓名全拼"), max_length=120, blank=True, default="")
    name_initials = models.CharField(_("姓名首字母"), max_length=40, blank=True, default="")
    sex = models.CharField(_("性别"), max_length=1, blank=True)  # GB/T 2261.1 code: 1 男, 2 女
    birth_date = models.DateField(_("出生年月"), null=True, blank=True)
    id_number = models.CharField(_("公民身份号码"), max_length=18, null=True, blank=True, unique=True)
    ethnicity = models.CharField(_("民族"), max_length=2, blank=True, default="", choices=choices("ethnicity"))
    native_place = models.CharField(_("籍贯"), max_length=60, blank=True, default="")
    birthplace = models.CharField(_("出生地"), max_length=60, blank=True, default="")
    political_status = models.CharField(_("政治面貌"), max_length=2, blank=True, default="",
                                        choices=choices("political_status"), db_index=True)
    political_note = models.CharField(_("政治面貌说明"), max_length=80, blank=True, default="")
    # What the last imported 任免审批表 carried about the form itself, written back on export as it was.
    form_submitting_unit = models.CharField(_("呈报单位"), max_length=200, blank=True, default="")
    form_age_reckoned_on = models.CharField(_("计算年龄时间"), max_length=20, blank=True, default="")
    form_filled_on = models.CharField(_("填表时间"), max_length=20, blank=True, default="")
    form_filled_by = models.CharField(_("填表人"), max_length=40, blank=True, default="")
    form_version = models.CharField(_("任免审批表版本"), max_length=40, blank=True, default="")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT,
                                 related_name="cadres")
    managing_unit = models.ForeignKey(OrgUnit, verbose_name=_("管理权限"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="managed_cadres")
    status = models.CharField(_("状态"), max_length=12, choices=CadreStatus.choices, default=CadreStatus.SERVING,
                              db_index=True)
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
    health = models.CharField(_("健康状况"), max_length=40, blank=True, default="")
    professional_title = models.CharField(_("专业技术职务"), max_length=80, blank=True, default="")
    specialties = models.CharField(_("熟悉专业有何专长"), max_length=200, blank=True, default="")
    rank_level = models.CharField(_("现职务层次"), max_length=20, blank=True, db_index=True)
    grade = models.CharField(_("职级"), max_length=20, blank=True, default="")
    current_post = models.CharField(_("现任职务"), max_length=200, blank=True, default="")
    is_leading = models.BooleanField(_("实职领导"), default=False)
    highest_education = models.CharField(_("最高学历"), max_length=2, blank=True, default="",
                                         choices=choices("education"))
    proposed_post = models.CharField(_("拟任职务"), max_length=200, blank=True, default="")
    proposed_removal = models.CharField(_("拟免职务"), max_length=200, blank=True, default="")
    appointment_reason = models.TextField(_("任免理由"), blank=True, default="")
    review_note = models.TextField(_("年度考核结果（原文）"), blank=True, default="")
    retirement_age_boundary = models.CharField(_("改革前任职年龄界限"), max_length=20, blank=True, default="")
    retirement_due = models.DateField(_("到龄年月"), null=True, blank=True)
    photo = models.BinaryField(_("照片"), null=True, blank=True, editable=False)
    is_reserve = models.BooleanField(_("后备干部"), default=False)
    township_recruit_on = models.DateField(_("乡镇新录用日期"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering: ClassVar[list[str]] = ["name", "pk"]
        indexes: ClassVar[list[models.Index]] = [
            _pattern_index("name", "cadre_name_prefix"),
            _pattern_index("name_pinyin", "cadre_pinyin_prefix"),
            _pattern_index("name_initials", "cadre_initials_prefix"),
            _pattern_index("id_number", "cadre_idno_prefix"),
            models.Index(fields=["org_unit", "name", "id"], name="cadre_org_name"),
            models.Index(fields=["birth_date"], name="cadre_birth"),
        ]

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


class HistoryRow(models.Model):
    """A row of a cadre's history: `superseded_at` is set when a later version replaces it."""

    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    superseded_at = models.DateTimeField(_("被替代时间"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True


class EducationKind(models.TextChoices):
    FULL_TIME = "full_time", _("全日制教育")
    IN_SERVICE = "in_service", _("在职教育")


class EducationRecord(HistoryRow):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="education")
    kind = models.CharField(_("教育类别"), max_length=12, choices=EducationKind.choices)
    level = models.CharField(_("学历代码"), max_length=2, blank=True, default="", choices=choices("education"))
    level_text = models.CharField(_("学历"), max_length=60, blank=True, default="")
    degree = models.CharField(_("学位代码"), max_length=3, blank=True, default="", choices=choices("degree"))
    degree_text = models.CharField(_("学位"), max_length=60, blank=True, default="")
    school = models.CharField(_("毕业院校系及专业"), max_length=200, blank=True, default="")
    degree_school = models.CharField(_("学位授予院校系及专业"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("学历学位")
        verbose_name_plural = _("学历学位")
        ordering: ClassVar[list[str]] = ["cadre", "sort_order", "pk"]


class ResumeLine(HistoryRow):
    """One line of 简历: from a month to a month (open end: 至今), what the cadre did, 其间 notes."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="resume_lines")
    start = models.DateField(_("起始年月"))
    end = models.DateField(_("截止年月"), null=True, blank=True)
    text = models.CharField(_("单位及职务"), max_length=400)
    note = models.CharField(_("其间"), max_length=400, blank=True, default="")

    class Meta:
        verbose_name = _("简历")
        verbose_name_plural = _("简历")
        ordering: ClassVar[list[str]] = ["cadre", "sort_order", "pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["cadre", "superseded_at"])]


class FamilyKind(models.TextChoices):
    FAMILY = "family", _("家庭成员")
    SOCIAL = "social", _("主要社会关系")


class FamilyMember(HistoryRow):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="family")
    kind = models.CharField(_("类别"), max_length=10, choices=FamilyKind.choices, default=FamilyKind.FAMILY)
    relation = models.CharField(_("关系代码"), max_length=2, blank=True, default="", choices=choices("relation"))
    relation_text = models.CharField(_("称谓"), max_length=20)
    name = models.CharField(_("姓名"), max_length=40)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=40, blank=True, default="")
    work_unit_post = models.CharField(_("工作单位及职务"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("家庭成员及社会关系")
        verbose_name_plural = _("家庭成员及社会关系")
        ordering: ClassVar[list[str]] = ["cadre", "sort_order", "pk"]


class RewardKind(models.TextChoices):
    REWARD = "reward", _("奖励")
    PUNISHMENT = "punishment", _("惩处")


class RewardPunishment(HistoryRow):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="rewards")
    kind = models.CharField(_("类别"), max_length=12, choices=RewardKind.choices, default=RewardKind.REWARD)
    on = models.DateField(_("时间"), null=True, blank=True)
    text = models.CharField(_("内容"), max_length=400)

    class Meta:
        verbose_name = _("奖惩")
        verbose_name_plural = _("奖惩")
        ordering: ClassVar[list[str]] = ["cadre", "sort_order", "pk"]


class ReviewRating(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")
    UNRATED = "unrated", _("不定等次")
    # 事业单位工作人员 and village cadres are rated 合格 / 基本合格 / 不合格 instead
    PASSED = "passed", _("合格")
    BASIC_PASSED = "basic_passed", _("基本合格")
    FAILED = "failed", _("不合格")


class AnnualReview(HistoryRow):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="annual_reviews")
    year = models.PositiveSmallIntegerField(_("年度"))
    rating = models.CharField(_("等次"), max_length=12, choices=ReviewRating.choices)

    class Meta:
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        ordering: ClassVar[list[str]] = ["cadre", "year"]


class CadreChange(models.Model):
    """One scalar field of a cadre changed: the value before and after, who changed it and through what.

    The cadre row holds the current values; these rows keep every earlier one, so the record as it
    stood at any moment can be read back (`selectors.cadre_values_at`). Written by the services only.
    """

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("字段"), max_length=40)
    old_value = models.TextField(_("原值"), blank=True, default="")
    new_value = models.TextField(_("新值"), blank=True, default="")
    old_photo = models.BinaryField(_("原照片"), null=True, blank=True, editable=False)
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("来源"), max_length=20, default="edit")

    class Meta:
        verbose_name = _("干部信息变更")
        verbose_name_plural = _("干部信息变更")
        ordering: ClassVar[list[str]] = ["cadre", "-changed_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["cadre", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.cadre_id} · {self.field}"
