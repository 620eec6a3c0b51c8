"""Correcting an item of the project register: the issuing level changes its title, leader, responsible person,
measures and lead unit until it is completed, audited with the values before and after and the reason."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree, logged_in
from zugong.core.errors import IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent
from zugong.rectification.models import Project
from zugong.rectification.services.project_editing import project_update
from zugong.rectification.services.projects import project_complete
from zugong.rectification.tests.project_helpers import published


def _edit(user: User, project: Project, tree: Tree, **changes: object) -> Project:
    values: dict[str, object] = {"title": project.title, "leader": project.leader,
                                 "responsible_person": project.responsible_person, "measures": project.measures,
                                 "lead_unit": project.lead_unit, "reason": "领导分工调整", **changes}
    return project_update(actor=user, jurisdiction=jurisdiction_for(user), project_id=project.pk,
                          **values)  # type: ignore[arg-type]


def test_the_issuing_level_corrects_an_item_audited_before_and_after(tree: Tree, alice: User) -> None:
    project = published(tree, alice)
    _edit(alice, project, tree, leader="赵副县长", lead_unit=tree.township_a2)
    project.refresh_from_db()
    assert (project.leader, project.lead_unit_id, project.title) == ("赵副县长", tree.township_a2.pk, "村级活动场所提档升级")
    event = AuditEvent.objects.get(action="rectification.project_update")
    assert event.summary["before"] == {"leader": "王副县长", "lead_unit_id": tree.township_a.pk}
    assert event.summary["after"] == {"leader": "赵副县长", "lead_unit_id": tree.township_a2.pk}
    assert event.summary["reason"] == "领导分工调整"


def test_refusals(tree: Tree, alice: User, bob: User, carol: User) -> None:
    project = published(tree, alice)
    with pytest.raises(ValidationFailed, match="没有修改任何内容"):
        _edit(alice, project, tree)
    with pytest.raises(ValidationFailed, match="请填写修改理由"):
        _edit(alice, project, tree, title="新名称", reason=" ")
    with pytest.raises(ValidationFailed, match="请填写责任领导"):
        _edit(alice, project, tree, leader="")
    with pytest.raises(ValidationFailed, match="不在甲县的范围内"):
        _edit(alice, project, tree, lead_unit=tree.township_b)
    with pytest.raises(NotFound):  # a township does not see the county it would edit as
        _edit(bob, project, tree, title="新名称")
    with pytest.raises(NotFound):
        _edit(carol, project, tree, title="新名称")
    project_complete(actor=alice, jurisdiction=jurisdiction_for(alice), project_id=project.pk,
                     completed_on=date(2026, 9, 1))
    with pytest.raises(IllegalTransition, match="项目已完成，不能再修改"):
        _edit(alice, project, tree, title="新名称")
    assert not AuditEvent.objects.filter(action="rectification.project_update").exists()


def test_the_edit_page(tree: Tree, alice: User, bob: User, carol: User) -> None:
    project = published(tree, alice)
    client = logged_in(alice)
    assert f"/rectification/projects/{project.pk}/edit/" in client.get(
        f"/rectification/projects/{project.pk}/").content.decode()
    form = client.get(f"/rectification/projects/{project.pk}/edit/").content.decode()
    assert "王副县长" in form
    refused = client.post(f"/rectification/projects/{project.pk}/edit/", {
        "title": project.title, "lead_unit": tree.township_a.pk, "leader": project.leader,
        "responsible_person": project.responsible_person, "measures": project.measures, "reason": "无"})
    assert refused.status_code == 200 and "没有修改任何内容" in refused.content.decode()
    done = client.post(f"/rectification/projects/{project.pk}/edit/", {
        "title": "村级活动场所规范化建设", "lead_unit": tree.township_a.pk, "leader": project.leader,
        "responsible_person": "周镇长", "measures": project.measures, "reason": "名称规范"})
    assert done.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.responsible_person) == ("村级活动场所规范化建设", "周镇长")
    assert logged_in(bob).get(f"/rectification/projects/{project.pk}/edit/").status_code == 403
    assert logged_in(carol).get(f"/rectification/projects/{project.pk}/edit/").status_code == 404
