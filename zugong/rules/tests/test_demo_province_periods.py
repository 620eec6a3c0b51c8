"""The demo's rules contributor: a year of each rule's periods at small scale (the dashboard's trend),
only the running and the last closed period at province scale (a year took over 25 minutes)."""

from __future__ import annotations

import io

from django.utils import timezone

from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.rules.demo_data import load_meetings, since
from zugong.rules.kinds.periods import period_containing
from zugong.rules.models import Finding


def _evaluated_from(scale: str) -> set:
    ctx = DemoContext(scale="small", seed=3, today=timezone.localdate(), out=io.StringIO())
    load_org_tree(ctx)
    ctx.scale = scale  # type: ignore[assignment]
    load_meetings(ctx)
    return set(Finding.objects.filter(rule__code="R07").values_list("period_start", flat=True))


def test_small_scale_evaluates_a_year_of_periods(db) -> None:
    starts = _evaluated_from("small")
    today = timezone.localdate()
    assert min(starts) == since(today) and len(starts) == 13


def test_province_scale_evaluates_the_running_and_the_last_closed_period(db) -> None:
    starts = _evaluated_from("province")
    running = period_containing("month", timezone.localdate())
    assert starts == {running.start, running.previous().start}
