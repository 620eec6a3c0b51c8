"""Projects and key tasks (项目化管理, R33): a register issued by a level, each item with a responsible
leader, a responsible person, measures, a deadline and milestones; units claim published items (认项),
key tasks are reported monthly, responsible leaders file half-year duty reports (半年述职).

Every date the rule engine tracks is a `ProjectMilestone` row (a milestone, the deadline, each month's
report of a key task), so R33 is one deadline source and its reminders come from the engine."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.core.models import OrgUnit


class ProjectKind(models.TextChoices):
    PROJECT = "project", _("项目")
    KEY_TASK = "key_task", _("重点任务")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    PUBLISHED = "published", _("推进中")
    COMPLETED = "completed", _("已完成")


PROJECT_ALLOWED: dict[str, frozenset[str]] = {
    ProjectStatus.DRAFT: frozenset({ProjectStatus.PUBLISHED}),
    ProjectStatus.PUBLISHED: frozenset({ProjectStatus.COMPLETED}),
    ProjectStatus.COMPLETED: frozenset(),
}


def project_next_states(status: str) -> frozenset[str]:
    return PROJECT_ALLOWED.get(status, frozenset())


class Project(models.Model):
    title = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=10, choices=ProjectKind.choices, default=ProjectKind.KEY_TASK)
    issuing_unit = models.ForeignKey(OrgUnit, verbose_name=_("发布单位"), on_delete=models.PROTECT,
                                     related_name="projects_issued")
    lead_unit = models.ForeignKey(OrgUnit, verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                                  related_name="projects_led")
    leader = models.CharField(_("责任领导"), max_length=100)
    responsible_person = models.CharField(_("责任人"), max_length=100)
    measures = models.TextField(_("工作措施"))
    starts_on = models.DateField(_("开始日期"))
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.title


class MilestoneKind(models.TextChoices):
    MILESTONE = "milestone", _("节点")
    DEADLINE = "deadline", _("完成时限")
    REPORT = "report", _("月度报告")


class ProjectMilestone(models.Model):
    """A date the project owes something by: a milestone, its deadline, or one month's report (key tasks).
    `done_on` is set by the service that does the thing (the report, the completion, the milestone)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("类别"), max_length=10, choices=MilestoneKind.choices)
    title = models.CharField(_("节点"), max_length=200)
    starts_on = models.DateField(_("起算日期"))
    due = models.DateField(_("时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    month = models.DateField(_("报告月份"), null=True, blank=True)  # first day of the month, reports only

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["project", "month"], condition=Q(kind="report"),
                                    name="rectification_project_report_month"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["due", "done_on"])]


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")  # by the claiming unit, before its first report


class ProjectClaim(models.Model):
    """A unit's claim of a published item (认项), approved or refused by the issuing level."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="claims")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("认项单位"), on_delete=models.PROTECT,
                                 related_name="project_claims")
    note = models.CharField(_("认项说明"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("认项")
        verbose_name_plural = _("认项")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["project", "org_unit"], condition=~Q(status__in=["rejected", "withdrawn"]),
                                    name="rectification_claim_once"),
        ]


class ProjectReport(models.Model):
    """A unit's progress report on an item for one month (the lead unit or a unit whose claim was approved)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("报告单位"), on_delete=models.PROTECT,
                                 related_name="project_reports")
    month = models.DateField(_("报告月份"))
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    reported_on = models.DateField(_("报告日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("项目月度报告")
        verbose_name_plural = _("项目月度报告")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["project", "org_unit", "month"], name="rectification_report_per_month"),
        ]


class LeaderReport(models.Model):
    """A responsible leader's half-year duty report (半年述职) on the items they lead."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT,
                                 related_name="leader_reports")
    leader = models.CharField(_("责任领导"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))])
    text = models.TextField(_("述职内容"))
    reported_on = models.DateField(_("述职日期"))
    projects = models.ManyToManyField(Project, related_name="leader_reports", verbose_name=_("所述项目"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("半年述职")
        verbose_name_plural = _("半年述职")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["org_unit", "leader", "year", "half"], name="rectification_leader_half"),
        ]
