"""Pages of the satisfaction survey (R31): the list with a form to start a round, one round with its
questionnaire, codes per county (sample quotas), the rankings of cities and counties with their charts
(ranking bars, indicator heat map, year over year), and the follow-up of the lowest-ranked units."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.assessment import selectors_survey as read
from zugong.assessment.forms import (
    FollowUpDoneForm,
    FollowUpsForm,
    QuestionnaireForm,
    SurveyCodesForm,
    SurveyForm,
    SurveyQuotaForm,
)
from zugong.assessment.models_survey import Survey, SurveyIndicator, SurveyStatus
from zugong.assessment.services import survey_links
from zugong.assessment.services import surveys as svc
from zugong.assessment.services.ballots import BATCH
from zugong.assessment.slips import slips_for
from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.rules.registry import param

VIEW, MANAGE = "assessment.survey_view", "assessment.survey_manage"


@page(action=VIEW, writes=MANAGE)
def survey_list(request: AuthedRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None, jurisdiction=request.jurisdiction)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = svc.survey_create(actor=request.user, jurisdiction=request.jurisdiction,
                                           org_unit=data["org_unit"], title=data["title"], year=data["year"])
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("满意度测评已创建（草稿），问卷为默认的 4 个领域 19 项指标"))
                return _to(survey)
    return render(request, "assessment/survey_list.html", {
        "surveys": read.surveys_visible(request.jurisdiction).order_by("-year", "-pk")[:100], "form": form,
        "may_manage": may(request.jurisdiction, MANAGE)}, status=status)


def _to(survey: Survey) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("assessment:survey", args=[survey.pk]))


def _questionnaire_text(indicators: list[SurveyIndicator]) -> str:
    return "\n".join(f"{i.area} | {i.name}" for i in indicators)


def _charts(request: AuthedRequest, survey: Survey, indicators: list[SurveyIndicator],
            cities: list[read.UnitScore], counties: list[read.UnitScore]) -> dict[str, Any]:
    before = read.previous_round(request.jurisdiction, survey)
    last = {r.org_unit_id: r.score for r in read.ranking(before, "county")} if before else {}
    return {
        "cities": {"labels": [r.name for r in cities], "values": [float(r.score) for r in cities]},
        "counties": {"labels": [r.name for r in counties], "values": [float(r.score) for r in counties]},
        "heat": {"units": [r.name for r in counties], "indicators": [i.name for i in indicators],
                 "cells": [[x, y, float(r.indicators[i.pk])] for y, r in enumerate(counties)
                           for x, i in enumerate(indicators) if i.pk in r.indicators]},
        "yoy": {"year": survey.year, "last_year": before.year if before else None,
                "labels": [r.name for r in counties], "this": [float(r.score) for r in counties],
                "last": [float(last[r.org_unit_id]) if r.org_unit_id in last else None for r in counties]},
    }


def _proposed_due(survey: Survey, today: date) -> date:
    """The deadline the follow-up form proposes: R31's `days` after today (the staff may change it)."""
    return today + timedelta(days=int(param("R31", "days", org_unit=survey.org_unit, on=today)))


def _detail(request: AuthedRequest, survey: Survey, status: int = 200, error: str = "", **bound: Any) -> HttpResponse:
    indicators = read.indicators_of(survey)
    cities, counties = read.ranking(survey, "city"), read.ranking(survey, "county")
    manage = may(request.jurisdiction, MANAGE)
    today = timezone.localdate()
    return render(request, "assessment/survey_detail.html", {
        "survey": survey, "indicators": indicators, "manage": manage, "error": error,
        "cities": cities, "counties": [(r, read.area_scores(indicators, r)) for r in counties],
        "areas": list(dict.fromkeys(i.area for i in indicators)), "quotas": read.quotas(survey),
        "pending": read.pending_responses(survey), "batch": BATCH,
        "follow_ups": [(f, f.is_overdue(today)) for f in read.follow_ups_of(survey)],
        "chart": _charts(request, survey, indicators, cities, counties),
        "steps": [(to, SurveyStatus(to).label) for to in survey.next_states()] if manage else [],
        "questionnaire_form": bound.get("questionnaire_form") or QuestionnaireForm(
            initial={"questionnaire": _questionnaire_text(indicators)}),
        "codes_form": bound.get("codes_form") or SurveyCodesForm(jurisdiction=request.jurisdiction),
        "link_quotas": read.link_quotas(survey),
        "link_url": request.build_absolute_uri(reverse("assessment-survey:link", args=[survey.public_token]))
        if survey.public_token else "",
        "quota_form": bound.get("quota_form") or SurveyQuotaForm(jurisdiction=request.jurisdiction, prefix="quota"),
        "follow_ups_form": bound.get("follow_ups_form") or FollowUpsForm(initial={"due_on": _proposed_due(survey, today)}),
        "done_form": FollowUpDoneForm(initial={"done_on": today})}, status=status)


@page(action=VIEW, methods=("GET", "HEAD"), scope=read.surveys_visible, by="pk")
def survey_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, read.survey_get(request.jurisdiction, pk))


@page(action=MANAGE, methods=("POST",), scope=read.surveys_visible, by="pk")
def survey_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = read.survey_get(request.jurisdiction, pk)
    try:
        svc.survey_transition(actor=request.user, jurisdiction=request.jurisdiction, survey_id=survey.pk,
                              to=request.POST.get("to", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("测评状态已更新"))
    return _to(survey)


@page(action=MANAGE, methods=("POST",), scope=read.surveys_visible, by="pk")
def survey_questionnaire(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = read.survey_get(request.jurisdiction, pk)
    form = QuestionnaireForm(request.POST)
    if not form.is_valid():
        return _detail(request, survey, 400, questionnaire_form=form)
    try:
        n = svc.survey_questionnaire_set(actor=request.user, jurisdiction=request.jurisdiction, survey_id=survey.pk,
                                         areas=form.cleaned_data["questionnaire"])
    except DomainError as exc:
        return _detail(request, survey, exc.status, exc.message, questionnaire_form=form)
    messages.success(request, _("问卷已保存（共 %(n)s 项指标）") % {"n": n})
    return _to(survey)


@page(action=MANAGE, methods=("POST",), scope=read.surveys_visible, by="pk")
def survey_codes(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = read.survey_get(request.jurisdiction, pk)
    form = SurveyCodesForm(request.POST, jurisdiction=request.jurisdiction)
    if not form.is_valid():
        return _detail(request, survey, 400, codes_form=form)
    county = form.cleaned_data["county"]
    try:
        codes = svc.survey_codes_issue(actor=request.user, jurisdiction=request.jurisdiction, survey_id=survey.pk,
                                       county=county, count=form.cleaned_data["count"])
    except DomainError as exc:
        return _detail(request, survey, exc.status, exc.message, codes_form=form)
    answer_url = request.build_absolute_uri(reverse("assessment-survey:answer"))
    response = render(request, "assessment/slips.html", {
        "campaign": survey, "class_name": county.name, "slips": slips_for(answer_url, codes),
        "back": reverse("assessment:survey", args=[survey.pk]), "vote_url": answer_url}, status=201)
    response["Cache-Control"] = "no-store"
    return response


@page(action=MANAGE, methods=("POST",), scope=read.surveys_visible, by="pk")
def survey_follow_ups(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = read.survey_get(request.jurisdiction, pk)
    form = FollowUpsForm(request.POST)
    if not form.is_valid():
        return _detail(request, survey, 400, follow_ups_form=form)
    try:
        rows = svc.survey_follow_ups_assign(actor=request.user, jurisdiction=request.jurisdiction,
                                            survey_id=survey.pk, today=timezone.localdate(),
                                            due_on=form.cleaned_data["due_on"])
    except DomainError as exc:
        return _detail(request, survey, exc.status, exc.message, follow_ups_form=form)
    messages.success(request, _("已下达 %(n)s 项跟进任务") % {"n": len(rows)})
    return _to(survey)


@page(action=MANAGE, methods=("POST",), scope=read.surveys_visible, by="pk")
def follow_up_done(request: AuthedRequest, pk: int, follow_up_id: int) -> HttpResponse:
    survey = read.survey_get(request.jurisdiction, pk)
    form = FollowUpDoneForm(request.POST)
    if not form.is_valid():
        return _detail(request, survey, 400, "；".join(str(e) for errs in form.errors.values() for e in errs))
    if not read.follow_ups_of(survey).filter(pk=follow_up_id).exists():
        return _detail(request, survey, 404, _("未找到该跟进任务"))
    try:
        svc.survey_follow_up_done(actor=request.user, jurisdiction=request.jurisdiction, follow_up_id=follow_up_id,
                                  done_on=form.cleaned_data["done_on"], note=form.cleaned_data["note"])
    except DomainError as exc:
        return _detail(request, survey, exc.status, exc.message)
    messages.success(request, _("跟进任务已完成"))
    return _to(survey)


@page(action=MANAGE, methods=("POST",), scope=read.surveys_visible, by="pk")
def survey_link(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open (a new token) or withdraw the round's public link."""
    survey = read.survey_get(request.jurisdiction, pk)
    enabled = request.POST.get("enabled") == "1"
    try:
        survey_links.survey_link_set(actor=request.user, jurisdiction=request.jurisdiction, survey_id=survey.pk,
                                     enabled=enabled)
    except DomainError as exc:
        return _detail(request, survey, exc.status, exc.message)
    messages.success(request, _("公开链接已开启") if enabled else _("公开链接已关闭"))
    return _to(survey)


@page(action=MANAGE, methods=("POST",), scope=read.surveys_visible, by="pk")
def survey_quota(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = read.survey_get(request.jurisdiction, pk)
    form = SurveyQuotaForm(request.POST, jurisdiction=request.jurisdiction, prefix="quota")
    if not form.is_valid():
        return _detail(request, survey, 400, quota_form=form)
    try:
        survey_links.survey_quota_set(actor=request.user, jurisdiction=request.jurisdiction, survey_id=survey.pk,
                                      county=form.cleaned_data["county"], target=form.cleaned_data["target"])
    except DomainError as exc:
        return _detail(request, survey, exc.status, exc.message, quota_form=form)
    messages.success(request, _("样本配额已保存"))
    return _to(survey)
