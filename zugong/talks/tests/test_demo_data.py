from __future__ import annotations

import io
from datetime import date

from zugong.cadres.models import Cadre, PostHolding
from zugong.core.demo import DemoContext
from zugong.core.demo_data import load_org_tree
from zugong.core.models import OrgKind
from zugong.talks.caps import rating_cap
from zugong.talks.demo_data import load_talks
from zugong.talks.models import Interview, Talk, TalkPlan, TalkTrigger


def _context() -> DemoContext:
    return DemoContext(scale="small", seed=7, today=date(2026, 11, 20), out=io.StringIO())


def test_without_cadres_nothing_is_created(db) -> None:
    ctx = _context()
    load_org_tree(ctx)
    load_talks(ctx)
    assert Talk.objects.count() == 0 and TalkPlan.objects.count() == 0
    assert "未生成谈话演示数据" in ctx.out.getvalue()  # type: ignore[attr-defined]


def test_demo_talks_on_top_of_a_roster(db) -> None:
    ctx = _context()
    load_org_tree(ctx)
    for county in ctx.data["counties"]:
        townships = [t for t in ctx.data["townships"] if t.parent_id == county.pk]
        for n, township in enumerate(townships):
            for title, rank in (("党委书记", "D1"), ("镇长", "D1"), ("副镇长", "D2")):
                cadre = Cadre.objects.create(name=f"{township.name}{title}", org_unit=township, rank_level=rank)
                PostHolding.objects.create(cadre=cadre, org_unit=township, title=township.name + title,
                                           rank_level=rank, valid_from=date(2018 + n, 1, 1))
    load_talks(ctx)
    assert TalkPlan.objects.count() == 2
    assert Talk.objects.count() > 10
    assert set(Interview.objects.values_list("status", flat=True)) == {
        "proposed", "rejected", "approved", "notice_sent", "held", "follow_up", "assessed"}
    assert TalkTrigger.objects.filter(status="open").exists()
    first = next(t for t in ctx.data["townships"] if t.kind == OrgKind.TOWNSHIP)
    assert rating_cap(team=first, year=2026).max_rating == "较好"
