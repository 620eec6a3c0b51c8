"""Pages that set a campaign up: create it, add subjects (cadre and unit pickers), set the indicator tree
(each level totals 100), voter classes with their weights, and the one-time codes printed as slips.

Each form posts to its own URL; a refused form comes back on the setup page with its Chinese message
(status 400 or 409), an accepted one redirects to the setup page with a message. The codes are shown
once, on the slips page the POST answers with (never in a URL)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.assessment import indicator_sources, selectors
from zugong.assessment.forms import (
    CampaignForm,
    CodesForm,
    IndicatorTreeForm,
    SubjectForm,
    VoterClassForm,
    tree_text,
)
from zugong.assessment.models import Campaign, CampaignStatus
from zugong.assessment.services import ballots
from zugong.assessment.services import campaigns as svc
from zugong.assessment.slips import slips_for
from zugong.assessment.views import indicator_rows
from zugong.core.errors import DomainError
from zugong.core.request import AuthedRequest, page

SETUP = "assessment.campaign_create"


def _source_labels() -> dict[str, str]:
    return {s.key: s.label for s in indicator_sources.SOURCES.values()}


def _forms(request: AuthedRequest, campaign: Campaign, **bound: Any) -> dict[str, Any]:
    rows = indicator_rows(selectors.indicators_of(campaign))
    classes = [(t.voter_class_id, t.name) for t in selectors.turnout(campaign)]
    return {
        "subject_form": bound.get("subject_form") or SubjectForm(jurisdiction=request.jurisdiction),
        "tree_form": bound.get("tree_form") or IndicatorTreeForm(
            initial={"tree": tree_text(rows, _source_labels())}, sources=indicator_sources.labels()),
        "class_form": bound.get("class_form") or VoterClassForm(),
        "codes_form": bound.get("codes_form") or CodesForm(classes=classes),
    }


def _setup_page(request: AuthedRequest, campaign: Campaign, status: int = 200, error: str = "",
                **bound: Any) -> HttpResponse:
    return render(request, "assessment/setup.html", {
        "campaign": campaign, "error": error, "draft": campaign.status == CampaignStatus.DRAFT,
        "voting_setup": campaign.status in (CampaignStatus.DRAFT, CampaignStatus.OPEN),
        "subjects": selectors.subjects_of(campaign), "indicators": indicator_rows(selectors.indicators_of(campaign)),
        "turnout": selectors.turnout(campaign), "sources": indicator_sources.SOURCES.values(),
        **_forms(request, campaign, **bound)}, status=status)


def _back(campaign: Campaign, message: str, request: AuthedRequest) -> HttpResponseRedirect:
    messages.success(request, message)
    return HttpResponseRedirect(reverse("assessment:setup", args=[campaign.pk]))


def _refused(form: Any, exc: DomainError) -> int:
    form.add_error(None, exc.message)
    return exc.status


@page(action=SETUP)
def campaign_new(request: AuthedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, jurisdiction=request.jurisdiction)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = svc.campaign_create(
                actor=request.user, jurisdiction=request.jurisdiction, org_unit=data["org_unit"],
                title=data["title"], kind=data["kind"], year=data["year"], period=data["period"],
                excellent_share=data["excellent_percent"] / 100, focus=data["focus"], theme=data["theme"],
                evaluation_share=(data["evaluation_percent"] or Decimal("0")) / 100)
        except DomainError as exc:
            status = _refused(form, exc)
        else:
            return _back(campaign, _("考核已创建（草稿），请添加考核对象和指标"), request)
    elif request.method == "POST":
        status = 400
    return render(request, "assessment/new.html", {"form": form}, status=status)


@page(action="assessment.campaign_view", methods=("GET", "HEAD"), scope=selectors.campaigns_visible, by="pk")
def campaign_setup(request: AuthedRequest, pk: int) -> HttpResponse:
    return _setup_page(request, selectors.campaign_get(request.jurisdiction, pk))


@page(action=SETUP, methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def subject_add(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    form = SubjectForm(request.POST, jurisdiction=request.jurisdiction)
    if not form.is_valid():
        return _setup_page(request, campaign, 400, subject_form=form)
    data = form.cleaned_data
    try:
        subject = svc.subject_add(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                                  kind=data["kind"], cadre=data["cadre"] if data["kind"] == "cadre" else None,
                                  org_unit=None if data["kind"] == "cadre" else data["org_unit"])
    except DomainError as exc:
        return _setup_page(request, campaign, exc.status, exc.message, subject_form=form)
    return _back(campaign, _("已添加考核对象：%(name)s") % {"name": subject.name}, request)


@page(action=SETUP, methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def indicator_tree_set(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    form = IndicatorTreeForm(request.POST, sources=indicator_sources.labels())
    if not form.is_valid():
        return _setup_page(request, campaign, 400, tree_form=form)
    try:
        count = svc.indicator_tree_set(actor=request.user, jurisdiction=request.jurisdiction,
                                       campaign_id=campaign.pk, indicators=form.cleaned_data["tree"])
    except DomainError as exc:
        return _setup_page(request, campaign, exc.status, exc.message, tree_form=form)
    return _back(campaign, _("考核指标已保存（共 %(n)s 项）") % {"n": count}, request)


@page(action=SETUP, methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def voter_class_set(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    form = VoterClassForm(request.POST)
    if not form.is_valid():
        return _setup_page(request, campaign, 400, class_form=form)
    try:
        row = ballots.voter_class_weight_set(actor=request.user, jurisdiction=request.jurisdiction,
                                             campaign_id=campaign.pk, name=form.cleaned_data["name"],
                                             weight=form.cleaned_data["weight"])
    except DomainError as exc:
        return _setup_page(request, campaign, exc.status, exc.message, class_form=form)
    return _back(campaign, _("投票人类别权重已保存（第 %(v)s 版）") % {"v": row.version}, request)


@page(action=SETUP, methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def codes_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    classes = [(t.voter_class_id, t.name) for t in selectors.turnout(campaign)]
    form = CodesForm(request.POST, classes=classes)
    if not form.is_valid():
        return _setup_page(request, campaign, 400, codes_form=form)
    try:
        codes = ballots.codes_issue(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                                    voter_class_id=form.cleaned_data["voter_class"], count=form.cleaned_data["count"])
    except DomainError as exc:
        return _setup_page(request, campaign, exc.status, exc.message, codes_form=form)
    name = dict(classes)[form.cleaned_data["voter_class"]]
    vote_url = request.build_absolute_uri(reverse("assessment-public:vote"))
    response = render(request, "assessment/slips.html", {
        "campaign": campaign, "class_name": name, "slips": slips_for(vote_url, codes), "vote_url": vote_url},
        status=201)
    response["Cache-Control"] = "no-store"  # the codes exist only on this page
    return response
