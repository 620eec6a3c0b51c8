"""Projects and key tasks (项目化管理, R33): registered and published by the issuing level, claimed by
units (认项) with the issuing level's approval, reported on each period by the lead unit or a claimant,
completed by the issuing level; a leader's half-year duty report (半年述职) names the items it covers.

Every date the rule engine tracks is a `ProjectMilestone` row: the milestones and the deadline written at
registration, and on publication one report row per period of R33's `report_period` (monthly by
default) for a key task, due on R33's `report_day` (the 25th by default) of the period's last month, both read
at the issuing unit. A report marks its period's row
done; completion marks the deadline done and drops the report rows falling due from that day on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from zugong.core.attachments import attachment_check, attachments_store
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rectification import locks
from zugong.rectification.models import (
    ClaimStatus,
    LeaderReport,
    MilestoneKind,
    Project,
    ProjectClaim,
    ProjectKind,
    ProjectMilestone,
    ProjectReport,
    ProjectStatus,
)
from zugong.rectification.project_models import PROJECT_ALLOWED
from zugong.rules.kinds.periods import period_containing
from zugong.rules.registry import param

MAX_MILESTONES = 50
CLAIM_ENDED = (ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN)  # the unit may claim the item again


def _text(value: str, field: str, label: str, max_length: int) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 字", field=field)
    return text


def _move(project: Project, to: str) -> None:
    if to not in PROJECT_ALLOWED.get(project.status, frozenset()):
        raise IllegalTransition(f"项目当前状态为“{ProjectStatus(project.status).label}”，"
                                f"不能转为“{ProjectStatus(to).label}”")
    project.status = to


def _audit(actor: Actor, action: str, project: Project, **summary: Any) -> None:
    audit_record(actor=actor, action=f"rectification.{action}", obj=project, org_unit=project.lead_unit,
                 summary={"status": project.status, **summary})


def _milestones(milestones: Sequence[tuple[str, date]], starts_on: date, deadline: date) -> list[tuple[str, date]]:
    if len(milestones) > MAX_MILESTONES:
        raise ValidationFailed(f"节点不能超过 {MAX_MILESTONES} 个", field="milestones")
    clean: list[tuple[str, date]] = []
    for title, due in milestones:
        name = _text(title, "milestones", "节点名称", 200)
        if not starts_on <= due <= deadline:
            raise ValidationFailed(f"节点“{name}”的时限应在开始日期和完成时限之间", field="milestones")
        clean.append((name, due))
    return sorted(clean, key=lambda m: m[1])


@transaction.atomic
def project_register(
    *, actor: Actor, jurisdiction: Jurisdiction, title: str, issuing_unit: OrgUnit, lead_unit: OrgUnit,
    leader: str, responsible_person: str, measures: str, starts_on: date, deadline: date,
    kind: str = ProjectKind.KEY_TASK, milestones: Sequence[tuple[str, date]] = (),
) -> Project:
    """Register an item (not yet published): who leads it, who is responsible, the measures, the dates."""
    require(jurisdiction, "rectification.project_manage", issuing_unit)
    if kind not in ProjectKind.values:
        raise ValidationFailed("请选择项目类别", field="kind")
    if not lead_unit.path.startswith(issuing_unit.path):
        raise ValidationFailed(f"{lead_unit.name}不在{issuing_unit.name}的范围内，不能作为牵头单位", field="lead_unit")
    if deadline < starts_on:
        raise ValidationFailed("完成时限不能早于开始日期", field="deadline")
    clean = _milestones(milestones, starts_on, deadline)
    project = Project.objects.create(
        title=_text(title, "title", "项目名称", 200), kind=kind, issuing_unit=issuing_unit, lead_unit=lead_unit,
        leader=_text(leader, "leader", "责任领导", 100),
        responsible_person=_text(responsible_person, "responsible_person", "责任人", 100),
        measures=_text(measures, "measures", "工作措施", 10000), starts_on=starts_on, deadline=deadline,
        created_by_id=getattr(actor, "pk", None))
    ProjectMilestone.objects.bulk_create(
        [ProjectMilestone(project=project, kind=MilestoneKind.MILESTONE, title=name, starts_on=starts_on, due=due)
         for name, due in clean]
        + [ProjectMilestone(project=project, kind=MilestoneKind.DEADLINE, title="完成时限", starts_on=starts_on,
                            due=deadline)])
    _audit(actor, "project_register", project, title=project.title, milestones=len(clean))
    return project


def report_slots(*, kind: str, report_day: int, first_day: date,
                 deadline: date) -> list[tuple[str, date, date, date]]:
    """(label, period start, first day owed, due) of every report period from `first_day` whose due day (the
    `report_day` of the period's last month) is on or before the deadline; a period whose due day has already
    passed on `first_day` starts with the next."""
    slots: list[tuple[str, date, date, date]] = []
    period = period_containing(kind, first_day)
    while True:
        due = period.end.replace(day=report_day)
        if due > deadline:
            return slots
        if due >= first_day:
            slots.append((f"{period.label}进展报告", period.start, max(period.start, first_day), due))
        period = period_containing(kind, period.end + timedelta(days=1))


@transaction.atomic
def project_publish(*, actor: Actor, jurisdiction: Jurisdiction, project_id: int,
                    published_on: date | None = None) -> Project:
    """Publish an item for units to claim; a key task now owes a report each period (R33 `report_period`)."""
    project = locks.lock_project(project_id)
    require(jurisdiction, "rectification.project_manage", project.issuing_unit)
    day = published_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationFailed("发布日期不能晚于今天", field="published_on")
    _move(project, ProjectStatus.PUBLISHED)
    project.published_on = day
    project.save(update_fields=["status", "published_on"])
    slots: list[tuple[str, date, date, date]] = []
    if project.kind == ProjectKind.KEY_TASK:
        period_kind = str(param("R33", "report_period", org_unit=project.issuing_unit, on=day))
        report_day = int(param("R33", "report_day", org_unit=project.issuing_unit, on=day))
        slots = report_slots(kind=period_kind, report_day=report_day, first_day=max(day, project.starts_on),
                             deadline=project.deadline)
        ProjectMilestone.objects.bulk_create([
            ProjectMilestone(project=project, kind=MilestoneKind.REPORT, month=start, starts_on=owed, due=due,
                             title=label) for label, start, owed, due in slots])
    _audit(actor, "project_publish", project, published_on=day.isoformat(), report_periods=len(slots))
    return project


@transaction.atomic
def project_claim(*, actor: Actor, jurisdiction: Jurisdiction, project_id: int, org_unit: OrgUnit,
                  note: str = "") -> ProjectClaim:
    """A unit under the issuing level claims a published item (认项); the issuing level decides."""
    project = locks.lock_project(project_id)
    require(jurisdiction, "rectification.project_claim", org_unit)
    if project.status != ProjectStatus.PUBLISHED:
        raise IllegalTransition(f"只能认领已发布、尚未完成的项目（项目当前状态为“{ProjectStatus(project.status).label}”）")
    if org_unit.pk == project.issuing_unit_id or not org_unit.path.startswith(project.issuing_unit.path):
        raise ValidationFailed(f"{org_unit.name}不是{project.issuing_unit.name}的下级单位，不能认领该项目",
                               field="org_unit")
    if org_unit.pk == project.lead_unit_id:
        raise Conflict(f"{org_unit.name}是该项目的牵头单位，无需认领")
    if project.claims.filter(org_unit=org_unit).exclude(status__in=CLAIM_ENDED).exists():
        raise Conflict(f"{org_unit.name}已认领该项目")
    try:
        with transaction.atomic():
            claim = ProjectClaim.objects.create(project=project, org_unit=org_unit, note=note.strip()[:500],
                                                claimed_by_id=getattr(actor, "pk", None))
    except IntegrityError:
        raise Conflict(f"{org_unit.name}已认领该项目") from None
    _audit(actor, "project_claim", project, claim=claim.pk, org_unit=org_unit.pk)
    return claim


@transaction.atomic
def claim_review(*, actor: Actor, jurisdiction: Jurisdiction, claim_id: int, approve: bool,
                 reason: str = "") -> ProjectClaim:
    claim = locks.lock_claim(claim_id)
    project = claim.project
    require(jurisdiction, "rectification.claim_review", project.issuing_unit)
    if claim.status != ClaimStatus.PENDING:
        raise IllegalTransition(f"该认项申请已审核（{ClaimStatus(claim.status).label}）")
    if actor is not None and claim.claimed_by_id == actor.pk:
        raise Conflict("不能审核本人提交的认项申请")
    if not approve and not reason.strip():
        raise ValidationFailed("不通过认项申请须填写理由", field="reason")
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    claim.reason, claim.decided_at = reason.strip()[:500], timezone.now()
    claim.decided_by_id = getattr(actor, "pk", None)
    claim.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    _audit(actor, "claim_review", project, claim=claim.pk, decision=claim.status)
    return claim


@transaction.atomic
def claim_withdraw(*, actor: Actor, jurisdiction: Jurisdiction, claim_id: int, reason: str = "") -> ProjectClaim:
    """The claiming unit takes back its claim (pending or approved) before it has reported on the item; it may
    claim again later. The item is locked first, as a report takes it, so no report commits across this."""
    found = locks.lock_claim(claim_id)
    project = locks.lock_project(found.project_id)
    claim = locks.lock_claim(claim_id)
    require(jurisdiction, "rectification.project_claim", claim.org_unit)
    if claim.status not in (ClaimStatus.PENDING, ClaimStatus.APPROVED):
        raise IllegalTransition(f"该认项{ClaimStatus(claim.status).label}，不能撤回")
    if project.reports.filter(org_unit=claim.org_unit).exists():
        raise IllegalTransition(f"{claim.org_unit.name}已报告过该项目的进展，不能撤回认项")
    before, claim.status = claim.status, ClaimStatus.WITHDRAWN
    claim.save(update_fields=["status"])
    _audit(actor, "claim_withdraw", project, claim=claim.pk, org_unit=claim.org_unit_id, status_before=before,
           reason=reason.strip()[:500])
    return claim


def _reporting_unit(project: Project, org_unit: OrgUnit) -> None:
    if org_unit.pk == project.lead_unit_id:
        return
    if not project.claims.filter(org_unit=org_unit, status=ClaimStatus.APPROVED).exists():
        raise ValidationFailed(f"{org_unit.name}不是该项目的牵头单位，也没有通过审核的认项，不能报告进展",
                               field="org_unit")


@transaction.atomic
def project_report(
    *, actor: Actor, jurisdiction: Jurisdiction, project_id: int, org_unit: OrgUnit, text: str, percent: int,
    reported_on: date | None = None, files: Sequence[UploadedFile[bytes]] = (),
) -> ProjectReport:
    """The lead unit's or a claimant's report for the period of `reported_on` (one per unit and period), with its
    files (core attachments: checked by content, size-limited, kept for the reporting unit); the first report of a
    period marks that period's report row done (R33)."""
    project = locks.lock_project(project_id)
    require(jurisdiction, "rectification.project_report", org_unit)
    day = reported_on or timezone.localdate()
    if project.status != ProjectStatus.PUBLISHED:
        raise IllegalTransition(f"只有推进中的项目才能报告进展（项目当前状态为“{ProjectStatus(project.status).label}”）")
    if day > timezone.localdate() or (project.published_on is not None and day < project.published_on):
        raise ValidationFailed("报告日期应在项目发布之后、不晚于今天", field="reported_on")
    if not 0 <= percent <= 100:
        raise ValidationFailed("完成进度应在 0 到 100 之间", field="percent")
    _reporting_unit(project, org_unit)
    period_kind = str(param("R33", "report_period", org_unit=project.issuing_unit, on=day))
    start = period_containing(period_kind, day).start
    if project.reports.filter(org_unit=org_unit, month=start).exists():
        raise Conflict(f"{org_unit.name}{period_containing(period_kind, day).label}已报告过该项目的进展")
    checked = [attachment_check(upload) for upload in files]
    report = ProjectReport.objects.create(
        project=project, org_unit=org_unit, month=start, text=_text(text, "text", "进展情况", 10000),
        percent=percent, reported_on=day, created_by_id=getattr(actor, "pk", None))
    project.milestones.filter(kind=MilestoneKind.REPORT, month=start, done_on__isnull=True).update(done_on=day)
    _audit(actor, "project_report", project, report=report.pk, month=start.isoformat(), percent=percent,
           files=[f.name for f in checked])
    attachments_store(actor=actor, owner=report, org_unit=org_unit, files=checked)
    return report


@transaction.atomic
def milestone_done(*, actor: Actor, jurisdiction: Jurisdiction, milestone_id: int,
                   done_on: date | None = None) -> ProjectMilestone:
    """The lead unit records a milestone as reached (reports and the deadline are marked by their steps)."""
    row = ProjectMilestone.objects.select_related("project").filter(pk=milestone_id).first()
    if row is None:
        raise ValidationFailed("未找到该节点", field="milestone")
    project = locks.lock_project(row.project_id)
    require(jurisdiction, "rectification.project_report", project.lead_unit)
    day = done_on or timezone.localdate()
    if row.kind != MilestoneKind.MILESTONE:
        raise IllegalTransition("报告期和完成时限由报告进展、完成项目登记，不能单独标记")
    if row.done_on is not None:
        raise IllegalTransition(f"节点“{row.title}”已于{row.done_on:%Y-%m-%d}完成")
    if project.status != ProjectStatus.PUBLISHED or day > timezone.localdate() or day < row.starts_on:
        raise ValidationFailed("只能为推进中的项目登记已完成的节点，日期不晚于今天", field="done_on")
    row.done_on = day
    row.save(update_fields=["done_on"])
    _audit(actor, "milestone_done", project, milestone=row.pk, done_on=day.isoformat())
    return row


@transaction.atomic
def project_complete(*, actor: Actor, jurisdiction: Jurisdiction, project_id: int,
                     completed_on: date | None = None) -> Project:
    """The issuing level records the item complete: the deadline row is done, reports falling due from
    that day on are no longer owed."""
    project = locks.lock_project(project_id)
    require(jurisdiction, "rectification.project_manage", project.issuing_unit)
    day = completed_on or timezone.localdate()
    if day > timezone.localdate() or (project.published_on is not None and day < project.published_on):
        raise ValidationFailed("完成日期应在项目发布之后、不晚于今天", field="completed_on")
    _move(project, ProjectStatus.COMPLETED)
    project.completed_on = day
    project.save(update_fields=["status", "completed_on"])
    project.milestones.filter(kind=MilestoneKind.DEADLINE).update(done_on=day)
    # a period's report falling due on or after completion is no longer owed; one missed before stays missed
    dropped, _ = project.milestones.filter(kind=MilestoneKind.REPORT, done_on__isnull=True, due__gte=day).delete()
    _audit(actor, "project_complete", project, completed_on=day.isoformat(), reports_dropped=dropped)
    return project


@transaction.atomic
def leader_report_record(
    *, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, leader: str, year: int, half: int, text: str,
    reported_on: date, projects: Sequence[Project],
) -> LeaderReport:
    """A responsible leader's half-year duty report (半年述职) on the items they lead (at least one)."""
    require(jurisdiction, "rectification.leader_report", org_unit)
    name = _text(leader, "leader", "责任领导", 100)
    if half not in (1, 2):
        raise ValidationFailed("请选择上半年或下半年", field="half")
    if reported_on > timezone.localdate() or reported_on < date(year, 1 if half == 1 else 7, 1):
        raise ValidationFailed("述职日期应在该半年开始之后、不晚于今天", field="reported_on")
    if not projects:
        raise ValidationFailed("请选择述职涉及的项目", field="projects")
    others = [p.title for p in projects if p.leader != name]
    if others:
        raise ValidationFailed(f"{name}不是以下项目的责任领导：{'、'.join(others)}", field="projects")
    if LeaderReport.objects.filter(org_unit=org_unit, leader=name, year=year, half=half).exists():
        raise Conflict(f"{name}{year}年{'上' if half == 1 else '下'}半年已述职")
    report = LeaderReport.objects.create(
        org_unit=org_unit, leader=name, year=year, half=half, text=_text(text, "text", "述职内容", 20000),
        reported_on=reported_on, created_by_id=getattr(actor, "pk", None))
    report.projects.set(projects)
    audit_record(actor=actor, action="rectification.leader_report_record", obj=report, org_unit=org_unit,
                 summary={"leader": name, "year": year, "half": half, "projects": [p.pk for p in projects]})
    return report
