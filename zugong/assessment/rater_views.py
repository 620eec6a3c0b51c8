"""The rater scores page of a campaign (staff only): the weights of a leaf's score (组织评分, 自评, 上级评, 同级评),
each subject's typed leaves with the four parts and the blended score, and one rater's score form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.assessment import selectors
from zugong.assessment.forms import EvaluationShareForm, RaterScoreForm, ScoreWeightsForm
from zugong.assessment.models import Campaign, CampaignStatus, ScoringMethod
from zugong.assessment.services import raters as svc
from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page

STAFF = "assessment.rating_set"
WRITES = {"weights": "assessment.campaign_create", "scores": "assessment.score_set",
          "share": "assessment.campaign_create"}


def _weights(campaign: Campaign) -> dict[str, int]:
    return {"org": campaign.org_weight, "self_": campaign.self_weight, "manager": campaign.manager_weight,
            "peer": campaign.peer_weight}


def _page(request: AuthedRequest, campaign: Campaign, status: int = 200, error: str = "", **bound: Any) -> HttpResponse:
    leaves, sheets = selectors.score_sheet(campaign)
    typed = [i for i in leaves if i.scoring != ScoringMethod.COUNT]
    return render(request, "assessment/raters.html", {
        "campaign": campaign, "error": error, "typed": typed, "sheets": sheets,
        "rows": [(s, [(i, s.leaf_scores.get(i.pk), s.raters.get(i.pk, {}), s.blended.get(i.pk)) for i in typed])
                 for s in sheets],
        "weights_open": campaign.status in svc.WEIGHTS_OPEN and may(request.jurisdiction, WRITES["weights"]),
        "scores_open": campaign.status == CampaignStatus.SCORING and may(request.jurisdiction, WRITES["scores"]),
        "weights_form": bound.get("weights_form") or ScoreWeightsForm(initial=_weights(campaign)),
        "share_open": campaign.status in svc.SHARE_OPEN and may(request.jurisdiction, WRITES["share"]),
        "share_percent": (campaign.evaluation_share * 100).normalize(),
        "share_form": bound.get("share_form") or EvaluationShareForm(
            initial={"share": (campaign.evaluation_share * 100).normalize()}),
        "score_form": bound.get("score_form") or RaterScoreForm(
            jurisdiction=request.jurisdiction, subjects=[(s.subject_id, s.name) for s in sheets], leaves=typed)},
        status=status)


def _post(request: AuthedRequest, campaign: Campaign) -> HttpResponse:
    if request.POST.get("form") == "weights":
        form = ScoreWeightsForm(request.POST)
        if not form.is_valid():
            return _page(request, campaign, 400, weights_form=form)
        svc.score_weights_set(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                              **form.cleaned_data)
        messages.success(request, _("评分权重已保存"))
    elif request.POST.get("form") == "share":
        share_form = EvaluationShareForm(request.POST)
        if not share_form.is_valid():
            return _page(request, campaign, 400, share_form=share_form)
        svc.evaluation_share_set(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                                 share=share_form.cleaned_data["share"] / Decimal("100"))
        messages.success(request, _("民主测评占比已保存"))
    else:
        leaves, sheets = selectors.score_sheet(campaign)
        score_form = RaterScoreForm(request.POST, jurisdiction=request.jurisdiction,
                                    subjects=[(s.subject_id, s.name) for s in sheets],
                                    leaves=[i for i in leaves if i.scoring != ScoringMethod.COUNT])
        if not score_form.is_valid():
            return _page(request, campaign, 400, score_form=score_form)
        data = score_form.cleaned_data
        n = svc.rater_scores_set(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                                 subject_id=data["subject"], role=data["role"], peer=data["rater_cadre"],
                                 values=score_form.values())
        messages.success(request, _("已保存 %(n)s 项评分") % {"n": n})
    return HttpResponseRedirect(reverse("assessment:raters", args=[campaign.pk]))


@page(action=STAFF, writes=WRITES, key="form", scope=selectors.campaigns_visible, by="pk")
def rater_scores(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    if request.method != "POST":
        return _page(request, campaign)
    try:
        return _post(request, campaign)
    except DomainError as exc:
        return _page(request, selectors.campaign_get(request.jurisdiction, pk), exc.status, exc.message)
