"""Reads of the assessment app, each scoped to the jurisdiction (a campaign by its organising unit)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from zugong.assessment.models import Campaign, Indicator, NegativeEntry, Subject
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope

NOT_FOUND = "未找到该考核，或不在您的管辖范围内"


def campaigns_visible(jurisdiction: Jurisdiction) -> QuerySet[Campaign]:
    return scope(Campaign.objects.select_related("org_unit"), jurisdiction)


def campaign_list(jurisdiction: Jurisdiction, *, year: int | None = None, status: str = "") -> QuerySet[Campaign]:
    campaigns = campaigns_visible(jurisdiction).annotate(
        subject_count=Count("subjects"), rated_count=Count("subjects", filter=~Q(subjects__rating="")))
    if year is not None:
        campaigns = campaigns.filter(year=year)
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-year", "-pk")


def campaign_get(jurisdiction: Jurisdiction, pk: int) -> Campaign:
    campaign = campaigns_visible(jurisdiction).filter(pk=pk).first()
    if campaign is None:
        raise NotFound(NOT_FOUND)
    return campaign


def subjects_of(campaign: Campaign) -> QuerySet[Subject]:
    return (Subject.objects.filter(campaign=campaign).select_related("org_unit", "cadre")
            .prefetch_related(Prefetch("negative_entries", queryset=NegativeEntry.objects.order_by("pk")))
            .order_by("kind", "org_unit__path", "pk"))


def indicators_of(campaign: Campaign) -> list[Indicator]:
    return list(Indicator.objects.filter(campaign=campaign).order_by("sort_order", "pk"))
