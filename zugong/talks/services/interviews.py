"""The admonition interview (约谈) procedure of the 咸阳 办法 (R15), one audited service per step.

proposed → approved | rejected → notice_sent → held → follow_up → assessed; see models.ALLOWED.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, ValidationFailed
from zugong.core.models import MeetingKind, OrgUnit
from zugong.core.services import meeting_record
from zugong.talks.locks import lock_interview
from zugong.talks.models import (
    ALLOWED,
    Interview,
    InterviewOutcome,
    InterviewSituation,
    InterviewStatus,
    InterviewTarget,
    SituationScope,
    SupervisionAction,
    SupervisionKind,
)
from zugong.talks.services.common import APPROVE_ROLES, WRITE_ROLES, Actor, report_due_on, require_role

STATUS_LABEL = dict(InterviewStatus.choices)
CADRE_TARGETS = (InterviewTarget.CADRE, InterviewTarget.PARTY_HEAD, InterviewTarget.ADMIN_HEAD)


def next_states(status: str) -> list[str]:
    """The states reachable from `status`, in the order of the procedure."""
    return [s for s in InterviewStatus.values if s in ALLOWED[status]]


def _move(interview: Interview, to: str) -> Interview:
    """Lock the row and check the transition table; IllegalTransition (409) names both states."""
    locked = lock_interview(interview.pk)
    if to not in ALLOWED[locked.status]:
        allowed = "、".join(str(STATUS_LABEL[s]) for s in next_states(locked.status)) or "无"
        raise IllegalTransition(
            f"约谈当前为“{STATUS_LABEL[locked.status]}”，不能改为“{STATUS_LABEL[to]}”（可进行：{allowed}）")
    locked.status = to
    return locked


def _save(actor: Actor, interview: Interview, action: str, fields: list[str], **summary: object) -> Interview:
    interview.save(update_fields=["status", *fields])
    audit_record(actor=actor, action=f"interview.{action}", obj=interview, org_unit=interview.org_unit,
                 summary={"status": interview.status, **{k: str(v) for k, v in summary.items()}})
    return interview


def _check_situations(target_kind: str, situations: list[InterviewSituation]) -> None:
    if not situations:
        raise ValidationFailed("请至少选择一项约谈情形", field="situations")
    expected = SituationScope.TEAM if target_kind == InterviewTarget.TEAM else target_kind
    allowed = {expected} if target_kind != InterviewTarget.CADRE else {SituationScope.CADRE}
    if target_kind in (InterviewTarget.PARTY_HEAD, InterviewTarget.ADMIN_HEAD):
        allowed |= {SituationScope.CADRE}
    wrong = [s.text for s in situations if s.scope not in allowed or not s.active]
    if wrong:
        raise ValidationFailed(f"所选情形不适用于该约谈对象：{'；'.join(wrong)}", field="situations")


@transaction.atomic
def interview_propose(
    *, actor: Actor, target_kind: str, situations: list[InterviewSituation], proposed_on: date,
    team: OrgUnit | None = None, team_head: Cadre | None = None, cadre: Cadre | None = None, reason: str = "",
    proposing_office: str = "干部监督机构",
) -> Interview:
    if target_kind not in InterviewTarget.values:
        raise ValidationFailed("约谈对象类型无效", field="target_kind")
    if target_kind == InterviewTarget.TEAM and team is None:
        raise ValidationFailed("约谈领导班子须指定班子（单位）", field="team")
    if target_kind in CADRE_TARGETS and cadre is None:
        raise ValidationFailed("约谈领导干部须指定干部", field="cadre")
    _check_situations(target_kind, situations)
    org_unit = team if target_kind == InterviewTarget.TEAM else cadre.org_unit  # type: ignore[union-attr]
    assert org_unit is not None
    require_role(actor, org_unit, WRITE_ROLES, "提出约谈建议")
    interview = Interview.objects.create(
        org_unit=org_unit, target_kind=target_kind, team=team if target_kind == InterviewTarget.TEAM else None,
        team_head=team_head if target_kind == InterviewTarget.TEAM else None,
        cadre=cadre if target_kind in CADRE_TARGETS else None, proposed_by_id=getattr(actor, "pk", None),
        proposing_office=proposing_office, proposed_on=proposed_on, reason=reason)
    interview.situations.set(situations)
    audit_record(actor=actor, action="interview.propose", obj=interview, org_unit=org_unit, summary={
        "target_kind": target_kind, "team": getattr(team, "pk", None), "cadre": getattr(cadre, "pk", None),
        "situations": [s.code for s in situations], "proposed_on": proposed_on.isoformat()})
    return interview


@transaction.atomic
def interview_approve(*, actor: Actor, interview: Interview, on: date) -> Interview:
    require_role(actor, interview.org_unit, APPROVE_ROLES, "批准约谈")
    locked = _move(interview, InterviewStatus.APPROVED)
    locked.decided_by_id, locked.decided_on = getattr(actor, "pk", None), on
    return _save(actor, locked, "approve", ["decided_by", "decided_on"], on=on)


@transaction.atomic
def interview_reject(*, actor: Actor, interview: Interview, on: date, reason: str) -> Interview:
    require_role(actor, interview.org_unit, APPROVE_ROLES, "审批约谈")
    if not reason.strip():
        raise ValidationFailed("不予批准须说明理由", field="reason")
    locked = _move(interview, InterviewStatus.REJECTED)
    locked.decided_by_id, locked.decided_on, locked.rejection_reason = getattr(actor, "pk", None), on, reason
    return _save(actor, locked, "reject", ["decided_by", "decided_on", "rejection_reason"], on=on, reason=reason)


@transaction.atomic
def interview_send_notice(*, actor: Actor, interview: Interview, on: date, scheduled_for: date) -> Interview:
    require_role(actor, interview.org_unit, WRITE_ROLES, "发出约谈预告")
    if scheduled_for < on:
        raise ValidationFailed("约定约谈日期不能早于预告日期", field="scheduled_for")
    locked = _move(interview, InterviewStatus.NOTICE_SENT)
    locked.notice_sent_on, locked.scheduled_for = on, scheduled_for
    return _save(actor, locked, "send_notice", ["notice_sent_on", "scheduled_for"], on=on,
                 scheduled_for=scheduled_for)


@transaction.atomic
def interview_hold(*, actor: Actor, interview: Interview, held_on: date, interviewers: str, place: str,
                   record: str) -> Interview:
    require_role(actor, interview.org_unit, WRITE_ROLES, "记录约谈")
    if not interviewers.strip():
        raise ValidationFailed("请填写约谈人", field="interviewers")
    if not record.strip():
        raise ValidationFailed("请填写约谈记录（全程纪实）", field="record")
    locked = _move(interview, InterviewStatus.HELD)
    if locked.notice_sent_on and held_on < locked.notice_sent_on:
        raise ValidationFailed("约谈日期不能早于预告日期", field="held_on")
    locked.held_on, locked.interviewers, locked.place, locked.record = held_on, interviewers, place, record
    return _save(actor, locked, "hold", ["held_on", "interviewers", "place", "record"], held_on=held_on)


@transaction.atomic
def interview_follow_up(*, actor: Actor, interview: Interview, on: date, meeting_title: str = "",
                        meeting_minutes: str = "") -> Interview:
    """Team: the party committee meeting that reports the interview (recorded as a core Meeting).
    Cadre: the unit head is informed on `on`, and the written report falls due (R15)."""
    require_role(actor, interview.org_unit, WRITE_ROLES, "登记约谈后续工作")
    locked = _move(interview, InterviewStatus.FOLLOW_UP)
    if locked.held_on and on < locked.held_on:
        raise ValidationFailed("后续工作日期不能早于约谈日期", field="on")
    if locked.target_kind == InterviewTarget.TEAM:
        assert locked.team is not None
        locked.committee_meeting = meeting_record(
            actor=actor, kind=MeetingKind.PARTY_COMMITTEE, org_unit=locked.team, held_on=on,
            title=meeting_title or "通报约谈情况、查找问题、议定整改措施", minutes=meeting_minutes)
        return _save(actor, locked, "follow_up", ["committee_meeting"], meeting_on=on)
    locked.head_informed_on = on
    locked.report_due_on = report_due_on(on, locked.org_unit)
    return _save(actor, locked, "follow_up", ["head_informed_on", "report_due_on"], informed_on=on,
                 report_due_on=locked.report_due_on)


@transaction.atomic
def interview_report_submit(*, actor: Actor, interview: Interview, submitted_on: date, text: str) -> Interview:
    require_role(actor, interview.org_unit, WRITE_ROLES, "登记书面报告")
    locked = lock_interview(interview.pk)
    if locked.status != InterviewStatus.FOLLOW_UP or locked.target_kind == InterviewTarget.TEAM:
        raise IllegalTransition(
            f"约谈当前为“{STATUS_LABEL[locked.status]}”，只有对领导干部约谈的整改跟进阶段才能登记书面报告")
    if not text.strip():
        raise ValidationFailed("请填写书面报告内容", field="text")
    locked.report_submitted_on, locked.report_text = submitted_on, text
    locked.save(update_fields=["report_submitted_on", "report_text"])
    audit_record(actor=actor, action="interview.report_submit", obj=locked, org_unit=locked.org_unit, summary={
        "submitted_on": submitted_on.isoformat(), "due_on": str(locked.report_due_on),
        "late": bool(locked.report_due_on and submitted_on > locked.report_due_on)})
    return locked


@transaction.atomic
def interview_assess(*, actor: Actor, interview: Interview, on: date, outcome: str, note: str = "") -> Interview:
    """Assess after the follow-up; no visible improvement → a proposal of 诫勉 or organisational handling."""
    require_role(actor, interview.org_unit, APPROVE_ROLES | WRITE_ROLES, "评估约谈效果")
    if outcome not in InterviewOutcome.values:
        raise ValidationFailed("评估结论无效", field="outcome")
    locked = _move(interview, InterviewStatus.ASSESSED)
    waiting = (locked.target_kind != InterviewTarget.TEAM and locked.report_submitted_on is None
               and locked.report_due_on is not None and on <= locked.report_due_on)
    if waiting:
        raise IllegalTransition(f"书面报告期限为 {locked.report_due_on:%Y-%m-%d}，尚未提交且未到期，暂不能评估")
    locked.assessed_on, locked.outcome, locked.outcome_note = on, outcome, note
    subject = locked.cadre or locked.team_head
    if outcome == InterviewOutcome.PROPOSE_ADMONISHMENT and subject is not None:
        SupervisionAction.objects.create(
            org_unit=locked.org_unit, cadre=subject, kind=SupervisionKind.ADMONISHMENT, issued_on=on,
            matter=f"约谈后限期内思想认识没有明显提高、整改效果不明显，建议诫勉。{note}", interview=locked,
            outcome="建议", created_by_id=getattr(actor, "pk", None))
    return _save(actor, locked, "assess", ["assessed_on", "outcome", "outcome_note"], outcome=outcome)
