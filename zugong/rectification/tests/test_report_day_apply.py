"""A changed R33 report day applied to items already published: the report rows a key task still owes (not reported,
not yet due) move to the day in force at the issuing unit within their month; reported and past months, a day already
past and another county's items stay; audited; the page and the API, scoped."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree, bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.rectification.models import MilestoneKind, Project
from zugong.rectification.services.projects import project_report
from zugong.rectification.services.report_days import report_days_apply
from zugong.rectification.tests.project_helpers import published
from zugong.rules.services import rule_override_set

DAY = date(2026, 12, 6)


def _dues(project: Project) -> list[date]:
    return list(project.milestones.filter(kind=MilestoneKind.REPORT).order_by("due").values_list("due", flat=True))


def _set_20th(alice: User, tree: Tree) -> None:
    rule_override_set(actor=alice, jurisdiction=jurisdiction_for(alice), code="R33", org_unit=tree.county_a,
                      valid_from=date(2026, 1, 1), params={"report_day": 20})


def _apply(alice: User, tree: Tree, on: date = DAY) -> Any:
    return report_days_apply(actor=alice, jurisdiction=jurisdiction_for(alice), issuing_unit=tree.county_a, on=on)


def test_open_report_rows_of_published_items_take_the_new_day(tree: Tree, alice: User, bob: User) -> None:
    # given: a key task published in August with reports due on the 25th; the township reported in September
    project = published(tree, alice)
    project_report(actor=bob, jurisdiction=jurisdiction_for(bob), project_id=project.pk, org_unit=tree.township_a,
                   text="完成摸底", percent=20, reported_on=date(2026, 9, 20))
    assert {d.day for d in _dues(project)} == {25}
    # when: the county sets the 20th on the rules page and applies it on 6 December
    _set_20th(alice, tree)
    done = _apply(alice, tree)
    # then: December to March move to the 20th; August to November (past, reported or missed) keep the 25th
    assert (done.report_day, done.items, done.rows) == (20, 1, 4)
    assert _dues(project) == [date(2026, 8, 25), date(2026, 9, 25), date(2026, 10, 25), date(2026, 11, 25),
                              date(2026, 12, 20), date(2027, 1, 20), date(2027, 2, 20), date(2027, 3, 20)]
    event = AuditEvent.objects.get(action="rectification.report_day_apply")
    assert event.summary == {"report_day": 20, "rows": [["2026-12-25", "2026-12-20"], ["2027-01-25", "2027-01-20"],
                                                        ["2027-02-25", "2027-02-20"], ["2027-03-25", "2027-03-20"]]}
    assert AuditEvent.objects.get(action="rectification.report_days_apply").summary == {
        "report_day": 20, "items": 1, "rows": 4}
    # applying again changes nothing
    assert _apply(alice, tree).rows == 0


@pytest.mark.parametrize(("day", "december"), [(19, date(2026, 12, 20)), (20, date(2026, 12, 20)),
                                                (21, date(2026, 12, 25))])
def test_a_month_whose_new_day_is_past_keeps_its_day(tree: Tree, alice: User, day: int, december: date) -> None:
    # applied on the day before, of and after the new day (the 20th) in December
    project = published(tree, alice)
    _set_20th(alice, tree)
    _apply(alice, tree, on=date(2026, 12, day))
    assert next(d for d in _dues(project) if (d.year, d.month) == (2026, 12)) == december
    assert next(d for d in _dues(project) if (d.year, d.month) == (2027, 1)) == date(2027, 1, 20)


def test_a_reported_month_and_another_countys_items_stay(tree: Tree, alice: User, bob: User, carol: User) -> None:
    project = published(tree, alice)
    project_report(actor=bob, jurisdiction=jurisdiction_for(bob), project_id=project.pk, org_unit=tree.township_a,
                   text="十二月进展", percent=50, reported_on=date(2026, 12, 6))
    _set_20th(alice, tree)
    _apply(alice, tree)
    december = project.milestones.get(kind=MilestoneKind.REPORT, month=date(2026, 12, 1))
    assert (december.due, december.done_on) == (date(2026, 12, 25), date(2026, 12, 6))
    # carol (county B) may not apply county A's day; the page and the API say so
    assert bearer(carol).post("/api/v1/projects/report-day", json.dumps({"issuing_unit_id": tree.county_a.pk}),
                              content_type="application/json").status_code == 404
    assert logged_in(bob).get("/rectification/projects/report-day/").status_code == 403


def test_applying_through_the_page_and_the_api(tree: Tree, alice: User) -> None:
    project = published(tree, alice)
    _set_20th(alice, tree)
    client = logged_in(alice)
    assert 'id="zg-project-report-day"' in client.get("/rectification/projects/").content.decode()
    response = client.post("/rectification/projects/report-day/", {"issuing_unit": tree.county_a.pk}, follow=True)
    assert "个未报送报告期已改为每期 20 日" in response.content.decode()
    assert max(_dues(project)) == date(2027, 3, 20)
    again = bearer(alice).post("/api/v1/projects/report-day", json.dumps({"issuing_unit_id": tree.county_a.pk}),
                               content_type="application/json")
    assert again.status_code == 200 and again.json() == {"report_day": 20, "items": 0, "rows": 0}
