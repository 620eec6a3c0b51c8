"""Pages of the jobs app: 我的任务, one job (polled by htmx until it ends), cancel, download, and
starting a rule evaluation on demand."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from zugong.core.downloads import download
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.middleware import ACTIVE_MEMBERSHIP_KEY
from zugong.core.models import OrgUnit
from zugong.core.permissions import may, permission
from zugong.core.request import AuthedRequest, is_htmx, page
from zugong.jobs import selectors, services
from zugong.jobs.forms import EvaluateForm
from zugong.jobs.kinds import kind_of
from zugong.jobs.models import Job, JobState


def start_and_show(request: AuthedRequest, *, kind: str, params: dict[str, object],
                   org_unit_id: int | None = None) -> HttpResponse:
    """What a page does instead of long work: start the job and send the person to its page."""
    org = OrgUnit.objects.filter(pk=org_unit_id).first() if org_unit_id else None
    membership = request.session.get(ACTIVE_MEMBERSHIP_KEY)
    job = services.job_start(actor=request.user, jurisdiction=request.jurisdiction, kind=kind, params=params,
                             org_unit=org or default_unit(request.jurisdiction, kind_of(kind).action),
                             membership_id=int(membership) if membership else None)
    return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


def confirm_start(request: AuthedRequest, *, title: str, message: str, back: str) -> HttpResponse:
    """What a GET does when its work is too large for the request: starting a job is a write, so it asks
    for a POST to the same address (query string included), which then calls `start_and_show`."""
    return render(request, "jobs/confirm.html", {"title": title, "message": message, "back": back,
                                                 "action": request.path + (f"?{request.GET.urlencode()}" if request.GET else "")})


def default_unit(jurisdiction: Jurisdiction, action: str) -> OrgUnit | None:
    """The unit a job belongs to when the page names none: the topmost unit where the person may start it
    (those who hold the kind's action there see the job too)."""
    roles = permission(action).roles
    units = [g.org_unit_id for g in jurisdiction.grants if g.role in roles]
    return OrgUnit.objects.filter(pk__in=units).order_by("depth", "pk").first()


def _context(request: AuthedRequest, job: Job) -> dict[str, object]:
    kind = kind_of(job.kind)
    follow_up = kind.follow_up(job) if kind.follow_up is not None and job.state == JobState.DONE else None
    return {"job": job, "label": kind.label, "may_cancel": not job.finished and not job.cancel_requested,
            "follow_up": follow_up, "follow_up_label": kind.follow_up_label}


@page(action="jobs.job_view", methods=("GET", "HEAD"))
def job_list(request: AuthedRequest) -> HttpResponse:
    jobs = list(selectors.jobs_of_owner(request.jurisdiction)[:selectors.LIST_LIMIT])
    rows = [(job, kind_of(job.kind).label) for job in jobs]
    evaluate = EvaluateForm(jurisdiction=request.jurisdiction) if may(request.jurisdiction, "rules.evaluate") else None
    return render(request, "jobs/list.html", {"rows": rows, "evaluate": evaluate})


@page(action="jobs.job_view", methods=("GET", "HEAD"))
def job_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get(request.jurisdiction, job_id)
    template = "jobs/_progress.html" if is_htmx(request) else "jobs/detail.html"
    return render(request, template, _context(request, job))


@page(action="jobs.job_cancel", methods=("POST",), scope=selectors.jobs_visible, by="job_id")
def job_cancel(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = services.job_cancel(actor=request.user, jurisdiction=request.jurisdiction, job_id=job_id)
    messages.success(request, "已取消任务" if job.state == JobState.CANCELLED else "已请求取消，任务将在下一步停止")
    return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


@page(action="jobs.job_view", methods=("GET", "HEAD"))
def job_download(request: AuthedRequest, job_id: int) -> HttpResponse:
    data, name = selectors.job_result(request.jurisdiction, job_id)
    return download(data, name)


@page(action="rules.evaluate", methods=("POST",))
def evaluate_start(request: AuthedRequest) -> HttpResponse:
    form = EvaluateForm(request.POST, jurisdiction=request.jurisdiction)
    if not form.is_valid():
        messages.error(request, "请选择管辖范围内的单位")
        return HttpResponseRedirect(reverse("jobs:list"))
    # "全部" is the person's whole jurisdiction: its topmost unit (the whole register only for a superuser).
    org = form.cleaned_data["org"] or default_unit(request.jurisdiction, "rules.evaluate")
    return start_and_show(request, kind="rules.evaluate", params={"org": org.pk if org else None},
                          org_unit_id=org.pk if org else None)
