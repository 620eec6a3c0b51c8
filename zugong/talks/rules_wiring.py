"""Where the rule engine finds the talks module's data (R03, R04, R05, R14, R15).

Called from TalksConfig.ready(). Each source returns a `.values()` queryset in the column shape
zugong/rules/registry.py documents; the engine scopes, counts and writes the findings.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.talks.caps import rating_cap
from zugong.talks.models import Interview, InterviewTarget, Talk, TalkTrigger, TriggerKind
from zugong.talks.roster import roster_cadres

if TYPE_CHECKING:
    from zugong.rules.registry import SourceContext

DEADLINE_COLUMNS = ("subject_id", "subject_label", "org_unit_id", "start_date", "due_date", "done_date")


def _trigger_items(ctx: SourceContext, flagged: bool) -> QuerySet[Any]:
    triggers = TalkTrigger.objects.filter(ctx.org_q("org_unit__"), raised_on__lte=ctx.period_end)
    triggers = triggers.filter(kind=TriggerKind.FLAGGED) if flagged else triggers.exclude(kind=TriggerKind.FLAGGED)
    items: QuerySet[Any] = triggers.exclude(status="cancelled").annotate(
        subject_id=F("pk"), subject_label=F("cadre__name"), start_date=F("raised_on"), due_date=F("due_on"),
        done_date=F("satisfied_by__held_on"),
    ).values(*DEADLINE_COLUMNS)
    return items


def flagged_talk_items(ctx: SourceContext) -> QuerySet[Any]:
    """R03: each 有想法/有反映 flag, from the flag to the talk."""
    return _trigger_items(ctx, flagged=True)


def triggered_talk_items(ctx: SourceContext) -> QuerySet[Any]:
    """R05: each 五必谈 trigger, from the trigger to the talk."""
    return _trigger_items(ctx, flagged=False)


def roster_population(ctx: SourceContext) -> QuerySet[Any]:
    """R04: the 副科级以上实职 roster on the evaluation day (one subject per cadre)."""
    roster = roster_cadres_q(ctx.as_of)
    return roster.filter(ctx.org_q("org_unit__")).annotate(subject_id=F("pk"), subject_label=F("name")).values(
        "subject_id", "subject_label", "org_unit_id")


def roster_cadres_q(on: date) -> QuerySet[Cadre]:
    from zugong.core.models import OrgUnit

    root = OrgUnit(path="")  # the whole tree; the engine narrows with ctx.org_q
    return roster_cadres(root, on)


def talk_events(ctx: SourceContext) -> QuerySet[Any]:
    """R04: one event per talkee per talk."""
    through = Talk.talkees.through
    return through.objects.filter(talk__held_on__gte=ctx.period_start, talk__held_on__lte=ctx.period_end).annotate(
        subject_id=F("cadre_id"), event_date=F("talk__held_on")).values(  # type: ignore[misc]
        "subject_id", "event_date")


def report_items(ctx: SourceContext) -> QuerySet[Any]:
    """R15: a cadre's written report, due one month after the unit head was informed."""
    interviews = Interview.objects.filter(ctx.org_q("org_unit__"), head_informed_on__isnull=False,
                                          head_informed_on__lte=ctx.period_end).exclude(
        target_kind=InterviewTarget.TEAM)
    items: QuerySet[Any] = interviews.annotate(
        subject_id=F("pk"), subject_label=F("cadre__name"), start_date=F("head_informed_on"),
        due_date=F("report_due_on"), done_date=F("report_submitted_on")).values(*DEADLINE_COLUMNS)
    return items


def r14_caps(*, org_unit: Any = None, on: date | None = None, cadre: Cadre | None = None, team: Any = None,
             year: int | None = None, **_: Any) -> list[Any]:
    from zugong.rules.registry import Cap as RuleCap

    if cadre is None and team is None:
        return []
    the_year = year or (on or timezone.localdate()).year
    cap = rating_cap(cadre=cadre, year=the_year) if cadre is not None else rating_cap(team=team, year=the_year)
    return [RuleCap(code="R14", limit=cap.max_rating, reason=cap.reason)] if cap.max_rating else []


def wire() -> bool:
    """Register the sources and the cap; False when the rule engine's registry is not installed."""
    try:
        from zugong.rules import registry
    except ImportError:
        return False
    registry.register_source("R03", registry.DeadlineSource(
        subject_type="talks.talktrigger", items=flagged_talk_items, item_label="有想法/有反映干部谈话"))
    registry.register_source("R05", registry.DeadlineSource(
        subject_type="talks.talktrigger", items=triggered_talk_items, item_label="五必谈"))
    registry.register_source("R04", registry.AggregateSource(
        subject_type="cadres.cadre", population=roster_population, events=talk_events,
        event_label="谈心谈话", unit="次"))
    registry.register_source("R15", registry.DeadlineSource(
        subject_type="talks.interview", items=report_items, item_label="约谈后书面报告"))
    registry.register_cap("R14", r14_caps)
    return True
