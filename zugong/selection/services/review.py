"""报备: a selection's plan (方案) goes to the superior org department, which agrees (同意) or orders an
adjustment (责令调整, with a reason). A selection that must report waits at 民主推荐 until one agrees."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, Forbidden, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.permissions import Actor, require
from zugong.selection.locks import lock_review, lock_selection
from zugong.selection.models import PlanReview, ReviewDecision, Selection, Stage, digest_of

# An organisation department sits at these levels; a township's selection is appointed by its county.
APPOINTING_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None else None


def appointing_unit(jurisdiction: Jurisdiction, unit: OrgUnit) -> OrgUnit:
    """The org department that runs a selection of `unit`: the top of the jurisdiction holding it, or (for the
    system) the nearest county, city or province above it."""
    if not jurisdiction.is_superuser:
        roots = sorted((p for p in jurisdiction.paths if unit.path.startswith(p)), key=len)
        if roots:
            return OrgUnit.objects.get(path=roots[0])
    ancestors = OrgUnit.objects.filter(path__in=[unit.path[:n] for n in range(1, len(unit.path) + 1)],
                                       kind__in=APPOINTING_KINDS)
    return ancestors.order_by("-depth").first() or unit


def plan_digest(selection: Selection) -> str:
    """What the superior reviews: the plan as the 动议 record holds it now."""
    record = selection.records.filter(stage=Stage.MOTION).first()
    return digest_of({"plan": record.data.get("plan", "") if record else ""})


def plan_cleared(selection: Selection) -> None:
    """Refuse 民主推荐 while a selection that must report has no 同意 from the level above."""
    if selection.requires_report and not selection.plan_reviews.filter(decision=ReviewDecision.APPROVED).exists():
        raise Conflict("该选拔任用工作方案须报上级组织部门审核同意后，才能开展民主推荐（报备）")


@transaction.atomic
def plan_submit(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, on: date) -> PlanReview:
    """报备 the plan to the superior org department (again after a 责令调整, once the plan is adjusted)."""
    selection = lock_selection(selection_id)
    require(jurisdiction, "selection.plan_submit", selection.org_unit)
    if selection.stage != Stage.RECOMMENDATION:
        raise IllegalTransition(f"该选拔任用工作当前处于“{Stage(selection.stage).label}”环节，方案报备须在民主推荐之前")
    if not selection.requires_report:
        raise Conflict("该选拔任用工作无须向上级报备")
    latest = selection.plan_reviews.order_by("-pk").first()
    if latest is not None and latest.decision == ReviewDecision.PENDING:
        raise Conflict("方案已报备，正在等待上级组织部门审核")
    if latest is not None and latest.decision == ReviewDecision.APPROVED:
        raise Conflict("上级组织部门已同意该方案，无须再次报备")
    digest = plan_digest(selection)
    if latest is not None and latest.plan_digest == digest:
        raise Conflict("上级组织部门责令调整的方案尚未修改，请先调整方案（更正动议记录中的工作方案）再报备")
    superior = appointing_unit(jurisdiction, selection.org_unit).parent
    if superior is None:
        raise Conflict("没有上级组织部门，无须报备")
    review = PlanReview.objects.create(selection=selection, reviewer_unit=superior, plan_digest=digest,
                                       submitted_by_id=_actor_id(actor), submitted_on=on)
    audit_record(actor=actor, action="selection.plan_submit", obj=selection, org_unit=selection.org_unit,
                 summary={"review": review.pk, "to": superior.pk, "digest": digest})
    return review


@transaction.atomic
def plan_review(*, actor: Actor, jurisdiction: Jurisdiction, review_id: int, decision: str, reason: str,
                on: date) -> PlanReview:
    """The superior org department agrees (同意) or orders an adjustment (责令调整, with the reason)."""
    review = lock_review(review_id)
    if not jurisdiction.contains(review.reviewer_unit):
        raise Forbidden(f"该方案报{review.reviewer_unit.name}组织部门审核，本级不能审核")
    require(jurisdiction, "selection.plan_review", review.reviewer_unit)
    if review.decision != ReviewDecision.PENDING:
        raise IllegalTransition(f"该报备已于 {review.reviewed_on} 审核（{review.get_decision_display()}），不能再审核")
    if decision not in (ReviewDecision.APPROVED, ReviewDecision.ADJUST):
        raise ValidationFailed("请选择审核意见：同意或责令调整", field="decision")
    if decision == ReviewDecision.ADJUST and not reason.strip():
        raise ValidationFailed("责令调整须写明理由", field="reason")
    if plan_digest(review.selection) != review.plan_digest:
        raise Conflict("报备后方案已被修改，请下级重新报备")
    if on < review.submitted_on:
        raise ValidationFailed("审核日期不能早于报备日期", field="on")
    review.decision, review.reason, review.reviewed_on = decision, reason.strip(), on
    review.reviewed_by_id = _actor_id(actor)
    review.save(update_fields=["decision", "reason", "reviewed_on", "reviewed_by"])
    audit_record(actor=actor, action="selection.plan_review", obj=review.selection, org_unit=review.reviewer_unit,
                 summary={"review": review.pk, "decision": decision, "reason": review.reason})
    return review
