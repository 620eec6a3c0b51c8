"""民主推荐 in two rounds, 会议推荐 and 谈话推荐: each with its eligible voters, ballots and votes, shown on the page
and in the 纪实表, and read by R17 per round (recommended in either round, the share and rank holding in a round
the cadre was recommended in)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from pypdf import PdfReader

from zugong.cadres.models import Cadre
from zugong.conftest import bearer, logged_in
from zugong.core.errors import GateRefused, ValidationFailed
from zugong.selection.documents import trace_docx, trace_pdf
from zugong.selection.flow import shortlist_preview, stage_flow
from zugong.selection.models import RecommendationVote, Selection, Stage
from zugong.selection.recommendation import RoundStanding, r17_reason
from zugong.selection.selectors import selection_get
from zugong.selection.services import selections as svc
from zugong.selection.tests.conftest import World, cadre, open_selection, register_row

ON = date(2026, 3, 2)
TALK = svc.Ballots(eligible=22, issued=21, returned=20, valid=20)


def _c(w: World, s: Selection) -> dict[str, Any]:
    return {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}


def _votes(w: World, s: Selection, meeting: dict[Cadre, int], talk: dict[Cadre, int]) -> None:
    for person, n in meeting.items():
        svc.recommendation_vote_set(**_c(w, s), cadre=person, votes=n)
    for person, n in talk.items():
        svc.recommendation_vote_set(**_c(w, s), cadre=person, votes=n, kind="talk")


def _close(w: World, s: Selection, talk: svc.Ballots | None = TALK) -> Selection:
    return svc.recommendation_close(**_c(w, s), eligible=45, issued=42, returned=40, valid=40, talk=talk)


def test_each_round_keeps_its_ballots_and_votes(world: World) -> None:
    s = open_selection(world)
    _votes(world, s, {world.zhang: 30, world.li: 10}, {world.zhang: 15, world.wang: 12})
    svc.recommendation_vote_set(**_c(world, s), cadre=world.wang, votes=13, kind="talk")  # set again: replaced
    _close(world, s)
    kinds = sorted(RecommendationVote.objects.values_list("kind", "cadre__name", "votes"))
    assert kinds == [("meeting", "张一", 30), ("meeting", "李二", 10), ("talk", "张一", 15), ("talk", "王三", 13)]
    data = s.records.get(stage=Stage.RECOMMENDATION).data
    assert (data["eligible"], data["issued"], data["returned"], data["valid"]) == (45, 42, 40, 40)
    assert [(v["name"], v["votes"]) for v in data["votes"]] == [("张一", 30), ("李二", 10)]
    assert {k: data["talk"][k] for k in ("eligible", "issued", "returned", "valid")} == {
        "eligible": 22, "issued": 21, "returned": 20, "valid": 20}
    assert [(v["name"], v["votes"]) for v in data["talk"]["votes"]] == [("张一", 15), ("王三", 13)]
    rows = dict((str(k), v) for k, v in stage_flow(selection_get(world.ja, s.pk))[1].rows)
    assert rows["会议推荐得票"] == "张一 30、李二 10" and rows["会议推荐有效票"] == "40"
    assert rows["谈话推荐"] == "应参加 22 人，发出 21 票，收回 20 票，有效 20 票；得票：张一 15、王三 13"


def test_a_meeting_only_record_has_no_talk_round(world: World) -> None:
    s = open_selection(world)
    _votes(world, s, {world.zhang: 30}, {})
    _close(world, s, talk=None)
    assert "talk" not in s.records.get(stage=Stage.RECOMMENDATION).data


def test_each_round_is_checked_against_its_own_ballots(world: World) -> None:
    s = open_selection(world)
    _votes(world, s, {world.zhang: 30}, {world.li: 21})
    with pytest.raises(ValidationFailed, match="已登记谈话推荐票，请填写谈话推荐"):
        _close(world, s, talk=None)
    with pytest.raises(ValidationFailed, match="谈话推荐中李二的得票 21 多于有效票 20"):
        _close(world, s)
    with pytest.raises(ValidationFailed, match="谈话推荐发出票数 23 应大于 0 且不超过应参加人数 22"):
        _close(world, s, talk=svc.Ballots(22, 23, 20, 20))
    with pytest.raises(ValidationFailed, match="谈话推荐收回票 21 不能多于发出票 20"):
        _close(world, s, talk=svc.Ballots(22, 20, 21, 20))
    with pytest.raises(ValidationFailed, match="请选择会议推荐或谈话推荐"):
        svc.recommendation_vote_set(**_c(world, s), cadre=world.li, votes=1, kind="phone")
    svc.recommendation_vote_set(**_c(world, s), cadre=world.li, votes=20, kind="talk")
    assert _close(world, s).stage == Stage.SHORTLIST


def _share(w: World, share: float) -> None:
    register_row("R17", w.tree.county_a, {"min_vote_share": share})


def test_r17_passes_a_cadre_recommended_in_either_round_where_the_share_holds(world: World) -> None:
    # given: half of the valid ballots required; 40 valid in the meeting round, 20 in the talk round
    _share(world, 0.5)
    zhao = cadre("赵五", world.tree.township_a)
    s = open_selection(world)
    _votes(world, s, {world.zhang: 19, world.li: 19}, {world.zhang: 11, world.li: 5, world.wang: 12})
    _close(world, s)
    # then: 张一 is below in the meeting round (47.5%) but holds in the talk round (55%): passes
    assert svc.candidate_add(**_c(world, s), cadre=world.zhang, on=ON).cadre == world.zhang
    # and: 王三 was recommended in the talk round only (60%): passes
    assert svc.candidate_add(**_c(world, s), cadre=world.wang, on=ON).cadre == world.wang
    # and: 李二 is below in both rounds: refused with both rounds' numbers
    with pytest.raises(GateRefused, match=r"李二在会议推荐中得推荐票 19 票，占有效票 40 张的 47.5%，低于规定的 50.0%；"
                                          r"在谈话推荐中得推荐票 5 票，占有效票 20 张的 25.0%，低于规定的 50.0%"):
        svc.candidate_add(**_c(world, s), cadre=world.li, on=ON)
    # and: nobody recommended 赵五 in either round
    with pytest.raises(GateRefused, match="赵五未获群众推荐（推荐票 0 票）"):
        svc.candidate_add(**_c(world, s), cadre=zhao, on=ON)


def test_r17_rank_is_counted_within_each_round(world: World) -> None:
    register_row("R17", world.tree.county_a, {"max_rank": 1})
    s = open_selection(world)
    _votes(world, s, {world.zhang: 30, world.li: 29}, {world.li: 15, world.zhang: 9})
    _close(world, s)
    assert svc.candidate_add(**_c(world, s), cadre=world.li, on=ON)  # second at the meeting, first in talks
    s.refresh_from_db()
    assert svc.candidate_add(**_c(world, s), cadre=world.zhang, on=ON)


def test_r17_a_round_where_the_cadre_had_no_votes_does_not_decide(world: World) -> None:
    share_only = [RoundStanding("meeting", 0, 40, None), RoundStanding("talk", 11, 20, 1)]
    assert r17_reason("张一", share_only, 0.5, None) is None
    both_low = [RoundStanding("meeting", 1, 40, 3), RoundStanding("talk", 0, 20, None)]
    assert r17_reason("张一", both_low, 0.5, None) == (
        "张一在会议推荐中得推荐票 1 票，占有效票 40 张的 2.5%，低于规定的 50.0%")
    meeting_only = [RoundStanding("meeting", 1, 40, 3)]
    assert r17_reason("张一", meeting_only, 0.5, None) == "张一得推荐票 1 票，占有效票 40 张的 2.5%，低于规定的 50.0%"


def test_the_shortlist_preview_reads_the_rounds_as_the_gate_does(world: World) -> None:
    _share(world, 0.5)
    s = open_selection(world)
    _votes(world, s, {world.zhang: 19, world.li: 19}, {world.zhang: 11, world.li: 5, world.wang: 12})
    _close(world, s)
    rows = {r.name: r for r in shortlist_preview(selection_get(world.ja, s.pk), ON)}
    assert (rows["张一"].votes, rows["张一"].blocked_by) == (30, "")
    assert [(r.kind, r.votes, r.valid, r.rank) for r in rows["张一"].rounds] == [("meeting", 19, 40, 1),
                                                                                 ("talk", 11, 20, 2)]
    assert rows["李二"].blocked_by == "R17" and "在谈话推荐中得推荐票 5 票" in rows["李二"].reason
    assert (rows["王三"].votes, rows["王三"].rank, rows["王三"].blocked_by) == (12, 1, "")
    page = logged_in(world.alice).get(f"/selection/{s.pk}/").content.decode()
    assert "谈话推荐 11（第 2 名）" in page and "会议推荐 19（第 1 名）" in page


def test_the_record_documents_name_both_rounds(world: World) -> None:
    s = open_selection(world)
    _votes(world, s, {world.zhang: 30}, {world.zhang: 15})
    _close(world, s)
    selection = selection_get(world.ja, s.pk)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(trace_pdf(selection))).pages)
    assert "会议推荐有效票" in text and "谈话推荐" in text and "有效 20 票" in text
    assert b"PK" == trace_docx(selection)[:2]


def test_the_api_records_a_talk_round(world: World) -> None:
    s = open_selection(world)
    api, base = bearer(world.alice), f"/api/v1/selections/{s.pk}"
    for body in ({"cadre_id": world.zhang.pk, "votes": 30}, {"cadre_id": world.zhang.pk, "votes": 14, "kind": "talk"}):
        assert api.post(f"{base}/votes", body, content_type="application/json").status_code == 200
    answer = api.post(f"{base}/recommendation", {"eligible": 45, "issued": 42, "returned": 40, "valid": 40,
                                                  "talk": {"eligible": 22, "issued": 21, "returned": 20, "valid": 20}},
                      content_type="application/json")
    assert answer.status_code == 200, answer.json()
    row = answer.json()["shortlist"][0]
    assert (row["votes"], row["rank"]) == (44, 1)
    assert row["rounds"] == [{"kind": "meeting", "votes": 30, "valid": 40, "rank": 1},
                             {"kind": "talk", "votes": 14, "valid": 20, "rank": 1}]
    refused = api.post(f"{base}/votes", {"cadre_id": world.li.pk, "votes": 1, "kind": "x"},
                       content_type="application/json")
    assert refused.status_code == 422


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_makes_earlier_votes_meeting_votes(world: World) -> None:
    # given: the schema before the rounds, with a vote that has no kind yet
    s = open_selection(world)
    executor = MigrationExecutor(connection)
    executor.migrate([("selection", "0010_recommendation_kind")])
    old = executor.loader.project_state([("selection", "0010_recommendation_kind")]).apps
    old.get_model("selection", "RecommendationVote").objects.create(selection_id=s.pk, cadre_id=world.zhang.pk,
                                                                    votes=7, kind=None)
    # when
    executor = MigrationExecutor(connection)
    executor.migrate([("selection", "0012_recommendation_kind_required")])
    # then
    assert list(RecommendationVote.objects.values_list("kind", "votes")) == [("meeting", 7)]
