"""Where the rule engine finds mass-work data: R08, R09, R10, R11 (aggregate) and R16, R28 (deadline).

Registered from `MassworkConfig.ready()`. R07 (monthly 民情分析会) is wired by the rules app on core
`Meeting` records; ledger entries link to those meetings (services/ledger.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, DateField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate

from zugong.cadres.models import Cadre, PostHolding
from zugong.core.models import OrgKind, OrgUnit
from zugong.masswork.models import DutyShift, HouseholdVisit, InVillageDay, Pairing, Petition, ServiceOrder
from zugong.rules.registry import AggregateSource, DeadlineSource, SourceContext, register_source

VILLAGE_HEAD_TITLES = Q(title__contains="书记") | Q(title__contains="主任")


def _active_pairings(ctx: SourceContext) -> QuerySet[Pairing]:
    return Pairing.objects.filter(ctx.org_q("village__"), valid_from__lte=ctx.period_end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=ctx.period_start))


def township_leaders(ctx: SourceContext) -> QuerySet[Any]:
    """R08: cadres holding a leading post in a township."""
    return (Cadre.objects.filter(ctx.org_q(), org_unit__kind=OrgKind.TOWNSHIP, status="serving",
                                 post_holdings__is_leading=True, post_holdings__valid_to__isnull=True)
            .values("org_unit_id", subject_id=F("id"), subject_label=F("name")).distinct())


def paired_households(ctx: SourceContext) -> QuerySet[Any]:
    """R08: one event per household paired in the period (dated at the later of pairing and period start)."""
    return (_active_pairings(ctx).exclude(household="").order_by()
            .values(subject_id=F("cadre_id"),
                    event_date=Greatest(F("valid_from"), Value(ctx.period_start, output_field=DateField()))))


def village_cadres(ctx: SourceContext) -> QuerySet[Any]:
    """R09: cadres who cover villages (a current village link or pairing)."""
    return (_active_pairings(ctx).order_by()
            .values(subject_id=F("cadre_id"), subject_label=F("cadre__name"), org_unit_id=F("cadre__org_unit_id"))
            .distinct())


def visits(ctx: SourceContext) -> QuerySet[Any]:
    return (HouseholdVisit.objects.filter(ctx.org_q(), visited_on__gte=ctx.period_start,
                                          visited_on__lte=ctx.period_end)
            .order_by().values(subject_id=F("cadre_id"), event_date=F("visited_on")))


def village_heads(ctx: SourceContext) -> QuerySet[Any]:
    """R10: current village party secretaries and committee directors."""
    return (PostHolding.objects.filter(VILLAGE_HEAD_TITLES, ctx.org_q(), org_unit__kind=OrgKind.VILLAGE,
                                       valid_to__isnull=True)
            .order_by().values("org_unit_id", subject_id=F("cadre_id"), subject_label=F("cadre__name")).distinct())


def in_village_days(ctx: SourceContext) -> QuerySet[Any]:
    return (InVillageDay.objects.filter(ctx.org_q("village__"), day__gte=ctx.period_start, day__lte=ctx.period_end)
            .order_by().values(subject_id=F("cadre_id"), event_date=F("day")))


def villages(ctx: SourceContext) -> QuerySet[Any]:
    return (OrgUnit.objects.filter(ctx.org_q(""), kind=OrgKind.VILLAGE)
            .values(subject_id=F("id"), subject_label=F("name"), org_unit_id=F("id")))


def staffed_days(ctx: SourceContext) -> QuerySet[Any]:
    """R11: one event per village and day on which at least `min_on_duty` cadres checked in.

    (village, cadre, day) is unique, so the row count of a village-day is its number of cadres.
    """
    min_on_duty = int(ctx.params.get("min_on_duty", 1))
    return (DutyShift.objects.filter(ctx.org_q("village__"), day__gte=ctx.period_start, day__lte=ctx.period_end,
                                     checked_in_at__isnull=False)
            .order_by().values(subject_id=F("village_id"), event_date=F("day"))
            .annotate(on_duty=Count("id")).filter(on_duty__gte=min_on_duty)
            .values("subject_id", "event_date"))


def orders_for_dispatch(ctx: SourceContext) -> QuerySet[Any]:
    """R16: each order must be dispatched by its dispatch_due (set from the R16 parameters at intake)."""
    return (ServiceOrder.objects.filter(ctx.org_q(), ordered_at__date__lte=ctx.period_end)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__date__gte=ctx.period_start))
            .order_by().values("org_unit_id", subject_id=F("id"), subject_label=F("tracking_code"),
                               start_date=TruncDate("ordered_at"), due_date=F("dispatch_due"),
                               done_date=TruncDate("dispatched_at")))


def petitions_for_closure(ctx: SourceContext) -> QuerySet[Any]:
    """R28: closure by close_due once accepted; before acceptance, the decision by accept_due."""
    return (Petition.objects.filter(ctx.org_q(), received_on__lte=ctx.period_end)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=ctx.period_start))
            .order_by().values("org_unit_id", subject_id=F("id"), subject_label=F("subject"),
                               start_date=F("received_on"), due_date=Coalesce("close_due", "accept_due"),
                               done_date=F("closed_on"), responsible_user_id=F("owner_id")))


def register() -> None:
    register_source("R08", AggregateSource(subject_type="cadres.cadre", population=township_leaders,
                                           events=paired_households, event_label="结对农户", unit="户"))
    register_source("R09", AggregateSource(subject_type="cadres.cadre", population=village_cadres,
                                           events=visits, event_label="走访农户", unit="户"))
    register_source("R10", AggregateSource(subject_type="cadres.cadre", population=village_heads,
                                           events=in_village_days, event_label="在村天数", unit="天"))
    register_source("R11", AggregateSource(subject_type="core.orgunit", population=villages,
                                           events=staffed_days, event_label="有村干部值班的天数", unit="天"))
    register_source("R16", DeadlineSource(subject_type="masswork.serviceorder", items=orders_for_dispatch,
                                          item_label="民心墙点单派单"))
    register_source("R28", DeadlineSource(subject_type="masswork.petition", items=petitions_for_closure,
                                          item_label="信访事项"))
