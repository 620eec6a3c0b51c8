import io
from datetime import date

import pytest

from zugong.cadres import archive_audit
from zugong.cadres.demo_data import ANOMALIES, load_cadres
from zugong.cadres.models import Cadre, PostHolding, ResumeLine
from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.core.models import OrgUnit


@pytest.mark.django_db
@pytest.mark.parametrize("copy_threshold", [20_000, 0])  # 0: the COPY path on PostgreSQL
def test_small_demo_has_680_believable_cadres_and_the_planted_anomalies(monkeypatch, copy_threshold):
    monkeypatch.setattr("zugong.cadres.demo_data.COPY_THRESHOLD", copy_threshold)
    ctx = DemoContext(scale="small", seed=7, today=date(2026, 1, 5), out=io.StringIO())
    load_org_tree(ctx)
    load_cadres(ctx)
    villages = len(ctx.data["villages"])
    assert len(ctx.data["cadres"]) == Cadre.objects.count() == 600 + 2 * villages == 680
    assert PostHolding.objects.filter(valid_to__isnull=True).count() >= 680
    assert ResumeLine.objects.values("cadre").distinct().count() == 680
    heads = Cadre.objects.filter(org_unit__kind="village")
    assert heads.filter(current_post="村党支部书记", political_status="01").count() == villages
    assert heads.filter(current_post="村委会主任", post_holdings__is_leading=True).count() == villages
    recruits = Cadre.objects.filter(township_recruit_on__isnull=False)
    assert recruits.count() == 40 and recruits.filter(township_recruit_on__gt=date(2024, 1, 5)).exists()
    assert Cadre.objects.filter(name_initials="").count() == 0
    assert not Cadre.objects.filter(party_join_date__gt=ctx.today).exists()
    assert Cadre.objects.filter(current_post="党委书记", post_holdings__title="党委书记").count() == 10
    counties = OrgUnit.objects.filter(kind="county")
    for county in counties:  # every county's audit page shows each planted kind of problem
        _, findings = archive_audit.run(Cadre.objects.filter(org_unit__path__startswith=county.path), today=ctx.today)
        assert set(ANOMALIES) <= {f.check for f in findings}, county.name
    _, findings = archive_audit.run(Cadre.objects.all(), today=ctx.today)
    # the planted problems are a handful per county, not noise on every record
    assert len({f.cadre_id for f in findings}) <= 3 * len(ANOMALIES) * counties.count()
