"""Row locks of the talks app, in one place, taken in pk order."""

from __future__ import annotations

from django.db.models import QuerySet

from zugong.talks.models import Interview, SupervisionAction, TalkPlan, TalkTrigger


def lock_interview(pk: int) -> Interview:
    return Interview.objects.select_for_update().select_related("org_unit").get(pk=pk)


def lock_supervision_action(pk: int) -> SupervisionAction:
    return SupervisionAction.objects.select_for_update().get(pk=pk)


def lock_triggers(ids: list[int]) -> QuerySet[TalkTrigger]:
    return TalkTrigger.objects.select_for_update().filter(pk__in=ids).order_by("pk")


def lock_plan(pk: int) -> TalkPlan:
    return TalkPlan.objects.select_for_update().get(pk=pk)
