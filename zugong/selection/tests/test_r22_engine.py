"""R22 in the rule engine: `evaluate()` writes one deadline finding per county and municipal department,
held by the level above that inspects it (so its reminders reach that org department): due its cycle of
years after the last inspection — the day before and of the due day not overdue, the day after overdue —,
a unit never inspected overdue as on the rotation page, and a per-unit cycle from the register honoured."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from zugong.conftest import make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind, OrgUnit, Role
from zugong.core.services import org_unit_create
from zugong.rules.engine import evaluate
from zugong.rules.models import Finding, Notification, Rule
from zugong.rules.services import rule_override_set
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


def _inspect(user: User, unit: OrgUnit, on: date) -> None:
    svc.inspection_record(actor=user, jurisdiction=jurisdiction_for(user), inspected_unit=unit, started_on=on,
                          team="市委组织部检查组")


def _findings(as_of: date) -> dict[str, Finding]:
    report = evaluate(as_of=as_of, rule="R22", periods=1)
    assert [r.code for r in report.rules] == ["R22"]
    start = date(as_of.year, 1, 1)
    return {f.subject_label: f for f in Finding.objects.filter(rule__code="R22", period_start=start)}


def test_r22_is_a_deadline_rule_of_the_register(db: object) -> None:
    assert Rule.objects.get(code="R22").kind == "deadline"


@pytest.mark.parametrize(("as_of", "status"), [
    (date(2026, 11, 10), "pending"), (date(2026, 11, 11), "due_soon"),  # 60 days before the due day: warned
    (date(2027, 1, 10), "due_soon"), (date(2027, 1, 11), "overdue")])
def test_a_county_falls_due_two_years_after_its_last_inspection(world: World, city_admin: User, as_of: date,
                                                                status: str) -> None:
    _inspect(city_admin, world.tree.county_a, date(2025, 1, 10))
    found = _findings(as_of)["甲县"]
    assert (found.status, found.due_date, found.org_unit_id) == (status, date(2027, 1, 10), world.tree.city.pk)


def test_the_engine_and_the_rotation_page_name_the_same_overdue_units(world: World, city_admin: User,
                                                                      department: OrgUnit) -> None:
    # given: 甲县 inspected 2025-01-10, 市交通局 2023-06-01 (due 2026-06-01), 乙县 never
    _inspect(city_admin, world.tree.county_a, date(2025, 1, 10))
    _inspect(city_admin, department, date(2023, 6, 1))
    on = date(2026, 12, 1)
    # when
    found = _findings(on)
    # then
    assert {k: (f.status, f.due_date) for k, f in found.items()} == {
        "甲县": ("due_soon", date(2027, 1, 10)), "市交通局": ("overdue", date(2026, 6, 1)),
        "乙县（未开展过专项检查）": ("overdue", date(2026, 1, 1))}
    assert found["市交通局"].detail == "选人用人专项检查轮回周期自2023-06-01起算，应于2026-06-01前办结，尚未办结，已逾期 183 天"
    page = {r.unit.name for r in inspection_schedule(jurisdiction_for(city_admin), on) if r.overdue}
    assert page == {"市交通局", "乙县"}
    # and: the city's org department — who inspects — is reminded of each overdue and due-soon unit
    notices = Notification.objects.filter(rule__code="R22", user=city_admin)
    assert sorted(notices.values_list("status", flat=True)) == ["due_soon", "overdue", "overdue"]
    assert any("市交通局" in n.title and "已逾期" in n.title for n in notices)
    assert not Notification.objects.filter(rule__code="R22", user=world.alice).exists()  # 甲县's own staff


def test_a_shorter_cycle_from_the_register_is_honoured_by_the_engine(world: World, city_admin: User) -> None:
    _inspect(city_admin, world.tree.county_a, date(2025, 1, 10))
    rule_override_set(actor=city_admin, jurisdiction=jurisdiction_for(city_admin), code="R22",
                      org_unit=world.tree.city, valid_from=date(2020, 1, 1), params={"county_years": 1})
    found = _findings(date(2026, 3, 1))["甲县"]
    assert (found.status, found.due_date) == ("overdue", date(2026, 1, 10))


def test_an_inspection_starts_the_next_cycle(world: World, city_admin: User) -> None:
    _inspect(city_admin, world.tree.county_a, date(2023, 1, 10))
    assert _findings(date(2026, 3, 1))["甲县"].status == "overdue"
    _inspect(city_admin, world.tree.county_a, date(2026, 2, 1))
    found = _findings(date(2026, 3, 1))["甲县"]
    assert (found.status, found.due_date) == ("pending", date(2028, 2, 1))


def test_an_override_set_at_the_county_itself_is_seen_by_the_engine(world: World, city_admin: User,
                                                                    department: OrgUnit) -> None:
    # given: 甲县 and 乙县 inspected on the same day; 甲县's own org department sets a 1-year cycle for itself,
    # and the city sets 4 years for 市交通局 at the department itself
    for unit in (world.tree.county_a, world.tree.county_b, department):
        _inspect(city_admin, unit, date(2025, 1, 10))
    rule_override_set(actor=world.alice, jurisdiction=world.ja, code="R22", org_unit=world.tree.county_a,
                      valid_from=date(2020, 1, 1), params={"county_years": 1})
    rule_override_set(actor=city_admin, jurisdiction=jurisdiction_for(city_admin), code="R22", org_unit=department,
                      valid_from=date(2020, 1, 1), params={"department_years": 4})
    on = date(2026, 3, 1)
    # when
    found = _findings(on)
    # then: 甲县 falls due after its own one year, 乙县 after the city's two, 市交通局 after its own four
    assert {k: (f.status, f.due_date, f.org_unit_id) for k, f in found.items()} == {
        "甲县": ("overdue", date(2026, 1, 10), world.tree.city.pk),
        "乙县": ("pending", date(2027, 1, 10), world.tree.city.pk),
        "市交通局": ("pending", date(2029, 1, 10), world.tree.city.pk)}
    # and: the rotation page says the same
    rows = {r.unit.name: r for r in inspection_schedule(jurisdiction_for(city_admin), on)}
    assert {name: rows[name].overdue for name in found} == {"甲县": True, "乙县": False, "市交通局": False}


def test_a_county_that_switched_r22_off_for_itself_has_no_finding(world: World, city_admin: User) -> None:
    from zugong.rules.models import RuleVersion
    from zugong.selection.tests.conftest import register_row

    register_row("R22", world.tree.county_a, {})
    RuleVersion.objects.filter(rule__code="R22", scope=world.tree.county_a).update(enabled=False)
    found = _findings(date(2026, 3, 1))
    assert "甲县（未开展过专项检查）" not in found and "乙县（未开展过专项检查）" in found
