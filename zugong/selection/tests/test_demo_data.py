from __future__ import annotations

import io
from datetime import date

from zugong.cadres.models import Cadre, PostHolding
from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.core.permissions import SYSTEM
from zugong.selection.demo_data import load_selections
from zugong.selection.models import (
    CandidateRefusal,
    CheckDraw,
    PlanReview,
    ProblemEntry,
    ReportCheck,
    Selection,
    StageSignature,
)
from zugong.selection.selectors import inspection_schedule
from zugong.selection.services.reports import draw_replay


def test_demo_selections_in_both_counties(db) -> None:
    ctx = DemoContext(scale="small", seed=7, today=date(2026, 11, 20), out=io.StringIO())
    load_org_tree(ctx)
    for county in ctx.data["counties"][:2]:
        townships = [t for t in ctx.data["townships"] if t.parent_id == county.pk]
        for n in range(24):
            township = townships[n % len(townships)]
            cadre = Cadre.objects.create(name=f"{township.name}干部{n}", org_unit=township, rank_level="副科级")
            PostHolding.objects.create(cadre=cadre, org_unit=township, title="副镇长", rank_level="副科级",
                                       valid_from=date(2019, 1, 1))
    load_selections(ctx)
    for county in ctx.data["counties"][:2]:
        stages = set(Selection.objects.filter(org_unit__path__startswith=county.path).values_list("stage", flat=True))
        assert stages == {"appointed", "decision", "investigation", "recommendation", "shortlist", "stopped"}
    assert sorted(CandidateRefusal.objects.values_list("gate", flat=True)) == ["R17", "R17", "R18", "R18"]
    assert set(ProblemEntry.objects.values_list("status", flat=True)) == {
        "pending", "verifying", "confirmed", "unfounded", "clarified"}
    assert StageSignature.objects.count() == 6
    # a year of personal-matters reports with a seeded draw per county, and 报备 agreed and adjusted
    assert CheckDraw.objects.count() == 2 and all(d.drawn == draw_replay(d) and d.strata
                                                  for d in CheckDraw.objects.all())
    assert ReportCheck.objects.filter(outcome="omitted", handling="reminder").exists()
    assert sorted(PlanReview.objects.values_list("decision", flat=True)) == ["adjust", "adjust", "approved", "approved"]
    # R22: one county inspected last year, the other three years ago and overdue
    overdue = [r.unit for r in inspection_schedule(SYSTEM, ctx.today) if r.overdue and r.last]
    assert overdue == [ctx.data["counties"][1]]
    assert "选拔任用：14 项" in ctx.out.getvalue()  # type: ignore[attr-defined]
