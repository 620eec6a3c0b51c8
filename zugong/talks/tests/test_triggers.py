from __future__ import annotations

from datetime import date

import pytest

from zugong.cadres.models import PostHolding
from zugong.core import events
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks.models import HardshipArea, KeyPost, TalkKind, TalkTrigger, TriggerKind, TriggerStatus
from zugong.talks.problem_counts import register_problem_counter, unregister_problem_counter
from zugong.talks.services.talks import talk_record
from zugong.talks.services.triggers import cadre_flag_raise, triggers_scan


def test_post_changed_event_raises_a_post_change_trigger_due_in_30_days(tree, roster) -> None:
    old = roster.deputy_a.post_holdings.get()
    new = PostHolding.objects.create(cadre=roster.deputy_a, org_unit=tree.township_a2, title="丙乡乡长",
                                     rank_level="D1", valid_from=date(2025, 4, 10))
    events.publish("post_changed", cadre=roster.deputy_a, old_holding=old, new_holding=new, actor=None)
    trigger = TalkTrigger.objects.get(cadre=roster.deputy_a)
    assert trigger.kind == TriggerKind.POST_CHANGE and trigger.rule_code == "R05"
    assert (trigger.raised_on, trigger.due_on) == (date(2025, 4, 10), date(2025, 5, 10))
    assert trigger.detail == "职务变动：甲镇副镇长 → 丙乡乡长"


def test_post_change_into_a_key_post_raises_both_triggers(tree, roster) -> None:
    KeyPost.objects.create(org_unit=tree.county_a, unit=roster.finance)
    new = PostHolding.objects.create(cadre=roster.deputy_a, org_unit=roster.finance, title="甲县财政局副局长",
                                     rank_level="D2", valid_from=date(2025, 4, 10))
    events.publish("post_changed", cadre=roster.deputy_a, old_holding=None, new_holding=new, actor=None)
    kinds = set(TalkTrigger.objects.filter(cadre=roster.deputy_a).values_list("kind", flat=True))
    assert kinds == {TriggerKind.POST_CHANGE, TriggerKind.KEY_POST}


def test_flag_has_ideas_makes_a_r03_talk_due_and_a_talk_satisfies_it(tree, alice, roster) -> None:
    cadre_flag_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.head_a, kind="has_ideas", note="对岗位调整有想法",
                     raised_on=date(2025, 5, 6))
    trigger = TalkTrigger.objects.get(cadre=roster.head_a)
    assert (trigger.kind, trigger.rule_code, trigger.due_on) == (TriggerKind.FLAGGED, "R03", date(2025, 6, 5))
    talk = talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 5, 20), kind=TalkKind.FLAGGED, talkers=[roster.minister],
                       talkees=[roster.head_a], summary="沟通思想")
    trigger.refresh_from_db()
    assert trigger.status == TriggerStatus.SATISFIED and trigger.satisfied_by == talk


def test_talk_before_the_flag_does_not_satisfy_it(tree, alice, roster) -> None:
    cadre_flag_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.head_a, kind="has_reports", raised_on=date(2025, 5, 6))
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 5, 1), kind=TalkKind.ANNUAL, talkers=[roster.minister],
                talkees=[roster.head_a])
    assert TalkTrigger.objects.get(cadre=roster.head_a).status == TriggerStatus.OPEN


def test_hardship_and_illness_flags_raise_r05_triggers_once(tree, alice, roster) -> None:
    cadre_flag_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.secretary_a2, kind="illness", raised_on=date(2025, 2, 1))
    cadre_flag_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.secretary_a2, kind="hardship", raised_on=date(2025, 2, 3))
    trigger = TalkTrigger.objects.get(cadre=roster.secretary_a2)
    assert trigger.kind == TriggerKind.HARDSHIP_OR_ILLNESS and trigger.rule_code == "R05"
    assert trigger.due_on == date(2025, 3, 3)


def test_bob_cannot_flag_and_carol_cannot_see_county_a(tree, bob, carol, roster) -> None:
    from zugong.core.errors import Forbidden

    with pytest.raises(Forbidden):
        cadre_flag_raise(actor=bob, jurisdiction=jurisdiction_for(bob), cadre=roster.head_a, kind="has_ideas")
    with pytest.raises(NotFound):
        cadre_flag_raise(actor=carol, jurisdiction=jurisdiction_for(carol), cadre=roster.head_a, kind="has_ideas")


def test_scan_raises_key_post_triggers_once_a_year(tree, alice, roster) -> None:
    KeyPost.objects.create(org_unit=tree.county_a, title_keyword="财政局局长")
    first = triggers_scan(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, on=date(2025, 3, 1))
    second = triggers_scan(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, on=date(2025, 3, 2))
    assert first.raised == {TriggerKind.KEY_POST: 1} and second.raised == {}
    assert TalkTrigger.objects.get().cadre == roster.finance_head


def test_scan_problem_unit_uses_the_pluggable_count_and_threshold(tree, alice, roster) -> None:
    assert triggers_scan(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, on=date(2025, 3, 1)).raised == {}
    register_problem_counter("test", lambda ids, start, end: {tree.township_a.pk: 5, tree.township_a2.pk: 4})
    try:
        result = triggers_scan(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, on=date(2025, 3, 1))
    finally:
        unregister_problem_counter("test")
    # the threshold is 5: 甲镇 (5) has many problems, 丙乡 (4) does not; its heads (书记, 镇长) are due
    assert result.raised == {TriggerKind.PROBLEM_UNIT: 2}
    names = set(TalkTrigger.objects.filter(kind=TriggerKind.PROBLEM_UNIT).values_list("cadre__name", flat=True))
    assert names == {"张书记", "陈镇长"}


def test_scan_hardship_area_long_service(tree, alice, roster) -> None:
    HardshipArea.objects.create(org_unit=tree.township_a2, note="高寒山区")
    # 周书记 serves in 丙乡 since 2020-03-01: five years are reached on 2025-03-01, not before
    assert triggers_scan(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, on=date(2025, 2, 27)).raised == {}
    result = triggers_scan(actor=alice, jurisdiction=jurisdiction_for(alice), org_unit=tree.county_a, on=date(2025, 3, 2))
    assert result.raised == {TriggerKind.HARDSHIP_AREA: 1}
    assert TalkTrigger.objects.get(kind=TriggerKind.HARDSHIP_AREA).cadre == roster.secretary_a2


def test_the_registry_post_change_service_raises_the_trigger(tree, alice, roster) -> None:
    from zugong.cadres.services import post_change

    post_change(actor=alice, cadre=roster.head_a, org_unit=tree.township_a2, title="丙乡党委书记",
                on=date(2025, 6, 3), rank_level="D1")
    trigger = TalkTrigger.objects.get(cadre=roster.head_a, kind=TriggerKind.POST_CHANGE)
    assert (trigger.raised_on, trigger.due_on, trigger.detail) == (
        date(2025, 6, 3), date(2025, 7, 3), "职务变动：甲镇镇长 → 丙乡党委书记")
