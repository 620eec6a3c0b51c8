"""确定考察对象 shown before anyone tries: every recommended cadre with the R18/R17/R23 result the gates would
give, in a handful of queries however many were recommended."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.cadres.models import Cadre
from zugong.conftest import bearer, logged_in
from zugong.selection.flow import shortlist_preview
from zugong.selection.selectors import selection_get
from zugong.selection.services import selections as svc
from zugong.selection.services.problems import problem_record
from zugong.selection.tests.conftest import World, cadre, open_selection

DAY = date(2026, 3, 2)


def _recommended(w: World, votes: dict[Cadre, int], valid: int = 40) -> Any:
    s = open_selection(w)
    common: dict[str, Any] = {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}
    for person, n in votes.items():
        svc.recommendation_vote_set(**common, cadre=person, votes=n)
    svc.recommendation_close(**common, eligible=45, issued=42, returned=40, valid=valid)
    return s


def test_preview_gives_what_the_gates_give(world: World) -> None:
    from zugong.rules.services import rule_override_set

    rule_override_set(actor=world.alice, jurisdiction=world.ja, code="R17", org_unit=world.tree.county_a,
                      valid_from=date(2020, 1, 1), params={"min_vote_share": 0.5}, note="测试")
    problem_record(actor=world.alice, jurisdiction=world.ja, cadre=world.wang, source="online",
                   received_on=date(2026, 1, 2), summary="网帖")
    s = _recommended(world, {world.zhang: 30, world.li: 12, world.wang: 28})
    svc.candidate_add(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, cadre=world.zhang, on=DAY)
    rows = {r.name: r for r in shortlist_preview(selection_get(world.ja, s.pk), DAY)}
    assert (rows["张一"].rank, rows["张一"].blocked_by, rows["张一"].shortlisted) == (1, "", True)
    assert rows["王三"].blocked_by == "R18" and rows["王三"].reason.startswith("不符合R18（问题线索未核实不使用）：王三")
    assert rows["李二"].blocked_by == "R17" and "占有效票 40 张的 30.0%，低于规定的 50.0%" in rows["李二"].reason
    # and the gates themselves refuse them with the same words
    for name, person in (("王三", world.wang), ("李二", world.li)):
        try:
            svc.candidate_add(actor=world.alice, jurisdiction=world.ja, selection_id=s.pk, cadre=person, on=DAY)
        except Exception as exc:  # noqa: BLE001 - compared below
            assert str(exc) == rows[name].reason
        else:
            raise AssertionError(f"{name} was shortlisted")


def test_preview_costs_the_same_for_three_or_thirty_recommended(world: World) -> None:
    few = _recommended(world, {world.zhang: 30, world.li: 20, world.wang: 10})
    many_people = {cadre(f"人选{i}", world.tree.township_a): 30 - i for i in range(30)}
    many = _recommended(world, many_people)
    for person in list(many_people)[::3]:
        problem_record(actor=world.alice, jurisdiction=world.ja, cadre=person, source="audit",
                       received_on=date(2026, 1, 2), summary="x")

    def cost(pk: int) -> int:
        selection = selection_get(world.ja, pk)
        with CaptureQueriesContext(connection) as captured:
            rows = shortlist_preview(selection, DAY)
        assert rows
        return len(captured.captured_queries)

    cost(few.pk)  # rule parameters cached after the first read
    assert cost(few.pk) == cost(many.pk)
    assert sum(1 for r in shortlist_preview(selection_get(world.ja, many.pk), DAY) if r.blocked_by == "R18") == 10


def test_page_and_api_show_the_preview(world: World) -> None:
    s = _recommended(world, {world.zhang: 30, world.li: 0})
    page = logged_in(world.alice).get(f"/selection/{s.pk}/").content.decode()
    assert 'id="zg-shortlist"' in page and "可列为考察对象" in page and "李二未获群众推荐" in page
    rows = bearer(world.alice).get(f"/api/v1/selections/{s.pk}").json()["shortlist"]
    assert [(r["name"], r["blocked_by"]) for r in rows] == [("张一", ""), ("李二", "R17")]
