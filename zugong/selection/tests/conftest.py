"""Selection fixtures: a few cadres of county A (and one of county B), and a helper that walks a selection
to a given stage through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.cadres.models import Cadre, PostHolding
from zugong.conftest import Tree, make_user
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import OrgUnit, Role
from zugong.selection.models import PersonalReport, Selection
from zugong.selection.services import reports
from zugong.selection.services import selections as svc


def cadre(name: str, unit: OrgUnit, title: str = "副镇长", rank: str = "副科级") -> Cadre:
    person = Cadre.objects.create(name=name, org_unit=unit, rank_level=rank, is_leading=True, current_post=title)
    PostHolding.objects.create(cadre=person, org_unit=unit, title=title, rank_level=rank, is_leading=True,
                               valid_from=date(2020, 3, 1))
    return person


@dataclass
class World:
    tree: Tree
    alice: User
    staff: User
    ja: Jurisdiction
    zhang: Cadre
    li: Cadre
    wang: Cadre
    zhao_b: Cadre


@pytest.fixture
def world(tree: Tree, alice: User) -> World:
    staff = make_user("clerk", tree.county_a, Role.ORG_STAFF)
    return World(tree=tree, alice=alice, staff=staff, ja=jurisdiction_for(alice),
                 zhang=cadre("张一", tree.township_a), li=cadre("李二", tree.township_a),
                 wang=cadre("王三", tree.township_a2), zhao_b=cadre("赵四", tree.township_b))


FLOW_STEPS = ["recommendation", "shortlist", "investigation", "consultation", "decision", "publicity",
              "appointment"]


def open_selection(w: World, **kwargs: Any) -> Selection:
    fields: dict[str, Any] = {"org_unit": w.tree.township_a, "title": "甲镇镇长人选", "posts": "甲镇镇长",
                              "rank_level": "正科级", "proposed_by": "县委组织部", "reason": "镇长职位空缺",
                              "plan": "会议推荐和谈话推荐产生人选"}
    fields.update(kwargs)
    return svc.selection_open(actor=w.alice, jurisdiction=w.ja, **fields)


def report_filed(w: World, person: Cadre, year: int = 2026) -> PersonalReport:
    return reports.personal_report_submit(actor=w.alice, jurisdiction=w.ja, cadre=person, year=year,
                                          submitted_on=date(year, 1, 20), declared={"marriage": "已婚，无变化"})


def reports_checked(w: World, selection: Selection, people: tuple[Cadre, ...], outcome: str = "consistent") -> None:
    """R19: each candidate's 2026 report filed and its candidate check concluded (一致 by default)."""
    for person in people:
        if not PersonalReport.objects.filter(cadre=person, year=2026).exists():
            report_filed(w, person)
    for check in reports.candidate_checks_request(actor=w.alice, jurisdiction=w.ja, selection_id=selection.pk,
                                                  on=date(2026, 3, 11)):
        if not check.is_concluded:
            extra = {} if outcome == "consistent" else {"handling": "reminder", "discrepancy": "少报一处房产"}
            reports.report_check_record(actor=w.alice, jurisdiction=w.ja, check_id=check.pk, outcome=outcome,
                                        checked_on=date(2026, 3, 11), **extra)


def register_row(code: str, unit: OrgUnit, params: dict[str, Any]) -> None:
    """A register override row written directly (the override service's own path is tested in
    test_register_parameters.py)."""
    from zugong.rules.models import Rule, RuleVersion

    RuleVersion.objects.create(rule=Rule.objects.get(code=code), scope=unit, valid_from=date(2020, 1, 1),
                               params=params, enabled=True, note="测试")


def walk(w: World, selection: Selection, until: str, *, candidates: tuple[Cadre, ...] = ()) -> Selection:
    """Record every stage before `until` with valid data (candidates default to 张一)."""
    people = candidates or (w.zhang,)
    common: dict[str, Any] = {"actor": w.alice, "jurisdiction": w.ja, "selection_id": selection.pk}
    for step in FLOW_STEPS:
        if step == "decision":  # R19: the candidates' reports are checked before the discussion
            reports_checked(w, selection, people)
        if step == until:
            break
        if step == "recommendation":
            for i, person in enumerate(people):
                svc.recommendation_vote_set(**common, cadre=person, votes=30 - i)
            svc.signed_recommendation_add(**common, recommender="刘某某", recommender_post="县人大常委会副主任",
                                          cadre=people[0], reason="熟悉乡镇工作，群众公认")
            svc.recommendation_close(**common, eligible=45, issued=42, returned=40, valid=40,
                                     signed_recommendations="会议推荐 40 人参加")
        elif step == "shortlist":
            for person in people:
                svc.candidate_add(**common, cadre=person, on=date(2026, 3, 2))
            svc.shortlist_confirm(**common)
        elif step == "investigation":
            svc.investigation_record(**common, team="陈组长、周干事", talks_held=25, findings={
                p.pk: svc.InvestigationFinding(evaluation="优秀 20 票、称职 5 票", conclusion="政治素质好",
                                               shortcomings=[svc.Shortcoming("统筹能力有待提高", "2025年防汛中调度迟缓")])
                for p in people})
        elif step == "consultation":
            svc.consultation_record(**common, replied_on=date(2026, 3, 10), replies={p.pk: "无廉政问题" for p in people})
        elif step == "decision":
            svc.decision_record(**common, kind="standing", held_on=date(2026, 3, 12), expected=9, present=8,
                                statements=[svc.Statement("委员甲"), svc.Statement("委员乙"),
                                            svc.Statement("书记", is_secretary=True)],
                                tallies={p.pk: svc.Tally(8, 0, 0) for p in people})
        elif step == "publicity":
            svc.publicity_record(**common, start=date(2026, 3, 16), end=date(2026, 3, 20), channel="县委组织部网站")
        elif step == "appointment":
            svc.appointment_record(**common, on=date(2026, 3, 21), title="甲镇镇长", document_number="甲组任〔2026〕5号")
    selection.refresh_from_db()
    return selection
