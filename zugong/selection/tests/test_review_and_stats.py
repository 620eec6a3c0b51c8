"""报备 (the superior org department reviews a selection's plan: 同意 / 责令调整) and the counts of
`GET /api/v1/selections/stats` and /selection/stats/: reported, adjusted, decided_by_vote, checked,
not_truthful, with the generated sentence."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.errors import Conflict, Forbidden, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.selection.models import ReviewDecision, Stage
from zugong.selection.services import review as rv
from zugong.selection.services import selections as svc
from zugong.selection.stats import selection_stats
from zugong.selection.tests.conftest import World, open_selection, reports_checked, walk

ON = date(2026, 2, 2)


@pytest.fixture
def city_admin(world: World) -> User:
    return make_user("city", world.tree.city, Role.ORG_ADMIN)


def _submit(w: World, s: Any, on: date = ON) -> Any:
    return rv.plan_submit(actor=w.alice, jurisdiction=w.ja, selection_id=s.pk, on=on)


def _decide(user: User, review: Any, decision: str, reason: str = "") -> Any:
    return rv.plan_review(actor=user, jurisdiction=jurisdiction_for(user), review_id=review.pk, decision=decision,
                          reason=reason, on=date(2026, 2, 5))


def _vote(w: World, s: Any) -> Any:
    return svc.recommendation_vote_set(actor=w.alice, jurisdiction=w.ja, selection_id=s.pk, cadre=w.zhang, votes=30)


def test_a_plan_that_must_report_waits_for_the_superior_s_agreement(world: World, city_admin: User) -> None:
    s = open_selection(world, requires_report=True)
    with pytest.raises(Conflict, match="须报上级组织部门审核同意后，才能开展民主推荐"):
        _vote(world, s)
    review = _submit(world, s)
    assert review.reviewer_unit == world.tree.city  # alice's county reports to the city
    with pytest.raises(Conflict, match="正在等待上级组织部门审核"):
        _submit(world, s)
    with pytest.raises(Forbidden, match="该方案报示范市组织部门审核，本级不能审核"):  # not its own plan
        _decide(world.alice, review, ReviewDecision.APPROVED)
    _decide(city_admin, review, ReviewDecision.APPROVED)
    assert _vote(world, s).votes == 30
    with pytest.raises(IllegalTransition, match="不能再审核"):
        _decide(city_admin, review, ReviewDecision.ADJUST, "再议")


def test_an_adjustment_needs_a_reason_and_a_changed_plan_before_it_is_reported_again(world: World,
                                                                                      city_admin: User) -> None:
    s = open_selection(world, requires_report=True)
    review = _submit(world, s)
    with pytest.raises(ValidationFailed, match="责令调整须写明理由"):
        _decide(city_admin, review, ReviewDecision.ADJUST)
    _decide(city_admin, review, ReviewDecision.ADJUST, "人选范围过窄，应扩大到全县乡镇副科级干部")
    with pytest.raises(Conflict, match="尚未修改"):
        _submit(world, s)
    svc.stage_record_correct(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, stage=Stage.MOTION,
                             field="plan", value="在全县乡镇副科级干部中会议推荐和谈话推荐", why="按上级意见调整")
    again = _submit(world, s, date(2026, 2, 3))
    _decide(city_admin, again, ReviewDecision.APPROVED)
    assert [r.decision for r in s.plan_reviews.order_by("pk")] == ["adjust", "approved"]


def test_a_plan_changed_after_reporting_is_not_approved_as_reported(world: World, city_admin: User) -> None:
    s = open_selection(world, requires_report=True)
    review = _submit(world, s)
    svc.stage_record_correct(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, stage=Stage.MOTION,
                             field="plan", value="另一方案", why="改")
    with pytest.raises(Conflict, match="报备后方案已被修改"):
        _decide(city_admin, review, ReviewDecision.APPROVED)


def test_a_selection_without_reporting_neither_waits_nor_reports(world: World) -> None:
    s = open_selection(world)
    assert _vote(world, s).votes == 30
    with pytest.raises(Conflict, match="无须向上级报备"):
        _submit(world, s)


def test_review_over_the_api_and_the_pages(world: World, city_admin: User, carol: User) -> None:
    api = bearer(world.alice)
    created = api.post("/api/v1/selections", {
        "org_unit_id": world.tree.township_a.pk, "title": "甲镇党委书记", "posts": "甲镇党委书记", "rank_level": "正科级",
        "requires_report": True, "proposed_by": "县委组织部", "reason": "空缺", "plan": "会议推荐"},
        content_type="application/json").json()
    assert created["requires_report"] is True and created["plan_reviews"] == []
    base = f"/api/v1/selections/{created['id']}"
    refused = api.post(f"{base}/votes", {"cadre_id": world.zhang.pk, "votes": 3}, content_type="application/json")
    assert refused.status_code == 409 and "报备" in refused.json()["error"]["message"]
    submitted = api.post(f"{base}/plan-reviews", {"on": "2026-02-02"}, content_type="application/json")
    assert submitted.status_code == 201 and submitted.json()["reviewer_unit"] == "示范市"
    review_id = submitted.json()["id"]
    assert bearer(carol).post(f"/api/v1/plan-reviews/{review_id}", {"decision": "approved"},
                              content_type="application/json").status_code == 404
    own = api.post(f"/api/v1/plan-reviews/{review_id}", {"decision": "approved"}, content_type="application/json")
    assert own.status_code == 403 and "本级不能审核" in own.json()["error"]["message"]
    # the city's org department decides on the selection page
    city = logged_in(city_admin)
    page = city.get(f"/selection/{created['id']}/").content.decode()
    assert "责令调整" in page and "待审核" in page
    assert city.post(f"/selection/reviews/{review_id}/", {"decision": "adjust", "reason": "方案不完整"}).status_code == 302
    page = logged_in(world.alice).get(f"/selection/{created['id']}/").content.decode()
    assert "责令调整</strong>（方案不完整）" in page and 'id="zg-plan-submit"' in page
    listed = api.get("/api/v1/plan-reviews?decision=adjust").json()
    assert [(r["id"], r["reason"]) for r in listed] == [(review_id, "方案不完整")]
    assert bearer(carol).get("/api/v1/plan-reviews").json() == []


def _plenary(w: World, held_on: date) -> Any:
    s = walk(w, open_selection(w, rank_level="正县级"), "decision", candidates=(w.zhang, w.li))
    return svc.decision_record(actor=w.alice, jurisdiction=w.ja, selection_id=s.pk, kind="plenary", held_on=held_on,
                               expected=30, present=28, statements=[svc.Statement("委员"), svc.Statement("书记", True)],
                               tallies={w.zhang.pk: svc.Tally(20, 8, 0), w.li.pk: svc.Tally(10, 18, 0)})


def test_stats_count_reviews_votes_and_checks_in_the_period_and_the_unit(world: World, city_admin: User) -> None:
    # given: two plans reported (one adjusted), a 全委会 voting on two candidates, two candidates checked
    # (one 漏报 with a reminder), and one plan reported outside the period
    for day, decision in ((date(2026, 2, 2), "approved"), (date(2026, 2, 3), "adjust"), (date(2025, 12, 1), "adjust")):
        _decide(city_admin, _submit(world, open_selection(world, requires_report=True), day), decision, "理由")
    s = walk(world, open_selection(world, title="二人"), "investigation", candidates=(world.zhang, world.li))
    svc.investigation_record(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, team="组", talks_held=3,
                             findings={p.pk: svc.InvestigationFinding("好", "好", [svc.Shortcoming("a", "b")])
                                       for p in (world.zhang, world.li)})
    reports_checked(world, s, (world.zhang, world.li), outcome="omitted")
    _plenary(world, date(2026, 3, 12))
    # when
    figures = selection_stats(world.tree.county_a, date(2026, 1, 1), date(2026, 12, 31))
    # then
    assert (figures.reported, figures.adjusted, figures.decided_by_vote, figures.checked, figures.not_truthful) == (
        2, 1, 2, 2, 2)
    assert figures.sentence(world.tree.county_a) == (
        "甲县审核报备选拔任用工作方案 2 次，责令调整 1 次；全委会票决干部 2 人；先后核查个人有关事项报告 2 人，"
        "对其中没有如实报告的 2 人进行了组织提醒。")
    assert selection_stats(world.tree.county_b, date(2026, 1, 1), date(2026, 12, 31)).reported == 0
    assert selection_stats(world.tree.county_a, date(2026, 3, 13), date(2026, 12, 31)).decided_by_vote == 0
    # over the API and on the page
    body = bearer(world.alice).get("/api/v1/selections/stats",
                                   {"org": world.tree.county_a.division_code or "", "from": "2026-01-01",
                                    "to": "2026-12-31"}).json()
    assert {k: body[k] for k in ("reported", "adjusted", "decided_by_vote", "checked", "not_truthful")} == {
        "reported": 2, "adjusted": 1, "decided_by_vote": 2, "checked": 2, "not_truthful": 2}
    assert bearer(world.alice).get("/api/v1/selections/stats", {"org": world.tree.county_b.division_code or ""}
                                   ).status_code == 404
    page = logged_in(world.alice).get("/selection/stats/?from=2026-01-01&to=2026-12-31").content.decode()
    assert "全委会票决干部 2 人" in page


def test_stats_by_role(world: World) -> None:
    for role, home, status in ((Role.LEADER, "county_a", 200), (Role.TOWNSHIP_STAFF, "township_a", 403)):
        user = make_user(f"u-{role}", getattr(world.tree, home), role)
        assert bearer(user).get("/api/v1/selections/stats").status_code == status
        assert logged_in(user).get("/selection/stats/").status_code == status
