"""The selection record: the stage machine, the R17/R18 gates, quorum and statement order (R21), the
publicity minimum over a 调休 weekend, the R13 deadline, and signatures that catch a later edit."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from itertools import product
from typing import Any

import pytest

from zugong.cadres.models import PostHolding
from zugong.core.errors import Conflict, GateRefused, IllegalTransition, ValidationFailed
from zugong.core.models import AuditEvent
from zugong.selection import params
from zugong.selection.flow import selection_trace, stage_flow
from zugong.selection.models import (
    SELECTION_ALLOWED,
    Candidate,
    CandidateRefusal,
    Selection,
    Stage,
)
from zugong.selection.selectors import selection_get
from zugong.selection.services import selections as svc
from zugong.selection.services.problems import problem_record, problem_transition
from zugong.selection.tests.conftest import World, open_selection, register_row, walk


def _c(w: World, s: Selection) -> dict[str, Any]:
    return {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}


def test_open_records_the_motion_and_awaits_recommendation(world: World) -> None:
    s = open_selection(world)
    assert s.stage == Stage.RECOMMENDATION
    assert s.records.get().data["proposed_by"] == "县委组织部"
    assert AuditEvent.objects.filter(action="selection.motion_record").count() == 1


def test_a_stage_out_of_turn_is_409_naming_where_it_stands(world: World) -> None:
    s = open_selection(world)
    with pytest.raises(IllegalTransition, match="当前处于“民主推荐”环节，不能办理“讨论决定”"):
        svc.decision_record(**_c(world, s), kind="standing", held_on=date(2026, 3, 1), expected=9, present=9,
                            statements=[svc.Statement("书记", True)], tallies={})


FORBIDDEN = [(a, b) for a, b in product(Stage.values, repeat=2) if b not in SELECTION_ALLOWED[a]]


@pytest.mark.parametrize("start,to", FORBIDDEN)
def test_every_forbidden_pair_of_the_table_is_refused(world: World, start: str, to: str) -> None:
    s = open_selection(world)
    Selection.objects.filter(pk=s.pk).update(stage=start)
    s.refresh_from_db()
    with pytest.raises(IllegalTransition):
        svc._move(world.alice, s, to, {})


def test_stop_at_any_open_stage_and_nothing_after(world: World) -> None:
    s = walk(world, open_selection(world), "investigation")
    stopped = svc.selection_stop(**_c(world, s), reason="拟任人选调整")
    assert (stopped.stage, stopped.stopped_at_stage) == (Stage.STOPPED, Stage.INVESTIGATION)
    with pytest.raises(IllegalTransition, match="已终止"):
        svc.selection_stop(**_c(world, s), reason="再次")


# --- R18 and R17 --------------------------------------------------------------------------------------

def test_r18_shields_a_cadre_with_an_unverified_problem_and_keeps_the_refusal(world: World) -> None:
    entry = problem_record(actor=world.alice, jurisdiction=world.ja, cadre=world.zhang, source="discipline",
                           received_on=date(2026, 1, 3), summary="线索")
    s = walk(world, open_selection(world), "shortlist")
    with pytest.raises(GateRefused, match="不符合R18.*张一在问题信息档案中有待核实"):
        svc.candidate_add(**_c(world, s), cadre=world.zhang, on=date(2026, 3, 2))
    refusal = CandidateRefusal.objects.get()
    assert (refusal.gate, refusal.cadre) == ("R18", world.zhang) and not Candidate.objects.exists()
    # when verified (查无实据) the shield lifts
    problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="verifying")
    problem_transition(actor=world.alice, jurisdiction=world.ja, entry_id=entry.pk, to="unfounded", conclusion="不实")
    assert svc.candidate_add(**_c(world, s), cadre=world.zhang, on=date(2026, 3, 2)).cadre == world.zhang


def test_r17_refuses_a_cadre_nobody_recommended(world: World) -> None:
    s = walk(world, open_selection(world), "shortlist")
    with pytest.raises(GateRefused, match="李二未获群众推荐（推荐票 0 票）"):
        svc.candidate_add(**_c(world, s), cadre=world.li, on=date(2026, 3, 2))


def _set_share(w: World, share: float) -> None:
    from zugong.rules.services import rule_override_set

    rule_override_set(actor=w.alice, jurisdiction=w.ja, code="R17", org_unit=w.tree.county_a,
                      valid_from=date(2020, 1, 1), params={"min_vote_share": share}, note="测试")


def test_r17_names_the_numbers_below_the_configured_share(world: World) -> None:
    _set_share(world, 0.5)
    s = open_selection(world)
    svc.recommendation_vote_set(**_c(world, s), cadre=world.zhang, votes=20)  # exactly half: passes
    svc.recommendation_vote_set(**_c(world, s), cadre=world.li, votes=19)     # just below
    svc.recommendation_close(**_c(world, s), eligible=45, issued=42, returned=40, valid=40)
    with pytest.raises(GateRefused, match=r"李二得推荐票 19 票，占有效票 40 张的 47.5%，低于规定的 50.0%"):
        svc.candidate_add(**_c(world, s), cadre=world.li, on=date(2026, 3, 2))
    assert svc.candidate_add(**_c(world, s), cadre=world.zhang, on=date(2026, 3, 2))


def test_r17_rank_limit_is_the_register_s_for_the_unit(world: World) -> None:
    # given: county A limits candidates to the first by votes; county B keeps the default (no limit)
    register_row("R17", world.tree.county_a, {"max_rank": 1})
    s2 = open_selection(world)
    svc.recommendation_vote_set(**_c(world, s2), cadre=world.zhang, votes=30)
    svc.recommendation_vote_set(**_c(world, s2), cadre=world.li, votes=29)
    svc.recommendation_close(**_c(world, s2), eligible=45, issued=42, returned=40, valid=40)
    svc.candidate_add(**_c(world, s2), cadre=world.zhang, on=date(2026, 3, 2))
    with pytest.raises(GateRefused, match="李二推荐票 29 票，排名第 2 位，未进入前 1 名"):
        svc.candidate_add(**_c(world, s2), cadre=world.li, on=date(2026, 3, 2))
    assert params.r17_max_rank(world.tree.township_a, date(2026, 3, 2)) == 1
    assert params.r17_max_rank(world.tree.township_b, date(2026, 3, 2)) is None


@pytest.mark.parametrize("unit,refused", [("township_a", True), ("township_a2", False)])
def test_r23_a_new_township_recruit_is_not_shortlisted_for_a_post_elsewhere(world: World, unit: str,
                                                                            refused: bool) -> None:
    from zugong.cadres.models import Cadre

    Cadre.objects.filter(pk=world.wang.pk).update(township_recruit_on=date(2025, 9, 1))  # 王三, 丙乡
    world.wang.refresh_from_db()
    s = open_selection(world, org_unit=getattr(world.tree, unit))
    svc.recommendation_vote_set(**_c(world, s), cadre=world.wang, votes=30)
    svc.recommendation_close(**_c(world, s), eligible=40, issued=40, returned=40, valid=40)
    if refused:
        with pytest.raises(GateRefused, match="不符合R23.*王三.*前不得列为乡镇以外职务的考察对象"):
            svc.candidate_add(**_c(world, s), cadre=world.wang, on=date(2026, 3, 2))
        assert CandidateRefusal.objects.get().gate == "R23"
    else:
        assert svc.candidate_add(**_c(world, s), cadre=world.wang, on=date(2026, 3, 2)).cadre == world.wang


def test_votes_cannot_exceed_valid_ballots(world: World) -> None:
    s = open_selection(world)
    svc.recommendation_vote_set(**_c(world, s), cadre=world.zhang, votes=41)
    with pytest.raises(ValidationFailed, match="张一的得票 41 多于有效票 40"):
        svc.recommendation_close(**_c(world, s), eligible=45, issued=42, returned=40, valid=40)


# --- 考察: 不足 with 事例 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shortcomings,message", [
    ([], "至少一条不足之处"), ([svc.Shortcoming("不够大胆", " ")], "都须附具体事例"),
])
def test_investigation_needs_shortcomings_with_facts(world: World, shortcomings: list[svc.Shortcoming],
                                                     message: str) -> None:
    s = walk(world, open_selection(world), "investigation")
    with pytest.raises(ValidationFailed, match=message):
        svc.investigation_record(**_c(world, s), team="组", talks_held=10, findings={
            world.zhang.pk: svc.InvestigationFinding("好", "结论", shortcomings)})


# --- 讨论决定: quorum, statement order, committee, tally ---------------------------------------------------

def _decide(w: World, s: Selection, **kwargs: Any) -> Selection:
    fields: dict[str, Any] = {
        "kind": "standing", "held_on": date(2026, 3, 12), "expected": 9, "present": 6,
        "statements": [svc.Statement("委员甲"), svc.Statement("书记", True)],
        "tallies": {w.zhang.pk: svc.Tally(5, 1, 0)}}
    fields.update(kwargs)
    return svc.decision_record(**_c(w, s), **fields)


def test_quorum_is_two_thirds_of_those_who_should_attend(world: World) -> None:
    s = walk(world, open_selection(world), "decision")
    with pytest.raises(Conflict, match="应到会 9 人，实到 5 人，不足2/3"):
        _decide(world, s, present=5)
    assert _decide(world, s, present=6).stage == Stage.PUBLICITY  # exactly two thirds


def test_quorum_is_the_register_s_for_the_unit(world: World) -> None:
    # given: county A requires four fifths present
    register_row("R21", world.tree.county_a, {"quorum": "4/5"})
    s = walk(world, open_selection(world), "decision")
    with pytest.raises(Conflict, match="应到会 10 人，实到 7 人，不足4/5"):
        _decide(world, s, expected=10, present=7)
    assert _decide(world, s, expected=10, present=8,
                   tallies={world.zhang.pk: svc.Tally(6, 2, 0)}).stage == Stage.PUBLICITY
    assert params.quorum(world.tree.township_b, date(2026, 3, 12)) == Fraction(2, 3)


def test_publicity_minimum_is_the_register_s_for_the_unit(world: World) -> None:
    register_row("R13", world.tree.county_a, {"publicity_min_workdays": 7})
    s = walk(world, open_selection(world), "publicity")
    with pytest.raises(Conflict, match="只有 5 个工作日，不少于 7 个工作日"):
        svc.publicity_record(**_c(world, s), start=date(2026, 3, 16), end=date(2026, 3, 20), channel="网站")
    assert svc.publicity_record(**_c(world, s), start=date(2026, 3, 16), end=date(2026, 3, 24), channel="网站").stage == Stage.APPOINTMENT
    assert params.publicity_min_workdays(world.tree.township_b, date(2026, 3, 16)) == 5


def test_the_secretary_must_speak_last(world: World) -> None:
    s = walk(world, open_selection(world), "decision")
    with pytest.raises(Conflict, match="不符合R21（一把手末位表态）：书记应最后发表意见，其后还有 1 人发言"):
        _decide(world, s, statements=[svc.Statement("书记", True), svc.Statement("委员甲")])
    with pytest.raises(ValidationFailed, match="有且只有一位"):
        _decide(world, s, statements=[svc.Statement("委员甲")])


def test_a_county_level_post_needs_the_full_committee(world: World) -> None:
    s = walk(world, open_selection(world, rank_level="正县级"), "decision")
    with pytest.raises(Conflict, match="正县级职务须由全委会票决"):
        _decide(world, s)
    assert _decide(world, s, kind="plenary").stage == Stage.PUBLICITY


def test_tally_passes_with_more_than_half_of_those_who_should_attend(world: World) -> None:
    s = walk(world, open_selection(world), "decision", candidates=(world.zhang, world.li))
    s = _decide(world, s, present=9, tallies={world.zhang.pk: svc.Tally(5, 3, 1), world.li.pk: svc.Tally(4, 4, 1)})
    statuses = dict(Candidate.objects.filter(selection=s).values_list("cadre__name", "status"))
    assert statuses == {"张一": "passed", "李二": "not_passed"}
    tallies = s.records.get(stage=Stage.DECISION).data["tallies"]
    assert [(t["name"], t["agree"], t["passed"]) for t in tallies] == [("张一", 5, True), ("李二", 4, False)]


def test_nobody_passing_stops_the_selection(world: World) -> None:
    s = walk(world, open_selection(world), "decision")
    s = _decide(world, s, tallies={world.zhang.pk: svc.Tally(4, 2, 0)})
    assert (s.stage, s.stopped_at_stage) == (Stage.STOPPED, Stage.DECISION)


def test_tally_cannot_count_more_votes_than_members_present(world: World) -> None:
    s = walk(world, open_selection(world), "decision")
    with pytest.raises(ValidationFailed, match="不能超过到会人数 6"):
        _decide(world, s, tallies={world.zhang.pk: svc.Tally(5, 2, 0)})


# --- 任前公示 over the 2025 National Day 调休 ---------------------------------------------------------------

def test_publicity_counts_working_days_with_the_adjusted_weekend(world: World) -> None:
    # 2025-09-28 (a Sunday) is a working day by the State Council's notice; 10-01 to 10-08 are holidays.
    assert svc.publicity_workdays(date(2025, 9, 26), date(2025, 10, 9)) == 5
    s = walk(world, open_selection(world), "publicity")
    with pytest.raises(Conflict, match="只有 4 个工作日，不少于 5 个工作日"):
        svc.publicity_record(**_c(world, s), start=date(2025, 9, 26), end=date(2025, 10, 8), channel="网站")
    done = svc.publicity_record(**_c(world, s), start=date(2025, 9, 26), end=date(2025, 10, 9), channel="网站")
    assert done.stage == Stage.APPOINTMENT


# --- 任职 and R13 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("day,ok", [(date(2026, 3, 20), False), (date(2026, 3, 21), True),
                                    (date(2026, 3, 23), True), (date(2026, 3, 24), False)])
def test_appointment_within_three_days_of_publicity_end(world: World, day: date, ok: bool) -> None:
    s = walk(world, open_selection(world), "appointment")  # publicity ended 2026-03-20: due 03-23
    call: dict[str, Any] = {"on": day, "title": "甲镇镇长", "document_number": "甲组任〔2026〕5号"}
    if ok:
        assert svc.appointment_record(**_c(world, s), **call).stage == Stage.APPOINTED
        holding = PostHolding.objects.get(cadre=world.zhang, valid_to__isnull=True)
        assert (holding.title, holding.valid_from, holding.appointment_method) == ("甲镇镇长", day, "选任")
    else:
        with pytest.raises(Conflict, match="公示期满之后|不符合R13"):
            svc.appointment_record(**_c(world, s), **call)


def test_a_late_appointment_needs_a_reason_which_is_recorded(world: World) -> None:
    s = walk(world, open_selection(world), "appointment")
    # a 正科级 post: the register's R13 names 县委 as the body that announces it
    with pytest.raises(Conflict, match="应由县委在 2026-03-23 前发文任职，已晚 7 天"):
        svc.appointment_record(**_c(world, s), on=date(2026, 3, 30), title="甲镇镇长", document_number="5号")
    done = svc.appointment_record(**_c(world, s), on=date(2026, 3, 30), title="甲镇镇长", document_number="5号",
                                  late_reason="等待上级批复")
    record = done.records.get(stage=Stage.APPOINTMENT).data
    assert (record["late_reason"], record["announcer"]) == ("等待上级批复", "县委")


def test_r13_counted_in_working_days_when_the_register_says_so(world: World) -> None:
    from zugong.rules.services import rule_override_set

    rule_override_set(actor=world.alice, jurisdiction=world.ja, code="R13", org_unit=world.tree.county_a,
                      valid_from=date(2020, 1, 1), params={"workdays": True}, note="按工作日")
    s = walk(world, open_selection(world), "appointment")  # ended Friday 2026-03-20: 3 working days → 03-25
    assert svc.appointment_due(s) == date(2026, 3, 25)
    assert svc.appointment_record(**_c(world, s), on=date(2026, 3, 25), title="甲镇镇长",
                                  document_number="5号").stage == Stage.APPOINTED


def test_appointment_raises_the_talks_trigger_through_post_change(world: World) -> None:
    from zugong.talks.models import TalkTrigger

    s = walk(world, open_selection(world), "appointment")
    svc.appointment_record(**_c(world, s), on=date(2026, 3, 21), title="甲镇镇长", document_number="5号")
    assert TalkTrigger.objects.filter(cadre=world.zhang).exists()


# --- signatures -----------------------------------------------------------------------------------------

def test_a_signature_names_the_digest_and_a_later_edit_shows_the_mismatch(world: World) -> None:
    s = walk(world, open_selection(world), "investigation")
    sig = svc.stage_sign(**_c(world, s), stage=Stage.RECOMMENDATION, capacity="经办人")
    event = AuditEvent.objects.get(sequence=sig.audit_sequence)
    record = s.records.get(stage=Stage.RECOMMENDATION)
    assert event.action == "selection.stage_sign" and event.summary["digest"] == record.digest() == sig.digest
    with pytest.raises(Conflict, match="已对该环节当前的记录签字"):
        svc.stage_sign(**_c(world, s), stage=Stage.RECOMMENDATION)
    # when: the signed record is corrected
    svc.stage_record_correct(**_c(world, s), stage=Stage.RECOMMENDATION, field="signed_recommendations",
                             value="会议推荐 41 人参加", why="补记")
    # then: the flow and the trace-back show the signature no longer matches
    fresh = selection_get(world.ja, s.pk)
    flow = {f.stage: f for f in stage_flow(fresh)}
    assert flow[Stage.RECOMMENDATION].mismatch and not flow[Stage.MOTION].mismatch
    trace = {r["stage"]: r for r in selection_trace(fresh)}
    assert trace[Stage.RECOMMENDATION]["changed_after_signing"] and trace[Stage.MOTION]["unsigned"]
    # and signing again confirms the corrected record
    svc.stage_sign(**_c(world, s), stage=Stage.RECOMMENDATION)
    assert [sg.valid for sg in stage_flow(selection_get(world.ja, s.pk))[1].signatures] == [False, True]


def test_only_unsigned_text_fields_can_be_corrected(world: World) -> None:
    s = walk(world, open_selection(world), "shortlist")
    with pytest.raises(ValidationFailed, match="没有可更正的字段“valid”"):
        svc.stage_record_correct(**_c(world, s), stage=Stage.RECOMMENDATION, field="valid", value="99", why="x")


def test_trace_names_who_answers_for_each_stage(world: World) -> None:
    s = walk(world, open_selection(world), "appointed")
    rows = selection_trace(selection_get(world.ja, s.pk))
    assert [r["label"] for r in rows] == ["动议", "民主推荐", "确定考察对象", "考察", "征求意见", "讨论决定", "任前公示", "任职"]
    people = {r["stage"]: r["people"] for r in rows}
    assert people["investigation"] == "陈组长、周干事" and people["decision"] == "委员甲、委员乙、书记"
    assert people["recommendation"] == "刘某某（推荐张一）、会议推荐 40 人参加"


def test_a_signed_recommendation_names_its_recommender_in_the_record(world: World) -> None:
    s = walk(world, open_selection(world), "shortlist")
    signed = s.records.get(stage=Stage.RECOMMENDATION).data["signed"]
    assert signed == [{"id": world.zhang.pk, "name": "张一", "recommender": "刘某某", "post": "县人大常委会副主任",
                       "reason": "熟悉乡镇工作，群众公认"}]
    with pytest.raises(IllegalTransition, match="当前处于“确定考察对象”环节"):
        svc.signed_recommendation_add(**_c(world, s), recommender="王某", cadre=world.li, reason="x")


def test_a_signed_recommendation_needs_a_recommender_and_a_reason(world: World) -> None:
    s = open_selection(world)
    with pytest.raises(ValidationFailed, match="请填写推荐人"):
        svc.signed_recommendation_add(**_c(world, s), recommender=" ", cadre=world.li, reason="x")
    with pytest.raises(ValidationFailed, match="请填写推荐理由"):
        svc.signed_recommendation_add(**_c(world, s), recommender="王某", cadre=world.li, reason="")
