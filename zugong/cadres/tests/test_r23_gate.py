"""Rule R23 at its edge: a township recruit of 2024-08-01 may leave the township from 2026-08-01 with the
county's signed approval (fieldwork's 审批), and from 2027-08-01 without one.

The dates are literals on purpose: they hold the register's defaults (2 years before a transfer or
secondment, 3 years of minimum service). Changing either default in `zugong/rules/params.py`
(`R23Params`) makes these tests fail, as it should: that is a change of policy, not of code.
"""

from __future__ import annotations

from datetime import date

import pytest

from zugong.cadres.models import Cadre, PostHolding
from zugong.cadres.services import cadre_move
from zugong.cadres.tests.factories import make_cadre
from zugong.core.errors import GateRefused
from zugong.core.jurisdiction import jurisdiction_for

RECRUITED = date(2024, 8, 1)
DAY_BEFORE, GATE_DAY, DAY_AFTER = date(2026, 7, 31), date(2026, 8, 1), date(2026, 8, 2)
SERVED = date(2027, 8, 1)  # 3 years: no approval needed from this day


def approve(alice, cadre: Cadre, kind: str, on: date) -> None:
    """The county's signed approval of a move between [2] and [3] years (fieldwork's TransferApproval)."""
    from zugong.fieldwork.models import TransferApproval

    TransferApproval.objects.create(cadre=cadre, kind=kind, destination="县直单位", reason="工作需要", signed_by="王部长",
                                    approved_by=alice, approved_on=on, valid_until=date(2027, 12, 31),
                                    years_in_township=2)


def _move(alice, cadre: Cadre, kind: str, to, on: date) -> PostHolding:
    return cadre_move(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, kind=kind, org_unit=to,
                      on=on, title="科员")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["transfer", "second"])
def test_refused_the_day_before_the_gate_date(tree, alice, kind):
    cadre = make_cadre(tree.township_a, township_recruit_on=RECRUITED)
    with pytest.raises(GateRefused) as refused:
        _move(alice, cadre, kind, tree.county_a, DAY_BEFORE)
    assert refused.value.message == (
        "不符合R23（新录用乡镇公务员服务年限）：张三 于 2024年08月01日 新录用到甲镇，至 2026年07月31日 在乡镇工作"
        f"不满 2 年，2026年08月01日 前不得{'调出乡镇' if kind == 'transfer' else '借调'}（乡镇最低服务年限为 3 年）")
    assert not PostHolding.objects.filter(cadre=cadre).exists()
    assert Cadre.objects.get(pk=cadre.pk).org_unit == tree.township_a


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["transfer", "second"])
@pytest.mark.parametrize("on", [GATE_DAY, DAY_AFTER], ids=["the day of", "the day after"])
def test_allowed_from_the_gate_date_with_the_approval(tree, alice, kind, on):
    cadre = make_cadre(tree.township_a, township_recruit_on=RECRUITED)
    with pytest.raises(GateRefused, match="须先经审批"):
        _move(alice, cadre, kind, tree.county_a, on)
    approve(alice, cadre, kind, on)
    holding = _move(alice, cadre, kind, tree.county_a, on)
    assert (holding.org_unit, holding.valid_from) == (tree.county_a, on)
    moved_to = tree.county_a if kind == "transfer" else tree.township_a  # a secondment keeps the home unit
    assert Cadre.objects.get(pk=cadre.pk).org_unit == moved_to


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["transfer", "second"])
def test_an_approval_of_the_other_kind_does_not_count_and_three_years_need_none(tree, alice, kind):
    cadre = make_cadre(tree.township_a, township_recruit_on=RECRUITED)
    approve(alice, cadre, "second" if kind == "transfer" else "transfer", GATE_DAY)
    with pytest.raises(GateRefused, match="在乡镇工作未满 3 年（2027年08月01日 期满）"):
        _move(alice, cadre, kind, tree.county_a, date(2027, 7, 31))
    assert _move(alice, cadre, kind, tree.county_a, SERVED).valid_from == SERVED


@pytest.mark.django_db
@pytest.mark.parametrize("on", [DAY_BEFORE, GATE_DAY, DAY_AFTER])
def test_moves_within_the_township_are_never_gated(tree, alice, on):
    cadre = make_cadre(tree.township_a, township_recruit_on=RECRUITED)
    assert _move(alice, cadre, "transfer", tree.village_a, on).org_unit == tree.village_a


@pytest.mark.django_db
def test_a_recruit_of_29_february_may_leave_from_28_february(tree, alice):
    cadre = make_cadre(tree.township_a, township_recruit_on=date(2024, 2, 29))
    with pytest.raises(GateRefused, match="2026年02月28日 前不得借调"):
        _move(alice, cadre, "second", tree.county_a, date(2026, 2, 27))
    approve(alice, cadre, "second", date(2026, 2, 28))
    assert _move(alice, cadre, "second", tree.county_a, date(2026, 2, 28)).valid_from == date(2026, 2, 28)


@pytest.mark.django_db
@pytest.mark.parametrize(("on", "approved", "status"), [
    ("2026-07-31", True, 409), ("2026-08-01", True, 201), ("2026-08-02", True, 201), ("2026-08-02", False, 409),
    ("2027-08-01", False, 201)])
def test_api_answers_409_only_before_the_gate_date(tree, alice, on, approved, status):
    from zugong.conftest import bearer

    cadre = make_cadre(tree.township_a, township_recruit_on=RECRUITED)
    if approved:
        approve(alice, cadre, "transfer", date.fromisoformat(on))
    response = bearer(alice).post(f"/api/v1/cadres/{cadre.pk}/posts", content_type="application/json",
                                  data={"kind": "transfer", "org_unit_id": tree.county_a.pk, "title": "科员", "on": on})
    assert response.status_code == status


@pytest.mark.django_db
def test_many_cadres_are_checked_at_once_as_one_by_one(tree, alice, carol, django_assert_max_num_queries):
    """`r23_refusals` (a selection's candidate step) gives each cadre what `check_r23` gives it, with a fixed
    handful of queries however many: recruits of two counties (one county with its own R23 override),
    refused, waiting for an approval, approved, served, moving within their township, and not recruits."""
    from zugong.cadres.services import check_r23, r23_refusals
    from zugong.rules.services import rule_override_set

    rule_override_set(actor=carol, jurisdiction=jurisdiction_for(carol), code="R23", org_unit=tree.county_b,
                      valid_from=date(2024, 1, 1), params={"min_years_before_transfer": 1})
    cadres = []
    for n, (unit, recruited) in enumerate([(tree.township_a, RECRUITED), (tree.village_a, RECRUITED),
                                           (tree.township_a2, date(2023, 9, 1)), (tree.township_b, RECRUITED),
                                           (tree.village_b, date(2025, 9, 1)), (tree.township_a, date(2020, 1, 1)),
                                           (tree.township_a, None), (tree.county_a, None)]):
        cadres.append(make_cadre(unit, name=f"干部{n}", order=n + 1, township_recruit_on=recruited))
    approve(alice, cadres[2], "transfer", date(2026, 1, 1))
    on = date(2026, 3, 1)
    for target in (tree.county_a, tree.township_a):
        fresh = list(Cadre.objects.filter(pk__in=[c.pk for c in cadres]).order_by("pk"))
        with django_assert_max_num_queries(6):
            batch = r23_refusals(fresh, target=target, on=on, action="调出乡镇")
        one_by_one = {}
        for cadre in cadres:
            try:
                check_r23(cadre=cadre, target=target, on=on, action="调出乡镇")
            except GateRefused as exc:
                one_by_one[cadre.pk] = exc.message
        assert {pk: refusal.message for pk, refusal in batch.items()} == one_by_one
    refused = r23_refusals(cadres, target=tree.county_a, on=on, action="调出乡镇")
    # 干部0 and 干部1 (甲镇, under 2 years); 干部3 (乙镇: 乙县's own 1 year passed, 3 not served, no approval);
    # 干部2 has its approval, 干部4 is under 乙县's 1 year, 干部5 served, 干部6 and 干部7 are not recruits.
    assert sorted(c.name for c in cadres if c.pk in refused) == ["干部0", "干部1", "干部3", "干部4"]
    assert "须先经审批" in refused[cadres[3].pk].message and "不满 1 年" in refused[cadres[4].pk].message
    assert r23_refusals(cadres, target=tree.township_a, on=on, action="调出乡镇").keys() == \
        {cadres[3].pk, cadres[4].pk}  # within 甲镇 the first ones stay; 乙镇's leave their township
