"""R33's report day is a register parameter (`report_day`, 25 by default), read at the issuing unit: a county
that sets the 20th gets key-task reports due on the 20th, the next county keeps the 25th."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree, logged_in
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rectification.models import MilestoneKind, Project, ProjectKind
from zugong.rectification.services.projects import project_publish, project_register, report_slots
from zugong.rectification.tests.project_helpers import published
from zugong.rules.registry import param
from zugong.rules.services import rule_override_set


def _report_dues(project: Project) -> list[date]:
    return list(project.milestones.filter(kind=MilestoneKind.REPORT).order_by("due").values_list("due", flat=True))


def _override(alice: User, tree: Tree, values: dict[str, Any]) -> None:
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R33", org_unit=tree.county_a,
                      valid_from=date(2026, 1, 1), params=values)


def test_the_report_day_is_the_25th_by_default(tree: Tree, alice: User) -> None:
    assert param("R33", "report_day", org_unit=tree.county_a, on=date(2026, 12, 1)) == 25
    assert {d.day for d in _report_dues(published(tree, alice))} == {25}


def test_a_county_sets_the_20th_for_its_items_only(tree: Tree, alice: User, carol: User) -> None:
    # given: county A's org department sets R33's report day to the 20th
    _override(alice, tree, {"report_day": 20})
    # when: each county publishes a key task
    mine = published(tree, alice)
    theirs = project_register(
        actor=carol, jurisdiction=jurisdiction_for(carol), title="乙县重点任务", issuing_unit=tree.county_b,
        lead_unit=tree.township_b, leader="赵副县长", responsible_person="钱镇长", measures="分批推进",
        starts_on=date(2026, 7, 1), deadline=date(2027, 3, 31), kind=ProjectKind.KEY_TASK)
    project_publish(actor=carol, jurisdiction=jurisdiction_for(carol), project_id=theirs.pk,
                    published_on=date(2026, 8, 10))
    # then: county A's reports fall due on the 20th (August's from the day of publication), county B's on the 25th
    assert _report_dues(mine)[0] == date(2026, 8, 20) and {d.day for d in _report_dues(mine)} == {20}
    assert {d.day for d in _report_dues(theirs)} == {25}
    page = logged_in(alice).get(f"/rectification/projects/{mine.pk}/").content.decode()
    assert "当期20日前报送" in page


def test_slots_on_the_day_before_of_and_after_the_report_day() -> None:
    deadline = date(2027, 1, 31)
    assert report_slots(kind="month", report_day=20, first_day=date(2026, 11, 19), deadline=deadline)[0][3] == date(2026, 11, 20)
    assert report_slots(kind="month", report_day=20, first_day=date(2026, 11, 20), deadline=deadline)[0][3] == date(2026, 11, 20)
    assert report_slots(kind="month", report_day=20, first_day=date(2026, 11, 21), deadline=deadline)[0][3] == date(2026, 12, 20)


@pytest.mark.parametrize("day", [0, 29, "二十"])
def test_a_report_day_that_is_not_in_every_month_is_refused(tree: Tree, alice: User, day: object) -> None:
    with pytest.raises(ValidationFailed):
        _override(alice, tree, {"report_day": day})
