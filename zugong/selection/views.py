"""Pages of the selection app: the problem archive, the selection list, one selection as a flow with the
form of its current stage, signing, stopping, and the trace-back report (倒查)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError, NotFound, ValidationFailed
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.selection import access, selectors
from zugong.selection import forms as f
from zugong.selection.flow import open_audit_errors, selection_trace, shortlist_preview, stage_flow
from zugong.selection.forms_reports import ReviewForm
from zugong.selection.models import (
    ProblemSource,
    ProblemStatus,
    PublicityReportStatus,
    RecommendationKind,
    Selection,
    Stage,
)
from zugong.selection.review_reference import review_reference
from zugong.selection.services import problems
from zugong.selection.services import selections as svc

PAGE_SIZE = 50


def _fail(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- the problem archive ----------------------------------------------------------------------------

@page(action="selection.problem_view", methods=("GET",))
def problem_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ProblemStatus.values else ""
    source = request.GET.get("source", "")
    source = source if source in ProblemSource.values else ""
    rows = selectors.problem_list(request.jurisdiction, status=status, source=source)
    return render(request, "selection/problem_list.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), "status": status,
        "source": source, "statuses": ProblemStatus.choices, "sources": ProblemSource.choices,
        "may_record": may(request.jurisdiction, "selection.problem_record")})


@page(action="selection.problem_record")
def problem_new(request: AuthedRequest) -> HttpResponse:
    form = f.ProblemForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = problems.problem_record(
                actor=request.user, jurisdiction=request.jurisdiction, cadre=d["cadre"], source=d["source"],
                received_on=d["received_on"], summary=d["summary"], document_number=d["document_number"],
                petition_id=d["petition"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("问题信息已登记"))
            return HttpResponseRedirect(reverse("selection:problem", args=[entry.pk]))
    return render(request, "selection/form.html", {"form": form, "title": _("登记问题信息")})


@page(action="selection.problem_view", methods=("GET",))
def problem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.problem_get(request.jurisdiction, pk)
    return render(request, "selection/problem_detail.html", {
        "entry": entry, "summary": access.summary_for(request.jurisdiction, request.user, entry),
        "mask": access.MASK, "form": f.ProblemTransitionForm(),
        "next_states": [(s, ProblemStatus(s).label) for s in entry.next_states()],
        "may_transition": may(request.jurisdiction, "selection.problem_transition", entry.org_unit),
        # the petition record it came from: a link for those who may read petitions there
        "petition_link": entry.petition is not None and may(request.jurisdiction, "masswork.petition_view",
                                                            entry.petition.org_unit)})


@page(action="selection.problem_transition", methods=("POST",), scope=selectors.problems_visible, by="pk")
def problem_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.problem_get(request.jurisdiction, pk)
    form = f.ProblemTransitionForm(request.POST)
    form.is_valid()
    problems.problem_transition(actor=request.user, jurisdiction=request.jurisdiction, entry_id=pk,
                                to=request.POST.get("to", ""), handling=form.cleaned_data.get("handling", ""),
                                conclusion=form.cleaned_data.get("conclusion", ""))
    messages.success(request, _("状态已更新"))
    return HttpResponseRedirect(reverse("selection:problem", args=[pk]))


# --- selections -------------------------------------------------------------------------------------

@page(action="selection.selection_view", methods=("GET",))
def selection_list(request: AuthedRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    rows = selectors.selection_list(request.jurisdiction, stage=stage)
    return render(request, "selection/list.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), "stage": stage,
        "stages": Stage.choices, "may_open": may(request.jurisdiction, "selection.selection_open")})


@page(action="selection.selection_open")
def selection_new(request: AuthedRequest) -> HttpResponse:
    form = f.SelectionForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        try:
            selection = svc.selection_open(actor=request.user, jurisdiction=request.jurisdiction, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("动议已登记，下一环节：民主推荐"))
            return HttpResponseRedirect(reverse("selection:detail", args=[selection.pk]))
    return render(request, "selection/form.html", {"form": form, "title": _("动议：启动选拔任用")})


def _stage_forms(request: AuthedRequest, selection: Selection, bound: dict[str, forms.Form]) -> dict[str, Any]:
    """The forms the current stage asks for (a bound one, with its errors, when it was just posted)."""
    j = request.jurisdiction
    candidates = [c for c in selection.candidates.all() if c.status == "shortlisted"]
    makers: dict[str, dict[str, Callable[[], forms.Form]]] = {
        Stage.RECOMMENDATION: {"votes": lambda: f.VoteForm(jurisdiction=j),
                               "signed": lambda: f.SignedRecommendationForm(jurisdiction=j),
                               "recommendation": lambda: f.RecommendationForm()},
        Stage.SHORTLIST: {"candidates": lambda: f.CandidateForm(jurisdiction=j)},
        Stage.INVESTIGATION: {"investigation": lambda: f.InvestigationForm(candidates=candidates)},
        Stage.CONSULTATION: {"consultation": lambda: f.ConsultationForm(candidates=candidates)},
        Stage.DECISION: {"decision": lambda: f.DecisionForm(candidates=candidates)},
        Stage.PUBLICITY: {"publicity": lambda: f.PublicityForm()},
        Stage.APPOINTMENT: {"appointment": lambda: f.AppointmentForm()},
    }
    return {step: bound.get(step) or make() for step, make in makers.get(selection.stage, {}).items()}


def _detail(request: AuthedRequest, pk: int, bound: dict[str, forms.Form] | None = None,
            status: int = 200) -> HttpResponse:
    selection = selectors.selection_get(request.jurisdiction, pk)
    may_advance = may(request.jurisdiction, "selection.selection_advance", selection.org_unit)
    return render(request, "selection/detail.html", {
        "selection": selection, "flow": stage_flow(selection),
        "forms": _stage_forms(request, selection, bound or {}) if may_advance else {},
        "may_sign": may(request.jurisdiction, "selection.stage_sign", selection.org_unit),
        "may_attach": may(request.jurisdiction, "selection.stage_attach", selection.org_unit),
        "files_form": f.StageFilesForm(),
        "vote_kinds": RecommendationKind.choices,
        "may_remove_file": may(request.jurisdiction, "selection.stage_file_remove", selection.org_unit),
        "may_stop": may(request.jurisdiction, "selection.selection_stop", selection.org_unit) and not selection.is_final,
        "sign_form": f.SignForm(), "stop_form": f.StopForm(),
        **_shortlist_context(request, selection),
        "audit_errors": [e for rows in open_audit_errors(selection).values() for e in rows],
        "may_sign_off": may(request.jurisdiction, "selection.audit_sign_off", selection.org_unit),
        "due": svc.appointment_due(selection) if selection.stage == Stage.APPOINTMENT else None,
        "report_rows": _report_rows(selection),
        "reviewable": {r.pk for r in selection.plan_reviews.all()
                       if may(request.jurisdiction, "selection.plan_review", r.reviewer_unit)},
        "review_form": ReviewForm(),
        "may_submit_plan": _may_submit_plan(request, selection),
        "may_check_reports": may(request.jurisdiction, "selection.report_check", selection.org_unit),
        **_publicity_context(request, selection, (bound or {}).get("publicity_report")),
    }, status=status)


def _shortlist_context(request: AuthedRequest, selection: Selection) -> dict[str, Any]:
    """The candidate step's rows with the gates' answers, and beside them (and beside each candidate) where the
    cadre stood in the latest published 群众评议: a reference, not a gate."""
    rows = shortlist_preview(selection, timezone.localdate())
    candidates = list(selection.candidates.all())
    reference = review_reference(request.jurisdiction, selection) if rows or candidates else None
    standing = reference.standing if reference else {}
    return {"shortlist": [(r, standing.get(r.cadre_id)) for r in rows], "review_reference": reference,
            "candidate_refs": [(c, standing.get(c.cadre_id)) for c in candidates]}


def _publicity_context(request: AuthedRequest, selection: Selection, bound: forms.Form | None) -> dict[str, Any]:
    """任前公示's reports: each with its content where the reader may see it (logged), the form to register one
    while the period runs (at 任职, before the appointment), and the checking forms."""
    j = request.jurisdiction
    reports = list(selection.publicity_reports.all())
    contents = access.publicity_contents_for(j, request.user, selection, reports, channel="web")
    running = selection.stage == Stage.APPOINTMENT
    passed = [c for c in selection.candidates.all() if c.status == "passed"]
    may_record = running and may(j, "selection.publicity_report_record", selection.org_unit)
    return {
        "publicity_reports": [(r, contents[r.pk], [(s, PublicityReportStatus(s).label) for s in r.next_states()],
                               f.PublicityReportTransitionForm(auto_id=f"id_pr{r.pk}_%s")) for r in reports],
        "publicity_form": (bound or f.PublicityReportForm(candidates=passed, auto_id="id_pr_%s")) if may_record else None,
        "may_check_publicity": running and may(j, "selection.publicity_report_check", selection.org_unit),
        "mask": access.MASK}


def _may_submit_plan(request: AuthedRequest, selection: Selection) -> bool:
    """报备 is offered at 民主推荐 while no review is pending or agreed."""
    if not selection.requires_report or selection.stage != Stage.RECOMMENDATION:
        return False
    reviews = list(selection.plan_reviews.all())
    latest = reviews[-1] if reviews else None
    if latest is not None and latest.decision != "adjust":
        return False
    return may(request.jurisdiction, "selection.plan_submit", selection.org_unit)


REPORT_STAGES = (Stage.INVESTIGATION, Stage.CONSULTATION, Stage.DECISION)


def _report_rows(selection: Selection) -> list[tuple[str, int | None, str | None]]:
    """R19's personal-matters half per candidate before the discussion: name, report, what is missing."""
    if selection.stage not in REPORT_STAGES:
        return []
    candidates = [c for c in selection.candidates.all() if c.status == "shortlisted"]
    year = timezone.localdate().year
    standing = selectors.report_standing([c.cadre_id for c in candidates], year)
    reports = selectors.report_ids([c.cadre_id for c in candidates], year)
    return [(c.cadre.name, reports.get(c.cadre_id), standing[c.cadre_id]) for c in candidates]


@page(action="selection.selection_view", methods=("GET",))
def selection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _run_step(request: AuthedRequest, selection: Selection, step: str) -> forms.Form:
    """Bind the step's form and call its service; the form comes back with the errors, if any."""
    j = request.jurisdiction
    common: dict[str, Any] = {"actor": request.user, "jurisdiction": j, "selection_id": selection.pk}
    candidates = [c for c in selection.candidates.all() if c.status == "shortlisted"]
    post = request.POST
    binders: dict[str, tuple[Callable[[], forms.Form], Callable[[Any], object]]] = {
        "votes": (lambda: f.VoteForm(post, jurisdiction=j),
                  lambda d: svc.recommendation_vote_set(**common, cadre=d.cleaned_data["cadre"],
                                                        votes=d.cleaned_data["votes"], kind=d.cleaned_data["kind"])),
        "signed": (lambda: f.SignedRecommendationForm(post, jurisdiction=j),
                   lambda d: svc.signed_recommendation_add(**common, **d.cleaned_data)),
        "recommendation": (lambda: f.RecommendationForm(post),
                           lambda d: svc.recommendation_close(**common, **d.meeting(), talk=d.talk())),
        "candidates": (lambda: f.CandidateForm(post, jurisdiction=j),
                       lambda d: svc.candidate_add(**common, cadre=d.cleaned_data["cadre"], on=timezone.localdate())),
        "shortlist": (lambda: forms.Form(post), lambda d: svc.shortlist_confirm(**common)),
        "investigation": (lambda: f.InvestigationForm(post, candidates=candidates),
                          lambda d: svc.investigation_record(**common, team=d.cleaned_data["team"],
                                                             talks_held=d.cleaned_data["talks_held"],
                                                             findings=d.findings())),
        "consultation": (lambda: f.ConsultationForm(post, candidates=candidates),
                         lambda d: svc.consultation_record(**common, replied_on=d.cleaned_data["replied_on"],
                                                           replies=d.replies(),
                                                           audit_note=d.cleaned_data["audit_note"])),
        "decision": (lambda: f.DecisionForm(post, candidates=candidates),
                     lambda d: svc.decision_record(**common, kind=d.cleaned_data["kind"],
                                                   held_on=d.cleaned_data["held_on"],
                                                   expected=d.cleaned_data["expected"],
                                                   present=d.cleaned_data["present"],
                                                   statements=d.statement_list(), tallies=d.tallies())),
        "publicity": (lambda: f.PublicityForm(post),
                      lambda d: svc.publicity_record(**common, start=d.cleaned_data["start"],
                                                     end=d.cleaned_data["end"], channel=d.cleaned_data["channel"])),
        "appointment": (lambda: f.AppointmentForm(post),
                        lambda d: svc.appointment_record(**common, **d.cleaned_data)),
    }
    if step not in binders:
        raise NotFound("没有这个环节")
    make, run = binders[step]
    form = make()
    if form.is_valid():
        try:
            run(form)
        except DomainError as exc:
            _fail(form, exc)
    return form


def _post_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    selection = selectors.selection_get(request.jurisdiction, pk)
    form = _run_step(request, selection, step)
    if form.errors:
        if step == "shortlist":  # a form without fields: its refusal is shown as a message
            for error in form.non_field_errors():
                messages.error(request, str(error))
        return _detail(request, pk, {step: form}, status=400)
    messages.success(request, _("已保存"))
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]))


@page(action="selection.selection_advance", methods=("POST",), scope=selectors.selections_visible, by="pk")
def selection_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    if step == "candidates":
        raise NotFound("没有这个环节")
    return _post_step(request, pk, step)


@page(action="selection.candidate_add", methods=("POST",), scope=selectors.selections_visible, by="pk")
def candidate_add(request: AuthedRequest, pk: int) -> HttpResponse:
    return _post_step(request, pk, "candidates")


@page(action="selection.stage_sign", methods=("POST",), scope=selectors.selections_visible, by="pk")
def stage_sign(request: AuthedRequest, pk: int, stage: str) -> HttpResponse:
    selectors.selection_get(request.jurisdiction, pk)
    form = f.SignForm(request.POST)
    form.is_valid()
    svc.stage_sign(actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk, stage=stage,
                   capacity=form.cleaned_data.get("capacity", ""))
    messages.success(request, _("已签字确认"))
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]) + f"#stage-{stage}")


@page(action="selection.stage_sign", methods=("POST",), scope=selectors.selections_visible, by="pk")
def stage_sign_attested(request: AuthedRequest, pk: int, stage: str) -> HttpResponse:
    selectors.selection_get(request.jurisdiction, pk)
    form = f.AttestedSignForm(request.POST)
    form.is_valid()
    signature = svc.stage_sign_attested(actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk,
                                        stage=stage, signer_name=form.cleaned_data.get("signer_name", ""),
                                        capacity=form.cleaned_data.get("capacity", ""))
    messages.success(request, _("已登记%(name)s的签字确认") % {"name": signature.signer_name})
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]) + f"#stage-{stage}")


@page(action="selection.audit_sign_off", methods=("POST",), scope=selectors.selections_visible, by="pk")
def audit_sign_off(request: AuthedRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(request.jurisdiction, pk)
    candidate = next((c for c in selection.candidates.all() if str(c.cadre_id) == request.POST.get("cadre")), None)
    if candidate is None:
        raise ValidationFailed("请选择本次选拔任用的考察对象")
    svc.audit_sign_off(actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk, cadre=candidate.cadre,
                       check=request.POST.get("check", ""), reason=request.POST.get("reason", ""))
    messages.success(request, _("已签批"))
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]))


@page(action="selection.selection_stop", methods=("POST",), scope=selectors.selections_visible, by="pk")
def selection_stop(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.selection_get(request.jurisdiction, pk)
    svc.selection_stop(actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk,
                       reason=request.POST.get("reason", ""))
    messages.success(request, _("选拔任用工作已终止"))
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]))


@page(action="selection.selection_view", methods=("GET",))
def selection_trace_page(request: AuthedRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(request.jurisdiction, pk)
    return render(request, "selection/trace.html", {
        "selection": selection, "rows": selection_trace(selection),
        "appointed": [c for c in selection.candidates.all() if c.status == "appointed"]})
