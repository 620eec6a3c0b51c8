"""The score sheet of a campaign (staff only): every subject's score per leaf indicator, the score of each
higher indicator and the weighted total with its formula; one subject's typed scores at a time, and the
button that reads the 按数据计数 indicators from zugong's data."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.assessment import selectors
from zugong.assessment.models import CampaignStatus, ScoringMethod
from zugong.assessment.services import scores as svc
from zugong.core.errors import DomainError, ValidationFailed
from zugong.core.request import AuthedRequest, page

STAFF = "assessment.rating_set"  # the campaign's staff: they alone see scores before publication


def _values(request: AuthedRequest) -> dict[int, Decimal | None]:
    values: dict[int, Decimal | None] = {}
    for key in request.POST:
        if not key.startswith("i-") or not key[2:].isdigit() or len(key) > 12:
            continue
        text = request.POST.get(key, "").strip()
        try:
            values[int(key[2:])] = Decimal(text) if text else None
        except InvalidOperation:
            raise ValidationFailed(_("得分“%(v)s”不是数字") % {"v": text[:20]}, field="scores") from None
    return values


@page(action=STAFF, writes="assessment.score_set", scope=selectors.campaigns_visible, by="pk")
def score_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    status, error = 200, ""
    if request.method == "POST":
        subject_id = request.POST.get("subject", "")
        try:
            if "read_data" in request.POST:
                n = svc.scores_read_data(actor=request.user, jurisdiction=request.jurisdiction,
                                         campaign_id=campaign.pk)
                messages.success(request, _("已从系统数据读取 %(n)s 项得分") % {"n": n})
            else:
                svc.scores_set(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                               subject_id=int(subject_id) if subject_id.isdigit() else 0, values=_values(request))
                messages.success(request, _("得分已保存"))
            return HttpResponseRedirect(reverse("assessment:scores", args=[campaign.pk]))
        except DomainError as exc:
            status, error = exc.status, exc.message
    leaves, sheets = selectors.score_sheet(campaign)
    roots = [i for i in selectors.indicators_of(campaign) if i.parent_id is None]
    raw = request.POST.get("subject", "") if request.method == "POST" else request.GET.get("subject", "")
    chosen = next((s for s in sheets if raw.isdigit() and len(raw) < 10 and s.subject_id == int(raw)), None)
    return render(request, "assessment/scores.html", {
        "campaign": campaign, "leaves": leaves, "roots": roots, "error": error, "chosen": chosen,
        "share_percent": (campaign.evaluation_share * 100).normalize(),
        "blending": campaign.org_weight != 100,
        "rows": [(s, [(s.leaf_scores.get(i.pk), s.blended.get(i.pk), s.raters.get(i.pk, {}),
                       i.scoring != ScoringMethod.COUNT) for i in leaves],
                  [s.node_scores.get(r.pk) for r in roots]) for s in sheets],
        "open": campaign.status == CampaignStatus.SCORING,
        "manual": [(i, chosen.leaf_scores.get(i.pk) if chosen else None) for i in leaves
                   if i.scoring != ScoringMethod.COUNT]}, status=status)
