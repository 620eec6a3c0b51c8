from datetime import date

import pytest

from zugong.cadres.models import AnnualReview, Cadre, FamilyMember, PostHolding, ResumeLine
from zugong.cadres.records import FamilyData
from zugong.cadres.services import (
    cadre_create,
    cadre_save_record,
    cadre_second,
    cadre_transfer,
    cadre_update,
    post_change,
)
from zugong.cadres.tests.factories import id_number, make_cadre, record
from zugong.core import events
from zugong.core.errors import GateRefused, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.core.permissions import SYSTEM


@pytest.mark.django_db
def test_create_fills_pinyin_sex_education_and_audits(tree):
    cadre = make_cadre(tree.township_a, name="王小明")
    assert (cadre.name_pinyin, cadre.name_initials) == ("wangxiaoming", "wxm")
    assert cadre.sex == "2" or cadre.sex == "1"
    assert cadre.highest_education == "20"
    assert cadre.resume_lines.count() == 2 and cadre.family.count() == 1
    assert AuditEvent.objects.filter(action="cadres.cadre_create", object_id=str(cadre.pk)).exists()


@pytest.mark.django_db
def test_create_refuses_bad_check_digit(tree):
    bad = record()
    bad.id_number = bad.id_number[:17] + ("0" if bad.id_number[17] != "0" else "1")
    with pytest.raises(ValidationFailed, match="校验位"):
        cadre_create(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, record=bad)
    assert not Cadre.objects.exists()


@pytest.mark.django_db
def test_create_refuses_birth_date_differing_from_id(tree):
    with pytest.raises(ValidationFailed, match="不一致"):
        cadre_create(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, record=record(birth_date=date(1981, 5, 1)))


@pytest.mark.django_db
def test_create_refuses_duplicate_id(tree):
    make_cadre(tree.township_a)
    with pytest.raises(ValidationFailed, match="已在干部信息库"):
        make_cadre(tree.township_a)


@pytest.mark.django_db
def test_update_validates_and_audits(tree, alice):
    cadre = make_cadre(tree.township_a)
    cadre_update(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, changes={"health": "良好", "name": "张三丰"})
    cadre.refresh_from_db()
    assert (cadre.health, cadre.name_initials) == ("良好", "zsf")
    with pytest.raises(ValidationFailed, match="出生年月"):
        cadre_update(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, changes={"birth_date": date(1990, 1, 1)})
    with pytest.raises(ValidationFailed, match="不能修改"):
        cadre_update(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, changes={"org_unit": tree.county_b})


@pytest.mark.django_db
def test_save_record_supersedes_changed_history_only(tree):
    cadre = make_cadre(tree.township_a)
    rec = record()
    rec.family.append(FamilyData("儿子", "张小", date(2010, 1, 1), "群众", "学生"))
    cadre_save_record(actor=None, jurisdiction=SYSTEM, cadre=cadre, record=rec)
    assert FamilyMember.objects.filter(cadre=cadre, superseded_at__isnull=True).count() == 2
    assert FamilyMember.objects.filter(cadre=cadre, superseded_at__isnull=False).count() == 1
    assert ResumeLine.objects.filter(cadre=cadre, superseded_at__isnull=False).count() == 0
    assert AnnualReview.objects.filter(cadre=cadre).count() == 2


@pytest.mark.django_db
def test_post_change_closes_opens_and_publishes(tree, alice):
    cadre = make_cadre(tree.township_a)
    first = post_change(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, org_unit=tree.township_a, title="副镇长", on=date(2020, 1, 1),
                        rank_level="D2")
    seen = []
    handler = lambda **kw: seen.append(kw)  # noqa: E731
    events.subscribe("post_changed", handler)
    try:
        second = post_change(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, org_unit=tree.township_a, title="镇长", on=date(2023, 3, 1),
                             rank_level="D1")
    finally:
        events._subscribers["post_changed"].remove(handler)
    first.refresh_from_db()
    assert first.valid_to == date(2023, 3, 1) and second.valid_to is None
    assert seen == [{"cadre": cadre, "old_holding": first, "new_holding": second, "actor": alice}]
    cadre.refresh_from_db()
    assert (cadre.current_post, cadre.rank_level, cadre.is_leading) == ("镇长", "D1", True)


@pytest.mark.django_db
def test_r23_refuses_transfer_of_recent_township_recruit_with_dates(tree):
    cadre = make_cadre(tree.township_a, township_recruit_on=date(2024, 8, 1))
    with pytest.raises(GateRefused) as info:
        cadre_transfer(actor=None, jurisdiction=SYSTEM, cadre=cadre, to_org_unit=tree.county_a, on=date(2025, 9, 1), title="科员")
    assert "2024年08月01日" in info.value.message and "2026年08月01日" in info.value.message
    assert not PostHolding.objects.filter(cadre=cadre).exists()
    with pytest.raises(GateRefused, match="借调"):
        cadre_second(actor=None, jurisdiction=SYSTEM, cadre=cadre, to_org_unit=tree.county_a, on=date(2025, 9, 1), until=None)


@pytest.mark.django_db
def test_r23_allows_after_two_years_and_within_township(tree):
    from django.contrib.auth.models import User

    from zugong.cadres.tests.test_r23_gate import approve

    cadre = make_cadre(tree.township_a, township_recruit_on=date(2022, 8, 1))
    clerk = User.objects.create_user("r23-clerk")
    approve(clerk, cadre, "second", date(2024, 8, 1))  # between 2 and 3 years: with the county's approval
    approve(clerk, cadre, "transfer", date(2024, 9, 1))
    cadre_second(actor=None, jurisdiction=SYSTEM, cadre=cadre, to_org_unit=tree.county_a, on=date(2024, 8, 1), until=date(2025, 1, 1))
    recent = make_cadre(tree.township_a, name="李四", order=2, township_recruit_on=date(2025, 1, 1))
    post_change(actor=None, jurisdiction=SYSTEM, cadre=recent, org_unit=tree.village_a, title="驻村工作队员", on=date(2025, 3, 1))
    cadre_transfer(actor=None, jurisdiction=SYSTEM, cadre=cadre, to_org_unit=tree.county_a, on=date(2024, 9, 1), title="科员")
    cadre.refresh_from_db()
    assert cadre.org_unit == tree.county_a


def test_factory_id_is_valid():
    from stdnum.cn import ric
    assert ric.is_valid(id_number(date(1980, 1, 1)))


@pytest.mark.django_db
def test_r23_parameters_come_from_the_rule_engine(tree, alice):
    from zugong.core.jurisdiction import jurisdiction_for
    from zugong.rules.services import rule_override_set

    cadre = make_cadre(tree.township_a, township_recruit_on=date(2024, 8, 1))
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R23", org_unit=tree.county_a,
                      valid_from=date(2020, 1, 1), params={"min_years_before_transfer": 1})
    from zugong.cadres.tests.test_r23_gate import approve

    approve(alice, cadre, "second", date(2025, 9, 1))
    cadre_second(actor=None, jurisdiction=SYSTEM, cadre=cadre, to_org_unit=tree.county_a, on=date(2025, 9, 1), until=None)
    with pytest.raises(GateRefused, match="不满 1 年"):
        cadre_second(actor=None, jurisdiction=SYSTEM, cadre=cadre, to_org_unit=tree.county_a, on=date(2025, 7, 1), until=None)
