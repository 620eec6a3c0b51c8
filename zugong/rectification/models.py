"""Problem lists and their rectification (R24): a list issued by a level to a unit, its problems, each
problem's rectification plan, progress updates, closure (销号) with evidence, and the quarterly checks.

A problem's life is the explicit table `PROBLEM_ALLOWED`; services move it, nothing else."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zugong.core.models import Attachment, OrgUnit


class Source(models.TextChoices):
    DUTY_REVIEW = "duty_review", _("述职评议")
    INSPECTION = "inspection", _("巡视反馈")
    CAMPAIGN = "campaign", _("专项整治")
    SATISFACTION = "satisfaction", _("满意度测评")
    SELECTION_CHECK = "selection_check", _("选人用人专项检查")
    LIFE_MEETING = "life_meeting", _("民主生活会")
    OTHER = "other", _("其他")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待制定方案")
    PLAN_SUBMITTED = "plan_submitted", _("方案待审核")
    RECTIFYING = "rectifying", _("整改中")
    CLOSURE_REQUESTED = "closure_requested", _("销号待审核")
    CLOSED = "closed", _("已销号")
    WITHDRAWN = "withdrawn", _("已撤回")


PROBLEM_ALLOWED: dict[str, frozenset[str]] = {
    # any problem not closed may be withdrawn by the issuing level (raised in error, superseded); a closed one
    # is reopened first if it must go on
    ProblemStatus.OPEN: frozenset({ProblemStatus.PLAN_SUBMITTED, ProblemStatus.WITHDRAWN}),
    # accepted → rectifying; returned → open (a new plan is due)
    ProblemStatus.PLAN_SUBMITTED: frozenset({ProblemStatus.RECTIFYING, ProblemStatus.OPEN, ProblemStatus.WITHDRAWN}),
    ProblemStatus.RECTIFYING: frozenset({ProblemStatus.CLOSURE_REQUESTED, ProblemStatus.WITHDRAWN}),
    # approved → closed; rejected → back to rectifying with the reason
    ProblemStatus.CLOSURE_REQUESTED: frozenset({ProblemStatus.CLOSED, ProblemStatus.RECTIFYING,
                                                ProblemStatus.WITHDRAWN}),
    # reopened with a reason
    ProblemStatus.CLOSED: frozenset({ProblemStatus.RECTIFYING}),
    # withdrawn: final, the record kept
    ProblemStatus.WITHDRAWN: frozenset(),
}
# a problem in these states owes nothing more: no check, no plan date, no carrying over to 述职
FINISHED = (ProblemStatus.CLOSED, ProblemStatus.WITHDRAWN)


def next_states(status: str) -> frozenset[str]:
    return PROBLEM_ALLOWED.get(status, frozenset())


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class ClosureStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已销号")
    REJECTED = "rejected", _("已驳回")


class Verdict(models.TextChoices):
    IN_PLACE = "in_place", _("到位")
    MOSTLY = "mostly", _("基本到位")
    NOT_IN_PLACE = "not_in_place", _("不到位")


class ProblemList(models.Model):
    """A list of problems issued in writing by a level (`issuing_unit`) to a unit (`owner_unit`)."""

    title = models.CharField(_("清单名称"), max_length=200)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    issuing_unit = models.ForeignKey(OrgUnit, verbose_name=_("下发单位"), on_delete=models.PROTECT,
                                     related_name="problem_lists_issued")
    owner_unit = models.ForeignKey(OrgUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT,
                                   related_name="problem_lists")
    owner_person = models.CharField(_("责任人"), max_length=100, blank=True)
    issued_on = models.DateField(_("下发日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # withdrawn by the issuing level (issued in error, superseded): its problems keep their record, owe nothing more
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = _("问题清单")
        verbose_name_plural = _("问题清单")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["source", "issued_on"])]

    def __str__(self) -> str:
        return self.title


class Problem(models.Model):
    problem_list = models.ForeignKey(ProblemList, verbose_name=_("问题清单"), on_delete=models.PROTECT,
                                     related_name="problems")
    number = models.PositiveIntegerField(_("序号"))
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT,
                                 related_name="problems")
    responsible_person = models.CharField(_("责任人"), max_length=100, blank=True)
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    status = models.CharField(_("状态"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    origin = models.CharField(_("来源记录"), max_length=100, blank=True,
                              help_text=_("由其他模块提出时，该模块的记录，如 surveys.followup:12"))
    raised_on = models.DateField(_("提出日期"))
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    # the problem's own deadline, when the level (or module) raising it set one; the plan's deadline is the owner's
    due_on = models.DateField(_("问题时限"), null=True, blank=True)
    # withdrawn alone (its list goes on): status 已撤回, when, why, by whom; the status it had is in the audit
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["problem_list", "number"], name="rectification_problem_number"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["status", "raised_on"])]

    def __str__(self) -> str:
        return f"{self.problem_list_id}-{self.number}"


class RectificationPlan(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="plans")
    measures = models.TextField(_("整改措施"))
    deadline = models.DateField(_("整改时限"))
    milestones = models.JSONField(_("节点"), default=list, blank=True)  # [{"title": str, "due": "YYYY-MM-DD"}]
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("退回理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")


class PlanDueDate(models.Model):
    """A date an accepted plan owes (each milestone and the deadline), as rows the rule engine evaluates
    (R24 part `plan`: notices before they fall due). Written when the plan is accepted; `starts_on` is the
    day it was accepted. A date is owed while the problem is being rectified (整改中)."""

    plan = models.ForeignKey(RectificationPlan, on_delete=models.CASCADE, related_name="dates")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="due_dates")
    title = models.CharField(_("节点"), max_length=200)
    starts_on = models.DateField(_("起算日期"))
    due = models.DateField(_("时限"))

    class Meta:
        verbose_name = _("整改方案节点")
        verbose_name_plural = _("整改方案节点")
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["due"])]


class ProgressUpdate(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("报告日期"))
    text = models.TextField(_("整改进展"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")


class Closure(models.Model):
    """A request to close (销号) a problem, with its evidence, and the issuing level's decision."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="closures")
    summary = models.TextField(_("整改情况"))
    evidence = models.ManyToManyField(Attachment, related_name="+", verbose_name=_("佐证材料"))
    status = models.CharField(_("状态"), max_length=10, choices=ClosureStatus.choices, default=ClosureStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("驳回理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")


class Reopening(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="reopenings")
    reason = models.CharField(_("重新打开的理由"), max_length=500)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(default=timezone.now)


class QuarterlyCheck(models.Model):
    """The issuing level's check of an open problem in one check period (a quarter by default, R24)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("检查日期"))
    period_start = models.DateField(_("检查周期起始"))
    verdict = models.CharField(_("检查结论"), max_length=15, choices=Verdict.choices)
    note = models.TextField(_("检查意见"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("整改检查")
        verbose_name_plural = _("整改检查")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["problem", "period_start"], name="rectification_check_per_period"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["period_start", "problem"])]


class Grade(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


class DutyReport(models.Model):
    """A party secretary's annual duty report on party building (党组织书记抓基层党建述职) to the reviewing
    level, its evaluation, and the written feedback that becomes the secretary's problem list."""

    year = models.PositiveSmallIntegerField(_("述职年度"))
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("述职单位"), on_delete=models.PROTECT,
                                 related_name="duty_reports")
    reviewing_unit = models.ForeignKey(OrgUnit, verbose_name=_("评议单位"), on_delete=models.PROTECT,
                                       related_name="duty_reports_reviewed")
    secretary = models.CharField(_("述职人"), max_length=100)
    reported_on = models.DateField(_("述职日期"))
    summary = models.TextField(_("述职要点"), blank=True)
    grade = models.CharField(_("评议等次"), max_length=15, choices=Grade.choices, blank=True)
    score = models.DecimalField(_("评议得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    feedback = models.TextField(_("书面反馈意见"), blank=True)
    feedback_list = models.OneToOneField(ProblemList, verbose_name=_("问题清单"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="duty_report")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("述职评议")
        verbose_name_plural = _("述职评议")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["org_unit", "year"], name="rectification_duty_report_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.secretary}"


from zugong.rectification.duty_models import DutyPlan, DutyPlanEntry  # noqa: E402  (述职 plans)
from zugong.rectification.project_models import (  # noqa: E402  (the project register lives beside)
    ClaimStatus,
    LeaderReport,
    MilestoneKind,
    Project,
    ProjectClaim,
    ProjectKind,
    ProjectMilestone,
    ProjectReport,
    ProjectStatus,
)

__all__ = [
    "ClaimStatus", "DutyPlan", "DutyPlanEntry", "LeaderReport", "MilestoneKind", "Project", "ProjectClaim", "ProjectKind", "ProjectMilestone",
    "ProjectReport", "ProjectStatus",
]
