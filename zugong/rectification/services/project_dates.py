"""Editing an item's dates (项目化管理, R33): the issuing level moves a project's or key task's deadline and
replaces its open milestones, with a reason, before it is completed. Milestones already met stay as they were;
a published key task's report rows are recomputed for the new deadline — open rows of periods no longer owed
are dropped, periods newly owed are added, reports already made stay. Audited with the dates before and after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor
from zugong.rectification.models import MilestoneKind, Project, ProjectKind, ProjectMilestone, ProjectStatus
from zugong.rectification.services.project_editing import opened_for_change
from zugong.rectification.services.projects import _milestones, report_slots
from zugong.rules.registry import param


def _dates(project: Project) -> dict[str, Any]:
    rows = project.milestones.exclude(kind=MilestoneKind.REPORT).filter(done_on__isnull=True).order_by("due", "pk")
    return {"deadline": project.deadline.isoformat(),
            "milestones": [[m.title, m.due.isoformat()] for m in rows if m.kind == MilestoneKind.MILESTONE]}


@transaction.atomic
def project_dates_update(
    *, actor: Actor, jurisdiction: Jurisdiction, project_id: int, deadline: date,
    milestones: Sequence[tuple[str, date]], reason: str,
) -> Project:
    project, text = opened_for_change(jurisdiction=jurisdiction, project_id=project_id,
                                       completed="项目已完成，不能再修改时限和节点", reason=reason)
    if deadline < project.starts_on:
        raise ValidationFailed("完成时限不能早于开始日期", field="deadline")
    if deadline != project.deadline and deadline < timezone.localdate():
        raise ValidationFailed("新的完成时限不能早于今天", field="deadline")
    clean = _milestones(milestones, project.starts_on, deadline)
    before = _dates(project)
    open_rows = project.milestones.filter(done_on__isnull=True)
    # a milestone left as it was keeps its row (and the engine's findings and notices of it)
    kept = {(m.title, m.due): m.pk for m in open_rows.filter(kind=MilestoneKind.MILESTONE)}
    open_rows.filter(kind=MilestoneKind.MILESTONE).exclude(pk__in=[kept[m] for m in clean if m in kept]).delete()
    ProjectMilestone.objects.bulk_create([
        ProjectMilestone(project=project, kind=MilestoneKind.MILESTONE, title=name, starts_on=project.starts_on, due=due)
        for name, due in clean if (name, due) not in kept])
    open_rows.filter(kind=MilestoneKind.DEADLINE).update(due=deadline)
    project.deadline = deadline
    project.save(update_fields=["deadline"])
    added, dropped = _reports_recompute(project) if _owes_reports(project) else (0, 0)
    after = _dates(project)
    if before == after:
        raise ValidationFailed("没有修改任何内容", field="deadline")
    audit_record(actor=actor, action="rectification.project_dates_update", obj=project, org_unit=project.lead_unit,
                 summary={"before": before, "after": after, "reason": text, "reports_added": added,
                          "reports_dropped": dropped})
    return project


def _owes_reports(project: Project) -> bool:
    return project.kind == ProjectKind.KEY_TASK and project.status == ProjectStatus.PUBLISHED


def _reports_recompute(project: Project) -> tuple[int, int]:
    """(added, dropped): the report rows of the periods owed up to the new deadline, with the period and report
    day in force at the issuing unit today; reports already made are kept whatever the deadline."""
    assert project.published_on is not None
    today = timezone.localdate()
    kind = str(param("R33", "report_period", org_unit=project.issuing_unit, on=today))
    day = int(param("R33", "report_day", org_unit=project.issuing_unit, on=today))
    slots = report_slots(kind=kind, report_day=day, first_day=max(project.published_on, project.starts_on),
                         deadline=project.deadline)
    rows = {row.month: row for row in project.milestones.filter(kind=MilestoneKind.REPORT)}
    owed = {start for _, start, _, _ in slots}
    gone = [row.pk for month, row in rows.items() if month not in owed and row.done_on is None]
    ProjectMilestone.objects.filter(pk__in=gone).delete()
    new = [ProjectMilestone(project=project, kind=MilestoneKind.REPORT, month=start, starts_on=first, due=due,
                            title=label) for label, start, first, due in slots if start not in rows]
    ProjectMilestone.objects.bulk_create(new)
    return len(new), len(gone)
