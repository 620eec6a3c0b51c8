"""The interview state machine tried pair by pair, and every date gate and deadline of the talks module
on the day before, the day of and the day after it.

The forbidden pairs are generated from the documented procedure (docs/talks.md), not from `ALLOWED`
itself: a fault that adds a pair to `ALLOWED` (say 已批准 → 已约谈 without the notice) is a
documented-forbidden pair the service then accepts, and fails here.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from django.utils import timezone

from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rules.engine import evaluate
from zugong.talks.models import (
    ALLOWED,
    Interview,
    InterviewSituation,
    InterviewStatus,
    InterviewTarget,
    TalkKind,
)
from zugong.talks.services.interviews import STEP_TO, allowed_steps, interview_step
from zugong.talks.services.talks import talk_record
from zugong.talks.services.triggers import cadre_flag_raise, trigger_raise

S = InterviewStatus
# docs/talks.md: proposed ─approve▶ approved ─notice▶ notice_sent ─hold▶ held ─follow-up▶ follow_up
# ─assess▶ assessed; proposed ─reject▶ rejected.
PROCEDURE: dict[str, set[str]] = {
    S.PROPOSED: {S.APPROVED, S.REJECTED}, S.APPROVED: {S.NOTICE_SENT}, S.NOTICE_SENT: {S.HELD},
    S.HELD: {S.FOLLOW_UP}, S.FOLLOW_UP: {S.ASSESSED}, S.REJECTED: set(), S.ASSESSED: set(),
}
FORBIDDEN = [(a, b) for a, b in product(S.values, S.values) if b not in PROCEDURE[a] and b != S.PROPOSED]
# Valid data for every step, so that the transition is the only reason to refuse it.
STEP_DATA = {"on": date(2025, 3, 20), "reason": "理由", "scheduled_for": date(2025, 3, 25), "interviewers": "李部长",
             "place": "约谈室", "record": "记录", "outcome": "improved", "note": "说明"}


def step_to(state: str) -> str:
    return next(step for step, to in STEP_TO.items() if to == state and step != "report")


def interview_in(roster, status: str) -> Interview:
    interview = Interview.objects.create(
        org_unit=roster.head_a.org_unit, target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
        proposed_on=date(2025, 3, 1), status=status)
    interview.situations.set([InterviewSituation.objects.get(code="C01")])
    return interview


def test_the_table_is_the_documented_procedure() -> None:
    assert {s: set(t) for s, t in ALLOWED.items()} == PROCEDURE
    assert len(FORBIDDEN) == 7 * 6 - 6  # 7 states × 6 targets other than proposed, minus the 6 moves


def test_no_step_leads_back_to_proposed() -> None:
    assert S.PROPOSED not in STEP_TO.values()


@pytest.mark.parametrize(("from_state", "to_state"), FORBIDDEN)
def test_every_forbidden_move_is_refused(tree, alice, roster, from_state, to_state) -> None:
    # given an interview in `from_state`
    interview = interview_in(roster, from_state)
    # when the step into `to_state` is asked for, then it is refused and nothing changes
    with pytest.raises(IllegalTransition) as refused:
        interview_step(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk,
                       step=step_to(to_state), data=STEP_DATA)
    assert refused.value.status == 409
    assert refused.value.message.startswith(f"约谈当前为“{S(from_state).label}”，不能改为“{S(to_state).label}”")
    interview.refresh_from_db()
    assert interview.status == from_state


@pytest.mark.parametrize(("from_state", "to_state"),
                         [(a, b) for a, targets in PROCEDURE.items() for b in sorted(targets)])
def test_every_documented_move_is_taken(tree, alice, roster, from_state, to_state) -> None:
    interview = interview_in(roster, from_state)
    Interview.objects.filter(pk=interview.pk).update(held_on=date(2025, 3, 10), report_due_on=date(2025, 3, 1))
    moved = interview_step(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk,
                           step=step_to(to_state), data=STEP_DATA)
    assert moved.status == to_state


@pytest.mark.parametrize("state", S.values)
def test_the_page_offers_exactly_the_allowed_steps(tree, roster, state) -> None:
    interview = interview_in(roster, state)
    assert sorted(STEP_TO[s] for s in allowed_steps(interview)) == sorted(PROCEDURE[state]) + (
        [S.FOLLOW_UP] if state == S.FOLLOW_UP else [])  # follow-up of a cadre: the written report too


# --- R15: the written report, due one calendar month after the unit head is informed -------------

def to_follow_up(alice, roster, cadre, informed_on: date) -> Interview:
    j = jurisdiction_for(alice)
    interview = interview_in(roster, S.NOTICE_SENT)
    Interview.objects.filter(pk=interview.pk).update(cadre=cadre, org_unit=cadre.org_unit)
    interview_step(actor=alice, jurisdiction=j, interview_id=interview.pk, step="hold",
                   data={**STEP_DATA, "on": informed_on - timedelta(days=5)})
    return interview_step(actor=alice, jurisdiction=j, interview_id=interview.pk, step="follow-up",
                          data={"on": informed_on})


def r_row(code: str, as_of: date, org_unit) -> dict:
    """The rule's counts, with `pending` (not in the report: what is neither counted state)."""
    row = evaluate(as_of=as_of, org_unit=org_unit, rule=code, periods=1).as_dict()["rules"][0]
    counted = ("compliant", "due_soon", "overdue", "violated")
    return {**row, "pending": row["subjects"] - sum(row[k] for k in counted)}


def r15(as_of: date, org_unit) -> dict:
    return r_row("R15", as_of, org_unit)


def test_r15_report_is_due_one_calendar_month_after_the_head_is_informed(tree, alice, roster) -> None:
    # register default for R15: workdays false, so the deadline is a calendar month (docs/talks.md)
    interview = to_follow_up(alice, roster, roster.head_a, date(2025, 3, 31))
    assert interview.report_due_on == date(2025, 4, 30)


@pytest.mark.parametrize(("submitted", "status"), [
    (date(2025, 4, 29), "compliant"), (date(2025, 4, 30), "compliant"), (date(2025, 5, 1), "violated")])
def test_r15_report_submitted_the_day_before_of_or_after_the_deadline(tree, alice, roster, submitted,
                                                                       status) -> None:
    interview = to_follow_up(alice, roster, roster.head_a, date(2025, 3, 31))
    interview_step(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, step="report",
                   data={"on": submitted, "text": "认识、措施和进展"})
    row = r15(submitted, tree.county_a)
    assert (row["subjects"], row[status]) == (1, 1)


@pytest.mark.parametrize(("as_of", "status"), [
    (date(2025, 4, 26), "pending"), (date(2025, 4, 27), "due_soon"),  # register warn_days: 3
    (date(2025, 4, 29), "due_soon"), (date(2025, 4, 30), "due_soon"), (date(2025, 5, 1), "overdue")])
def test_r15_report_not_yet_submitted_around_the_deadline(tree, alice, roster, as_of, status) -> None:
    to_follow_up(alice, roster, roster.head_a, date(2025, 3, 31))
    row = r15(as_of, tree.county_a)
    assert (row["subjects"], row[status]) == (1, 1)


@pytest.mark.parametrize(("assessed_on", "allowed"), [
    (date(2025, 4, 29), False), (date(2025, 4, 30), False), (date(2025, 5, 1), True)])
def test_assessment_without_a_report_waits_until_the_day_after_the_deadline(tree, alice, roster, assessed_on,
                                                                            allowed) -> None:
    interview = to_follow_up(alice, roster, roster.head_a, date(2025, 3, 31))
    step = {"actor": alice, "jurisdiction": jurisdiction_for(alice), "interview_id": interview.pk, "step": "assess",
            "data": {"on": assessed_on, "outcome": "propose_org_handling"}}
    if allowed:
        assert interview_step(**step).status == S.ASSESSED
    else:
        with pytest.raises(IllegalTransition, match="书面报告期限为 2025-04-30"):
            interview_step(**step)


def test_r15_in_working_days_uses_the_registers_day_count(tree, alice, roster) -> None:
    from zugong.rules.services import rule_override_set

    # given county A counts R15 in working days and keeps the register's day count (30)
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R15", org_unit=tree.county_a,
                      valid_from=date(2025, 1, 1), params={"workdays": True})
    interview = to_follow_up(alice, roster, roster.head_a, date(2025, 6, 2))
    # 30 working days after Mon 2025-06-02: 6 weeks of 5 days, none of them a holiday (端午 is 5-31 … 6-2)
    assert interview.report_due_on == date(2025, 7, 14)


# --- R05 / R03: a talk due within 30 days of its trigger ------------------------------------------

def test_a_post_change_makes_the_talk_due_30_days_later(tree, alice, roster) -> None:
    trigger = trigger_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.deputy_a,
                            kind="post_change", raised_on=date(2025, 5, 1))
    assert trigger.due_on == date(2025, 5, 31)  # register R05: days 30, calendar days


@pytest.mark.parametrize(("held_on", "status"), [
    (date(2025, 5, 30), "compliant"), (date(2025, 5, 31), "compliant"), (date(2025, 6, 1), "violated")])
def test_r05_talk_held_the_day_before_of_or_after_the_due_date(tree, alice, roster, held_on, status) -> None:
    j = jurisdiction_for(alice)
    trigger_raise(actor=alice, jurisdiction=j, cadre=roster.deputy_a, kind="post_change", raised_on=date(2025, 5, 1))
    talk_record(actor=alice, jurisdiction=j, held_on=held_on, kind=TalkKind.TRIGGERED, talkers=[roster.deputy],
                talkees=[roster.deputy_a])
    row = r_row("R05", held_on, tree.county_a)
    assert (row["subjects"], row[status]) == (1, 1)


@pytest.mark.parametrize(("as_of", "status"), [
    (date(2025, 5, 27), "pending"), (date(2025, 5, 28), "due_soon"),  # register warn_days: 3
    (date(2025, 5, 30), "due_soon"), (date(2025, 5, 31), "due_soon"), (date(2025, 6, 1), "overdue")])
def test_r05_open_trigger_around_its_due_date(tree, alice, roster, as_of, status) -> None:
    trigger_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.deputy_a, kind="post_change",
                  raised_on=date(2025, 5, 1))
    row = r_row("R05", as_of, tree.county_a)
    assert (row["subjects"], row[status]) == (1, 1)


def test_r05_is_reported_per_month(tree, alice, roster) -> None:
    # register R05 period: month — a talk held in May is not a finding of June's evaluation
    j = jurisdiction_for(alice)
    trigger_raise(actor=alice, jurisdiction=j, cadre=roster.deputy_a, kind="post_change", raised_on=date(2025, 5, 1))
    talk_record(actor=alice, jurisdiction=j, held_on=date(2025, 5, 20), kind=TalkKind.TRIGGERED,
                talkers=[roster.deputy], talkees=[roster.deputy_a])
    assert r_row("R05", date(2025, 6, 2), tree.county_a)["subjects"] == 0
    assert r_row("R05", date(2025, 5, 31), tree.county_a)["compliant"] == 1


@pytest.mark.parametrize(("held_on", "satisfied"), [
    (date(2025, 5, 5), False), (date(2025, 5, 6), True), (date(2025, 5, 7), True)])
def test_a_talk_satisfies_a_flag_raised_on_or_before_it(tree, alice, roster, held_on, satisfied) -> None:
    from zugong.talks.models import TalkTrigger, TriggerStatus

    j = jurisdiction_for(alice)
    cadre_flag_raise(actor=alice, jurisdiction=j, cadre=roster.head_a, kind="has_reports", raised_on=date(2025, 5, 6))
    talk_record(actor=alice, jurisdiction=j, held_on=held_on, kind=TalkKind.FLAGGED, talkers=[roster.minister],
                talkees=[roster.head_a])
    trigger = TalkTrigger.objects.get()
    assert trigger.due_on == date(2025, 6, 5)  # register R03: days 30
    assert (trigger.status == TriggerStatus.SATISFIED) is satisfied


@pytest.mark.parametrize(("offset", "allowed"), [(-1, True), (0, True), (1, False)])
def test_a_talk_may_be_recorded_up_to_today(tree, alice, roster, offset, allowed) -> None:
    held_on = timezone.localdate() + timedelta(days=offset)
    record = {"actor": alice, "jurisdiction": jurisdiction_for(alice), "held_on": held_on, "kind": TalkKind.ANNUAL,
              "talkers": [roster.minister], "talkees": [roster.head_a]}
    if allowed:
        assert talk_record(**record).held_on == held_on
    else:
        with pytest.raises(ValidationFailed, match="谈话日期不能晚于今天"):
            talk_record(**record)


# --- R04: every leading cadre of 副科 and above talked with in the year ------------------------------

@pytest.mark.parametrize(("as_of", "status"), [
    (date(2025, 12, 23), "pending"), (date(2025, 12, 24), "due_soon"),  # register warn_days: 7
    (date(2025, 12, 31), "due_soon")])
def test_r04_not_yet_talked_with_near_the_end_of_the_year(tree, alice, roster, as_of, status) -> None:
    row = r_row("R04", as_of, tree.county_a)
    assert (row["subjects"], row[status]) == (5, 5)


def test_r04_one_talk_in_the_year_is_enough(tree, alice, roster) -> None:
    # register R04: period year, min_count 1 — one talk in January covers the cadre in December
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 1, 2), kind=TalkKind.ANNUAL,
                talkers=[roster.minister], talkees=[roster.head_a])
    row = r_row("R04", date(2025, 12, 20), tree.county_a)
    assert (row["subjects"], row["compliant"], row["due_soon"]) == (5, 1, 0)


@pytest.mark.parametrize(("submitted", "status"), [
    (date(2025, 3, 2), "compliant"), (date(2025, 3, 3), "compliant"), (date(2025, 3, 4), "violated")])
def test_r15_in_working_days_around_a_deadline_after_the_spring_festival(tree, alice, roster, submitted,
                                                                         status) -> None:
    from zugong.rules.services import rule_override_set

    # given 22 working days from Fri 2025-01-24 across the Spring Festival holiday: due Mon 2025-03-03
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R15", org_unit=tree.county_a,
                      valid_from=date(2025, 1, 1), params={"workdays": True, "days": 22})
    interview = to_follow_up(alice, roster, roster.head_a, date(2025, 1, 24))
    assert interview.report_due_on == date(2025, 3, 3)
    interview_step(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, step="report",
                   data={"on": submitted, "text": "认识、措施和进展"})
    row = r15(submitted, tree.county_a)
    assert (row["subjects"], row[status]) == (1, 1)


# --- R05 scan gates: five years in a hardship area, the problem threshold -------------------------

@pytest.mark.parametrize(("scanned_on", "raised"), [
    (date(2025, 2, 28), 0), (date(2025, 3, 1), 1), (date(2025, 3, 2), 1)])
def test_five_years_in_a_hardship_area_on_the_day_before_of_and_after(tree, alice, roster, scanned_on,
                                                                      raised) -> None:
    from zugong.talks.models import HardshipArea
    from zugong.talks.services.triggers import triggers_scan

    HardshipArea.objects.create(org_unit=tree.township_a2, note="高寒山区")
    # 周书记 serves in 丙乡 since 2020-03-01; register R05 hardship_years: 5
    result = triggers_scan(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, on=scanned_on)
    assert result.raised.get("hardship_area_long_service", 0) == raised


@pytest.mark.parametrize(("problems", "raised"), [(4, 0), (5, 2), (6, 2)])
def test_problem_unit_threshold_below_at_and_above(tree, alice, roster, problems, raised) -> None:
    from zugong.talks.problem_counts import register_problem_counter, unregister_problem_counter
    from zugong.talks.services.triggers import triggers_scan

    register_problem_counter("gate", lambda ids, start, end: {tree.township_a.pk: problems})
    try:
        result = triggers_scan(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a,
                               on=date(2025, 3, 1))
    finally:
        unregister_problem_counter("gate")
    assert result.raised.get("problem_unit", 0) == raised  # 甲镇's 书记 and 镇长; register threshold: 5
