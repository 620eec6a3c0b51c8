"""The job record, its state machine, the workers' heartbeats and the scheduler's leases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zugong.core.models import OrgUnit


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


# A cancelled running job reaches CANCELLED at its next progress step (jobs/services.py).
ALLOWED: dict[str, set[str]] = {
    JobState.QUEUED: {JobState.RUNNING, JobState.CANCELLED, JobState.FAILED},
    JobState.RUNNING: {JobState.DONE, JobState.FAILED, JobState.CANCELLED},
    JobState.DONE: set(),
    JobState.FAILED: set(),
    JobState.CANCELLED: set(),
}
FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


class Job(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="jobs", verbose_name=_("发起人"))
    # The membership the owner acted through (None: all of them); the worker rebuilds the jurisdiction from it.
    membership_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(_("任务类型"), max_length=64)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("单位"))
    params = models.JSONField(default=dict)
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    error = models.TextField(_("错误"), blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    result_path = models.CharField(max_length=255, blank=True)  # under VAR_DIR/jobs, mode 0600
    result_size = models.PositiveBigIntegerField(default=0)
    # What the job found, for the page that started it to show (an import's preview); not a download.
    outcome = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["kind", "state", "-finished_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


class WorkerHeartbeat(models.Model):
    """One row per worker process, touched while it lives; /healthz reads the newest."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)


class ScheduleLease(models.Model):
    """Who enqueued a scheduled job for one due time: the unique pair lets exactly one server win."""

    name = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=255)
    claimed_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "due_at"], name="jobs_lease_once_per_due_time")]
