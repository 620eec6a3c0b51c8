from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from zugong.core.errors import ValidationFailed
from zugong.jobs import kinds
from zugong.jobs.kinds import JobContext, JobKind, JobOutput, register_kind
from zugong.jobs.services import job_cancel
from zugong.jobs.tasks import jurisdiction_of_job

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def count_to(context: JobContext) -> JobOutput:
    """A test kind: counts to params["n"], a progress step each; cancels itself at params["cancel_at"]."""
    n = int(context.params["n"])
    if context.params.get("fail"):
        raise ValidationFailed("测试：参数不对")
    for i in range(1, n + 1):
        if i == context.params.get("cancel_at"):
            from zugong.jobs.models import Job

            job = Job.objects.get(pk=context.job_id)
            job_cancel(actor=job.owner, jurisdiction=jurisdiction_of_job(job), job_id=job.pk)
        context.progress(i, n)
    return JobOutput(f"counted {n}".encode(), "计数.txt", f"数到 {n}")


@pytest.fixture(autouse=True)
def counting_kind(settings: Any) -> Iterator[JobKind]:
    settings.ZUGONG_JOB_PROGRESS_SECONDS = 0
    kind = JobKind("jobs.count", "计数", "cadres.cadre_export", count_to)
    register_kind(kind)
    yield kind
    kinds._kinds.pop(kind.key, None)


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS


@pytest.fixture(autouse=True)
def _results_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
