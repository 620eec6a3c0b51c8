import io
from datetime import date

import pytest

from zugong.cadres import archive_audit
from zugong.cadres.demo_data import ANOMALIES, load_cadres
from zugong.cadres.models import Cadre, PostHolding, ResumeLine
from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree


@pytest.mark.django_db
@pytest.mark.parametrize("copy_threshold", [20_000, 0])  # 0: the COPY path on PostgreSQL
def test_small_demo_has_600_believable_cadres_and_the_planted_anomalies(monkeypatch, copy_threshold):
    monkeypatch.setattr("zugong.cadres.demo_data.COPY_THRESHOLD", copy_threshold)
    ctx = DemoContext(scale="small", seed=7, today=date(2026, 1, 5), out=io.StringIO())
    load_org_tree(ctx)
    load_cadres(ctx)
    assert len(ctx.data["cadres"]) == Cadre.objects.count() == 600
    assert PostHolding.objects.filter(valid_to__isnull=True).count() >= 600
    assert ResumeLine.objects.values("cadre").distinct().count() == 600
    recruits = Cadre.objects.filter(township_recruit_on__isnull=False)
    assert recruits.count() == 40 and recruits.filter(township_recruit_on__gt=date(2024, 1, 5)).exists()
    assert Cadre.objects.filter(name_initials="").count() == 0
    assert not Cadre.objects.filter(party_join_date__gt=ctx.today).exists()
    assert Cadre.objects.filter(current_post="党委书记", post_holdings__title="党委书记").count() == 10
    _, findings = archive_audit.run(Cadre.objects.all(), today=ctx.today)
    found = {f.check for f in findings}
    assert set(ANOMALIES) <= found
    # the planted problems are a handful, not noise on every record
    assert len({f.cadre_id for f in findings}) <= 3 * len(ANOMALIES)
