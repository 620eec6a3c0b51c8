"""A changed R33 `report_day` applied to the items already published (项目化管理): the report rows a key task still
owes take the day in force at its issuing unit. `project_publish` and `project_dates_update` read the day when they
write the rows; this moves the rows written before a level changed its day on the rules page.

Only rows not yet reported and not yet due move (a month already past its day stays as it was, reported or missed),
and only when the new day is not yet past either (a month is never made overdue by the change) and not after the
item's deadline. Each month keeps its period: the row moves within its own month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from zugong.core.audit import audit_record
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rectification import locks
from zugong.rectification.models import MilestoneKind, ProjectMilestone
from zugong.rules.registry import param


@dataclass(frozen=True)
class ReportDaysApplied:
    report_day: int
    items: int  # items with a row moved
    rows: int  # report rows moved


@transaction.atomic
def report_days_apply(*, actor: Actor, jurisdiction: Jurisdiction, issuing_unit: OrgUnit,
                      on: date | None = None) -> ReportDaysApplied:
    """Move the open report rows of the published key tasks `issuing_unit` issued to R33's `report_day` in force
    there today; audited per item (the rows' days before and after) and once for the unit."""
    require(jurisdiction, "rectification.project_manage", issuing_unit)
    today = on or timezone.localdate()
    day = int(param("R33", "report_day", org_unit=issuing_unit, on=today))
    projects = locks.lock_published_key_tasks(issuing_unit.pk)
    rows = (ProjectMilestone.objects.select_for_update(of=("self",))
            .filter(project__in=[p.pk for p in projects], kind=MilestoneKind.REPORT, done_on__isnull=True,
                    due__gte=today).order_by("pk"))
    deadline = {p.pk: p.deadline for p in projects}
    moved: list[ProjectMilestone] = []
    changes: dict[int, list[list[str]]] = {}
    for row in rows:
        new = row.due.replace(day=day)
        if new == row.due or new < today or new > deadline[row.project_id]:
            continue
        changes.setdefault(row.project_id, []).append([row.due.isoformat(), new.isoformat()])
        row.due = new
        moved.append(row)
    ProjectMilestone.objects.bulk_update(moved, ["due"])
    for project in projects:
        if project.pk in changes:
            audit_record(actor=actor, action="rectification.report_day_apply", obj=project, org_unit=project.lead_unit,
                         summary={"report_day": day, "rows": changes[project.pk]})
    audit_record(actor=actor, action="rectification.report_days_apply", obj=issuing_unit, org_unit=issuing_unit,
                 summary={"report_day": day, "items": len(changes), "rows": len(moved)})
    return ReportDaysApplied(report_day=day, items=len(changes), rows=len(moved))
