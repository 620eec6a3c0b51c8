"""Every row lock of the talks app locks only its own table (`of=("self",)`): on PostgreSQL the joined
org unit (or talk) stays unlocked, so a clerk locking an interview never blocks the org tree."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zugong.core.errors import NotFound
from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks import locks
from zugong.talks.models import InterviewSituation, InterviewTarget, TalkKind
from zugong.talks.services.interviews import interview_propose
from zugong.talks.services.plans import talk_plan_generate
from zugong.talks.services.supervision import supervision_record
from zugong.talks.services.talks import FollowUpInput, talk_record
from zugong.talks.services.triggers import cadre_flag_raise


def lock_sql(lock, *args) -> str:
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        lock(*args)
    return captured.captured_queries[-1]["sql"]


@pytest.fixture
def rows(tree, alice, roster):
    j = jurisdiction_for(alice)
    talk = talk_record(actor=alice, jurisdiction=j, held_on=date(2025, 3, 2), kind=TalkKind.ANNUAL,
                       talkers=[roster.minister], talkees=[roster.head_a], follow_ups=[FollowUpInput("事项", "人")])
    flag = cadre_flag_raise(actor=alice, jurisdiction=j, cadre=roster.deputy_a, kind="has_ideas",
                            raised_on=date(2025, 3, 1))
    interview = interview_propose(actor=alice, jurisdiction=j, target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                                  situations=[InterviewSituation.objects.get(code="C01")], proposed_on=date(2025, 3, 1))
    action = supervision_record(actor=alice, jurisdiction=j, cadre=roster.head_a, kind="reminder",
                                issued_on=date(2025, 3, 1), matter="事项")
    plan = talk_plan_generate(actor=alice, jurisdiction=j, year=2025, org_unit=tree.county_a, on=date(2025, 6, 1)).plan
    return {
        "talks_interview": (locks.lock_interview, interview.pk),
        "talks_supervisionaction": (locks.lock_supervision_action, action.pk),
        "talks_talkfollowup": (locks.lock_follow_up, talk.follow_ups.get().pk),
        "talks_talktrigger": (locks.lock_triggers, [flag.cadre.talk_triggers.get().pk]),
        "talks_talkplan": (locks.lock_plan, plan.pk),
    }


@pytest.mark.parametrize("table", ["talks_interview", "talks_supervisionaction", "talks_talkfollowup",
                                   "talks_talktrigger", "talks_talkplan"])
def test_each_lock_locks_only_its_own_rows(rows, table) -> None:
    lock, arg = rows[table]
    sql = lock_sql(lock, arg)
    if connection.features.has_select_for_update_of:  # PostgreSQL
        assert re.search(rf'FOR UPDATE OF "?{table}"?$', sql), sql
    else:  # SQLite has no row locks: the statement is a plain SELECT
        assert "FOR UPDATE" not in sql and f'FROM "{table}"' in sql


def test_a_missing_row_is_not_found(db) -> None:
    with pytest.raises(NotFound), transaction.atomic():
        locks.lock_interview(10**9)
