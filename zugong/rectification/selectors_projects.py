"""Reads of the project register (R33), scoped to the jurisdiction: an item is seen by its issuing level
and its lead unit (and everything above them in the jurisdiction), and once published by every unit under
the issuing level (they may claim it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import CharField, Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Attachment
from zugong.core.orgtree import ancestor_paths, subtree_q
from zugong.rectification.models import (
    ClaimStatus,
    LeaderReport,
    MilestoneKind,
    Project,
    ProjectClaim,
    ProjectMilestone,
    ProjectReport,
    ProjectStatus,
)


def _above(jurisdiction: Jurisdiction) -> list[str]:
    """The paths strictly above each root of the jurisdiction (the levels that may publish to it)."""
    return sorted({p for root in jurisdiction.paths for p in ancestor_paths(root)[:-1]})


def projects_visible(jurisdiction: Jurisdiction) -> QuerySet[Project]:
    published_above = Q(issuing_unit__path__in=_above(jurisdiction)) & ~Q(status=ProjectStatus.DRAFT)
    return (Project.objects.filter(jurisdiction.org_q("issuing_unit__") | jurisdiction.org_q("lead_unit__")
                                   | published_above)
            .select_related("issuing_unit", "lead_unit"))


def claims_visible(jurisdiction: Jurisdiction) -> QuerySet[ProjectClaim]:
    return ProjectClaim.objects.filter(project__in=projects_visible(jurisdiction)).select_related("org_unit")


def claims_of_own_units(jurisdiction: Jurisdiction) -> QuerySet[ProjectClaim]:
    """The claims a unit in the jurisdiction made (what it may take back): a claim of another township on an item
    the jurisdiction sees is not its own to withdraw."""
    return claims_visible(jurisdiction).filter(jurisdiction.org_q("org_unit__"))


def project_list(
    jurisdiction: Jurisdiction, *, as_of: date, status: str = "", kind: str = "", org_path: str = "",
    overdue: bool | None = None,
) -> QuerySet[Project]:
    """Items with the next open date, how many dates are overdue, approved and pending claims and the
    last reported percentage, in one query. `org_path`: items led by, or claimed (approved) by, that subtree."""
    rows = projects_visible(jurisdiction)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if org_path:
        claimed = ProjectClaim.objects.filter(subtree_q(org_path, "org_unit__"), project=OuterRef("pk"),
                                              status=ClaimStatus.APPROVED)
        rows = rows.filter(subtree_q(org_path, "lead_unit__") | Q(Exists(claimed)))
    live = Q(status=ProjectStatus.PUBLISHED)  # a completed item's missed dates are history, not overdue
    last_percent = (ProjectReport.objects.filter(project=OuterRef("pk")).order_by("-month", "-reported_on", "-pk")
                    .values("percent")[:1])
    rows = rows.annotate(
        next_due=Min("milestones__due", filter=Q(milestones__done_on__isnull=True)),
        overdue_count=Count("milestones", filter=live & Q(milestones__done_on__isnull=True,
                                                          milestones__due__lt=as_of), distinct=True),
        claims_approved=Count("claims", filter=Q(claims__status=ClaimStatus.APPROVED), distinct=True),
        claims_pending=Count("claims", filter=Q(claims__status=ClaimStatus.PENDING), distinct=True),
        last_percent=Subquery(last_percent))
    if overdue is not None:
        rows = rows.filter(overdue_count__gt=0) if overdue else rows.filter(overdue_count=0)
    return rows.order_by("deadline", "pk")


def project_get(jurisdiction: Jurisdiction, pk: int) -> Project:
    row = (projects_visible(jurisdiction).filter(pk=pk)
           .prefetch_related(
               Prefetch("milestones", queryset=ProjectMilestone.objects.order_by("due", "pk")),
               Prefetch("claims", queryset=ProjectClaim.objects.select_related("org_unit").order_by("pk")),
               Prefetch("reports", queryset=ProjectReport.objects.select_related("org_unit")
                        .order_by("-month", "-reported_on", "-pk")),
               Prefetch("leader_reports", queryset=LeaderReport.objects.order_by("-year", "-half")))
           .first())
    if row is None:
        raise NotFound("未找到该项目，或不在您的管辖范围内")
    return row


def milestone_state(row: ProjectMilestone, as_of: date, warn_days: int) -> str:
    """done / overdue / due_soon / pending — the words of the rule engine's deadline kind."""
    if row.done_on is not None:
        return "done" if row.done_on <= row.due else "done_late"
    if as_of > row.due:
        return "overdue"
    return "due_soon" if (row.due - as_of).days <= warn_days else "pending"


def leader_reports_visible(jurisdiction: Jurisdiction) -> QuerySet[LeaderReport]:
    return (LeaderReport.objects.filter(jurisdiction.org_q("org_unit__")).select_related("org_unit")
            .prefetch_related(Prefetch("projects", queryset=Project.objects.order_by("pk")))
            .order_by("-year", "-half", "leader"))


def leader_report_get(jurisdiction: Jurisdiction, pk: int) -> LeaderReport:
    row = leader_reports_visible(jurisdiction).filter(pk=pk).first()
    if row is None:
        raise NotFound("未找到该半年述职，或不在您的管辖范围内")
    return row


@dataclass(frozen=True)
class BoardRow:
    org_unit_id: int
    name: str
    under_way: int
    completed: int
    overdue_dates: int
    reports_due: int  # report periods whose due day passed without a report
    claimed: int = 0  # items under way this unit claimed (认项 approved) without leading them
    claimed_completed: int = 0


def board(jurisdiction: Jurisdiction, *, org_path: str, as_of: date) -> list[BoardRow]:
    """Per unit in the subtree: the items it leads under way and completed, their dates overdue and reports missed,
    and the items it claimed (approved 认项) under way and completed — a unit that only claims has a row too."""
    rows = (projects_visible(jurisdiction).filter(subtree_q(org_path, "lead_unit__")).exclude(status=ProjectStatus.DRAFT)
            .order_by().values("lead_unit_id", "lead_unit__name", "lead_unit__path")
            .annotate(under_way=Count("id", filter=Q(status=ProjectStatus.PUBLISHED), distinct=True),
                      completed=Count("id", filter=Q(status=ProjectStatus.COMPLETED), distinct=True),
                      overdue_dates=Count("milestones", filter=Q(milestones__done_on__isnull=True,
                                                                 milestones__due__lt=as_of,
                                                                 status=ProjectStatus.PUBLISHED)),
                      reports_due=Count("milestones", filter=Q(milestones__kind=MilestoneKind.REPORT,
                                                               milestones__done_on__isnull=True,
                                                               milestones__due__lt=as_of,
                                                               status=ProjectStatus.PUBLISHED))))
    claims = (claims_visible(jurisdiction).filter(subtree_q(org_path, "org_unit__"), status=ClaimStatus.APPROVED)
              .exclude(project__lead_unit_id=F("org_unit_id")).order_by()
              .values("org_unit_id", "org_unit__name", "org_unit__path")
              .annotate(under_way=Count("project_id", filter=Q(project__status=ProjectStatus.PUBLISHED), distinct=True),
                        completed=Count("project_id", filter=Q(project__status=ProjectStatus.COMPLETED),
                                        distinct=True)))
    by_unit: dict[int, tuple[str, BoardRow]] = {
        r["lead_unit_id"]: (r["lead_unit__path"], BoardRow(r["lead_unit_id"], r["lead_unit__name"], r["under_way"],
                                                           r["completed"], r["overdue_dates"], r["reports_due"]))
        for r in rows}
    for c in claims:
        path, row = by_unit.get(c["org_unit_id"], (c["org_unit__path"],
                                                   BoardRow(c["org_unit_id"], c["org_unit__name"], 0, 0, 0, 0)))
        by_unit[c["org_unit_id"]] = (path, replace(row, claimed=c["under_way"], claimed_completed=c["completed"]))
    return [row for _path, row in sorted(by_unit.values(), key=lambda pair: pair[0])]


def timeline(projects: QuerySet[Project]) -> dict[str, Any]:
    """The ECharts data of the timeline: one row per item (start → deadline) and its dates as points."""
    items = list(projects.order_by("deadline", "pk")[:100])
    dates = (ProjectMilestone.objects.filter(project__in=[p.pk for p in items])
             .exclude(kind=MilestoneKind.DEADLINE).order_by("due").values("project_id", "title", "due", "done_on"))
    index = {p.pk: i for i, p in enumerate(items)}
    return {
        "labels": [p.title for p in items],
        "bars": [[index[p.pk], p.starts_on.isoformat(), p.deadline.isoformat(), str(p.get_status_display())]
                 for p in items],
        "points": [[index[d["project_id"]], d["due"].isoformat(), d["title"], d["done_on"] is not None]
                   for d in dates],
    }



def milestones_visible(jurisdiction: Jurisdiction) -> QuerySet[ProjectMilestone]:
    """The dates of the items the jurisdiction issued or leads: a unit that only may claim an item sees its
    dates on the item's page but does not act on them."""
    led = Project.objects.filter(jurisdiction.org_q("issuing_unit__") | jurisdiction.org_q("lead_unit__"))
    return ProjectMilestone.objects.filter(project__in=led)


def files_by_report(project: Project) -> dict[int, list[Attachment]]:
    """The files of every report of an item, in one query whatever the number of reports (its page lists them per
    report)."""
    report_ids = (ProjectReport.objects.filter(project=project)
                  .annotate(owner=Cast("pk", output_field=CharField())).values("owner"))
    files: dict[int, list[Attachment]] = {r.pk: [] for r in project.reports.all()}
    for row in Attachment.objects.filter(owner_type=ProjectReport._meta.label_lower,
                                         owner_id__in=report_ids).order_by("pk"):
        files.setdefault(int(row.owner_id), []).append(row)
    return files
