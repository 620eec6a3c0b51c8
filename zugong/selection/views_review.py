"""Pages of 报备 (submitting a plan, the superior's 同意 / 责令调整) and of the selection counts (/selection/stats/)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.request import AuthedRequest, page
from zugong.core.selectors import org_roots, org_unit_by_code
from zugong.selection import selectors
from zugong.selection.forms_reports import ReviewForm
from zugong.selection.services import review as svc
from zugong.selection.stats import selection_stats


@page(action="selection.plan_submit", methods=("POST",), scope=selectors.selections_visible, by="pk")
def plan_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    svc.plan_submit(actor=request.user, jurisdiction=request.jurisdiction, selection_id=pk, on=timezone.localdate())
    messages.success(request, _("方案已报上级组织部门审核"))
    return HttpResponseRedirect(reverse("selection:detail", args=[pk]) + "#zg-plan-review")


@page(action="selection.plan_review", methods=("POST",), scope=selectors.reviews_visible, by="pk")
def plan_review(request: AuthedRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(request.jurisdiction, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    svc.plan_review(actor=request.user, jurisdiction=request.jurisdiction, review_id=pk,
                    decision=request.POST.get("decision", ""), reason=form.cleaned_data.get("reason", ""),
                    on=timezone.localdate())
    messages.success(request, _("审核意见已登记"))
    return HttpResponseRedirect(reverse("selection:detail", args=[review.selection_id]) + "#zg-plan-review")


def _day(raw: str, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        raise ValidationFailed(_("日期格式应为 YYYY-MM-DD")) from None


@page(action="selection.selection_view", methods=("GET", "HEAD"))
def stats_page(request: AuthedRequest) -> HttpResponse:
    j = request.jurisdiction
    code = request.GET.get("org", "")[:20]
    unit = org_unit_by_code(j, code) if code else org_roots(j).first()
    if unit is None:
        raise NotFound(_("没有可统计的单位"))
    year = timezone.localdate().year
    start = _day(request.GET.get("from", ""), date(year, 1, 1))
    end = _day(request.GET.get("to", ""), date(year, 12, 31))
    if end < start:
        raise ValidationFailed(_("统计期间的结束日期不能早于开始日期"))
    figures = selection_stats(unit, start, end)
    return render(request, "selection/stats.html", {
        "unit": unit, "start": start, "end": end, "figures": figures, "sentence": figures.sentence(unit),
        "reviews": selectors.review_list(j)[:50]})
