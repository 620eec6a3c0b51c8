"""Demo meetings for the meeting rules (R07, R12, R29), some kept and some broken, then an evaluation of
every rule for its own periods of the last year (13 months, 5 quarters, this year and last year), so the
compliance dashboard has the current period of each rule and a trend."""

from __future__ import annotations

import random
from datetime import date, timedelta

from zugong.core.demo import DemoContext, demo_contributor
from zugong.core.models import Meeting, MeetingKind, OrgUnit
from zugong.core.permissions import SYSTEM
from zugong.rules.engine import evaluate
from zugong.rules.kinds.periods import period_containing

YEARS_BACK = 1
PROVINCE_PERIODS = 2


def _day_in(start: date, end: date, rng: random.Random, today: date) -> date | None:
    last = min(end, today)
    if last < start:
        return None
    return start + timedelta(days=rng.randrange((last - start).days + 1))


def since(today: date) -> date:
    """The first day of the same month a year ago: what the demo evaluates back to."""
    return today.replace(year=today.year - YEARS_BACK, day=1)


def _periods(kind: str, today: date) -> list[tuple[date, date]]:
    """The periods of `kind` from the one containing `since(today)` to the one containing today."""
    result = []
    period = period_containing(kind, today)
    while period.end >= since(today):
        result.append((period.start, period.end))
        period = period.previous()
    return result


def _meetings(kind: str, units: list[OrgUnit], periods: list[tuple[date, date]], rng: random.Random,
              today: date, kept: float, extra: float = 0.0) -> list[Meeting]:
    rows = []
    for unit in units:
        diligence = rng.random()  # some units keep the rule far better than others
        for start, end in periods:
            times = (1 if rng.random() < kept * (0.6 + 0.4 * diligence) + 0.2 * diligence else 0)
            times += 1 if times and rng.random() < extra else 0
            for _ in range(times):
                held = _day_in(start, end, rng, today)
                if held is not None:
                    rows.append(Meeting(kind=kind, org_unit=unit, held_on=held, title=str(MeetingKind(kind).label)))
    return rows


@demo_contributor("rules.meetings", order=50)
def load_meetings(ctx: DemoContext) -> None:
    rng = ctx.rng("rules.meetings")
    today = ctx.today
    townships: list[OrgUnit] = ctx.data["townships"]
    counties: list[OrgUnit] = ctx.data["counties"]
    departments = [ctx.data["province"], *ctx.data["cities"], *counties]
    rows = _meetings(MeetingKind.LEDGER_MEETING, townships, _periods("month", today), rng, today, 0.65)
    rows += _meetings(MeetingKind.RETREAT, counties, _periods("year", today), rng, today, 0.75, 0.3)
    rows += _meetings(MeetingKind.SYMPOSIUM, counties, _periods("quarter", today), rng, today, 0.7)
    rows += _meetings(MeetingKind.STUDY_GROUP, departments, _periods("quarter", today), rng, today,
                      0.8, 0.35)
    Meeting.objects.bulk_create(rows, batch_size=2000)
    ctx.say(f"rules: {len(rows)} 次会议（民情分析会、务虚会、座谈会、中心组学习）")
    if ctx.scale == "province":
        # A year of every rule's periods over 2,000,000 orders and 5,000,000 visits took over 25 minutes
        # (docs/performance.md): the province gets the running and the last closed period of each rule.
        report = evaluate(as_of=today, periods=PROVINCE_PERIODS, actor=None, jurisdiction=SYSTEM)
    else:
        report = evaluate(as_of=today, since=since(today), actor=None, jurisdiction=SYSTEM)
    evaluated = [r for r in report.rules if r.subjects]
    ctx.say(f"rules: 评估 {len(evaluated)} 项制度，{sum(r.subjects for r in evaluated)} 条执行情况")
