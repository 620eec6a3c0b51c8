"""R23 completed: the approval between [2] and [3] years (the day before, of and after each boundary), and
the turnover report's sentence for a county and a window, from the roster."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from zugong.cadres.models import Cadre, PostHolding
from zugong.conftest import Tree, bearer, logged_in
from zugong.core.errors import Forbidden, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgUnit
from zugong.fieldwork.models import TransferApproval
from zugong.fieldwork.selectors_recruits import approval_in_force, turnover
from zugong.fieldwork.services.recruits import transfer_approval_grant
from zugong.fieldwork.tests.helpers import org_department


def recruit(unit: OrgUnit, name: str, on: date) -> Cadre:
    return Cadre.objects.create(name=name, org_unit=unit, township_recruit_on=on)


def _grant(user: User, cadre: Cadre, on: date) -> TransferApproval:
    return transfer_approval_grant(actor=user, jurisdiction=jurisdiction_for(user), cadre=cadre, kind="transfer",
                                   destination="县发改局", reason="工作需要", signed_by="张部长", approved_on=on)


@pytest.mark.parametrize(("on", "outcome"), [
    (date(2025, 7, 31), "不满 2 年"), (date(2025, 8, 1), None), (date(2026, 7, 31), None),
    (date(2026, 8, 1), "已满 3 年"),
])
def test_approval_only_between_two_and_three_years(tree: Tree, alice: User, on: date, outcome: str | None) -> None:
    person = recruit(tree.township_a, "新录用甲", date(2023, 8, 1))
    if outcome is not None:
        with pytest.raises(ValidationFailed, match=outcome):
            _grant(alice, person, on)
        assert not TransferApproval.objects.exists()
    else:
        approval = _grant(alice, person, on)
        assert (approval.signed_by, approval.reason, approval.approved_by) == ("张部长", "工作需要", alice)
        assert approval_in_force(person, on, "transfer") == approval
        assert approval_in_force(person, on, "second") is None


def test_approval_is_the_org_admins_and_needs_a_recruit(tree: Tree, alice: User, bob: User) -> None:
    with pytest.raises(ValidationFailed, match="不是新录用乡镇公务员"):
        _grant(alice, Cadre.objects.create(name="老干部", org_unit=tree.township_a), date(2025, 1, 1))
    with pytest.raises(Forbidden):
        _grant(bob, recruit(tree.township_a, "新录用乙", date(2022, 8, 1)), date(2025, 1, 1))


def test_turnover_sentence_for_a_county_and_a_window(tree: Tree, alice: User, carol: User) -> None:
    dept = org_department(tree.county_a)
    recruit(tree.township_a, "在岗者", date(2021, 7, 1))
    moved = recruit(dept, "调离者", date(2022, 7, 1))  # moved to the county's department on 2024-07-01
    PostHolding.objects.create(cadre=moved, org_unit=tree.township_a, title="科员", valid_from=date(2022, 7, 1),
                               valid_to=date(2024, 7, 1))
    PostHolding.objects.create(cadre=moved, org_unit=dept, title="科员", valid_from=date(2024, 7, 1))
    seconded = recruit(tree.township_a2, "借调者", date(2023, 7, 1))
    PostHolding.objects.create(cadre=seconded, org_unit=dept, title="借调工作", valid_from=date(2025, 3, 1),
                               appointment_method="借调", is_leading=False)
    recruit(tree.township_a, "窗口之前", date(2019, 7, 1))
    recruit(tree.township_b, "乙县的", date(2022, 7, 1))
    report = turnover(jurisdiction_for(alice), tree.county_a, start=date(2021, 1, 1), end=date(2025, 12, 31))
    assert report.sentence() == "甲县近5年新招录 3 人，在编在岗 1 人，调离或借调 2 人，平均在乡镇工作年限不足 3 年（2.7 年）"
    assert [(r.name, r.state, r.years) for r in report.recruits] == [
        ("在岗者", "在岗", Decimal("4.5")), ("调离者", "调离", Decimal("2.0")), ("借调者", "借调", Decimal("1.7"))]
    assert [(r.name, r.recruits, r.in_post, r.moved) for r in report.rows] == [("甲镇", 2, 1, 1), ("丙乡", 1, 0, 1)]
    # the secondment ended: the recruit is back in post
    PostHolding.objects.filter(appointment_method="借调").update(valid_to=date(2025, 6, 30))
    again = turnover(jurisdiction_for(alice), tree.county_a, start=date(2021, 1, 1), end=date(2025, 12, 31))
    assert again.total.in_post == 2
    assert turnover(jurisdiction_for(carol), tree.county_b, start=date(2021, 1, 1),
                    end=date(2025, 12, 31)).total.recruits == 1


def test_page_and_api(tree: Tree, alice: User, bob: User, carol: User) -> None:
    person = recruit(tree.township_a, "新录用丙", date(2021, 7, 1))
    page = logged_in(alice).get("/fieldwork/recruits/", {"org": str(tree.county_a.pk), "from": "2021-01-01",
                                                        "to": "2025-12-31"}).content.decode()
    assert "甲县近5年新招录 1 人，在编在岗 1 人，调离或借调 0 人，平均在乡镇工作 4.5 年" in page
    assert logged_in(bob).get("/fieldwork/recruits/").status_code == 403
    assert logged_in(carol).get("/fieldwork/recruits/", {"org": tree.county_a.pk}).status_code == 404
    api = bearer(alice)
    body = api.get("/api/v1/township-recruits/turnover", {"org": str(tree.county_a.pk), "start": "2021-01-01",
                                                          "end": "2025-12-31"}).json()
    assert body["rows"] == [{"township": "甲镇", "recruits": 1, "in_post": 1, "moved": 0, "average_years": "4.5"}]
    young = recruit(tree.township_a, "未满两年", date(2099, 1, 1))
    refused = api.post("/api/v1/transfer-approvals", json.dumps({
        "cadre_id": young.pk, "kind": "second", "destination": "县委办", "reason": "r", "signed_by": "张"}),
        content_type="application/json")
    assert refused.status_code == 400 and "不满 2 年" in refused.json()["error"]["message"]
    assert bearer(carol).post("/api/v1/transfer-approvals", json.dumps({
        "cadre_id": person.pk, "kind": "second", "destination": "县委办", "reason": "r", "signed_by": "张"}),
        content_type="application/json").status_code == 404
