"""The demo: every org-department cadre of both counties has training, some below R30's thresholds; four
quarters of village income over several colours, one village per county missing the latest quarter."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone

from zugong.cadres.demo_data import load_cadres
from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.core.permissions import SYSTEM
from zugong.fieldwork.demo_data import _quarters, load_fieldwork
from zugong.fieldwork.models import TrainingRecord
from zugong.fieldwork.selectors import graded_reports, missing_reports, off_job_days_in_cycle


def test_demo_training_and_income_in_both_counties(db) -> None:  # type: ignore[no-untyped-def]
    ctx = DemoContext(scale="small", seed=11, today=timezone.localdate(), out=io.StringIO())
    load_org_tree(ctx)
    load_cadres(ctx)
    load_fieldwork(ctx)
    latest = _quarters(ctx.today)[-1]
    for county in ctx.data["counties"][:2]:
        cycle = list(off_job_days_in_cycle(SYSTEM, as_of=ctx.today, org_unit=county))
        assert cycle, county.name
        assert {r["meets"] for r in cycle} == {True, False}
        assert all(TrainingRecord.objects.filter(cadre_id=r["id"]).exists() for r in cycle)
        levels = {r["level"] for r in graded_reports(county, latest)}
        assert len(levels) >= 3
        assert missing_reports(county, latest).count() == 1
        assert len(_quarters(ctx.today)) == 4


def test_demo_stays_topics_retirees_and_approvals(db) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from zugong.fieldwork.demo_data import load_fieldwork_stays
    from zugong.fieldwork.models import FieldBatch, FieldStay, ResearchTopic, Suggestion, TransferApproval
    from zugong.fieldwork.selectors_care import missed_visits
    from zugong.fieldwork.selectors_research import leader_year
    from zugong.fieldwork.selectors_stays import suggestions_overdue

    ctx = DemoContext(scale="small", seed=11, today=date(2026, 12, 6), out=io.StringIO())
    load_org_tree(ctx)
    load_cadres(ctx)
    load_fieldwork_stays(ctx)
    first, second = ctx.data["counties"][:2]
    assert FieldBatch.objects.filter(organiser=first, year=2025).count() == 2
    assert FieldBatch.objects.filter(organiser=second, year=2025).count() == 1  # short of R06's two
    assert FieldStay.objects.filter(days__lt=30).exists() and FieldStay.objects.filter(days=30).exists()
    assert Suggestion.objects.filter(status="replied").exists()
    assert suggestions_overdue(SYSTEM, ctx.today).exists()
    assert ResearchTopic.objects.filter(call__year=2025, status="evaluated").exists()
    assert ResearchTopic.objects.filter(call__year=2026, status="registered").exists()
    days = leader_year(SYSTEM, first, 2025)
    assert {r["days_ok"] for r in days} == {True, False}
    missed = missed_visits(SYSTEM, 2025, ctx.today)
    assert [(m.retiree.village.path.startswith(first.path), m.label) for m in missed] == [(True, "春节")]
    assert missed_visits(SYSTEM, 2026, ctx.today) == []
    assert TransferApproval.objects.exists()
    from zugong.fieldwork.selectors_stays import spending_totals

    assert [t["money"] for t in spending_totals(SYSTEM, 2025)] == [Decimal("6.2"), Decimal("6.2")]
