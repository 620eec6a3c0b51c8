"""The checks the pages computed, as engine findings (rules migration 0013): R30's programme (示范班 and 研讨班,
[2] and [2] a year), R06's stays (about [a month]) and suggestions (a reply by its reply day, [30] days after
forwarding), R26's topics per leader (at least [1]). Each through `evaluate()`, positive and negative, against
the page's own numbers, and a county's override."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User

from zugong.cadres.models import Cadre
from zugong.conftest import Tree, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.services import org_unit_create
from zugong.fieldwork.models import FieldStay, PlaceKind, ProgrammeKind, Suggestion, SuggestionStatus
from zugong.fieldwork.selectors import programme_year
from zugong.fieldwork.selectors_research import leader_year
from zugong.fieldwork.selectors_stays import suggestions_overdue, year_figures
from zugong.fieldwork.services.research import topic_call_open, topic_register
from zugong.fieldwork.services.stays import batch_create, stay_add, suggestion_answer, suggestion_forward
from zugong.fieldwork.services.training import training_programme_add
from zugong.fieldwork.tests.helpers import org_department
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, Notification, RuleVersion
from zugong.rules.params import REGISTER
from zugong.rules.services import rule_override_set

MIGRATION: Any = importlib.import_module("zugong.rules.migrations.0013_fieldwork_parts")
YEAR_2025 = date(2025, 1, 1)


def _findings(code: str, part: str, period_start: date = YEAR_2025) -> dict[str, tuple[str, float | None, str]]:
    return {f.subject_label: (f.status, f.measure, f.detail)
            for f in Finding.objects.filter(rule__code=code, part=part, period_start=period_start)}


# ---- R30: the department's own programme ------------------------------------------------------------

def _classes(user: User, unit: OrgUnit, kind: str, n: int, start: date = date(2025, 5, 1)) -> None:
    for i in range(n):
        training_programme_add(actor=user, jurisdiction=jurisdiction_for(user), org_unit=unit, kind=kind,
                               title=f"班次{i}", start_date=start + timedelta(days=i), end_date=start + timedelta(days=i))


def test_programme_findings_count_each_kind_against_two(tree: Tree, alice: User, carol: User) -> None:
    # given 甲县: 2 示范班, 1 研讨班 (and one of last year); 乙县: 2 and 2
    _classes(alice, tree.county_a, ProgrammeKind.ADVANCED, 2)
    _classes(alice, tree.county_a, ProgrammeKind.SEMINAR, 1)
    _classes(alice, tree.county_a, ProgrammeKind.SEMINAR, 1, start=date(2024, 12, 31))
    _classes(carol, tree.county_b, ProgrammeKind.ADVANCED, 2)
    _classes(carol, tree.county_b, ProgrammeKind.SEMINAR, 2)
    # when
    evaluate(as_of=date(2026, 1, 15), rule="R30", periods=2)
    # then
    advanced, seminars = _findings("R30", "advanced_classes"), _findings("R30", "seminars")
    assert advanced["甲县"] == ("compliant", 2, "2025年示范班 2 期，达到不少于 2 期的要求")
    assert seminars["甲县"] == ("violated", 1, "2025年研讨班 1 期，应不少于 2 期")
    assert (advanced["乙县"][:2], seminars["乙县"][:2]) == (("compliant", 2), ("compliant", 2))
    assert advanced["示范市"][:2] == ("violated", 0)  # the city's org department ran none
    assert "甲镇" not in advanced  # a township is not asked for a programme
    # and the page's figures are the findings' numbers
    for unit in (tree.county_a, tree.county_b):
        page = programme_year(unit, 2025)
        assert (page.advanced, page.seminars) == (advanced[unit.name][1], seminars[unit.name][1])
        assert page.meets == (advanced[unit.name][0] == seminars[unit.name][0] == "compliant")


def test_programme_minimum_is_overridden_per_county(tree: Tree, alice: User) -> None:
    _classes(alice, tree.county_a, ProgrammeKind.SEMINAR, 1)
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(alice), code="R30", org_unit=tree.county_a,
                      valid_from=YEAR_2025, params={"seminars": {"min_total": 1}})
    evaluate(as_of=date(2026, 1, 15), rule="R30", periods=2)
    assert _findings("R30", "seminars")["甲县"][:2] == ("compliant", 1)
    assert _findings("R30", "advanced_classes")["甲县"][:2] == ("violated", 0)
    assert programme_year(tree.county_a, 2025).min_seminars == 1
    assert programme_year(tree.county_b, 2025).min_seminars == 2


# ---- R06: each stay's days, each suggestion's reply ----------------------------------------------------

def _senior(unit: OrgUnit, name: str) -> Cadre:
    return Cadre.objects.create(name=name, org_unit=unit, rank_level="C2")


def _stay(user: User, unit: OrgUnit, cadre: Cadre, start: date, end: date) -> FieldStay:
    j = jurisdiction_for(user)
    batch = batch_create(actor=user, jurisdiction=j, organiser=unit, theme="乡村振兴", start_date=start, end_date=end)
    return stay_add(actor=user, jurisdiction=j, batch_id=batch.pk, cadre=cadre, place_kind=PlaceKind.ENTERPRISE,
                    place_name="某厂", start_date=start, end_date=end)


def test_stay_findings_hold_each_stay_against_a_month(tree: Tree, alice: User, carol: User) -> None:
    # given stays of 30 and 29 days in 甲县, 20 in 乙县
    _stay(alice, tree.county_a, _senior(tree.county_a, "满月"), date(2025, 4, 1), date(2025, 4, 30))
    _stay(alice, tree.county_a, _senior(tree.county_a, "差一天"), date(2025, 5, 1), date(2025, 5, 29))
    _stay(carol, tree.county_b, _senior(tree.county_b, "二十天"), date(2025, 6, 1), date(2025, 6, 20))
    # when
    evaluate(as_of=date(2026, 1, 15), rule="R06", periods=2)
    # then
    found = _findings("R06", "stay")
    assert found == {"满月": ("compliant", 30, "2025年蹲点 30 天，达到不少于 30 天的要求"),
                     "差一天": ("violated", 29, "2025年蹲点 29 天，应不少于 30 天"),
                     "二十天": ("violated", 20, "2025年蹲点 20 天，应不少于 30 天")}
    assert Finding.objects.get(rule__code="R06", part="stay", subject_label="二十天").org_unit_id == tree.county_b.pk
    # and the page's short stays are the violated findings of the organiser
    assert year_figures(jurisdiction_for(alice), tree.county_a, 2025).short_stays == 1
    assert year_figures(jurisdiction_for(carol), tree.county_b, 2025).short_stays == 1


def test_stay_days_are_a_parameter_of_the_part(tree: Tree, carol: User) -> None:
    _stay(carol, tree.county_b, _senior(tree.county_b, "二十天"), date(2025, 6, 1), date(2025, 6, 20))
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(carol), code="R06", org_unit=tree.county_b,
                      valid_from=YEAR_2025, params={"stay": {"min_count": 20}})
    evaluate(as_of=date(2026, 1, 15), rule="R06", periods=2)
    assert _findings("R06", "stay")["二十天"][:2] == ("compliant", 20)
    figures = year_figures(jurisdiction_for(carol), tree.county_b, 2025)
    assert (figures.stay_days, figures.short_stays) == (20, 0)


def _suggestion(user: User, tree: Tree, dept: OrgUnit, forwarded_on: date, **kwargs: Any) -> Suggestion:
    stay = _stay(user, tree.county_a, _senior(tree.county_a, f"县领导{forwarded_on:%m%d}"), date(2025, 4, 1),
                 date(2025, 4, 30))
    return suggestion_forward(actor=user, jurisdiction=jurisdiction_for(user), stay=stay, content="修缮村道",
                              department=dept, forwarded_on=forwarded_on, **kwargs)


def _agriculture(tree: Tree) -> OrgUnit:
    return org_unit_create(actor=None, kind=OrgKind.DEPARTMENT, name="甲县农业农村局", parent=tree.county_a)


@pytest.mark.parametrize(("as_of", "status", "tail"), [
    (date(2025, 5, 9), "due_soon", "尚未办结，剩余 1 天"),
    (date(2025, 5, 10), "due_soon", "尚未办结，剩余 0 天"),
    (date(2025, 5, 11), "overdue", "尚未办结，已逾期 1 天"),
])
def test_unanswered_suggestion_falls_due_thirty_days_after_forwarding(tree: Tree, alice: User, as_of: date,
                                                                      status: str, tail: str) -> None:
    # given a suggestion forwarded on 10 April, due by default on 10 May
    suggestion = _suggestion(alice, tree, _agriculture(tree), date(2025, 4, 10))
    assert suggestion.reply_due == date(2025, 5, 10)
    # when
    evaluate(as_of=as_of, rule="R06", periods=1)
    # then
    finding = Finding.objects.get(rule__code="R06", part="suggestions")
    assert (finding.subject_id, finding.subject_label, finding.status, finding.due_date) == (
        str(suggestion.pk), "甲县农业农村局", status, date(2025, 5, 10))
    assert finding.detail == f"蹲点调研意见建议答复2025-04-10起算，应于2025-05-10前办结，{tail}"
    # and the page's overdue list holds it exactly when the finding is overdue
    overdue = list(suggestions_overdue(jurisdiction_for(alice), as_of))
    assert overdue == ([suggestion] if status == "overdue" else [])


def test_overdue_suggestion_is_a_notice_in_the_county_org_department_inbox(tree: Tree, alice: User,
                                                                           carol: User) -> None:
    suggestion = _suggestion(alice, tree, _agriculture(tree), date(2025, 4, 10))
    evaluate(as_of=date(2025, 5, 11), rule="R06", periods=1)
    notices = Notification.objects.filter(rule__code="R06", part="suggestions")
    assert [(n.user_id, n.subject_id, n.status) for n in notices] == [(alice.pk, str(suggestion.pk), "overdue")]
    assert "2025-05-10前办结，尚未办结，已逾期 1 天" in notices[0].body
    inbox = logged_in(alice).get("/rules/inbox/").content.decode()
    assert "已逾期 1 天" in inbox
    assert "已逾期 1 天" not in logged_in(carol).get("/rules/inbox/").content.decode()


@pytest.mark.parametrize(("replied_on", "status"), [(date(2025, 5, 10), "compliant"), (date(2025, 5, 11), "violated")])
def test_answered_suggestion_is_judged_by_its_reply_day(tree: Tree, alice: User, replied_on: date, status: str) -> None:
    suggestion = _suggestion(alice, tree, _agriculture(tree), date(2025, 4, 10))
    suggestion_answer(actor=alice, jurisdiction=jurisdiction_for(alice), suggestion_id=suggestion.pk,
                      status=SuggestionStatus.REPLIED, reply="已安排", replied_on=replied_on)
    evaluate(as_of=date(2025, 6, 1), rule="R06", periods=1)
    finding = Finding.objects.get(rule__code="R06", part="suggestions")
    assert (finding.status, finding.done_date) == (status, replied_on)
    assert suggestions_overdue(jurisdiction_for(alice), date(2025, 6, 1)).count() == 0


def test_reply_days_are_a_parameter_of_the_part(tree: Tree, alice: User) -> None:
    dept = _agriculture(tree)
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(alice), code="R06", org_unit=tree.county_a,
                      valid_from=YEAR_2025, params={"suggestions": {"days": 15}})
    short = _suggestion(alice, tree, dept, date(2025, 4, 10))
    named = _suggestion(alice, tree, dept, date(2025, 4, 11), reply_due=date(2025, 6, 30))
    assert (short.reply_due, named.reply_due) == (date(2025, 4, 25), date(2025, 6, 30))
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(alice), code="R06", org_unit=tree.county_a,
                      valid_from=date(2025, 9, 1), params={"suggestions": {"days": 5, "workdays": True}})
    # forwarded on Friday 26 September 2025: five working days are Sunday 28 September (made a working day),
    # 29 and 30 September, then 9 and 10 October after the National Day holiday
    working = _suggestion(alice, tree, dept, date(2025, 9, 26))
    assert working.reply_due == date(2025, 10, 10)
    evaluate(as_of=date(2025, 5, 1), rule="R06", periods=1)
    found = {f.subject_id: f.status for f in Finding.objects.filter(rule__code="R06", part="suggestions")}
    assert found == {str(short.pk): "overdue", str(named.pk): "pending"}


# ---- R26: topics per leader --------------------------------------------------------------------------

def _leader(dept: OrgUnit, name: str) -> Cadre:
    return Cadre.objects.create(name=name, org_unit=dept, rank_level="D1", is_leading=True)


def test_topic_findings_ask_each_leader_for_a_topic(tree: Tree, alice: User) -> None:
    # given two leaders of 甲县's 组织部, one leading a topic of 2025's list and one of 2024's only
    dept = org_department(tree.county_a)
    leading, idle = _leader(dept, "牵头部长"), _leader(dept, "未牵头")
    j = jurisdiction_for(alice)
    for year in (2024, 2025):
        call = topic_call_open(actor=alice, jurisdiction=j, org_unit=tree.county_a, year=year,
                               register_by=date(year, 3, 31))
        topic_register(actor=alice, jurisdiction=j, call=call, title=f"{year}课题",
                       leader=leading if year == 2025 else idle, registered_on=date(year, 1, 10))
    # when
    evaluate(as_of=date(2026, 1, 15), rule="R26", periods=2)
    # then
    found = _findings("R26", "topics")
    assert found == {"牵头部长": ("compliant", 1, "2025年牵头调研课题 1 个，达到不少于 1 个的要求"),
                     "未牵头": ("violated", 0, "2025年牵头调研课题 0 个，应不少于 1 个")}
    page = {row["name"]: (row["topics"], row["topics_ok"]) for row in leader_year(j, tree.county_a, 2025)}
    assert page == {name: (int(measure or 0), status == "compliant") for name, (status, measure, _) in found.items()}


def test_topic_minimum_and_maximum_are_parameters_of_the_part(tree: Tree, alice: User) -> None:
    dept = org_department(tree.county_a)
    head = _leader(dept, "部长")
    j = jurisdiction_for(alice)
    rule_override_set(actor=None, jurisdiction=j, code="R26", org_unit=tree.county_a, valid_from=YEAR_2025,
                      params={"topics": {"min_total": 2, "max_topics": 3}})
    call = topic_call_open(actor=alice, jurisdiction=j, org_unit=tree.county_a, year=2025, register_by=date(2025, 3, 31))
    topic_register(actor=alice, jurisdiction=j, call=call, title="课题一", leader=head, registered_on=date(2025, 1, 5))
    evaluate(as_of=date(2026, 1, 15), rule="R26", periods=2)
    assert _findings("R26", "topics")["部长"][:2] == ("violated", 1)
    for title in ("课题二", "课题三"):  # three allowed here
        topic_register(actor=alice, jurisdiction=j, call=call, title=title, leader=head, registered_on=date(2025, 1, 5))
    evaluate(as_of=date(2026, 1, 15), rule="R26", periods=2)
    assert _findings("R26", "topics")["部长"][:2] == ("compliant", 3)


# ---- the register migration ---------------------------------------------------------------------------

def test_migration_moves_the_former_parameters_into_the_parts() -> None:
    assert MIGRATION._forwards("R06", {"min_count": 1, "stay_days": 20}, root=False) == {
        "min_count": 1, "stay": {"min_count": 20}}
    assert MIGRATION._forwards("R26", {"max_topics": 3}, root=False) == {"topics": {"max_topics": 3}}
    assert MIGRATION._forwards("R30", {"seminars": 3}, root=False) == {"seminars": {"min_total": 3.0}}
    assert MIGRATION._forwards("R30", {"cycle": {"years": 4}}, root=False) == {"cycle": {"years": 4}}
    # back again, and a second run changes nothing
    for code, former in (("R06", {"stay_days": 20}), ("R26", {"min_topics": 0, "max_topics": 3}),
                         ("R30", {"advanced_classes": 1, "seminars": 3})):
        moved = MIGRATION._forwards(code, former, root=False)
        assert MIGRATION._forwards(code, moved, root=False) == moved
        assert MIGRATION._backwards(code, moved) == former
        assert MIGRATION._backwards(code, MIGRATION._backwards(code, moved)) == former


def test_migration_runs_back_and_forth_on_the_register(db: None, tree: Tree) -> None:
    # given a county's override in the new shape
    RuleVersion.objects.create(rule=RuleVersion.objects.get(rule__code="R30", scope__isnull=True).rule,
                               scope=tree.county_a, valid_from=YEAR_2025, params={"seminars": {"min_total": 1.0}})
    defaults = {spec.code: spec.schema().model_dump(mode="json") for spec in REGISTER}

    def stored() -> dict[tuple[str, int | None], dict[str, Any]]:
        return {(v.rule.code, v.scope_id): v.params
                for v in RuleVersion.objects.filter(rule__code__in=("R06", "R26", "R30")).select_related("rule")}

    before = stored()
    assert {code: before[(code, None)] for code in ("R06", "R26", "R30")} == {
        code: defaults[code] for code in ("R06", "R26", "R30")}
    # when backwards, then
    MIGRATION.backwards(django_apps, None)
    former = stored()
    assert former[("R30", tree.county_a.pk)] == {"seminars": 1}
    assert (former[("R06", None)]["stay_days"], former[("R26", None)]["min_topics"],
            former[("R30", None)]["advanced_classes"]) == (30, 1, 2)
    assert "suggestions" not in former[("R06", None)]
    # forwards twice gives the register back
    MIGRATION.forwards(django_apps, None)
    MIGRATION.forwards(django_apps, None)
    assert stored() == before
