"""Reads of the jobs app: a person's own jobs, and one job as whoever may see it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, minimal_roots
from zugong.core.orgtree import subtree_q
from zugong.core.permissions import permission
from zugong.jobs.files import result_read
from zugong.jobs.kinds import kinds
from zugong.jobs.models import Job, JobState, WorkerHeartbeat
from zugong.jobs.services import may_see

LIST_LIMIT = 100


def jobs_of_owner(jurisdiction: Jurisdiction) -> QuerySet[Job]:
    """我的任务: the jobs the person started, newest first."""
    return (Job.objects.filter(owner_id=jurisdiction.user_id).select_related("org_unit")
            .order_by("-created_at", "-pk"))


def jobs_visible(jurisdiction: Jurisdiction) -> QuerySet[Job]:
    """Every job the person may see, as `services.may_see` decides for one: their own, and those of a kind
    whose action one of their roles allows at the job's unit (a system job, with no unit: superusers)."""
    jobs = Job.objects.select_related("org_unit", "owner")
    if jurisdiction.is_superuser:
        return jobs
    if jurisdiction.user_id is None:
        return jobs.none()
    by_action: dict[str, list[str]] = {}
    for kind in kinds():
        by_action.setdefault(kind.action, []).append(kind.key)
    seen = Q(owner_id=jurisdiction.user_id)
    for action, keys in by_action.items():
        roles = permission(action).roles
        paths = minimal_roots(g.path for g in jurisdiction.grants if g.role in roles)
        if paths:
            units = Q()
            for path in paths:
                units |= subtree_q(path, "org_unit__")
            seen |= Q(kind__in=keys) & units
    return jobs.filter(seen)


def jobs_listed(jurisdiction: Jurisdiction, *, mine: bool = False, kind: str = "",
                state: str = "") -> QuerySet[Job]:
    """The API's list: what the person may see (`mine`: only what they started), newest first."""
    jobs = jobs_of_owner(jurisdiction) if mine else jobs_visible(jurisdiction).order_by("-created_at", "-pk")
    if kind:
        jobs = jobs.filter(kind=kind)
    if state:
        jobs = jobs.filter(state=state)
    return jobs


def job_get(jurisdiction: Jurisdiction, job_id: int) -> Job:
    """One job, for its owner and for whoever holds its kind's action at its unit; anyone else: 404."""
    job = Job.objects.select_related("org_unit", "owner").filter(pk=job_id).first()
    if job is None or not may_see(jurisdiction, job):
        raise NotFound("未找到该任务，或您无权查看")
    return job


def job_result(jurisdiction: Jurisdiction, job_id: int) -> tuple[bytes, str]:
    """The result file of a job the person may see, and its name; 404 until the job is done with one."""
    job = job_get(jurisdiction, job_id)
    if job.state != JobState.DONE or not job.result_path:
        raise NotFound("该任务没有可下载的文件")
    try:
        return result_read(job.result_path), job.result_name
    except FileNotFoundError:
        raise NotFound("结果文件已不存在，请重新运行任务") from None


def last_heartbeat() -> datetime | None:
    return WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()


def last_evaluation() -> datetime | None:
    """When the whole register was last evaluated by a job (the scheduler's or one started on a page)."""
    return (Job.objects.filter(kind="rules.evaluate", state=JobState.DONE, finished_at__isnull=False)
            .order_by("-finished_at").values_list("finished_at", flat=True).first())
