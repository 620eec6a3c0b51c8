"""The one task on the queue: run a recorded job. django-tasks' database backend stores it; any worker
(`zugong worker`, or the one `zugong run` starts) takes it up."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django_tasks import task

from zugong.core.errors import DomainError
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.permissions import SYSTEM
from zugong.jobs.kinds import JobCancelled, JobContext, kind_of
from zugong.jobs.models import Job
from zugong.jobs.services import job_begin, job_fail, job_finish, job_stopped

logger = logging.getLogger("zugong.jobs")


def jurisdiction_of_job(job: Job) -> Jurisdiction:
    """The owner's jurisdiction as it is now (a revoked membership no longer counts); the system's for None."""
    if job.owner_id is None:
        return SYSTEM
    owner = User.objects.get(pk=job.owner_id)
    if not owner.is_active:
        return jurisdiction_for(None)
    return jurisdiction_for(owner, job.membership_id)


def execute(job_id: int) -> str:
    job = job_begin(job_id=job_id)
    if job is None:
        return "skipped"
    context = JobContext(job_id=job.pk, actor=job.owner, jurisdiction=jurisdiction_of_job(job), params=job.params,
                         min_interval=float(getattr(settings, "ZUGONG_JOB_PROGRESS_SECONDS", 0.5)))
    try:
        output = kind_of(job.kind).run(context)
    except JobCancelled:
        job_stopped(job_id=job.pk)
        return "cancelled"
    except DomainError as exc:
        job_fail(job_id=job.pk, error=exc.message)
        return "failed"
    except Exception as exc:
        # Recorded in Chinese for the job page, then re-raised so the task result keeps the traceback.
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job_fail(job_id=job.pk, error=f"任务执行出错（{type(exc).__name__}），请联系管理员查看日志")
        raise
    job_finish(job_id=job.pk, output=output)
    return "done"


@task()
def run_job(job_id: int) -> str:
    return execute(job_id)
