"""Writes of the jobs app: start, progress, finish, fail, cancel (audited), and the workers' heartbeats.

`job_start` is what a page calls instead of doing long work in the request: it records the job and,
once the transaction commits, enqueues `tasks.run_job` on the task queue (django-tasks). The worker
then calls `job_begin`, the kind's `run`, and `job_finish` / `job_fail` / `job_stopped`.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, may, require
from zugong.jobs.files import result_delete, result_write
from zugong.jobs.kinds import JobOutput, kind_of
from zugong.jobs.locks import lock_job
from zugong.jobs.models import ALLOWED, Job, JobState, WorkerHeartbeat

logger = logging.getLogger("zugong.jobs")


def _transition(job: Job, to: str) -> None:
    if to not in ALLOWED[job.state]:
        raise IllegalTransition(f"任务状态为“{job.get_state_display()}”，不能再变为“{JobState(to).label}”")
    job.state = to


def _enqueue(job_id: int) -> None:
    from zugong.jobs.tasks import run_job

    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id))


@transaction.atomic
def job_start(*, actor: Actor, jurisdiction: Jurisdiction, kind: str, params: dict[str, Any] | None = None,
              org_unit: OrgUnit | None = None, membership_id: int | None = None) -> Job:
    """Record a job of `kind` and enqueue it once this transaction commits."""
    job_kind = kind_of(kind)
    require(jurisdiction, job_kind.action, org_unit)
    job = Job.objects.create(owner=actor, membership_id=membership_id, kind=kind, org_unit=org_unit,
                             params=params or {})
    audit_record(actor=actor, action="jobs.job_start", obj=job, org_unit=org_unit,
                 summary={"kind": kind, "params": job.params})
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


@transaction.atomic
def job_begin(*, job_id: int) -> Job | None:
    """The worker takes the job up; None when it was cancelled (or finished) before it started."""
    job = lock_job(job_id)
    if job.state != JobState.QUEUED:
        return None
    _transition(job, JobState.RUNNING)
    job.started_at = timezone.now()
    job.save(update_fields=["state", "started_at"])
    return job


def job_progress(*, job_id: int, done: int, total: int | None = None, message: str = "") -> bool:
    """Record how far a running job got; True when its cancel was requested (the worker stops there)."""
    changes: dict[str, Any] = {"done": done}
    if total is not None:
        changes["total"] = total
    if message:
        changes["message"] = message[:500]
    with transaction.atomic():
        Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(**changes)
        return Job.objects.filter(pk=job_id, cancel_requested=True).exists()


@transaction.atomic
def job_finish(*, job_id: int, output: JobOutput) -> Job:
    job = lock_job(job_id)
    _transition(job, JobState.DONE)
    fields = ["state", "finished_at", "done", "message"]
    if output.outcome is not None:
        job.outcome = output.outcome
        fields.append("outcome")
    if output.data is not None:
        job.result_path = result_write(output.data, output.filename)
        job.result_name, job.result_size = output.filename, len(output.data)
        fields += ["result_path", "result_name", "result_size"]
    job.finished_at = timezone.now()
    job.done = max(job.done, job.total)
    job.message = output.message[:500]
    job.save(update_fields=fields)
    audit_record(actor=job.owner, action="jobs.job_finish", obj=job, org_unit=job.org_unit,
                 summary={"kind": job.kind, "result": job.result_name, "size": job.result_size})
    return job


@transaction.atomic
def job_fail(*, job_id: int, error: str) -> Job:
    """The job could not be done; `error` is the Chinese sentence its page shows."""
    job = lock_job(job_id)
    _transition(job, JobState.FAILED)
    job.error, job.finished_at = error, timezone.now()
    job.save(update_fields=["state", "error", "finished_at"])
    audit_record(actor=job.owner, action="jobs.job_fail", obj=job, org_unit=job.org_unit,
                 summary={"kind": job.kind, "error": error})
    return job


@transaction.atomic
def job_stopped(*, job_id: int) -> Job:
    """A running job reached a progress step after its cancel was requested."""
    job = lock_job(job_id)
    _transition(job, JobState.CANCELLED)
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "finished_at"])
    return job


def may_see(jurisdiction: Jurisdiction, job: Job) -> bool:
    """The owner, and those whose roles at the job's unit allow its kind (a system job: superusers)."""
    if job.owner_id is not None and job.owner_id == jurisdiction.user_id:
        return True
    if job.org_unit is None:
        return jurisdiction.is_superuser
    return may(jurisdiction, kind_of(job.kind).action, job.org_unit)


@transaction.atomic
def job_cancel(*, actor: Actor, jurisdiction: Jurisdiction, job_id: int) -> Job:
    """A queued job is cancelled at once; a running one stops at its next progress step."""
    job = lock_job(job_id)
    if not may_see(jurisdiction, job):
        raise NotFound("未找到该任务")
    if job.owner_id != jurisdiction.user_id and not jurisdiction.is_superuser:
        require(jurisdiction, kind_of(job.kind).action, job.org_unit)
    if job.state == JobState.QUEUED:
        _transition(job, JobState.CANCELLED)
        job.finished_at = timezone.now()
    elif job.state == JobState.RUNNING:
        if job.cancel_requested:
            raise IllegalTransition("已请求取消，任务将在下一步停止")
        job.cancel_requested = True
    else:
        raise IllegalTransition(f"任务状态为“{job.get_state_display()}”，不能取消")
    job.save(update_fields=["state", "finished_at", "cancel_requested"])
    audit_record(actor=actor, action="jobs.job_cancel", obj=job, org_unit=job.org_unit,
                 summary={"kind": job.kind, "state": job.state})
    return job


def heartbeat_beat(*, worker_id: str, started_at: Any = None) -> WorkerHeartbeat:
    """Touch this worker's heartbeat row (not audited: it is liveness, not data)."""
    now = timezone.now()
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": now, "host": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={"last_seen": now, "host": socket.gethostname()[:255], "pid": os.getpid(),
                         "started_at": started_at or now})
    return beat



def _uuid(raw: str) -> uuid.UUID | None:
    """The database backend's task ids are UUIDs; the immediate backend's are not (and never orphaned)."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def jobs_orphaned_fail(*, stale_after: timedelta) -> list[int]:
    """Fail the running jobs whose worker stopped beating (killed, machine lost): they would show
    "进行中" forever. The job's worker is the last one that claimed its task."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - stale_after
    running = [(pk, task) for pk, raw in Job.objects.filter(state=JobState.RUNNING).exclude(task_id="")
               .values_list("pk", "task_id") if (task := _uuid(raw)) is not None]
    if not running:
        return []
    workers = dict(DBTaskResult.objects.filter(id__in=[t for _pk, t in running]).values_list("id", "worker_ids"))
    alive = set(WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).values_list("worker_id", flat=True))
    failed = []
    for pk, task_id in running:
        claimed_by = workers.get(task_id) or []
        if claimed_by and claimed_by[-1] not in alive:
            job_fail(job_id=pk, error="执行该任务的后台进程已停止，任务未完成，请重新运行")
            failed.append(pk)
    return failed


def job_results_prune(*, older_than: timedelta) -> int:
    """Delete the result files of jobs that ended before `older_than` ago (they can be made again)."""
    cutoff = timezone.now() - older_than
    old = list(Job.objects.filter(finished_at__lt=cutoff).exclude(result_path="").values_list("pk", "result_path"))
    for _pk, path in old:
        result_delete(path)
    Job.objects.filter(pk__in=[pk for pk, _path in old]).update(result_path="", result_size=0)
    return len(old)
