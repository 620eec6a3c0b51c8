"""Pages of the talks app: talks, the annual plan, 五必谈 triggers, interviews, statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zugong.core.errors import DomainError, NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.request import actor_of
from zugong.core.selectors import org_roots
from zugong.talks import selectors
from zugong.talks.access import interview_record_for, reader_for, talk_summary_for, talker_user_ids
from zugong.talks.api import run_step
from zugong.talks.export import stats_xlsx, talks_xlsx
from zugong.talks.forms import FlagForm, InterviewForm, StepForm, SupervisionForm, TalkForm
from zugong.talks.models import InterviewStatus, InterviewTarget, TalkKind
from zugong.talks.services import (
    FollowUpInput,
    cadre_flag_raise,
    interview_propose,
    supervision_record,
    talk_follow_up_done,
    talk_plan_generate,
    talk_record,
    triggers_scan,
)
from zugong.talks.services.interviews import next_states
from zugong.talks.stats import talk_stats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
View = Callable[..., HttpResponse]


def domain_404(view: View) -> View:
    """Out of jurisdiction is a 404 page, never a 403 (the record's existence is not disclosed)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return login_required(wrapped)


def _jurisdiction(request: HttpRequest) -> Jurisdiction:
    return request.jurisdiction  # type: ignore[attr-defined,no-any-return]


def _date_arg(request: HttpRequest, name: str, default: date) -> date:
    raw = request.GET.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _default_org(request: HttpRequest) -> OrgUnit:
    jurisdiction = _jurisdiction(request)
    raw = request.GET.get("org") or request.POST.get("org") or ""
    if raw.isdigit():
        return selectors.org_unit_in(jurisdiction, int(raw))
    root = org_roots(jurisdiction).first()
    if root is None:
        raise NotFound("您没有任何管辖范围")
    return root


@domain_404
def talk_list(request: HttpRequest) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    kind = request.GET.get("kind", "")
    talks = list(selectors.talk_list(jurisdiction, kind=kind)[:200])
    return render(request, "talks/talk_list.html", {"talks": talks, "kinds": TalkKind.choices, "kind": kind})


@domain_404
def talk_export(request: HttpRequest) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    talks = selectors.talk_list(jurisdiction, kind=request.GET.get("kind", ""))[:5000]
    body = talks_xlsx(talks, reader_for(jurisdiction), actor_of(request))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="talks.xlsx"'
    return response


@domain_404
def talk_detail(request: HttpRequest, talk_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    talk = selectors.talk_get(jurisdiction, talk_id)
    summary = talk_summary_for(reader_for(jurisdiction), actor_of(request), talk)
    return render(request, "talks/talk_detail.html", {
        "talk": talk, "summary": summary, "can_read": summary is not None,
        "is_talker": request.user.pk in talker_user_ids(talk)})


@domain_404
@require_POST
def follow_up_done(request: HttpRequest, talk_id: int, follow_up_id: int) -> HttpResponse:
    talk = selectors.talk_get(_jurisdiction(request), talk_id)
    follow_up = next((f for f in talk.follow_ups.all() if f.pk == follow_up_id), None)
    if follow_up is None:
        raise NotFound("未找到该跟进事项")
    try:
        talk_follow_up_done(actor=actor_of(request), follow_up=follow_up, done_on=timezone.localdate())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "跟进事项已办结")
    return HttpResponseRedirect(reverse("talks:talk-detail", args=[talk.pk]))


@domain_404
def talk_new(request: HttpRequest) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    form = TalkForm(request.POST or None, jurisdiction=jurisdiction,
                    initial={"talkees": request.GET.getlist("cadre"), "kind": request.GET.get("kind", "annual")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        follow_ups = [FollowUpInput(data["follow_up_action"], data["follow_up_owner"], data["follow_up_deadline"])
                      ] if data["follow_up_action"] else []
        try:
            talk = talk_record(actor=actor_of(request), held_on=data["held_on"], kind=data["kind"],
                               talkers=list(data["talkers"]), talkees=list(data["talkees"]), place=data["place"],
                               topics=data["topics"], summary=data["summary"], follow_ups=follow_ups)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "谈话已记录")
            return HttpResponseRedirect(reverse("talks:talk-detail", args=[talk.pk]))
    return render(request, "talks/talk_form.html", {"form": form})


@domain_404
def plan(request: HttpRequest) -> HttpResponse:
    org = _default_org(request)
    year = int(request.GET.get("year") or timezone.localdate().year)
    if request.method == "POST":
        try:
            talk_plan_generate(actor=actor_of(request), year=year, org_unit=org)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已按分工规则生成 {year} 年度谈话计划")
        return HttpResponseRedirect(f"{reverse('talks:plan')}?org={org.pk}&year={year}")
    the_plan = selectors.plan_get(_jurisdiction(request), org, year)
    coverage = selectors.plan_coverage(the_plan) if the_plan else None
    return render(request, "talks/plan.html", {"org": org, "year": year, "plan": the_plan, "coverage": coverage})


@domain_404
def trigger_list(request: HttpRequest) -> HttpResponse:
    org = _default_org(request)
    if request.method == "POST":
        try:
            result = triggers_scan(actor=actor_of(request), org_unit=org)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"检查完成，新增待谈事由 {sum(result.raised.values())} 项")
        return HttpResponseRedirect(reverse("talks:trigger-list"))
    triggers = list(selectors.triggers_visible(_jurisdiction(request))[:500])
    return render(request, "talks/trigger_list.html", {
        "triggers": triggers, "today": timezone.localdate(), "org": org,
        "flag_form": FlagForm(jurisdiction=_jurisdiction(request))})


@require_POST
@domain_404
def flag_new(request: HttpRequest) -> HttpResponse:
    form = FlagForm(request.POST, jurisdiction=_jurisdiction(request))
    if not form.is_valid():
        messages.error(request, "请选择干部和标记")
    else:
        try:
            cadre_flag_raise(actor=actor_of(request), cadre=form.cleaned_data["cadre"],
                             kind=form.cleaned_data["kind"], note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已标记，谈话事由已生成")
    return HttpResponseRedirect(reverse("talks:trigger-list"))


@domain_404
def supervision_list(request: HttpRequest) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    form = SupervisionForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            supervision_record(actor=actor_of(request), cadre=data["cadre"], kind=data["kind"],
                               issued_on=data["issued_on"], matter=data["matter"],
                               response_due_on=data["response_due_on"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已记录")
            return HttpResponseRedirect(reverse("talks:supervision-list"))
    reader = reader_for(jurisdiction)
    actions = [(a, reader.covers(a.org_unit.path)) for a in selectors.supervision_visible(jurisdiction)[:300]]
    return render(request, "talks/supervision_list.html", {"actions": actions, "form": form})


@domain_404
def interview_list(request: HttpRequest) -> HttpResponse:
    interviews = list(selectors.interviews_visible(_jurisdiction(request))[:300])
    return render(request, "talks/interview_list.html", {"interviews": interviews})


@domain_404
def interview_new(request: HttpRequest) -> HttpResponse:
    form = InterviewForm(request.POST or None, jurisdiction=_jurisdiction(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        is_team = data["target_kind"] == InterviewTarget.TEAM
        try:
            interview = interview_propose(
                actor=actor_of(request), target_kind=data["target_kind"], team=data["team"],
                team_head=data["cadre"] if is_team else None, cadre=None if is_team else data["cadre"],
                situations=list(data["situations"]), proposed_on=data["proposed_on"],
                proposing_office=data["proposing_office"], reason=data["reason"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return HttpResponseRedirect(reverse("talks:interview-detail", args=[interview.pk]))
    return render(request, "talks/interview_form.html", {"form": form})


STEP_FOR_STATUS: dict[str, str] = {InterviewStatus.APPROVED: "approve", InterviewStatus.REJECTED: "reject",
                   InterviewStatus.NOTICE_SENT: "notice", InterviewStatus.HELD: "hold",
                   InterviewStatus.FOLLOW_UP: "follow-up", InterviewStatus.ASSESSED: "assess"}
STEP_LABEL = {"approve": "批准", "reject": "不予批准", "notice": "发出预告", "hold": "登记约谈",
              "follow-up": "登记后续工作", "report": "登记书面报告", "assess": "评估"}


@domain_404
def interview_detail(request: HttpRequest, interview_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    interview = selectors.interview_get(jurisdiction, interview_id)
    record = interview_record_for(reader_for(jurisdiction), actor_of(request), interview)
    steps = [STEP_FOR_STATUS[s] for s in next_states(interview.status)]
    if interview.status == InterviewStatus.FOLLOW_UP and interview.target_kind != InterviewTarget.TEAM \
            and interview.report_submitted_on is None:
        steps.insert(0, "report")
    return render(request, "talks/interview_detail.html", {
        "interview": interview, "record": record, "steps": [(s, STEP_LABEL[s]) for s in steps],
        "form": StepForm(initial={"on": timezone.localdate()})})


@require_POST
@domain_404
def interview_step(request: HttpRequest, interview_id: int, step: str) -> HttpResponse:
    interview = selectors.interview_get(_jurisdiction(request), interview_id)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写日期")
    else:
        try:
            run_step(actor_of(request), interview, step, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
            if exc.status == 409:
                return render(request, "talks/interview_refused.html",
                              {"interview": interview, "message": exc.message}, status=409)
        else:
            messages.success(request, f"已{STEP_LABEL.get(step, step)}")
    return HttpResponseRedirect(reverse("talks:interview-detail", args=[interview.pk]))


def _stats_args(request: HttpRequest) -> tuple[OrgUnit, date, date]:
    org = _default_org(request)
    today = timezone.localdate()
    start = _date_arg(request, "from", date(today.year, 1, 1))
    end = _date_arg(request, "to", today)
    return org, start, max(start, end)


@domain_404
def stats(request: HttpRequest) -> HttpResponse:
    org, start, end = _stats_args(request)
    result = talk_stats(org, start, end)
    chart = {"labels": [label for label, _ in result.by_unit[:20]], "values": [n for _, n in result.by_unit[:20]]}
    by_kind = [(TalkKind(k).label, n) for k, n in result.by_kind.items()]
    return render(request, "talks/stats.html", {"stats": result, "org": org, "chart": chart, "by_kind": by_kind})


@domain_404
def stats_export(request: HttpRequest) -> HttpResponse:
    org, start, end = _stats_args(request)
    response = HttpResponse(stats_xlsx(talk_stats(org, start, end)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="talk-stats.xlsx"'
    return response
