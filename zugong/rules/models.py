"""The rule register as data: rules, effective-dated versions (overrides), findings, notifications."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.core.models import OrgUnit


class RuleKind(models.TextChoices):
    CADENCE = "cadence", _("周期频次")
    COVERAGE = "coverage", _("全覆盖")
    THRESHOLD = "threshold", _("数量标准")
    DEADLINE = "deadline", _("办理时限")
    CAP = "cap", _("等次限制")
    GATE = "gate", _("前置条件")
    WORKFLOW = "workflow", _("流程")
    COMPUTED = "computed", _("统计")
    AUDIT = "audit", _("纪实")


EVALUATED_KINDS = frozenset({RuleKind.CADENCE, RuleKind.COVERAGE, RuleKind.THRESHOLD, RuleKind.DEADLINE})


class Rule(models.Model):
    code = models.CharField(_("编号"), max_length=8, unique=True)
    title = models.CharField(_("名称"), max_length=80)
    seed = models.CharField(_("来源文件"), max_length=8, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=RuleKind.choices)
    description = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("制度")
        verbose_name_plural = _("制度")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class RuleVersion(models.Model):
    """Parameters in force at `scope` (None: the register default) from `valid_from` to `valid_to`.

    The root version holds every parameter; an override holds only the parameters it changes, and a
    lower level's override wins over a higher one's. Rows are never edited: a new version closes the
    previous one at its `valid_from`.
    """

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    scope = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("适用范围"))
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    params = models.JSONField(_("参数"), default=dict)
    enabled = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("制度版本")
        verbose_name_plural = _("制度版本")
        ordering: ClassVar[list[str]] = ["rule", "valid_from"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["rule", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.rule.code} {self.scope or '默认'} {self.valid_from}"


class FindingStatus(models.TextChoices):
    COMPLIANT = "compliant", _("已落实")
    PENDING = "pending", _("进行中")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    VIOLATED = "violated", _("未落实")
    NO_DATA_SOURCE = "no_data_source", _("无数据来源")


class Finding(models.Model):
    # Findings are derived data, replaced 300,000 at a time by the engine: the composite indexes below
    # lead with rule and org_unit, so the foreign keys carry no index of their own, and no database
    # constraint either (PostgreSQL would check 3 × 300,000 deferred constraints at commit). The
    # engine writes only ids it has just read; Django still cascades a deleted rule's findings.
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="findings", db_index=False,
                             db_constraint=False)
    rule_version = models.ForeignKey(RuleVersion, null=True, on_delete=models.DO_NOTHING, related_name="+",
                                     db_index=False, db_constraint=False)
    part = models.CharField(max_length=30, blank=True)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(_("对象"), max_length=200)
    org_unit = models.ForeignKey(OrgUnit, null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
                                 db_constraint=False)
    status = models.CharField(_("状态"), max_length=20, choices=FindingStatus.choices)
    measure = models.FloatField(_("实际"), null=True)
    target = models.FloatField(_("标准"), null=True)
    due_date = models.DateField(_("期限"), null=True)
    done_date = models.DateField(_("完成日期"), null=True)
    responsible_user_id = models.IntegerField(null=True)
    detail = models.CharField(_("说明"), max_length=300)
    # 64-bit hash of what the finding says, written by the PostgreSQL engine to diff re-evaluations
    # (kinds/aggregate.py); NULL for rows written by the ORM path, which are rewritten next time.
    fingerprint = models.BigIntegerField(null=True, blank=True, editable=False)
    evaluated_at = models.DateTimeField(_("评估时间"))

    class Meta:
        verbose_name = _("执行情况")
        verbose_name_plural = _("执行情况")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["rule", "period_start", "status"]),
            models.Index(fields=["org_unit", "rule"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.subject_label} {self.status}"


class JobDigest(models.Model):
    """What one aggregate job last wrote on PostgreSQL (kinds/aggregate.py): a 64-bit-per-row sum over its
    findings' subjects and fingerprints, with its counts by status. A re-evaluation that computes the same
    digest for the same region has nothing to write and skips the diff against the stored findings. Any
    other write to the findings of the rule, part and period (another region's job, the SQLite or deadline
    path, the ORM) deletes the digests it may have made stale (`digests.forget`)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="+", db_index=False)
    part = models.CharField(max_length=30, blank=True)
    period_start = models.DateField()
    root_path = models.CharField(max_length=255, blank=True)
    exclude_paths = models.JSONField(default=list)
    digest = models.CharField(max_length=80)
    counts = models.JSONField(default=dict)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["rule", "part", "period_start", "root_path"], name="rules_jobdigest_job"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.part} {self.period_start} {self.root_path or '*'}"


class Notification(models.Model):
    """An in-app notice; one per user, finding subject and status (the unique key dedupes re-runs)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_notifications")
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=30, blank=True)
    period_start = models.DateField()
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=FindingStatus.choices)
    org_unit = models.ForeignKey(OrgUnit, null=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    body = models.CharField(_("内容"), max_length=400)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["user", "rule", "part", "period_start", "subject_type", "subject_id", "status"],
                name="rules_notification_once_per_status",
            )
        ]

    def __str__(self) -> str:
        return self.title
