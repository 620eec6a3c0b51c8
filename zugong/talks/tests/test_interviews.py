from __future__ import annotations

from datetime import date, timedelta

import pytest

from zugong.core.errors import Forbidden, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Meeting, MeetingKind
from zugong.talks.models import (
    ALLOWED,
    InterviewSituation,
    InterviewStatus,
    InterviewTarget,
    SupervisionAction,
    SupervisionKind,
)
from zugong.talks.services.interviews import (
    interview_approve,
    interview_assess,
    interview_follow_up,
    interview_hold,
    interview_propose,
    interview_reject,
    interview_report_submit,
    interview_send_notice,
)


def situations(scope: str, n: int = 1) -> list[InterviewSituation]:
    return list(InterviewSituation.objects.filter(scope=scope).order_by("sort_order")[:n])


def propose_cadre(alice, roster, on=date(2025, 3, 1)):
    return interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice), target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                             situations=situations("cadre", 2), proposed_on=on, reason="群众反映作风漂浮")


def to_held(alice, interview, held_on=date(2025, 3, 10)):
    interview_approve(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=held_on - timedelta(days=8))
    interview_send_notice(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=held_on - timedelta(days=7), scheduled_for=held_on)
    return interview_hold(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, held_on=held_on, interviewers="李部长",
                          place="干部约谈室", record="指出问题，提出整改要求")


def test_situation_lists_have_6_team_12_cadre_and_6_plus_6_head_situations(db) -> None:
    counts = {scope: InterviewSituation.objects.filter(scope=scope).count()
              for scope in ("team", "cadre", "party_head", "admin_head")}
    assert counts == {"team": 6, "cadre": 12, "party_head": 6, "admin_head": 6}
    assert InterviewSituation.objects.get(code="C01").text == "不严格遵守党的政治纪律和政治规矩"


def test_cadre_interview_full_procedure_and_report_due_one_calendar_month(tree, alice, roster) -> None:
    interview = propose_cadre(alice, roster)
    assert interview.status == InterviewStatus.PROPOSED
    to_held(alice, interview)
    interview = interview_follow_up(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 31))
    assert interview.status == InterviewStatus.FOLLOW_UP
    assert interview.report_due_on == date(2025, 4, 30)
    interview_report_submit(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, submitted_on=date(2025, 4, 20), text="整改措施……")
    interview = interview_assess(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 5, 5), outcome="improved")
    assert interview.status == InterviewStatus.ASSESSED and interview.outcome == "improved"
    actions = list(AuditEvent.objects.filter(object_type="talks.interview").values_list("action", flat=True))
    assert actions == ["talks.interview_propose", "talks.interview_approve", "talks.interview_send_notice",
                       "talks.interview_hold", "talks.interview_follow_up", "talks.interview_report_submit",
                       "talks.interview_assess"]


def test_report_due_one_calendar_month_is_clamped_to_month_end(tree, alice, roster) -> None:
    interview = to_held(alice, propose_cadre(alice, roster), held_on=date(2025, 1, 20))
    interview = interview_follow_up(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 1, 31))
    assert interview.report_due_on == date(2025, 2, 28)


def test_report_due_in_working_days_skips_spring_festival(tree, alice, roster) -> None:
    from zugong.core.jurisdiction import jurisdiction_for
    from zugong.rules.services import rule_override_set

    # given county A counts the R15 deadline in working days (22 working days standing for one month)
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R15", org_unit=tree.county_a,
                      valid_from=date(2025, 1, 1), params={"workdays": True, "days": 22})
    interview = to_held(alice, propose_cadre(alice, roster), held_on=date(2025, 1, 20))
    interview = interview_follow_up(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 1, 24))
    # 22 working days after Fri 2025-01-24: Sun 1-26 and Mon 1-27 work (调休), 1-28 … 2-4 is the Spring
    # Festival holiday, Sat 2-8 is a make-up working day; the 22nd working day is Mon 3-3 (calendar: 2-24)
    assert interview.report_due_on == date(2025, 3, 3)


def test_rule_override_changes_the_flag_deadline(tree, alice, roster) -> None:
    from zugong.core.jurisdiction import jurisdiction_for
    from zugong.rules.services import rule_override_set
    from zugong.talks.models import TalkTrigger
    from zugong.talks.services.triggers import cadre_flag_raise

    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R03", org_unit=tree.county_a,
                      valid_from=date(2025, 1, 1), params={"days": 10, "workdays": True})
    cadre_flag_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.head_a, kind="has_ideas", raised_on=date(2025, 9, 26))
    # 10 working days after Fri 9-26: Sun 9-28, 9-29, 9-30, then the National Day holiday 10-1 … 10-8, then
    # 10-9, 10-10, Sat 10-11 (调休), 10-13, 10-14, 10-15, 10-16 (calendar days would give 10-6)
    assert TalkTrigger.objects.get().due_on == date(2025, 10, 16)


def test_team_interview_follow_up_records_the_party_committee_meeting(tree, alice, roster) -> None:
    interview = interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice), target_kind=InterviewTarget.TEAM, team=tree.township_a,
                                  team_head=roster.secretary_a, situations=situations("team"),
                                  proposed_on=date(2025, 3, 1))
    to_held(alice, interview)
    interview = interview_follow_up(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 15))
    meeting = interview.committee_meeting
    assert isinstance(meeting, Meeting)
    assert (meeting.kind, meeting.org_unit, meeting.held_on) == (MeetingKind.PARTY_COMMITTEE, tree.township_a,
                                                                 date(2025, 3, 15))
    assert interview.report_due_on is None
    with pytest.raises(IllegalTransition):
        interview_report_submit(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, submitted_on=date(2025, 3, 20), text="x")
    interview = interview_assess(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 4, 1),
                                 outcome="propose_admonishment")
    action = SupervisionAction.objects.get(interview_id=interview.pk)
    assert action.kind == SupervisionKind.ADMONISHMENT and action.cadre == roster.secretary_a


def test_rejection_needs_a_reason_and_ends_the_procedure(tree, alice, roster) -> None:
    interview = propose_cadre(alice, roster)
    with pytest.raises(ValidationFailed):
        interview_reject(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 2), reason=" ")
    interview = interview_reject(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 2), reason="情况已核实不属实")
    assert interview.status == InterviewStatus.REJECTED and interview.rejection_reason == "情况已核实不属实"
    with pytest.raises(IllegalTransition) as caught:
        interview_send_notice(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 3), scheduled_for=date(2025, 3, 5))
    assert caught.value.status == 409
    assert caught.value.message == "约谈当前为“未批准”，不能改为“已预告”（可进行：无）"


@pytest.mark.parametrize("step", ["notice", "hold", "follow_up", "assess"])
def test_each_step_is_refused_straight_from_proposed(tree, alice, roster, step) -> None:
    interview = propose_cadre(alice, roster)
    calls = {
        "notice": lambda: interview_send_notice(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 3),
                                                scheduled_for=date(2025, 3, 4)),
        "hold": lambda: interview_hold(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, held_on=date(2025, 3, 4), interviewers="李",
                                       place="约谈室", record="记录"),
        "follow_up": lambda: interview_follow_up(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 5)),
        "assess": lambda: interview_assess(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 6), outcome="improved"),
    }
    with pytest.raises(IllegalTransition, match="约谈当前为“已提出建议”"):
        calls[step]()
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.PROPOSED


def test_approving_twice_is_refused(tree, alice, roster) -> None:
    interview = propose_cadre(alice, roster)
    interview_approve(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 2))
    with pytest.raises(IllegalTransition):
        interview_approve(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 2))


def test_assessment_waits_for_the_report_until_it_is_due(tree, alice, roster) -> None:
    interview = to_held(alice, propose_cadre(alice, roster))
    interview = interview_follow_up(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 3, 31))
    with pytest.raises(IllegalTransition, match="书面报告期限为 2025-04-30"):
        interview_assess(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 4, 15), outcome="improved")
    interview = interview_assess(actor=alice, jurisdiction=jurisdiction_for(alice), interview_id=interview.pk, on=date(2025, 5, 1),
                                 outcome="propose_org_handling", note="逾期未报告")
    assert interview.outcome == "propose_org_handling"


def test_transition_table_is_the_documented_procedure() -> None:
    assert ALLOWED["proposed"] == {"approved", "rejected"}
    assert ALLOWED["held"] == {"follow_up"} and ALLOWED["assessed"] == set() and ALLOWED["rejected"] == set()


def test_situations_must_fit_the_target(tree, alice, roster) -> None:
    with pytest.raises(ValidationFailed, match="不适用"):
        interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice), target_kind=InterviewTarget.TEAM, team=tree.township_a,
                          situations=situations("cadre"), proposed_on=date(2025, 3, 1))
    with pytest.raises(ValidationFailed):
        interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice), target_kind=InterviewTarget.CADRE, cadre=roster.head_a, situations=[],
                          proposed_on=date(2025, 3, 1))


def test_township_staff_cannot_approve(tree, alice, bob, roster) -> None:
    interview = propose_cadre(alice, roster)
    with pytest.raises(Forbidden):
        interview_approve(actor=bob, jurisdiction=jurisdiction_for(bob), interview_id=interview.pk, on=date(2025, 3, 2))
