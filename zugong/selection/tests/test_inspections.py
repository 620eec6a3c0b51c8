"""R22: special supervision of selection work — the rotation (county every [2] years, municipal department every
[3], per-unit register parameter), the overdue list on the day before / of / after the due day, recording an
inspection by the level above with findings and accountability, the editable situation lists, roles and scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.errors import Forbidden, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind, OrgUnit, Role
from zugong.core.services import org_unit_create
from zugong.selection.models import AccountabilitySituation
from zugong.selection.selectors import inspection_schedule
from zugong.selection.services import inspections as svc
from zugong.selection.tests.conftest import World


@pytest.fixture
def city_admin(world: World) -> User:
    return make_user("city", world.tree.city, Role.ORG_ADMIN)


@pytest.fixture
def department(world: World) -> OrgUnit:
    return org_unit_create(actor=None, kind=OrgKind.DEPARTMENT, name="市交通局", parent=world.tree.city,
                           division_code="")


def _record(user: User, unit: OrgUnit, on: date, **kwargs: object) -> object:
    return svc.inspection_record(actor=user, jurisdiction=jurisdiction_for(user), inspected_unit=unit, started_on=on,
                                 team="市委组织部检查组", **kwargs)  # type: ignore[arg-type]


def _rows(user: User, on: date) -> dict[str, tuple[int, date | None, bool]]:
    return {r.unit.name: (r.years, r.due, r.overdue) for r in inspection_schedule(jurisdiction_for(user), on)}


@pytest.mark.parametrize("on,overdue", [(date(2027, 1, 9), False), (date(2027, 1, 10), False),
                                        (date(2027, 1, 11), True)])
def test_a_county_is_due_two_years_after_its_last_inspection(world: World, city_admin: User, on: date,
                                                             overdue: bool) -> None:
    _record(city_admin, world.tree.county_a, date(2025, 1, 10))
    assert _rows(city_admin, on)["甲县"] == (2, date(2027, 1, 10), overdue)


def test_the_rotation_lists_counties_and_municipal_departments_never_inspected_first(
        world: World, city_admin: User, department: OrgUnit) -> None:
    _record(city_admin, world.tree.county_a, date(2025, 1, 10))
    _record(city_admin, department, date(2024, 6, 1))
    rows = inspection_schedule(jurisdiction_for(city_admin), date(2026, 12, 1))
    assert [(r.unit.name, r.kind, r.years, r.due, r.overdue) for r in rows] == [
        ("乙县", "county", 2, None, True),  # never inspected
        ("甲县", "county", 2, date(2027, 1, 10), False),
        ("市交通局", "department", 3, date(2027, 6, 1), False),
    ]


def test_the_cycle_is_the_register_s_for_the_unit(world: World, city_admin: User) -> None:
    from zugong.rules.services import rule_override_set

    _record(city_admin, world.tree.county_a, date(2025, 1, 10))
    _record(city_admin, world.tree.county_b, date(2025, 1, 10))
    rule_override_set(actor=None, jurisdiction=jurisdiction_for(city_admin), code="R22", org_unit=world.tree.county_a,
                      valid_from=date(2020, 1, 1), params={"county_years": 1}, note="测试")
    rows = _rows(city_admin, date(2026, 6, 1))
    assert rows["甲县"] == (1, date(2026, 1, 10), True) and rows["乙县"] == (2, date(2027, 1, 10), False)


def test_only_the_level_above_records_and_only_a_county_or_municipal_department(world: World,
                                                                                 city_admin: User) -> None:
    with pytest.raises(Forbidden, match="甲县的选人用人专项检查由上级组织部门开展"):
        _record(world.alice, world.tree.county_a, date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="甲镇不是县（市、区）或市直部门"):
        _record(city_admin, world.tree.township_a, date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="检查日期不能晚于今天"):
        _record(city_admin, world.tree.county_a, date(2099, 1, 1))


def test_accountability_needs_a_handling_and_a_retired_situation_is_no_longer_offered(world: World,
                                                                                     city_admin: User) -> None:
    assert AccountabilitySituation.objects.filter(head="party_committee").count() == 9
    assert AccountabilitySituation.objects.filter(head="org_department").count() == 7
    motion = AccountabilitySituation.objects.get(text="临时动议决定干部任免的")
    with pytest.raises(ValidationFailed, match="须写明问责处理"):
        _record(city_admin, world.tree.county_a, date(2026, 3, 1), situation_ids=[motion.pk])
    row = _record(city_admin, world.tree.county_a, date(2026, 3, 1), situation_ids=[motion.pk],
                  findings="2025年临时动议提拔干部2人", handling="对县委书记诫勉谈话")
    svc.situation_retire(actor=city_admin, jurisdiction=jurisdiction_for(city_admin), situation_id=motion.pk)
    with pytest.raises(ValidationFailed, match="无效或已停用"):
        _record(city_admin, world.tree.county_b, date(2026, 3, 1), situation_ids=[motion.pk], handling="x")
    assert [s.text for s in row.situations.all()] == ["临时动议决定干部任免的"]  # type: ignore[attr-defined]


def test_a_county_does_not_keep_the_shared_lists(world: World, city_admin: User) -> None:
    with pytest.raises(Forbidden, match="由市级以上组织部门维护"):
        svc.situation_add(actor=world.alice, jurisdiction=world.ja, head="org_department", text="新情形")
    added = svc.situation_add(actor=city_admin, jurisdiction=jurisdiction_for(city_admin), head="org_department",
                              text="对干部选拔任用举报不按规定处理的")
    assert added.order == 8
    page = logged_in(city_admin)
    assert page.post("/selection/inspections/situations/", {"retire": added.pk}).status_code == 302
    assert not AccountabilitySituation.objects.get(pk=added.pk).active
    refused = logged_in(world.alice).post("/selection/inspections/situations/", {"head": "org_department",
                                                                                  "text": "x"})
    assert refused.status_code == 400 and "由市级以上组织部门维护" in refused.content.decode()


def test_inspections_over_the_api_and_pages_by_scope(world: World, city_admin: User, carol: User) -> None:
    api = bearer(city_admin)
    motion = AccountabilitySituation.objects.get(text="临时动议决定干部任免的")
    created = api.post("/api/v1/special-inspections", {
        "org_unit_id": world.tree.county_b.pk, "started_on": "2026-03-01", "team": "市委组织部检查组",
        "findings": "临时动议1人", "situation_ids": [motion.pk], "handling": "诫勉"},
        content_type="application/json")
    assert created.status_code == 201 and created.json()["situations"][0]["head"] == "party_committee"
    schedule = {r["unit"]: r["overdue"] for r in api.get("/api/v1/special-inspections/schedule").json()}
    assert schedule == {"甲县": True, "乙县": False}
    # county B sees its own inspection and its own rotation row; county A neither
    assert [r["inspected_unit"] for r in bearer(carol).get("/api/v1/special-inspections").json()] == ["乙县"]
    assert bearer(world.alice).get("/api/v1/special-inspections").json() == []
    assert [r["unit"] for r in bearer(world.alice).get("/api/v1/special-inspections/schedule").json()] == ["甲县"]
    assert len(api.get("/api/v1/accountability-situations").json()) == 16
    page = logged_in(city_admin).get("/selection/inspections/").content.decode()
    assert "逾期未检查（1）" in page and "从未检查" in page
    detail = logged_in(carol).get(f"/selection/inspections/{created.json()['id']}/").content.decode()
    assert "临时动议决定干部任免的" in detail
    assert logged_in(world.alice).get(f"/selection/inspections/{created.json()['id']}/").status_code == 404
    form = logged_in(city_admin).post("/selection/inspections/new/", {
        "inspected_unit": world.tree.county_a.pk, "started_on": "2026-04-01", "team": "检查组"})
    assert form.status_code == 302


@pytest.mark.parametrize("role,home,reads,writes", [
    (Role.ORG_ADMIN, "city", 200, 201), (Role.ORG_STAFF, "city", 200, 201), (Role.LEADER, "city", 200, 403),
    (Role.TOWNSHIP_STAFF, "township_a", 403, 403),
])
def test_inspection_pages_and_api_by_role(world: World, role: str, home: str, reads: int, writes: int) -> None:
    user = make_user(f"u-{role}", getattr(world.tree, home), role)
    assert logged_in(user).get("/selection/inspections/").status_code == reads
    assert bearer(user).get("/api/v1/special-inspections/schedule").status_code == reads
    answer = bearer(user).post("/api/v1/special-inspections", {
        "org_unit_id": world.tree.county_a.pk, "started_on": "2026-03-01", "team": "组"},
        content_type="application/json")
    assert answer.status_code == writes
