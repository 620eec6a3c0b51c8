from __future__ import annotations

from zugong.core.errors import NotFound
from zugong.jobs.models import Job


def lock_job(job_id: int) -> Job:
    job = Job.objects.select_for_update(of=("self",)).filter(pk=job_id).first()
    if job is None:
        raise NotFound("未找到该任务")
    return job
