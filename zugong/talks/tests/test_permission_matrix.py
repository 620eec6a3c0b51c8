"""Every write of the talks app tried by each named person, generated from the permission table: the
outcome must be what `PERMISSIONS` says — done where the role allows it, Forbidden (403) in the
jurisdiction without the role, NotFound (404) outside it. The leader reads, and writes nothing but the
approval of a 约谈."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.conftest import make_user
from zugong.core.errors import Forbidden, NotFound
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Role
from zugong.core.permissions import PERMISSIONS, SYSTEM, actions_of, may
from zugong.talks.models import InterviewSituation, InterviewStatus, InterviewTarget, TalkKind, TalkTrigger
from zugong.talks.services import interviews, plans, supervision, talks, triggers

DAY = date(2025, 3, 1)
C01 = "C01"


def proposed(roster, status: str = InterviewStatus.PROPOSED) -> Any:
    interview = interviews.interview_propose(
        actor=None, jurisdiction=SYSTEM, target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
        situations=[InterviewSituation.objects.get(code=C01)], proposed_on=DAY)
    interview.status = status
    interview.save(update_fields=["status"])
    return interview


def inquiry(roster, answered: bool = False) -> Any:
    action = supervision.supervision_record(actor=None, jurisdiction=SYSTEM, cadre=roster.head_a, kind="inquiry",
                                            issued_on=DAY, matter="事项")
    if answered:
        supervision.supervision_respond(actor=None, jurisdiction=SYSTEM, action_id=action.pk, responded_on=DAY,
                                        response="答复")
    return action


Write = Callable[[User, Any, Any], Any]
WRITES: dict[str, Write] = {
    "talks.talk_record": lambda u, j, r: talks.talk_record(
        actor=u, jurisdiction=j, held_on=DAY, kind=TalkKind.ANNUAL, talkers=[r.minister], talkees=[r.head_a]),
    "talks.talk_follow_up_done": lambda u, j, r: talks.talk_follow_up_done(
        actor=u, jurisdiction=j, done_on=DAY, follow_up_id=talks.talk_record(
            actor=None, jurisdiction=SYSTEM, held_on=DAY, kind=TalkKind.ANNUAL, talkers=[r.minister],
            talkees=[r.head_a], follow_ups=[talks.FollowUpInput("事项", "人")]).follow_ups.get().pk),
    "talks.talker_register": lambda u, j, r: talks.talker_register(
        actor=u, jurisdiction=j, org_unit=r.head_a.org_unit, name="新谈话人", role="staff"),
    "talks.talk_plan_generate": lambda u, j, r: plans.talk_plan_generate(
        actor=u, jurisdiction=j, year=2025, org_unit=r.head_a.org_unit, on=DAY),
    "talks.pairing_rule_create": lambda u, j, r: plans.pairing_rule_create(
        actor=u, jurisdiction=j, org_unit=r.head_a.org_unit, talker_id=r.staff.pk, priority=50),
    "talks.trigger_raise": lambda u, j, r: triggers.trigger_raise(
        actor=u, jurisdiction=j, cadre=r.head_a, kind="post_change", raised_on=DAY),
    "talks.trigger_cancel": lambda u, j, r: triggers.trigger_cancel(
        actor=u, jurisdiction=j, reason="重复", trigger_id=triggers.trigger_raise(
            actor=None, jurisdiction=SYSTEM, cadre=r.head_a, kind="post_change", raised_on=DAY).pk),
    "talks.cadre_flag_raise": lambda u, j, r: triggers.cadre_flag_raise(
        actor=u, jurisdiction=j, cadre=r.head_a, kind="has_ideas", raised_on=DAY),
    "talks.triggers_scan": lambda u, j, r: triggers.triggers_scan(
        actor=u, jurisdiction=j, org_unit=r.head_a.org_unit, on=DAY),
    "talks.interview_propose": lambda u, j, r: interviews.interview_propose(
        actor=u, jurisdiction=j, target_kind=InterviewTarget.CADRE, cadre=r.head_a,
        situations=[InterviewSituation.objects.get(code=C01)], proposed_on=DAY),
    "talks.interview_approve": lambda u, j, r: interviews.interview_approve(
        actor=u, jurisdiction=j, interview_id=proposed(r).pk, on=DAY),
    "talks.interview_step": lambda u, j, r: interviews.interview_send_notice(
        actor=u, jurisdiction=j, interview_id=proposed(r, InterviewStatus.APPROVED).pk, on=DAY, scheduled_for=DAY),
    "talks.interview_assess": lambda u, j, r: interviews.interview_assess(
        actor=u, jurisdiction=j, interview_id=proposed(r, InterviewStatus.FOLLOW_UP).pk, on=DAY,
        outcome="improved"),
    "talks.supervision_record": lambda u, j, r: supervision.supervision_record(
        actor=u, jurisdiction=j, cadre=r.head_a, kind="reminder", issued_on=DAY, matter="事项"),
    "talks.supervision_respond": lambda u, j, r: supervision.supervision_respond(
        actor=u, jurisdiction=j, action_id=inquiry(r).pk, responded_on=DAY, response="答复"),
    "talks.supervision_conclude": lambda u, j, r: supervision.supervision_conclude(
        actor=u, jurisdiction=j, action_id=inquiry(r, answered=True).pk, outcome="了结"),
}
PEOPLE = ["alice", "staffer", "leader", "bob", "carol"]


@pytest.fixture
def people(tree, alice, bob, carol, roster) -> dict[str, User]:
    leader = make_user("leader", tree.county_a, Role.LEADER)
    return {"alice": alice, "staffer": roster.staff_user, "leader": leader, "bob": bob, "carol": carol}


def test_every_talks_write_is_in_the_matrix() -> None:
    writes = {a for a in actions_of("talks") if PERMISSIONS[a].writes}
    assert writes == set(WRITES)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", sorted(WRITES))
def test_write_outcome_follows_the_table(tree, roster, people, action, person) -> None:
    user = people[person]
    jurisdiction = jurisdiction_for(user)
    unit = roster.head_a.org_unit
    if may(jurisdiction, action, unit):
        assert WRITES[action](user, jurisdiction, roster) is not None
    else:
        expected = Forbidden if jurisdiction.contains(unit) else NotFound
        with pytest.raises(expected):
            WRITES[action](user, jurisdiction, roster)


def test_the_leader_writes_only_the_approval(tree, roster, people) -> None:
    leader = jurisdiction_for(people["leader"])
    unit = roster.head_a.org_unit
    assert {a for a in WRITES if may(leader, a, unit)} == {"talks.interview_approve"}
    assert may(leader, "talks.talk_view", unit)


def test_the_org_department_writes_everything_and_township_staff_nothing(tree, roster, people) -> None:
    unit = roster.head_a.org_unit
    for person in ("alice", "staffer"):
        allowed = {a for a in WRITES if may(jurisdiction_for(people[person]), a, unit)}
        assert allowed == set(WRITES) - ({"talks.interview_approve"} if person == "staffer" else set()), person
    assert not {a for a in WRITES if may(jurisdiction_for(people["bob"]), a, unit)}
    assert TalkTrigger.objects.count() == 0
