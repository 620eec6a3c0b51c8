"""Personal-matters reports (个人有关事项报告, R19): filing, the seeded draw and its replay, recording a check,
the mandatory check of candidates, the R19 gate's personal-matters half and its switch, roles and scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.errors import Conflict, Forbidden, GateRefused, IllegalTransition, ValidationFailed
from zugong.core.models import AuditEvent, Role
from zugong.core.permissions import SYSTEM
from zugong.selection.models import CheckKind, PersonalMatterItem, PersonalReport, ReportCheck, Stage
from zugong.selection.services import reports
from zugong.selection.services import selections as svc
from zugong.selection.tests.conftest import World, cadre, open_selection, report_filed, reports_checked, walk

ON = date(2026, 3, 12)


def _c(w: World, s: Any) -> dict[str, Any]:
    return {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}


def _decide(w: World, s: Any) -> Any:
    return svc.decision_record(**_c(w, s), kind="standing", held_on=ON, expected=9, present=9,
                               statements=[svc.Statement("委员"), svc.Statement("书记", True)],
                               tallies={w.zhang.pk: svc.Tally(9, 0, 0)})


def _at_decision(w: World) -> Any:
    """A selection at 讨论决定 whose candidate 张一 has no report yet."""
    s = walk(w, open_selection(w), "consultation")
    svc.consultation_record(**_c(w, s), replied_on=date(2026, 3, 10), replies={w.zhang.pk: "无"})
    s.refresh_from_db()
    return s


# --- filing ------------------------------------------------------------------------------------------

def test_a_report_answers_every_active_item_and_keeps_the_content_out_of_the_audit_chain(world: World) -> None:
    report = reports.personal_report_submit(actor=world.alice, jurisdiction=world.ja, cadre=world.zhang, year=2026,
                                            submitted_on=date(2026, 1, 20), declared={"real_estate": "住房一套"})
    items = list(PersonalMatterItem.objects.filter(active=True).values_list("code", flat=True))
    assert len(items) == 12 and sorted(report.declared) == sorted(items)
    assert report.declared["real_estate"] == "住房一套" and report.declared["marriage"] == ""
    event = AuditEvent.objects.filter(action="selection.personal_report_submit").get()
    assert "住房一套" not in str(event.summary)


def test_an_item_retired_or_unknown_is_refused_and_a_second_report_for_the_year_conflicts(world: World) -> None:
    PersonalMatterItem.objects.filter(code="income").update(active=False)
    with pytest.raises(ValidationFailed, match="没有报告事项“income”"):
        reports.personal_report_submit(actor=world.alice, jurisdiction=world.ja, cadre=world.zhang, year=2026,
                                       submitted_on=date(2026, 1, 20), declared={"income": "工资"})
    report_filed(world, world.zhang)
    with pytest.raises(Conflict, match="张一的 2026 年度个人有关事项报告已登记"):
        report_filed(world, world.zhang)
    with pytest.raises(ValidationFailed, match="报告年度 2027 无效"):
        reports.personal_report_submit(actor=world.alice, jurisdiction=world.ja, cadre=world.li, year=2027,
                                       submitted_on=date(2026, 12, 1), declared={})


# --- the draw ------------------------------------------------------------------------------------------

def _population(w: World, n: int) -> list[PersonalReport]:
    people = [cadre(f"干部{i}", w.tree.township_a if i % 2 else w.tree.township_a2) for i in range(n)]
    return [report_filed(w, p) for p in people]


def test_a_draw_takes_each_unit_s_ceiling_and_replays_from_its_seed(world: World) -> None:
    filed = _population(world, 23)  # 11 in 甲镇, 12 in 丙乡
    reports.personal_report_submit(actor=None, jurisdiction=SYSTEM, cadre=world.zhao_b, year=2026,  # county B
                                   submitted_on=date(2026, 1, 20), declared={})
    draw = reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, year=2026,
                              share=Decimal("0.1"), seed=20260312)
    assert draw.population == sorted(r.pk for r in filed) and draw.excluded == []
    by_unit = {str(world.tree.township_a.pk): sorted(r.pk for r in filed if r.org_unit_id == world.tree.township_a.pk),
               str(world.tree.township_a2.pk): sorted(r.pk for r in filed if r.org_unit_id == world.tree.township_a2.pk)}
    assert draw.strata == by_unit and [len(v) for v in by_unit.values()] == [11, 12]
    # ⌈11 × 10 %⌉ = 2 and ⌈12 × 10 %⌉ = 2: each unit has its share (one sample of 23 would take 3, maybe from one)
    assert len(draw.drawn) == 4 and all(len(set(draw.drawn) & set(ids)) == 2 for ids in by_unit.values())
    assert draw.drawn == reports.draw_stratified(by_unit, 20260312, Decimal("0.1")) == reports.draw_replay(draw)
    assert draw.drawn != reports.draw_stratified(by_unit, 20260313, Decimal("0.1"))
    checks = ReportCheck.objects.filter(draw=draw)
    assert sorted(checks.values_list("report_id", flat=True)) == draw.drawn
    assert set(checks.values_list("kind", "outcome")) == {("random", "pending")}
    event = AuditEvent.objects.get(action="selection.check_draw")
    assert (event.summary["seed"], event.summary["units"], event.summary["drawn"]) == (20260312, 2, draw.drawn)


def test_a_second_draw_leaves_out_the_reports_already_checked_that_year(world: World) -> None:
    # given: four reports drawn, and a candidate check of 张一's report
    filed = _population(world, 23)
    first = reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, year=2026,
                               share=Decimal("0.1"), seed=20260312)
    s = walk(world, open_selection(world), "consultation")
    svc.consultation_record(**_c(world, s), replied_on=date(2026, 3, 10), replies={world.zhang.pk: "无"})
    zhang = report_filed(world, world.zhang)
    reports.candidate_checks_request(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, on=ON)
    # when: the same seed is drawn again
    again = reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, year=2026,
                               share=Decimal("0.1"), seed=20260312)
    # then: none of the checked reports is in the population, and none is drawn twice
    assert again.excluded == sorted([*first.drawn, zhang.pk])
    assert set(again.population) == {r.pk for r in filed} - set(first.drawn)
    assert not set(again.drawn) & set(first.drawn) and len(again.drawn) == 2  # ⌈9 × 10 %⌉ + ⌈10 × 10 %⌉
    assert again.drawn == reports.draw_replay(again)
    assert ReportCheck.objects.filter(kind="random").count() == 6
    # once every report of a unit is checked, a draw there is refused, naming why
    reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.township_a2, year=2026,
                       share=Decimal("1"), seed=1)
    with pytest.raises(Conflict, match="丙乡 2026 年度的个人有关事项报告均已核查，没有可抽取的报告"):
        reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.township_a2, year=2026,
                           share=Decimal("1"), seed=1)


def test_a_unit_with_one_report_still_has_it_drawn_and_an_old_draw_replays_unstratified(world: World) -> None:
    _population(world, 1)  # one report, in 丙乡
    report_filed(world, world.zhang)  # one in 甲镇
    draw = reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, year=2026,
                              share=Decimal("0.1"), seed=5)
    assert len(draw.drawn) == 2  # ⌈1 × 10 %⌉ in each unit
    # a draw recorded before strata existed replays with the single sample it was drawn with
    draw.strata, draw.drawn = {}, reports.draw_sample(list(draw.population), 5, Decimal("0.1"))
    assert reports.draw_replay(draw) == draw.drawn and len(draw.drawn) == 1


def test_a_draw_over_the_api_records_a_seed_and_shows_it_reproducible(world: World) -> None:
    _population(world, 5)  # 2 in 甲镇, 3 in 丙乡
    api = bearer(world.alice)
    answer = api.post("/api/v1/report-draws", {"org_unit_id": world.tree.county_a.pk, "year": 2026, "share": "0.4"},
                      content_type="application/json")
    assert answer.status_code == 201
    body = answer.json()
    assert body["population"] == 5 and len(body["drawn"]) == 3 and body["reproducible"] is True
    assert [(x["org_unit"], x["population"], x["drawn"]) for x in body["strata"]] == [("甲镇", 2, 1), ("丙乡", 3, 2)]
    assert body["excluded"] == 0
    assert 0 <= body["seed"] < 2**62
    assert api.get(f"/api/v1/report-draws/{body['id']}").json()["drawn"] == body["drawn"]
    page = logged_in(world.alice).get(f"/selection/draws/{body['id']}/").content.decode()
    assert str(body["seed"]) in page and "结果一致" in page and "丙乡" in page


def test_the_draw_share_defaults_to_the_register_and_is_bounded(world: World) -> None:
    _population(world, 10)
    api = bearer(world.alice)
    body = api.post("/api/v1/report-draws", {"org_unit_id": world.tree.county_a.pk, "year": 2026, "seed": 1},
                    content_type="application/json").json()
    assert Decimal(body["share"]) == Decimal("0.1") and len(body["drawn"]) == 2  # ⌈5 × 10 %⌉ per unit
    with pytest.raises(ValidationFailed, match="抽查比例"):
        reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, year=2026,
                           share=Decimal("0"), seed=1)
    with pytest.raises(Conflict, match="2025 年度尚无个人有关事项报告"):
        reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, year=2025,
                           share=Decimal("0.5"), seed=1)


def test_only_an_org_admin_draws(world: World) -> None:
    _population(world, 3)
    with pytest.raises(Forbidden):
        reports.check_draw(actor=world.staff, jurisdiction=_j(world.staff), org_unit=world.tree.county_a, year=2026,
                           share=Decimal("0.5"), seed=1)
    answer = bearer(world.staff).post("/api/v1/report-draws", {"org_unit_id": world.tree.county_a.pk, "year": 2026},
                                      content_type="application/json")
    assert answer.status_code == 403


def _j(user: User) -> Any:
    from zugong.core.jurisdiction import jurisdiction_for

    return jurisdiction_for(user)


# --- recording a check -----------------------------------------------------------------------------------

def _random_check(w: World) -> ReportCheck:
    report = report_filed(w, w.zhang)
    reports.check_draw(actor=w.alice, jurisdiction=w.ja, org_unit=w.tree.county_a, year=2026, share=Decimal("1"),
                       seed=7)
    return ReportCheck.objects.get(report=report)


def test_a_check_not_truthful_needs_the_difference_and_the_handling_and_then_stays(world: World) -> None:
    check = _random_check(world)
    record = {"actor": world.staff, "jurisdiction": _j(world.staff), "check_id": check.pk,
              "checked_on": date(2026, 4, 1)}
    with pytest.raises(ValidationFailed, match="须选择处理方式"):
        reports.report_check_record(**record, outcome="concealed", discrepancy="隐瞒房产")
    with pytest.raises(ValidationFailed, match="须写明不一致的情况"):
        reports.report_check_record(**record, outcome="concealed", handling="admonishment")
    with pytest.raises(ValidationFailed, match="请选择核查结果"):
        reports.report_check_record(**record, outcome="pending")
    with pytest.raises(ValidationFailed, match="核查日期不能早于报告日期"):
        reports.report_check_record(**{**record, "checked_on": date(2026, 1, 1)}, outcome="consistent")
    done = reports.report_check_record(**record, outcome="concealed", handling="admonishment",
                                       discrepancy="隐瞒配偶名下房产一套")
    assert (done.outcome, done.handling, done.checked_by_id) == ("concealed", "admonishment", world.staff.pk)
    with pytest.raises(IllegalTransition, match="该核查已于 2026-04-01 办结（瞒报），不能再修改"):
        reports.report_check_record(**record, outcome="consistent")


# --- the mandatory check of candidates and the R19 gate ----------------------------------------------------

def test_candidate_checks_wait_for_the_shortlist_and_name_who_has_no_report(world: World) -> None:
    s = walk(world, open_selection(world), "shortlist")
    with pytest.raises(IllegalTransition, match="确定考察对象后才能核查"):
        reports.candidate_checks_request(**_c(world, s), on=ON)
    s = _at_decision(world)
    with pytest.raises(Conflict, match="张一尚无 2026 年度个人有关事项报告"):
        reports.candidate_checks_request(**_c(world, s), on=ON)
    report_filed(world, world.zhang)
    first = reports.candidate_checks_request(**_c(world, s), on=ON)
    again = reports.candidate_checks_request(**_c(world, s), on=ON)
    assert [c.pk for c in first] == [c.pk for c in again]
    assert (first[0].kind, first[0].selection_id) == (CheckKind.CANDIDATE, s.pk)


@pytest.mark.parametrize("setup,refusal", [
    ("none", "张一没有 2026 年度个人有关事项报告"),
    ("filed", "张一2026 年度个人有关事项报告尚未核查"),
    ("requested", "张一2026 年度个人有关事项报告正在核查，尚无结果"),
    ("concealed", "张一2026 年度个人有关事项报告经核查存在瞒报（取消提拔资格）"),
    ("omitted", None),
    ("consistent", None),
])
def test_r19_refuses_the_decision_until_the_year_s_report_is_checked_and_not_concealed(
        world: World, setup: str, refusal: str | None) -> None:
    s = _at_decision(world)
    if setup != "none":
        report_filed(world, world.zhang)
    if setup in ("requested", "concealed", "omitted", "consistent"):
        check = reports.candidate_checks_request(**_c(world, s), on=ON)[0]
        if setup != "requested":
            extra = {} if setup == "consistent" else {
                "handling": "disqualified" if setup == "concealed" else "reminder", "discrepancy": "不一致"}
            reports.report_check_record(actor=world.alice, jurisdiction=world.ja, check_id=check.pk, outcome=setup,
                                        checked_on=date(2026, 3, 11), **extra)
    if refusal is None:
        assert _decide(world, s).stage == Stage.PUBLICITY
    else:
        with pytest.raises(GateRefused, match=f"不符合R19（三龄两历一身份审核）：{refusal}"):
            _decide(world, s)


def test_last_year_s_report_does_not_count(world: World) -> None:
    s = _at_decision(world)
    report_filed(world, world.zhang, year=2025)
    with pytest.raises(GateRefused, match="张一没有 2026 年度个人有关事项报告"):
        _decide(world, s)


def test_switching_require_personal_report_off_for_the_county_lets_the_decision_pass(world: World) -> None:
    from zugong.rules.services import rule_override_set

    s = _at_decision(world)
    rule_override_set(actor=world.alice, jurisdiction=world.ja, code="R19", org_unit=world.tree.county_a,
                      valid_from=date(2026, 1, 1), params={"require_personal_report": False}, note="测试")
    assert _decide(world, s).stage == Stage.PUBLICITY


# --- roles, scope, pages ----------------------------------------------------------------------------------

def test_another_county_sees_no_report_and_cannot_check_one(world: World, carol: User) -> None:
    check = _random_check(world)
    api = bearer(carol)
    assert api.get("/api/v1/personal-reports").json() == []
    assert api.get("/api/v1/report-checks").json() == []
    assert api.get(f"/api/v1/personal-reports/{check.report_id}").status_code == 404
    answer = api.post(f"/api/v1/report-checks/{check.pk}", {"outcome": "consistent", "checked_on": "2026-04-01"},
                      content_type="application/json")
    assert answer.status_code == 404
    assert logged_in(carol).get(f"/selection/reports/{check.report_id}/").status_code == 404
    assert logged_in(carol).post(f"/selection/checks/{check.pk}/", {"outcome": "consistent"}).status_code == 404


@pytest.mark.parametrize("role,home,reads,writes", [
    (Role.ORG_ADMIN, "county_a", 200, 201), (Role.ORG_STAFF, "county_a", 200, 201),
    (Role.LEADER, "county_a", 403, 403), (Role.TOWNSHIP_STAFF, "township_a", 403, 403),
])
def test_report_pages_and_api_by_role(world: World, role: str, home: str, reads: int, writes: int) -> None:
    user = make_user(f"u-{role}", getattr(world.tree, home), role)
    client, api = logged_in(user), bearer(user)
    for path in ("/selection/reports/", "/selection/reports/new/"):
        assert client.get(path).status_code == reads, path
    for path in ("/api/v1/personal-reports", "/api/v1/report-checks", "/api/v1/personal-report-items"):
        assert api.get(path).status_code == reads, path
    answer = api.post("/api/v1/personal-reports", {"cadre_id": world.li.pk, "year": 2026, "submitted_on": "2026-01-20"},
                      content_type="application/json")
    assert answer.status_code == writes


def test_report_list_costs_the_same_for_three_or_twelve_reports(world: World) -> None:
    from zugong.selection.tests.test_api_and_pages import _count_queries

    client, api = logged_in(world.alice), bearer(world.alice)
    _population(world, 3)
    client.get("/selection/"), api.get("/api/v1/selections")
    small = (_count_queries(client, "/selection/reports/"), _count_queries(api, "/api/v1/personal-reports"))
    _population(world, 9)
    reports.check_draw(actor=world.alice, jurisdiction=world.ja, org_unit=world.tree.county_a, year=2026,
                       share=Decimal("0.5"), seed=3)
    assert (_count_queries(client, "/selection/reports/"), _count_queries(api, "/api/v1/personal-reports")) == small


def test_the_seed_s_sentence_counts_are_reached_through_the_checks(world: World) -> None:
    s = walk(world, open_selection(world), "decision", candidates=(world.zhang, world.li))
    reports_checked(world, s, ())
    assert ReportCheck.objects.filter(kind="candidate", outcome="consistent").count() == 2


@pytest.mark.parametrize("outcome,handling,kind", [("omitted", "reminder", "reminder"),
                                                   ("concealed", "admonishment", "admonishment"),
                                                   ("concealed", "disqualified", None)])
def test_a_reminder_or_admonishment_is_recorded_as_a_talks_supervision_action(world: World, outcome: str,
                                                                             handling: str, kind: str | None) -> None:
    from zugong.talks.models import SupervisionAction

    check = _random_check(world)
    done = reports.report_check_record(actor=world.alice, jurisdiction=world.ja, check_id=check.pk, outcome=outcome,
                                       checked_on=date(2026, 4, 1), handling=handling, discrepancy="少报房产一套")
    if kind is None:
        assert done.supervision_action is None and not SupervisionAction.objects.exists()
        return
    action = SupervisionAction.objects.get()
    assert done.supervision_action == action
    assert (action.cadre_id, action.kind, action.issued_on) == (world.zhang.pk, kind, date(2026, 4, 1))
    assert action.matter == f"2026 年度个人有关事项报告经核查{'漏报' if outcome == 'omitted' else '瞒报'}：少报房产一套"
