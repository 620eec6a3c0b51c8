"""The meeting rules R07, R12 and R29 wired to the Foundation's `Meeting` records.

The engine ships them itself because `Meeting` lives in core: they are also the worked example of
how a module registers its sources (docs/rules.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from zugong.core.models import Meeting, MeetingKind, OrgKind, OrgUnit
from zugong.rules.registry import AggregateSource, SourceContext, register_source


def _units(ctx: SourceContext, kinds: list[str]) -> QuerySet[Any]:
    return (
        OrgUnit.objects.filter(ctx.org_q(""), kind__in=kinds)
        .values(subject_id=F("id"), subject_label=F("name"), org_unit_id=F("id"))
    )


def _meetings(ctx: SourceContext, kind: str) -> QuerySet[Any]:
    return (
        Meeting.objects.filter(ctx.org_q(), kind=kind, held_on__gte=ctx.period_start, held_on__lte=ctx.period_end)
        .order_by()
        .values(subject_id=F("org_unit_id"), event_date=F("held_on"))
    )


def townships(ctx: SourceContext) -> QuerySet[Any]:
    return _units(ctx, [OrgKind.TOWNSHIP])


def counties(ctx: SourceContext) -> QuerySet[Any]:
    return _units(ctx, [OrgKind.COUNTY])


def org_departments(ctx: SourceContext) -> QuerySet[Any]:
    """Units whose organisation department keeps a central study group: province, cities, counties."""
    return _units(ctx, [OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY])


def register() -> None:
    register_source("R07", AggregateSource(
        subject_type="core.orgunit", population=townships,
        events=lambda ctx: _meetings(ctx, MeetingKind.LEDGER_MEETING), event_label="民情分析会",
    ))
    register_source("R12", AggregateSource(
        subject_type="core.orgunit", population=org_departments, part="retreat",
        events=lambda ctx: _meetings(ctx, MeetingKind.RETREAT), event_label="务虚会",
    ))
    register_source("R12", AggregateSource(
        subject_type="core.orgunit", population=org_departments, part="symposium",
        events=lambda ctx: _meetings(ctx, MeetingKind.SYMPOSIUM), event_label="座谈会",
    ))
    register_source("R29", AggregateSource(
        subject_type="core.orgunit", population=org_departments,
        events=lambda ctx: _meetings(ctx, MeetingKind.STUDY_GROUP), event_label="中心组学习",
    ))
