from __future__ import annotations

import io
from datetime import date

from zugong.assessment.demo_data import load_assessments
from zugong.assessment.models import (
    Ballot,
    Campaign,
    CampaignStatus,
    NegativeEntry,
    SideEvidenceRequest,
    Subject,
)
from zugong.assessment.models_points import PointEntry, PointItem
from zugong.assessment.models_survey import Survey, SurveyFollowUp
from zugong.assessment.selectors_survey import ranking
from zugong.cadres.models import AnnualReview
from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree

from .conftest import cadre, cadre_interviews


def test_demo_publishes_an_annual_campaign_in_both_counties(db) -> None:
    ctx = DemoContext(scale="small", seed=7, today=date(2026, 11, 20), out=io.StringIO())
    load_org_tree(ctx)
    capped = []
    for county in ctx.data["counties"][:2]:
        townships = [t for t in ctx.data["townships"] if t.parent_id == county.pk]
        people = [cadre(f"{townships[n % len(townships)].name}干部{n}", townships[n % len(townships)]) for n in range(8)]
        cadre_interviews(people[3], 1)
        capped.append(people[3])
    load_assessments(ctx)
    campaigns = list(Campaign.objects.order_by("pk"))
    assert len(campaigns) == 2 and {c.status for c in campaigns} == {CampaignStatus.PUBLISHED}
    assert Ballot.objects.count() > 0 and NegativeEntry.objects.count() == 2
    assert not Subject.objects.filter(rating="").exists()
    for person in capped:  # interviewed once this year: never 优秀, and the reason is kept with the rating
        subject = Subject.objects.get(cadre=person)
        assert subject.rating != "优秀" and "本年度被约谈 1 次" in subject.rating_note
    assert AnnualReview.objects.filter(year=2026, superseded_at__isnull=True).count() == 16
    overdue = [r for r in SideEvidenceRequest.objects.all() if r.is_overdue(date(2026, 11, 20))]
    assert len(overdue) == 2 and all(r.replied_on is None for r in overdue)
    assert "考核评价：" in ctx.out.getvalue()  # type: ignore[attr-defined]
    # the satisfaction rounds: last year's and this year's, ranked, the lowest followed up
    rounds = list(Survey.objects.order_by("year"))
    assert [(r.year, r.status) for r in rounds] == [(2025, "closed"), (2026, "closed")]
    counties = ranking(rounds[1], "county")
    assert len(counties) == len(ctx.data["counties"]) and counties[0].score >= counties[-1].score
    tasks = SurveyFollowUp.objects.filter(survey=rounds[1])
    assert tasks.filter(kind="special_check").count() == min(10, len(counties))
    assert tasks.filter(done_on__isnull=False).count() == 1
    # the points-card quarter in each county: six items, two typed entries (one approved, one waiting)
    for county in ctx.data["counties"][:2]:
        assert PointItem.objects.filter(org_unit=county).count() == 6
        typed = PointEntry.objects.filter(auto=False, org_unit__path__startswith=county.path)
        assert sorted(typed.values_list("status", flat=True)) == ["approved", "pending"]
