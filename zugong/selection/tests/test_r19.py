"""R19 before 讨论决定 (its archive-audit half): a candidate's open 三龄两历一身份 error refuses the decision,
naming it, until it is corrected or an org_admin signs it off with a reason for this selection."""

from __future__ import annotations

from datetime import date

import pytest

from zugong.cadres.models import Cadre
from zugong.conftest import bearer
from zugong.core.errors import Forbidden, GateRefused, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.selection.models import Stage
from zugong.selection.services import selections as svc
from zugong.selection.tests.conftest import World, open_selection, walk


def _decide(w: World, selection_id: int) -> object:
    return svc.decision_record(actor=w.alice, jurisdiction=w.ja, selection_id=selection_id, kind="standing",
                               held_on=date(2026, 3, 12), expected=9, present=9,
                               statements=[svc.Statement("委员"), svc.Statement("书记", True)],
                               tallies={w.zhang.pk: svc.Tally(9, 0, 0)})


@pytest.fixture
def young_member(world: World) -> World:
    # joined the party at 15: an error of the archive audit (party_before_18)
    Cadre.objects.filter(pk=world.zhang.pk).update(birth_date=date(1990, 5, 1), party_join_date=date(2005, 6, 1))
    return world


def test_an_open_audit_error_refuses_the_decision_naming_it(young_member: World) -> None:
    w = young_member
    s = walk(w, open_selection(w), "decision")
    with pytest.raises(GateRefused, match="不符合R19.*张一的三龄两历一身份审核有 1 项错误未经签批.*party_before_18"):
        _decide(w, s.pk)
    detail = bearer(w.alice).get(f"/api/v1/selections/{s.pk}").json()
    assert [(e["name"], e["check"]) for e in detail["audit_errors"]] == [("张一", "party_before_18")]


def test_only_an_org_admin_signs_off_and_then_the_decision_passes(young_member: World) -> None:
    w = young_member
    s = walk(w, open_selection(w), "decision")
    with pytest.raises(Forbidden, match="签批干部档案审核错误"):
        svc.audit_sign_off(actor=w.staff, jurisdiction=jurisdiction_for(w.staff), selection_id=s.pk, cadre=w.zhang,
                           check="party_before_18", reason="经查档案原件，入党时间系录入错误")
    with pytest.raises(ValidationFailed, match="没有待签批的“resume_gap”错误"):
        svc.audit_sign_off(actor=w.alice, jurisdiction=w.ja, selection_id=s.pk, cadre=w.zhang, check="resume_gap",
                           reason="x")
    answer = bearer(w.alice).post(f"/api/v1/selections/{s.pk}/audit-sign-off",
                                  {"cadre_id": w.zhang.pk, "check": "party_before_18", "reason": "档案原件无误"},
                                  content_type="application/json")
    assert answer.status_code == 200 and answer.json()["audit_errors"] == []
    assert _decide(w, s.pk).stage == Stage.PUBLICITY  # type: ignore[attr-defined]


def test_warnings_do_not_block(world: World) -> None:
    # the fixture's cadres have no ID number and no résumé: warnings of the audit, not errors
    s = walk(world, open_selection(world), "decision")
    assert _decide(world, s.pk).stage == Stage.PUBLICITY  # type: ignore[attr-defined]


def test_the_page_lists_the_error_with_a_sign_off_form(young_member: World) -> None:
    from zugong.conftest import logged_in

    w = young_member
    s = walk(w, open_selection(w), "decision")
    page = logged_in(w.alice).get(f"/selection/{s.pk}/").content.decode()
    assert 'id="zg-r19"' in page and "入党" in page and f'action="/selection/{s.pk}/sign-off/"' in page
    staff_page = logged_in(w.staff).get(f"/selection/{s.pk}/").content.decode()
    assert 'id="zg-r19"' in staff_page and "/sign-off/" not in staff_page  # org_staff sees it, cannot sign off
    answer = logged_in(w.alice).post(f"/selection/{s.pk}/sign-off/", {"cadre": w.zhang.pk, "check": "party_before_18",
                                                                       "reason": "已核"})
    assert answer.status_code == 302 and 'id="zg-r19"' not in logged_in(w.alice).get(f"/selection/{s.pk}/").content.decode()
