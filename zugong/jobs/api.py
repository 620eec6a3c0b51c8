"""JSON API of the jobs app, mounted under /api/v1/ by zugong/api.py: what the 我的任务 pages show.

A caller sees their own jobs and those of a kind whose action their role allows at the job's unit
(`selectors.jobs_visible`), as on `/jobs/<id>/`; anything else is 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema

from zugong.core.api_auth import permitted
from zugong.core.downloads import download
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.jobs import selectors, services
from zugong.jobs.kinds import kind_of
from zugong.jobs.models import Job, JobState

router = Router(tags=["jobs"])

State = Literal["queued", "running", "done", "failed", "cancelled"]


class JobOut(Schema):
    id: int
    kind: str
    kind_label: str
    state: State
    state_label: str
    done: int
    total: int
    percent: int
    message: str
    error: str
    cancel_requested: bool
    org_unit_id: int | None
    org_unit_name: str
    owner: str
    mine: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result_name: str
    result_size: int
    download_url: str | None


def job_out(job: Job, user_id: int | None) -> JobOut:
    has_file = job.state == JobState.DONE and bool(job.result_path)
    return JobOut(
        id=job.pk, kind=job.kind, kind_label=str(kind_of(job.kind).label), state=job.state,  # type: ignore[arg-type]
        state_label=str(job.get_state_display()), done=job.done, total=job.total, percent=job.percent,
        message=job.message, error=job.error, cancel_requested=job.cancel_requested,
        org_unit_id=job.org_unit_id, org_unit_name=job.org_unit.name if job.org_unit else "",
        owner=job.owner.get_username() if job.owner else "", mine=job.owner_id is not None and job.owner_id == user_id,
        created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
        result_name=job.result_name if has_file else "", result_size=job.result_size if has_file else 0,
        download_url=reverse("api-v1:job_download", args=[job.pk]) if has_file else None,
    )


@router.get("/jobs", response=list[JobOut])
def job_list(request: HttpRequest, mine: bool = False, kind: str = "", state: State | None = None,
             limit: Limit = 50, offset: Offset = 0) -> list[JobOut]:
    """The caller's jobs and the jobs of others they may see (`mine=true`: only their own), newest first."""
    jurisdiction = jurisdiction_of(request, "jobs.job_view")
    jobs = selectors.jobs_listed(jurisdiction, mine=mine, kind=kind, state=state or "")
    return [job_out(job, jurisdiction.user_id) for job in jobs[offset:offset + limit]]


@router.get("/jobs/{job_id}", response=JobOut)
def job_detail(request: HttpRequest, job_id: RowId) -> JobOut:
    jurisdiction = jurisdiction_of(request, "jobs.job_view")
    return job_out(selectors.job_get(jurisdiction, job_id), jurisdiction.user_id)


@router.post("/jobs/{job_id}/cancel", response=JobOut,
             auth=permitted("jobs.job_cancel", scope=selectors.jobs_visible, by="job_id"))
def job_cancel(request: HttpRequest, job_id: RowId) -> JobOut:
    """A queued job is cancelled at once (state `cancelled`); a running one gets `cancel_requested` and
    stops at its next progress step. A job that has ended: 409."""
    jurisdiction = jurisdiction_of(request)
    services.job_cancel(actor=actor_of(request), jurisdiction=jurisdiction, job_id=job_id)
    return job_out(selectors.job_get(jurisdiction, job_id), jurisdiction.user_id)


@router.get("/jobs/{job_id}/download", url_name="job_download",
            response={200: None}, openapi_extra={"responses": {200: {"description": "任务的结果文件",
                                                                    "content": {"application/octet-stream": {}}}}})
def job_download(request: HttpRequest, job_id: RowId) -> HttpResponse:
    """The job's result file (its name in Content-Disposition); 404 until the job is done with one."""
    data, name = selectors.job_result(jurisdiction_of(request, "jobs.job_view"), job_id)
    return download(data, name)
