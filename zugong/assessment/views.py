"""Pages of the assessment app: the campaign list, one campaign with its subjects, what each may be rated
and why (R14, negative list), the rating form and the next step of the state machine."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.assessment import selectors
from zugong.assessment.models import CampaignStatus, Indicator, SubjectKind
from zugong.assessment.services import campaigns as svc
from zugong.assessment.services import ratings, side_evidence, uses
from zugong.core.errors import DomainError, IllegalTransition
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page

PAGE_SIZE = 50


@page(action="assessment.campaign_view", methods=("GET", "HEAD"))
def campaign_list(request: AuthedRequest) -> HttpResponse:
    rows = selectors.campaign_list(request.jurisdiction)
    year = timezone.localdate().year
    return render(request, "assessment/list.html",
                  {"page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), "year": year,
                   "may_create": may(request.jurisdiction, "assessment.campaign_create"),
                   "r01": [s for s in selectors.r01_status(request.jurisdiction, year) if s.problems]})


def indicator_rows(indicators: list[Indicator]) -> list[tuple[int, Indicator]]:
    """The indicators depth-first, with their depth (0 for the first level)."""
    children: dict[int | None, list[Indicator]] = {}
    for i in indicators:
        children.setdefault(i.parent_id, []).append(i)
    out: list[tuple[int, Indicator]] = []

    def walk(parent: int | None, depth: int) -> None:
        for i in children.get(parent, []):
            out.append((depth, i))
            walk(i.pk, depth + 1)

    walk(None, 0)
    return out


@page(action="assessment.campaign_view", methods=("GET", "HEAD"), scope=selectors.campaigns_visible, by="pk")
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    staff = may(request.jurisdiction, "assessment.rating_set")
    published = campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.ARCHIVED)
    uses_open = published and may(request.jurisdiction, "assessment.result_use")
    made = selectors.uses_of(campaign) if staff else {}
    rows = list(selectors.subjects_of(campaign))
    limits = ratings.rating_limits(rows, campaign.year) if staff else {}
    subjects = [(s, limits.get(s.pk), made.get(s.pk, []),
                 selectors.uses_open_to(s, made.get(s.pk, [])) if uses_open else []) for s in rows]
    return render(request, "assessment/detail.html", {
        "campaign": campaign, "subjects": subjects, "staff": staff, "show_rating": staff or published,
        "show_uses": staff and published, "today": timezone.localdate(),
        "evidence_open": may(request.jurisdiction, "assessment.campaign_create") and not published,
        "agencies": side_evidence.agencies_for(campaign.org_unit, timezone.localdate()),
        "indicators": indicator_rows(selectors.indicators_of(campaign)),
        "turnout": selectors.turnout(campaign) if staff else [],
        "results": selectors.evaluation_results(campaign) if staff else [],
        "side_evidence": [(r, r.is_overdue(timezone.localdate())) for r in selectors.side_evidence_of(campaign)]
        if staff else [],
        "rating_open": staff and campaign.status == CampaignStatus.RATING,
        "may_setup": may(request.jurisdiction, "assessment.campaign_create"),
        "steps": [(to, CampaignStatus(to).label) for to in campaign.next_states()]
        if may(request.jurisdiction, "assessment.campaign_advance") else []})


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("assessment:detail", args=[pk]))


@page(action="assessment.rating_set", methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def rating_set(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    subject_id = request.POST.get("subject", "")
    try:
        ratings.rating_set(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                           subject_id=int(subject_id) if subject_id.isdigit() else 0,
                           rating=request.POST.get("rating", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("等次已评定"))
    return _back(campaign.pk)


@page(action="assessment.campaign_advance", methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def campaign_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    try:
        svc.campaign_transition(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                                to=request.POST.get("to", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("考核状态已更新"))
    return _back(campaign.pk)


@page(action="assessment.result_use", methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def result_use(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    subject_id = request.POST.get("subject", "")
    try:
        day = date.fromisoformat(request.POST.get("decided_on", "")[:10])
    except ValueError:
        messages.error(request, _("请填写日期"))
        return _back(campaign.pk)
    try:
        use = uses.result_use_record(actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
                                     subject_id=int(subject_id) if subject_id.isdigit() and len(subject_id) < 10 else 0,
                                     kind=request.POST.get("kind", ""), decided_on=day,
                                     note=request.POST.get("note", "")[:300])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记结果运用：%(kind)s") % {"kind": use.get_kind_display()})
    return _back(campaign.pk)


def _posted_date(request: AuthedRequest, name: str) -> date | None:
    try:
        return date.fromisoformat(request.POST.get(name, "")[:10])
    except ValueError:
        return None


@page(action="assessment.campaign_create", methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def side_evidence_request(request: AuthedRequest, pk: int) -> HttpResponse:
    """R02: ask the agencies ticked (none ticked: every agency of R02's list) about one team or unit."""
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    subject_id, on = request.POST.get("subject", ""), _posted_date(request, "requested_on")
    if on is None:
        messages.error(request, _("请填写发函日期"))
        return _back(campaign.pk)
    try:
        rows = side_evidence.side_evidence_request(
            actor=request.user, jurisdiction=request.jurisdiction, campaign_id=campaign.pk,
            subject_id=int(subject_id) if subject_id.isdigit() and len(subject_id) < 10 else 0, requested_on=on,
            agencies=[a[:40] for a in request.POST.getlist("agencies")[:20]] or None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已向 %(n)s 个单位征求旁证，回复期限 %(due)s") % {"n": len(rows), "due": rows[0].due_on})
    return _back(campaign.pk)


@page(action="assessment.campaign_create", methods=("POST",), scope=selectors.campaigns_visible, by="pk")
def side_evidence_reply(request: AuthedRequest, pk: int, request_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(request.jurisdiction, pk)
    on = _posted_date(request, "replied_on")
    if on is None:
        messages.error(request, _("请填写回复日期"))
        return _back(campaign.pk)
    if not selectors.side_evidence_of(campaign).filter(pk=request_id).exists():
        messages.error(request, _("未找到该旁证"))
        return _back(campaign.pk)
    try:
        side_evidence.side_evidence_reply(actor=request.user, jurisdiction=request.jurisdiction, request_id=request_id,
                                          replied_on=on, reply=request.POST.get("reply", "")[:20000])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("旁证回复已登记"))
    return _back(campaign.pk)


@page(action="assessment.campaign_view", methods=("GET", "HEAD"), scope=selectors.campaigns_visible, by="pk")
def published_results(request: AuthedRequest, pk: int) -> HttpResponse:
    """The published ratings alone (no score, no rater), for anyone who may read campaigns; 409 before."""
    from zugong.assessment.selectors_results import published_results as results_of

    try:
        campaign, subjects = results_of(request.jurisdiction, pk)
    except IllegalTransition as exc:
        campaign = selectors.campaign_get(request.jurisdiction, pk)
        return render(request, "assessment/results.html", {"campaign": campaign, "error": exc.message}, status=409)
    return render(request, "assessment/results.html", {
        "campaign": campaign, "cadres": [s for s in subjects if s.kind == SubjectKind.CADRE],
        "teams": [s for s in subjects if s.kind != SubjectKind.CADRE]})
