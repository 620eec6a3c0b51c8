"""R03, R04, R05, R14, R15 evaluated by the rule engine through the sources this module registers."""

from __future__ import annotations

from datetime import date

from zugong.core.jurisdiction import jurisdiction_for
from zugong.rules.engine import evaluate
from zugong.rules.registry import caps_for, sources_for
from zugong.talks.models import Interview, InterviewStatus, InterviewTarget, TalkKind
from zugong.talks.services.talks import talk_record
from zugong.talks.services.triggers import cadre_flag_raise


def report_of(code: str, as_of: date, org_unit) -> dict:
    report = evaluate(as_of=as_of, org_unit=org_unit, rule=code, periods=1)
    return report.as_dict()["rules"][0]


def test_sources_are_registered() -> None:
    for code in ("R03", "R04", "R05", "R15"):
        assert sources_for(code), code


def test_r04_coverage_counts_the_roster_and_who_was_talked_with(tree, alice, roster) -> None:
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 3, 2), kind=TalkKind.ANNUAL, talkers=[roster.minister],
                talkees=[roster.secretary_a, roster.head_a])
    row = report_of("R04", date(2025, 6, 30), tree.county_a)
    # 5 on the roster; two talked with this year, three still pending in the running year
    assert row["subjects"] == 5
    assert row["compliant"] == 2


def test_r03_flag_deadline_becomes_overdue(tree, alice, roster) -> None:
    cadre_flag_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.head_a, kind="has_ideas", raised_on=date(2025, 5, 1))
    row = report_of("R03", date(2025, 6, 15), tree.county_a)
    assert (row["subjects"], row["overdue"]) == (1, 1)


def test_r15_report_deadline_met_late_is_violated(tree, roster) -> None:
    Interview.objects.create(org_unit=roster.head_a.org_unit, target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                             status=InterviewStatus.ASSESSED, proposed_on=date(2025, 3, 1), held_on=date(2025, 3, 5),
                             head_informed_on=date(2025, 3, 10), report_due_on=date(2025, 4, 10),
                             report_submitted_on=date(2025, 4, 20))
    row = report_of("R15", date(2025, 4, 25), tree.county_a)
    assert (row["subjects"], row["violated"]) == (1, 1)


def test_r14_cap_through_the_registry(tree, roster) -> None:
    Interview.objects.create(org_unit=roster.head_a.org_unit, target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                             status=InterviewStatus.HELD, proposed_on=date(2025, 3, 1), held_on=date(2025, 3, 5))
    caps = caps_for(org_unit=roster.head_a.org_unit, on=date(2025, 12, 31), codes=["R14"], cadre=roster.head_a)
    assert [(c.code, c.limit, c.reason) for c in caps] == [("R14", "称职", "约谈 1 次：不得评为“优秀”等次")]
    assert caps_for(org_unit=roster.head_a.org_unit, on=date(2025, 12, 31), codes=["R14"],
                    cadre=roster.secretary_a) == []


def test_r05_trigger_met_on_time_is_compliant(tree, alice, roster) -> None:
    from zugong.talks.services.triggers import trigger_raise

    trigger_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.deputy_a, kind="post_change", raised_on=date(2025, 5, 1))
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 5, 20), kind=TalkKind.TRIGGERED, talkers=[roster.deputy],
                talkees=[roster.deputy_a])
    row = report_of("R05", date(2025, 5, 31), tree.county_a)
    assert (row["subjects"], row["compliant"]) == (1, 1)
