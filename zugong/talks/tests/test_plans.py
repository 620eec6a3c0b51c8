from __future__ import annotations

from datetime import date

from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks.models import PairingRule, TalkKind
from zugong.talks.selectors import plan_coverage
from zugong.talks.services.plans import talk_plan_generate
from zugong.talks.services.talks import talk_record


def test_plan_covers_every_leading_cadre_of_rank_fuke_and_above(tree, alice, roster) -> None:
    result = talk_plan_generate(actor=alice, jurisdiction=jurisdiction_for(alice), year=2025, org_unit=tree.county_a, on=date(2025, 6, 1))
    talkees = {item.talkee.name: item for item in result.plan.items.select_related("talkee", "talker")}
    # given the roster: the non-leading clerk and county B's cadre are left out
    assert set(talkees) == {"张书记", "陈镇长", "刘副镇长", "周书记", "吴局长"}
    assert talkees["张书记"].talker == roster.minister
    assert talkees["陈镇长"].talker == roster.minister
    assert talkees["周书记"].talker == roster.minister
    assert talkees["吴局长"].talker == roster.minister
    assert talkees["刘副镇长"].talker == roster.deputy
    assert all(i.due_on == date(2025, 12, 31) for i in talkees.values())
    assert result.created == 5 and result.unassigned == 0


def test_plan_without_matching_rule_is_unassigned_and_regenerating_is_idempotent(tree, alice, roster) -> None:
    PairingRule.objects.filter(description__startswith="部长：综合").delete()
    first = talk_plan_generate(actor=alice, jurisdiction=jurisdiction_for(alice), year=2025, org_unit=tree.county_a, on=date(2025, 6, 1))
    assert first.unassigned == 1
    again = talk_plan_generate(actor=alice, jurisdiction=jurisdiction_for(alice), year=2025, org_unit=tree.county_a, on=date(2025, 6, 1))
    assert again.created == 0 and again.removed == 0 and again.plan.items.count() == 5


def test_plan_drops_a_cadre_whose_post_ended(tree, alice, roster) -> None:
    talk_plan_generate(actor=alice, jurisdiction=jurisdiction_for(alice), year=2025, org_unit=tree.county_a, on=date(2025, 6, 1))
    roster.deputy_a.post_holdings.update(valid_to=date(2025, 7, 1))
    result = talk_plan_generate(actor=alice, jurisdiction=jurisdiction_for(alice), year=2025, org_unit=tree.county_a, on=date(2025, 8, 1))
    assert result.removed == 1 and result.plan.items.count() == 4


def test_plan_coverage_per_talker_unit_and_overall(tree, alice, roster) -> None:
    plan = talk_plan_generate(actor=alice, jurisdiction=jurisdiction_for(alice), year=2025, org_unit=tree.county_a, on=date(2025, 6, 1)).plan
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 3, 2), kind=TalkKind.ANNUAL, talkers=[roster.minister],
                talkees=[roster.secretary_a, roster.head_a])
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2024, 12, 30), kind=TalkKind.ANNUAL, talkers=[roster.minister],
                talkees=[roster.finance_head])  # the year before: does not count
    coverage = plan_coverage(plan)
    assert (coverage.overall.planned, coverage.overall.done) == (5, 2)
    by_talker = {row.label: (row.planned, row.done) for row in coverage.by_talker}
    assert by_talker == {"李部长（部长）": (4, 2), "王副部长（部领导班子成员）": (1, 0)}
    by_unit = {row.label: (row.planned, row.done) for row in coverage.by_unit}
    assert by_unit == {"甲镇": (3, 2), "丙乡": (1, 0), "甲县财政局": (1, 0)}
    assert {i.talkee.name for i in coverage.not_yet} == {"刘副镇长", "周书记", "吴局长"}


def test_a_post_without_rank_takes_the_cadres_rank(tree, alice, roster) -> None:
    from zugong.talks.roster import coverage_counts

    roster.clerk.post_holdings.update(is_leading=True, rank_level="")
    roster.deputy_a.post_holdings.update(rank_level="")
    # the clerk's own rank is E1 (科员): still out; 刘副镇长 (D2 on the cadre) stays in
    assert coverage_counts(tree.county_a, date(2025, 1, 1), date(2025, 12, 31)) == (5, 0)
    roster.clerk.__class__.objects.filter(pk=roster.clerk.pk).update(rank_level="D2")
    assert coverage_counts(tree.county_a, date(2025, 1, 1), date(2025, 12, 31)) == (6, 0)
