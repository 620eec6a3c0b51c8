"""Reads of 蹲点调研 (R06): batches, stays, logs and forwarded suggestions, scoped to the reader's
jurisdiction by the batch's organising unit; and the senior cadres who may take part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from zugong.cadres.models import Cadre, CadreStatus
from zugong.cadres.selectors import cadres_visible
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import OrgKind, OrgUnit
from zugong.fieldwork.models import (
    SENIOR_RANK_LEVELS,
    FieldBatch,
    FieldStay,
    LinkSpending,
    PlaceKind,
    StayLog,
    Suggestion,
    SuggestionStatus,
)
from zugong.rules.registry import param

# The unit kinds that organise batches of their 处级以上 cadres (a county's leaders are 县处级): R06's
# population in the rule engine.
ORGANISER_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)
PLACE_UNIT_KINDS = {PlaceKind.VILLAGE: OrgKind.VILLAGE, PlaceKind.COMMUNITY: OrgKind.COMMUNITY}
DEPARTMENT_KINDS = (OrgKind.DEPARTMENT, OrgKind.PARTY_COMMITTEE, OrgKind.TOWNSHIP, OrgKind.COUNTY, OrgKind.CITY)


def senior_cadres_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}rank_level__in": SENIOR_RANK_LEVELS, f"{prefix}status": CadreStatus.SERVING})


def senior_cadres(jurisdiction: Jurisdiction) -> QuerySet[Cadre]:
    """The 处级以上 serving cadres in sight: who may be sent on a stay."""
    return cadres_visible(jurisdiction).filter(senior_cadres_q()).select_related("org_unit")


def batches_visible(jurisdiction: Jurisdiction) -> QuerySet[FieldBatch]:
    return (scope(FieldBatch.objects.all(), jurisdiction, "organiser").select_related("organiser")
            .annotate(stay_count=Count("stays")))


def batch_get(jurisdiction: Jurisdiction, pk: int) -> FieldBatch:
    batch = batches_visible(jurisdiction).filter(pk=pk).first()
    if batch is None:
        raise NotFound("未找到该蹲点调研批次，或不在您的管辖范围内")
    return batch


def stays_visible(jurisdiction: Jurisdiction) -> QuerySet[FieldStay]:
    return (scope(FieldStay.objects.all(), jurisdiction, "batch__organiser")
            .select_related("batch", "cadre", "place"))


def stay_get(jurisdiction: Jurisdiction, pk: int) -> FieldStay:
    stay = stays_visible(jurisdiction).filter(pk=pk).first()
    if stay is None:
        raise NotFound("未找到该蹲点记录，或不在您的管辖范围内")
    return stay


def stays_of_batch(batch: FieldBatch) -> QuerySet[FieldStay]:
    """A batch's stays with what was done: days, 办实事 money, suggestions (one query)."""
    return (FieldStay.objects.filter(batch=batch).select_related("cadre", "place")
            .annotate(money=Sum("logs__money"), log_count=Count("logs", distinct=True),
                      suggestion_count=Count("suggestions", distinct=True))
            .order_by("start_date", "cadre__name", "pk"))


def logs_of(stay: FieldStay) -> QuerySet[StayLog]:
    return StayLog.objects.filter(stay=stay).order_by("day", "pk")


def suggestions_visible(jurisdiction: Jurisdiction) -> QuerySet[Suggestion]:
    return (scope(Suggestion.objects.all(), jurisdiction, "stay__batch__organiser")
            .select_related("department", "stay__cadre", "stay__batch"))


def suggestion_get(jurisdiction: Jurisdiction, pk: int) -> Suggestion:
    suggestion = suggestions_visible(jurisdiction).filter(pk=pk).first()
    if suggestion is None:
        raise NotFound("未找到该意见建议，或不在您的管辖范围内")
    return suggestion


def suggestions_overdue(jurisdiction: Jurisdiction, on: date) -> QuerySet[Suggestion]:
    """Forwarded and not answered after their reply deadline."""
    return suggestions_visible(jurisdiction).filter(status=SuggestionStatus.FORWARDED, reply_due__lt=on)


def departments_visible(jurisdiction: Jurisdiction) -> QuerySet[OrgUnit]:
    """Where a suggestion may be forwarded: the departments (and committees, governments) in sight."""
    return OrgUnit.objects.filter(jurisdiction.org_q(), kind__in=DEPARTMENT_KINDS).order_by("path")


def places_visible(jurisdiction: Jurisdiction) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(jurisdiction.org_q(), kind__in=PLACE_UNIT_KINDS.values()).order_by("path")


def organisers_visible(jurisdiction: Jurisdiction) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(jurisdiction.org_q(), kind__in=ORGANISER_KINDS).order_by("path")


@dataclass(frozen=True)
class YearFigures:
    year: int
    batches: int
    min_batches: int
    max_batches: int
    stay_days: int  # the days a stay should last (about a month)
    short_stays: int
    money: Decimal


def year_figures(jurisdiction: Jurisdiction, organiser: OrgUnit, year: int) -> YearFigures:
    """R06 for one organiser and year: batches against the 2–3 asked for, stays shorter than asked."""
    on = date(year, 12, 31)
    stay_days = int(param("R06", "stay.min_count", org_unit=organiser, on=on))
    batches = FieldBatch.objects.filter(organiser=organiser, year=year)
    stays = FieldStay.objects.filter(batch__in=batches)
    money = StayLog.objects.filter(stay__in=stays).aggregate(total=Sum("money"))["total"] or Decimal(0)
    maximum = param("R06", "max_count", org_unit=organiser, on=on)
    return YearFigures(year=year, batches=batches.count(),
                       min_batches=int(param("R06", "min_count", org_unit=organiser, on=on)),
                       max_batches=int(maximum) if maximum is not None else 0, stay_days=stay_days,
                       short_stays=stays.filter(days__lt=stay_days).count(), money=money)


def spendings_visible(jurisdiction: Jurisdiction) -> QuerySet[LinkSpending]:
    return scope(LinkSpending.objects.all(), jurisdiction, "village").select_related("village__parent", "giver")


def spending_totals(jurisdiction: Jurisdiction, year: int) -> QuerySet[Any]:
    """Per linked village: the year's money (万元) and how many times goods were given; one GROUP BY."""
    return (spendings_visible(jurisdiction).filter(spent_on__year=year).order_by()
            .values("village_id", "village__name", "village__parent__name")
            .annotate(money=Sum("amount"), times=Count("id"), goods=Count("id", filter=~Q(goods="")))
            .order_by("-money", "village__name"))
