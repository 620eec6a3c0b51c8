"""Row locks of the talks app, in one place: each locks only its own rows (`of=("self",)`, so
PostgreSQL does not also lock a joined org unit), in pk order, and returns the rows the service then
changes and saves with `update_fields`."""

from __future__ import annotations

from django.db.models import QuerySet

from zugong.core.errors import NotFound
from zugong.talks.models import Interview, SupervisionAction, TalkFollowUp, TalkPlan, TalkTrigger

NOT_FOUND = "未找到，或不在您的管辖范围内"


def lock_interview(pk: int) -> Interview:
    interview = (Interview.objects.select_for_update(of=("self",)).select_related("org_unit")
                 .filter(pk=pk).first())
    if interview is None:
        raise NotFound(NOT_FOUND)
    return interview


def lock_supervision_action(pk: int) -> SupervisionAction:
    action = (SupervisionAction.objects.select_for_update(of=("self",)).select_related("org_unit")
              .filter(pk=pk).first())
    if action is None:
        raise NotFound(NOT_FOUND)
    return action


def lock_follow_up(pk: int) -> TalkFollowUp:
    follow_up = (TalkFollowUp.objects.select_for_update(of=("self",)).select_related("talk__org_unit")
                 .filter(pk=pk).first())
    if follow_up is None:
        raise NotFound(NOT_FOUND)
    return follow_up


def lock_triggers(ids: list[int]) -> list[TalkTrigger]:
    triggers: QuerySet[TalkTrigger] = (TalkTrigger.objects.select_for_update(of=("self",))
                                       .select_related("org_unit").filter(pk__in=ids).order_by("pk"))
    return list(triggers)


def lock_plan(pk: int) -> TalkPlan:
    return TalkPlan.objects.select_for_update(of=("self",)).get(pk=pk)
