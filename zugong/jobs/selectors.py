"""Reads of the jobs app: a person's own jobs, and one job as whoever may see it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.jobs.models import Job, JobState, WorkerHeartbeat
from zugong.jobs.services import may_see

LIST_LIMIT = 100


def jobs_of_owner(jurisdiction: Jurisdiction) -> QuerySet[Job]:
    """我的任务: the jobs the person started, newest first."""
    return (Job.objects.filter(owner_id=jurisdiction.user_id).select_related("org_unit")
            .order_by("-created_at", "-pk"))


def job_get(jurisdiction: Jurisdiction, job_id: int) -> Job:
    """One job, for its owner and for whoever holds its kind's action at its unit; anyone else: 404."""
    job = Job.objects.select_related("org_unit", "owner").filter(pk=job_id).first()
    if job is None or not may_see(jurisdiction, job):
        raise NotFound("未找到该任务，或您无权查看")
    return job


def last_heartbeat() -> datetime | None:
    return WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()


def last_evaluation() -> datetime | None:
    """When the whole register was last evaluated by a job (the scheduler's or one started on a page)."""
    return (Job.objects.filter(kind="rules.evaluate", state=JobState.DONE, finished_at__isnull=False)
            .order_by("-finished_at").values_list("finished_at", flat=True).first())
