"""Editing an item's dates (项目化管理): the issuing level moves the deadline and replaces the open milestones
with a reason; a published key task's report rows follow the new deadline (periods dropped or added, reports
made kept); a milestone left as it was keeps its row; audited before/after; refused once completed, without a
reason, for the township and for another county."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree, bearer, logged_in
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.rectification.models import MilestoneKind, Project, ProjectMilestone
from zugong.rectification.services.project_dates import project_dates_update
from zugong.rectification.services.projects import project_complete, project_report
from zugong.rectification.tests.project_helpers import published


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def _reports(project: Project) -> list[tuple[date | None, date | None]]:
    return list(project.milestones.filter(kind=MilestoneKind.REPORT).order_by("month")
                .values_list("month", "done_on"))


def _move(alice: User, project: Project, deadline: date, milestones: list[tuple[str, date]],
          reason: str = "省里调整了完成时限") -> Project:
    return project_dates_update(actor=alice, jurisdiction=jurisdiction_for(alice), project_id=project.pk,
                                deadline=deadline, milestones=milestones, reason=reason)


def test_an_earlier_deadline_drops_the_open_report_periods_after_it(tree: Tree, alice: User, bob: User) -> None:
    # given: a key task published 10 August 2026, deadline 31 March 2027 (reports August … March), August reported
    project = published(tree, alice)
    project_report(actor=bob, jurisdiction=jurisdiction_for(bob), project_id=project.pk, org_unit=tree.township_a,
                   text="进展", percent=10, reported_on=date(2026, 8, 20))
    assert len(_reports(project)) == 8
    # when: the deadline moves to 31 January 2027 and a milestone is added
    _move(alice, project, date(2027, 1, 31), [("完成招标", date(2027, 1, 10))])
    # then: February and March are no longer owed; August's report stays; the deadline row moved
    months = [m for m, _ in _reports(project)]
    assert months[0] == date(2026, 8, 1) and months[-1] == date(2027, 1, 1) and len(months) == 6
    assert _reports(project)[0][1] == date(2026, 8, 20)
    assert project.milestones.get(kind=MilestoneKind.DEADLINE).due == date(2027, 1, 31)
    # the open milestone 完成摸底 (30 September 2026) was not in the new list: replaced by 完成招标
    assert list(project.milestones.filter(kind=MilestoneKind.MILESTONE).values_list("title", "due")) == [
        ("完成招标", date(2027, 1, 10))]
    event = AuditEvent.objects.get(action="rectification.project_dates_update")
    assert event.summary["before"] == {"deadline": "2027-03-31", "milestones": [["完成摸底", "2026-09-30"]]}
    assert event.summary["after"] == {"deadline": "2027-01-31", "milestones": [["完成招标", "2027-01-10"]]}
    assert (event.summary["reports_added"], event.summary["reports_dropped"]) == (0, 2)


def test_a_later_deadline_adds_report_periods_and_keeps_unchanged_milestones(tree: Tree, alice: User) -> None:
    project = published(tree, alice)
    kept = project.milestones.get(title="完成摸底")
    _move(alice, project, date(2027, 5, 31), [("完成摸底", date(2026, 9, 30)), ("中期评估", date(2027, 4, 30))])
    assert [m for m, _ in _reports(project)][-2:] == [date(2027, 4, 1), date(2027, 5, 1)]
    assert ProjectMilestone.objects.filter(pk=kept.pk).exists()  # the same row: its findings and notices stand
    assert project.milestones.filter(kind=MilestoneKind.MILESTONE).count() == 2


def test_refusals(tree: Tree, alice: User) -> None:
    project = published(tree, alice)
    with pytest.raises(ValidationFailed, match="修改理由"):
        _move(alice, project, date(2027, 5, 31), [], reason=" ")
    with pytest.raises(ValidationFailed, match="没有修改"):
        _move(alice, project, date(2027, 3, 31), [("完成摸底", date(2026, 9, 30))])
    with pytest.raises(ValidationFailed, match="早于今天"):
        _move(alice, project, date(2026, 11, 30), [])
    with pytest.raises(ValidationFailed, match="节点"):
        _move(alice, project, date(2027, 3, 31), [("晚于时限", date(2027, 4, 30))])
    project_complete(actor=alice, jurisdiction=jurisdiction_for(alice), project_id=project.pk,
                     completed_on=date(2026, 12, 1))
    with pytest.raises(IllegalTransition, match="已完成"):
        _move(alice, project, date(2027, 5, 31), [])
    assert not AuditEvent.objects.filter(action="rectification.project_dates_update").exists()


def test_the_page_and_the_api(tree: Tree, alice: User, bob: User, carol: User) -> None:
    project = published(tree, alice)
    client = logged_in(alice)
    assert f'href="/rectification/projects/{project.pk}/dates/"' in client.get(
        f"/rectification/projects/{project.pk}/").content.decode()
    form = client.get(f"/rectification/projects/{project.pk}/dates/").content.decode()
    assert "2026-09-30 完成摸底" in form
    response = client.post(f"/rectification/projects/{project.pk}/dates/", {
        "deadline": "2027-04-30", "milestones": "2026-09-30 完成摸底\n2027-04-15 完成验收", "reason": "延期一个月"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.deadline == date(2027, 4, 30)
    # the API: the township may not (403), another county does not see it (404)
    body = {"deadline": "2027-05-31", "milestones": [], "reason": "再延期"}
    assert post(bearer(bob), f"/api/v1/projects/{project.pk}/dates", body).status_code == 403
    assert post(bearer(carol), f"/api/v1/projects/{project.pk}/dates", body).status_code == 404
    done = post(bearer(alice), f"/api/v1/projects/{project.pk}/dates", body)
    assert done.status_code == 200
    assert done.json()["deadline"] == "2027-05-31"
    assert logged_in(bob).post(f"/rectification/projects/{project.pk}/dates/", {
        "deadline": "2027-06-30", "milestones": "", "reason": "x"}).status_code == 403
    assert Project.objects.get(pk=project.pk).deadline == date(2027, 5, 31)
