"""Pages of the talks app: talks, the annual plan, 五必谈 triggers, interviews, statistics.

Every page goes through `zugong.core.request.page`: login, the action of the permission table (the
same action as its menu entry), and a `DomainError` turned into the Chinese 403 / 404 / 409 page.
A POST form that fails validation is rendered again with the message.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.downloads import download
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.models import OrgUnit
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page, query_int
from zugong.core.selectors import org_roots, org_unit_get
from zugong.jobs.views import confirm_start, start_and_show
from zugong.talks import selectors
from zugong.talks.access import interview_record_for, reader_for, talk_summary_for, talker_user_ids
from zugong.talks.export import stats_xlsx, talks_xlsx
from zugong.talks.forms import (
    STEP_FORMS,
    STEP_LABELS,
    FlagForm,
    InterviewForm,
    StepForm,
    SupervisionForm,
    TalkForm,
)
from zugong.talks.models import Interview, InterviewTarget, TalkKind
from zugong.talks.services.interviews import (
    STEP_ACTIONS,
    allowed_steps,
    interview_propose,
    interview_step,
    refuse_unless_allowed,
)
from zugong.talks.services.plans import talk_plan_generate
from zugong.talks.services.supervision import supervision_record
from zugong.talks.services.talks import FollowUpInput, talk_follow_up_done, talk_record
from zugong.talks.services.triggers import cadre_flag_raise, triggers_scan
from zugong.talks.stats import talk_stats

VIEW = "talks.talk_view"
INLINE_EXPORT = 2_000  # talks written into the Excel inside the request; more go to a job (no cap)


def _date_arg(request: AuthedRequest, name: str, default: date) -> date:
    raw = request.GET.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _default_org(request: AuthedRequest) -> OrgUnit:
    raw = request.GET.get("org") or request.POST.get("org") or ""
    if raw.isdigit():
        return org_unit_get(request.jurisdiction, int(raw))
    root = org_roots(request.jurisdiction).first()
    if root is None:
        raise NotFound(_("您没有任何管辖范围"))
    return root


@page(action=VIEW, methods=("GET", "HEAD"))
def talk_list(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    talks = list(selectors.talk_list(request.jurisdiction, kind=kind)[:200])
    return render(request, "talks/talk_list.html", {
        "talks": talks, "kinds": TalkKind.choices, "kind": kind,
        "may_record": may(request.jurisdiction, "talks.talk_record")})


@page(action=VIEW, methods=("GET", "HEAD", "POST"), writes="talks.talk_export")
def talk_export(request: AuthedRequest) -> HttpResponse:
    """The talks as Excel; above INLINE_EXPORT talks a job writes them all, started by the POST the GET asks for."""
    kind = request.GET.get("kind", "")
    talks = selectors.talk_list(request.jurisdiction, kind=kind)
    count = talks.count()
    if count > INLINE_EXPORT:
        if request.method != "POST":
            return confirm_start(request, title="导出谈心谈话", back=reverse("talks:talk-list"),
                                 message=f"共有 {count:,} 条谈话记录，超过 {INLINE_EXPORT:,} 条，将在后台生成 Excel，完成后可下载。")
        return start_and_show(request, kind="talks.export", params={"kind": kind})
    return download(talks_xlsx(talks, reader_for(request.jurisdiction), request.user), "talks.xlsx")


@page(action=VIEW, methods=("GET", "HEAD"))
def talk_detail(request: AuthedRequest, talk_id: int) -> HttpResponse:
    talk = selectors.talk_get(request.jurisdiction, talk_id)
    summary = talk_summary_for(reader_for(request.jurisdiction), request.user, talk)
    return render(request, "talks/talk_detail.html", {
        "talk": talk, "summary": summary, "can_read": summary is not None,
        "is_talker": request.user.pk in talker_user_ids(talk),
        "may_close": may(request.jurisdiction, "talks.talk_follow_up_done", talk.org_unit)})


@page(action="talks.talk_follow_up_done", methods=("POST",), scope=selectors.talks_visible, by="talk_id")
def follow_up_done(request: AuthedRequest, talk_id: int, follow_up_id: int) -> HttpResponse:
    talk_follow_up_done(actor=request.user, jurisdiction=request.jurisdiction, talk_id=talk_id,
                        follow_up_id=follow_up_id, done_on=timezone.localdate())
    messages.success(request, _("跟进事项已办结"))
    return HttpResponseRedirect(reverse("talks:talk-detail", args=[talk_id]))


@page(action="talks.talk_record")
def talk_new(request: AuthedRequest) -> HttpResponse:
    form = TalkForm(request.POST or None, jurisdiction=request.jurisdiction,
                    initial={"talkees": request.GET.getlist("cadre"), "kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        follow_ups = [FollowUpInput(data["follow_up_action"], data["follow_up_owner"], data["follow_up_deadline"])
                      ] if data["follow_up_action"] else []
        try:
            talk = talk_record(actor=request.user, jurisdiction=request.jurisdiction, held_on=data["held_on"],
                               kind=data["kind"], talkers=list(data["talkers"]), talkees=list(data["talkees"]),
                               place=data["place"], topics=data["topics"], summary=data["summary"],
                               follow_ups=follow_ups)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("谈话已记录"))
            return HttpResponseRedirect(reverse("talks:talk-detail", args=[talk.pk]))
    return render(request, "talks/talk_form.html", {"form": form})


@page(action=VIEW, writes="talks.talk_plan_generate")
def plan(request: AuthedRequest) -> HttpResponse:
    """GET shows the plan of a year; POST (re)generates it (the service requires talks.talk_plan_generate)."""
    org = _default_org(request)
    year = query_int(request, "year", low=2000, high=2100) or timezone.localdate().year
    if request.method == "POST":
        talk_plan_generate(actor=request.user, jurisdiction=request.jurisdiction, year=year, org_unit=org)
        messages.success(request, _("已按分工规则生成 %(year)s 年度谈话计划") % {"year": year})
        return HttpResponseRedirect(f"{reverse('talks:plan')}?org={org.pk}&year={year}")
    the_plan = selectors.plan_get(request.jurisdiction, org, year)
    coverage = selectors.plan_coverage(the_plan) if the_plan else None
    return render(request, "talks/plan.html", {
        "org": org, "year": year, "plan": the_plan, "coverage": coverage,
        "may_generate": may(request.jurisdiction, "talks.talk_plan_generate", org)})


@page(action=VIEW, writes="talks.triggers_scan")
def trigger_list(request: AuthedRequest) -> HttpResponse:
    """GET lists open triggers; POST scans the unit (the service requires talks.triggers_scan)."""
    org = _default_org(request)
    if request.method == "POST":
        result = triggers_scan(actor=request.user, jurisdiction=request.jurisdiction, org_unit=org)
        messages.success(request, _("检查完成，新增待谈事由 %(count)s 项") % {"count": sum(result.raised.values())})
        return HttpResponseRedirect(reverse("talks:trigger-list"))
    triggers = list(selectors.triggers_visible(request.jurisdiction)[:500])
    may_flag = may(request.jurisdiction, "talks.cadre_flag_raise")
    return render(request, "talks/trigger_list.html", {
        "triggers": triggers, "today": timezone.localdate(), "org": org,
        "may_scan": may(request.jurisdiction, "talks.triggers_scan", org),
        "flag_form": FlagForm(jurisdiction=request.jurisdiction) if may_flag else None})


@page(action="talks.cadre_flag_raise", methods=("POST",))
def flag_new(request: AuthedRequest) -> HttpResponse:
    form = FlagForm(request.POST, jurisdiction=request.jurisdiction)
    if not form.is_valid():
        messages.error(request, _("请选择干部和标记"))
    else:
        try:
            cadre_flag_raise(actor=request.user, jurisdiction=request.jurisdiction, cadre=form.cleaned_data["cadre"],
                             kind=form.cleaned_data["kind"], note=form.cleaned_data["note"])
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已标记，谈话事由已生成"))
    return HttpResponseRedirect(reverse("talks:trigger-list"))


@page(action=VIEW, writes="talks.supervision_record")
def supervision_list(request: AuthedRequest) -> HttpResponse:
    """GET lists 提醒/函询/诫勉; POST records one (the service requires talks.supervision_record)."""
    jurisdiction = request.jurisdiction
    may_record = may(jurisdiction, "talks.supervision_record")
    form = SupervisionForm(request.POST or None, jurisdiction=jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            supervision_record(actor=request.user, jurisdiction=jurisdiction, cadre=data["cadre"], kind=data["kind"],
                               issued_on=data["issued_on"], matter=data["matter"],
                               response_due_on=data["response_due_on"])
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录"))
            return HttpResponseRedirect(reverse("talks:supervision-list"))
    reader = reader_for(jurisdiction)
    actions = [(a, reader.covers(a.org_unit.path)) for a in selectors.supervision_visible(jurisdiction)[:300]]
    return render(request, "talks/supervision_list.html", {
        "actions": actions, "form": form if may_record or request.method == "POST" else None})


@page(action=VIEW, methods=("GET", "HEAD"))
def interview_list(request: AuthedRequest) -> HttpResponse:
    interviews = list(selectors.interviews_visible(request.jurisdiction)[:300])
    return render(request, "talks/interview_list.html", {
        "interviews": interviews, "may_propose": may(request.jurisdiction, "talks.interview_propose")})


@page(action="talks.interview_propose")
def interview_new(request: AuthedRequest) -> HttpResponse:
    form = InterviewForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        is_team = data["target_kind"] == InterviewTarget.TEAM
        try:
            interview = interview_propose(
                actor=request.user, jurisdiction=request.jurisdiction, target_kind=data["target_kind"],
                team=data["team"], team_head=data["cadre"] if is_team else None,
                cadre=None if is_team else data["cadre"], situations=list(data["situations"]),
                proposed_on=data["proposed_on"], proposing_office=data["proposing_office"], reason=data["reason"])
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("约谈建议已提出，报部主要负责人审批"))
            return HttpResponseRedirect(reverse("talks:interview-detail", args=[interview.pk]))
    return render(request, "talks/interview_form.html", {"form": form})


def _render_interview(request: AuthedRequest, interview: Interview, bound: StepForm | None = None,
                      status: int = 200) -> HttpResponse:
    """The interview with a form for each step the state machine allows now and the person may take."""
    record = interview_record_for(reader_for(request.jurisdiction), request.user, interview)
    steps = [s for s in allowed_steps(interview) if may(request.jurisdiction, STEP_ACTIONS[s], interview.org_unit)]
    forms = [(s, STEP_LABELS[s], bound if bound is not None and bound.step == s
              else STEP_FORMS[s](jurisdiction=request.jurisdiction)) for s in steps]
    return render(request, "talks/interview_detail.html", {
        "interview": interview, "record": record, "steps": forms}, status=status)


@page(action=VIEW, methods=("GET", "HEAD"))
def interview_detail(request: AuthedRequest, interview_id: int) -> HttpResponse:
    return _render_interview(request, selectors.interview_get(request.jurisdiction, interview_id))


@page(action=VIEW, methods=("POST",), writes=STEP_ACTIONS, key="step", scope=selectors.interviews_visible,
      by="interview_id")
def interview_step_post(request: AuthedRequest, interview_id: int, step: str) -> HttpResponse:
    """One step; the service checks the step's own action. A refused transition is the 409 page."""
    interview = selectors.interview_get(request.jurisdiction, interview_id)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise NotFound(_("未知的约谈步骤"))
    refuse_unless_allowed(interview, step)
    form = form_class(request.POST, jurisdiction=request.jurisdiction)
    if form.is_valid():
        try:
            interview_step(actor=request.user, jurisdiction=request.jurisdiction, interview_id=interview.pk,
                           step=step, data=form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已%(step)s") % {"step": STEP_LABELS[step]})
            return HttpResponseRedirect(reverse("talks:interview-detail", args=[interview.pk]))
    return _render_interview(request, interview, bound=form, status=400)


def _stats_args(request: AuthedRequest) -> tuple[OrgUnit, date, date]:
    org = _default_org(request)
    today = timezone.localdate()
    start = _date_arg(request, "from", date(today.year, 1, 1))
    end = _date_arg(request, "to", today)
    return org, start, max(start, end)


@page(action=VIEW, methods=("GET", "HEAD"))
def stats(request: AuthedRequest) -> HttpResponse:
    org, start, end = _stats_args(request)
    result = talk_stats(org, start, end)
    chart = {"labels": [label for label, _n in result.by_unit[:20]], "values": [n for _l, n in result.by_unit[:20]]}
    by_kind = [(TalkKind(k).label, n) for k, n in result.by_kind.items()]
    return render(request, "talks/stats.html", {"stats": result, "org": org, "chart": chart, "by_kind": by_kind})


@page(action=VIEW, methods=("GET", "HEAD"))
def stats_export(request: AuthedRequest) -> HttpResponse:
    org, start, end = _stats_args(request)
    return download(stats_xlsx(talk_stats(org, start, end)), "talk-stats.xlsx")
