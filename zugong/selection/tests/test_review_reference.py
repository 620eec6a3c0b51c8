"""群众评议 beside the candidate step: each recommended cadre's and each candidate's place in the latest published
campaign of the jurisdiction (assessment's `public_review_ranking`), labelled as a reference and never a gate; a
fixed number of queries whatever the number of cadres."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.assessment.models import Campaign, CampaignKind, CampaignStatus, SubjectKind, VoterClass
from zugong.assessment.services import ballots as ballot_svc
from zugong.assessment.services import campaigns as campaign_svc
from zugong.cadres.models import Cadre
from zugong.conftest import bearer, logged_in
from zugong.selection.services import selections as svc
from zugong.selection.tests.conftest import World, cadre, open_selection


def _campaign(w: World, grades: dict[Cadre, str], *, publish: bool = True, title: str = "2025年度考核") -> Campaign:
    """A county-A campaign of these cadres, one 群众代表 ballot cast with these grades, then published."""
    common: dict[str, Any] = {"actor": w.alice, "jurisdiction": w.ja}
    campaign = campaign_svc.campaign_create(**common, org_unit=w.tree.county_a, title=title,
                                            kind=CampaignKind.ANNUAL, year=2025)
    subjects = {person: campaign_svc.subject_add(**common, campaign_id=campaign.pk, kind=SubjectKind.CADRE,
                                                 cadre=person) for person in grades}
    campaign_svc.campaign_transition(**common, campaign_id=campaign.pk, to=CampaignStatus.OPEN)
    ballot_svc.voter_class_weight_set(**common, campaign_id=campaign.pk, name="群众代表", weight=Decimal("100"))
    voters = VoterClass.objects.get(campaign=campaign)
    [code] = ballot_svc.codes_issue(**common, campaign_id=campaign.pk, voter_class_id=voters.pk, count=1)
    ballot_svc.ballot_cast(code=code, grades={subjects[p].pk: g for p, g in grades.items()})
    ballot_svc.ballots_flush(campaign_id=campaign.pk)
    for to in (CampaignStatus.SCORING, CampaignStatus.RATING):
        campaign_svc.campaign_transition(**common, campaign_id=campaign.pk, to=to)
    if publish:  # publishing needs every rating given: the fixture sets the state the reference reads
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.PUBLISHED)
    return campaign


def _at_shortlist(w: World, people: list[Cadre]) -> Any:
    s = open_selection(w)
    common: dict[str, Any] = {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}
    for i, person in enumerate(people):
        svc.recommendation_vote_set(**common, cadre=person, votes=30 - i)
    svc.recommendation_close(**common, eligible=45, issued=42, returned=40, valid=40)
    return s


def _seven(w: World) -> dict[Cadre, str]:
    others = [cadre(f"参评{i}", w.tree.township_a2) for i in range(4)]
    # ranks: 张一 1, 参评0 2, 参评1 3, 王三 4, 参评2 5, 参评3 6, 李二 7
    return {w.zhang: "优秀", w.li: "不称职", w.wang: "基本称职", others[0]: "优秀", others[1]: "称职",
            others[2]: "基本称职", others[3]: "基本称职"}


def test_each_cadre_s_rank_is_shown_as_a_reference_and_does_not_gate(world: World) -> None:
    s = _at_shortlist(world, [world.zhang, world.li, world.wang])
    api = bearer(world.alice)
    assert api.get(f"/api/v1/selections/{s.pk}").json()["public_review_campaign"] is None
    _campaign(world, _seven(world), publish=False)
    assert api.get(f"/api/v1/selections/{s.pk}").json()["public_review_campaign"] is None  # not published
    campaign = _campaign(world, _seven(world) | {world.zhang: "优秀", world.li: "不称职", world.wang: "基本称职"},
                         title="2025年度群众评议")
    body = api.get(f"/api/v1/selections/{s.pk}").json()
    assert body["public_review_campaign"]["id"] == campaign.pk
    assert "仅供参考" in body["public_review_campaign"]["note"]
    rows = {r["name"]: r["public_review"] for r in body["shortlist"]}
    assert (rows["张一"]["side"], rows["张一"]["rank"], rows["张一"]["of"]) == ("top", 1, 7)
    assert (rows["李二"]["side"], rows["李二"]["rank"], rows["李二"]["of"]) == ("bottom", 7, 7)
    assert rows["李二"]["text"] == "后 3 名（第 7 名，共 7 人，得分 0.00）"
    assert rows["王三"] is None  # 4th of 7: neither in the top nor the bottom 3
    # a reference only: the cadre at the bottom is shortlisted all the same
    added = api.post(f"/api/v1/selections/{s.pk}/candidates", {"cadre_id": world.li.pk},
                     content_type="application/json")
    assert added.status_code == 201
    assert added.json()["candidates"][0]["public_review"]["rank"] == 7
    page = logged_in(world.alice).get(f"/selection/{s.pk}/").content.decode()
    assert "群众评议（仅供参考）" in page and "前 3 名（第 1 名，共 7 人，得分 100.00）" in page
    assert "2025年度群众评议" in page and "不作为能否列为考察对象的条件" in page


def test_another_county_s_campaign_is_not_read(world: World, carol: Any) -> None:
    _campaign(world, _seven(world))
    s = _at_shortlist(world, [world.zhang])
    assert bearer(world.alice).get(f"/api/v1/selections/{s.pk}").json()["shortlist"][0]["public_review"]["rank"] == 1
    from zugong.core.jurisdiction import jurisdiction_for
    from zugong.selection.review_reference import review_reference

    assert review_reference(jurisdiction_for(carol), s) is None


def test_the_reference_costs_the_same_for_three_or_nine_recommended(world: World) -> None:
    grades = _seven(world)
    _campaign(world, grades)
    few = _at_shortlist(world, [world.zhang, world.li, world.wang])
    many = _at_shortlist(world, [*grades, cadre("另一", world.tree.township_a), cadre("再一", world.tree.township_a)])
    api = bearer(world.alice)
    api.get(f"/api/v1/selections/{few.pk}")  # the token's first use writes once; measured from the second
    counts = []
    for s in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            body = api.get(f"/api/v1/selections/{s.pk}").json()
        assert body["public_review_campaign"] is not None
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
