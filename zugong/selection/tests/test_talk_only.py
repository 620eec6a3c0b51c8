"""民主推荐 by 谈话推荐 only (the 方案 holds no 会议推荐): closed with the talk round's ballots alone, the record says no
meeting was held, and R17 reads the talk round only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from zugong.conftest import bearer, logged_in
from zugong.core.errors import GateRefused, ValidationFailed
from zugong.selection.models import Stage
from zugong.selection.services import selections as svc
from zugong.selection.tests.conftest import World, open_selection, register_row

DAY = date(2026, 3, 2)
TALK = svc.Ballots(eligible=22, issued=21, returned=20, valid=20)


def _common(w: World, s: Any) -> dict[str, Any]:
    return {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}


def test_a_talk_only_recommendation_closes_without_meeting_ballots_and_r17_reads_the_talk_round(world: World) -> None:
    register_row("R17", world.tree.county_a, {"min_vote_share": 0.5})
    s = open_selection(world, plan="只开展谈话推荐")
    c = _common(world, s)
    svc.recommendation_vote_set(**c, cadre=world.zhang, votes=15, kind="talk")
    svc.recommendation_vote_set(**c, cadre=world.li, votes=8, kind="talk")
    closed = svc.recommendation_close(**c, talk=TALK)
    assert closed.stage == Stage.SHORTLIST
    data = closed.records.get(stage=Stage.RECOMMENDATION).data
    assert data["meeting_held"] is False and "valid" not in data and data["talk"]["valid"] == 20
    with pytest.raises(GateRefused, match="李二在谈话推荐中得推荐票 8 票，占有效票 20 张的 40.0%，低于规定的 50.0%"):
        svc.candidate_add(**c, cadre=world.li, on=DAY)
    assert svc.candidate_add(**c, cadre=world.zhang, on=DAY).cadre_id == world.zhang.pk
    page = logged_in(world.alice).get(f"/selection/{s.pk}/").content.decode()
    assert "未开展（方案为只开展谈话推荐）" in page


def test_what_a_talk_only_close_refuses(world: World) -> None:
    s = open_selection(world)
    c = _common(world, s)
    with pytest.raises(ValidationFailed, match="方案为只开展谈话推荐的，请填写谈话推荐的参加人数和票数"):
        svc.recommendation_close(**c)
    with pytest.raises(ValidationFailed, match="会议推荐的应参加人数、发出票、收回票和有效票须一并填写"):
        svc.recommendation_close(**c, eligible=40, talk=TALK)
    svc.recommendation_vote_set(**c, cadre=world.zhang, votes=30)  # a meeting vote: its ballots are needed
    with pytest.raises(ValidationFailed, match="已登记会议推荐票，请填写会议推荐的参加人数和票数"):
        svc.recommendation_close(**c, talk=TALK)


def test_the_api_and_the_page_close_a_talk_only_recommendation(world: World) -> None:
    api = bearer(world.alice)
    s = open_selection(world)
    base = f"/api/v1/selections/{s.pk}"
    assert api.post(f"{base}/votes", {"cadre_id": world.zhang.pk, "votes": 12, "kind": "talk"},
                    content_type="application/json").status_code == 200
    refused = api.post(f"{base}/recommendation", {}, content_type="application/json")
    assert refused.status_code == 400
    done = api.post(f"{base}/recommendation", {"talk": {"eligible": 22, "issued": 21, "returned": 20, "valid": 20}},
                    content_type="application/json")
    assert done.status_code == 200 and done.json()["stage"] == "shortlist"
    assert [r["kind"] for r in done.json()["shortlist"][0]["rounds"]] == ["talk"]
    other = open_selection(world, title="乙")
    client = logged_in(world.alice)
    client.post(f"/selection/{other.pk}/step/votes/", {"cadre": world.li.pk, "votes": 9, "kind": "talk"})
    answer = client.post(f"/selection/{other.pk}/step/recommendation/", {
        "talk_eligible": 10, "talk_issued": 10, "talk_returned": 10, "talk_valid": 10})
    assert answer.status_code == 302
    other.refresh_from_db()
    assert other.stage == Stage.SHORTLIST
