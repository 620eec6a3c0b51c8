"""A test-only event source over existing tables, exercising every evaluated kind.

Aggregate kinds: the population is the villages of the tree, events are core `Meeting` rows of kind
"other" held by a village (measure = length of `attendees`). Deadline kind: items are org units of
kind party_group, started on `valid_from`, done on `valid_to` (NULL while open).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import DateField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Length

from zugong.core.models import Meeting, MeetingKind, OrgKind, OrgUnit
from zugong.rules import registry
from zugong.rules.registry import AggregateSource, DeadlineSource, Source, SourceContext


def villages(ctx: SourceContext) -> QuerySet[Any]:
    return OrgUnit.objects.filter(ctx.org_q(""), kind=OrgKind.VILLAGE).values(
        subject_id=F("id"), subject_label=F("name"), org_unit_id=F("id"))


def versioned_villages(ctx: SourceContext) -> QuerySet[Any]:
    """The villages with their row version: the label is the village's own name."""
    return OrgUnit.objects.filter(ctx.org_q(""), kind=OrgKind.VILLAGE).values(
        subject_id=F("id"), subject_label=F("name"), org_unit_id=F("id"), **registry.row_version(OrgUnit))


def village_events(ctx: SourceContext) -> QuerySet[Any]:
    return Meeting.objects.filter(kind=MeetingKind.OTHER).order_by().values(
        subject_id=F("org_unit_id"), event_date=F("held_on"), measure=Length("attendees"))


def items(ctx: SourceContext) -> QuerySet[Any]:
    return OrgUnit.objects.filter(kind=OrgKind.PARTY_GROUP).values(
        subject_id=F("id"), subject_label=F("name"), org_unit_id=F("parent_id"), start_date=F("valid_from"),
        due_date=Value(None, output_field=DateField()), done_date=F("valid_to"),
        responsible_user_id=Value(None, output_field=IntegerField()))


def aggregate_source(*, measure: bool = False, versioned: bool = False) -> AggregateSource:
    return AggregateSource(subject_type="core.orgunit", population=versioned_villages if versioned else villages,
                           events=village_events, event_label="走访", unit="户", measure=measure)


def deadline_source() -> DeadlineSource:
    return DeadlineSource(subject_type="core.orgunit", items=items, item_label="测试事项")


@contextmanager
def registered(code: str, source: Source) -> Iterator[None]:
    saved = registry._sources.get(code)
    registry._sources[code] = [source]
    try:
        yield
    finally:
        if saved is None:
            registry._sources.pop(code, None)
        else:
            registry._sources[code] = saved


@contextmanager
def without_sources(code: str) -> Iterator[None]:
    """Rule `code` as if no module registered a source for it (a rule the modules have not wired yet)."""
    saved = registry._sources.pop(code, None)
    try:
        yield
    finally:
        if saved is not None:
            registry._sources[code] = saved
