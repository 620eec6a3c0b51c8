"""Correcting an item of the project register (项目化管理): the issuing level changes its title, responsible
leader, responsible person, measures or lead unit (at or under the issuing unit) until it is completed. Audited
with the changed fields' values before and after and the reason; a change that changes nothing is refused."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rectification import locks
from zugong.rectification.models import Project, ProjectStatus
from zugong.rectification.services.projects import _text

NOTHING_CHANGED = "没有修改任何内容"
FIELDS = ("title", "leader", "responsible_person", "measures", "lead_unit_id")


def _values(project: Project) -> dict[str, Any]:
    return {name: getattr(project, name) for name in FIELDS}


def opened_for_change(*, jurisdiction: Jurisdiction, project_id: int, completed: str, reason: str) -> tuple[Project, str]:
    """The opening every correction of an item shares: the item locked, the issuing level's right checked at its
    issuing unit, a completed item refused with `completed`, the reason required; returns the item and the reason."""
    project = locks.lock_project(project_id)
    require(jurisdiction, "rectification.project_manage", project.issuing_unit)
    if project.status == ProjectStatus.COMPLETED:
        raise IllegalTransition(completed)
    text = reason.strip()
    if not text or len(text) > 500:
        raise ValidationFailed("请填写修改理由（不超过 500 字）", field="reason")
    return project, text


@transaction.atomic
def project_update(
    *, actor: Actor, jurisdiction: Jurisdiction, project_id: int, title: str, leader: str, responsible_person: str,
    measures: str, lead_unit: OrgUnit, reason: str,
) -> Project:
    project, text = opened_for_change(jurisdiction=jurisdiction, project_id=project_id,
                                       completed="项目已完成，不能再修改", reason=reason)
    if not lead_unit.path.startswith(project.issuing_unit.path):
        raise ValidationFailed(f"{lead_unit.name}不在{project.issuing_unit.name}的范围内，不能作为牵头单位",
                               field="lead_unit")
    before = _values(project)
    project.title = _text(title, "title", "项目名称", 200)
    project.leader = _text(leader, "leader", "责任领导", 100)
    project.responsible_person = _text(responsible_person, "responsible_person", "责任人", 100)
    project.measures = _text(measures, "measures", "工作措施", 10000)
    project.lead_unit = lead_unit
    after = _values(project)
    changed = [name for name in FIELDS if before[name] != after[name]]
    if not changed:
        raise ValidationFailed(NOTHING_CHANGED, field="title")
    project.save(update_fields=[name.removesuffix("_id") for name in changed])
    audit_record(actor=actor, action="rectification.project_update", obj=project, org_unit=lead_unit,
                 summary={"before": {n: before[n] for n in changed}, "after": {n: after[n] for n in changed},
                          "reason": text})
    return project
