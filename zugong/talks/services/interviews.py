"""The admonition interview (约谈) procedure of the 咸阳 办法 (R15), one audited service per step.

proposed → approved | rejected → notice_sent → held → follow_up → assessed; see models.ALLOWED. Each
step locks the interview (`locks.lock_interview`), checks its action in the permission table at the
interview's unit, then the transition table, and saves only the fields it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import translation

from zugong.cadres.models import Cadre
from zugong.core.audit import audit_record
from zugong.core.errors import IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import MeetingKind, OrgUnit
from zugong.core.permissions import Actor, require
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
from zugong.talks.services.common import actor_id, report_due_on

STATUS_LABEL = dict(InterviewStatus.choices)
CADRE_TARGETS = (InterviewTarget.CADRE, InterviewTarget.PARTY_HEAD, InterviewTarget.ADMIN_HEAD)


def next_states(status: str) -> list[str]:
    """The states reachable from `status`, in the order of the procedure."""
    return [s for s in InterviewStatus.values if s in ALLOWED[status]]


def _label(status: str) -> str:
    """A state's name in the refusal: Chinese like every DomainError message, whatever the page language."""
    with translation.override("zh-hans"):
        return str(STATUS_LABEL[status])


def refusal(status: str, to: str) -> str:
    allowed = "、".join(_label(s) for s in next_states(status)) or "无"
    return f"约谈当前为“{_label(status)}”，不能改为“{_label(to)}”（可进行：{allowed}）"


def _move(jurisdiction: Jurisdiction, interview_id: int, to: str, action: str) -> Interview:
    """Lock the row, check the action at its unit and the transition table (IllegalTransition, 409,
    names both states). The caller sets the step's fields and `_save`s the row returned here."""
    locked = lock_interview(interview_id)
    require(jurisdiction, action, locked.org_unit)
    if to not in ALLOWED[locked.status]:
        raise IllegalTransition(refusal(locked.status, to))
    locked.status = to
    return locked


def _save(actor: Actor, interview: Interview, action: str, fields: list[str], **summary: object) -> Interview:
    interview.save(update_fields=["status", *fields])
    audit_record(actor=actor, action=f"talks.{action}", obj=interview, org_unit=interview.org_unit,
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


def _target_unit(jurisdiction: Jurisdiction, target_kind: str, team: OrgUnit | None, team_head: Cadre | None,
                 cadre: Cadre | None) -> OrgUnit:
    if target_kind not in InterviewTarget.values:
        raise ValidationFailed("约谈对象类型无效", field="target_kind")
    if target_kind == InterviewTarget.TEAM:
        if team is None:
            raise ValidationFailed("约谈领导班子须指定班子（单位）", field="team")
        if team_head is not None and not jurisdiction.contains(team_head.org_unit):
            raise NotFound("未找到该干部，或不在您的管辖范围内")
        return team
    if cadre is None:
        raise ValidationFailed("约谈领导干部须指定干部", field="cadre")
    return cadre.org_unit


@transaction.atomic
def interview_propose(
    *, actor: Actor, jurisdiction: Jurisdiction, target_kind: str, situations: list[InterviewSituation],
    proposed_on: date, team: OrgUnit | None = None, team_head: Cadre | None = None, cadre: Cadre | None = None,
    reason: str = "", proposing_office: str = "干部监督机构",
) -> Interview:
    org_unit = _target_unit(jurisdiction, target_kind, team, team_head, cadre)
    _check_situations(target_kind, situations)
    require(jurisdiction, "talks.interview_propose", org_unit)
    is_team = target_kind == InterviewTarget.TEAM
    interview = Interview.objects.create(
        org_unit=org_unit, target_kind=target_kind, team=team if is_team else None,
        team_head=team_head if is_team else None, cadre=None if is_team else cadre,
        proposed_by_id=actor_id(actor), proposing_office=proposing_office, proposed_on=proposed_on, reason=reason)
    interview.situations.set(situations)
    audit_record(actor=actor, action="talks.interview_propose", obj=interview, org_unit=org_unit, summary={
        "target_kind": target_kind, "team": team.pk if team else None, "cadre": cadre.pk if cadre else None,
        "situations": [s.code for s in situations], "proposed_on": proposed_on.isoformat()})
    return interview


@transaction.atomic
def interview_approve(*, actor: Actor, jurisdiction: Jurisdiction, interview_id: int, on: date) -> Interview:
    locked = _move(jurisdiction, interview_id, InterviewStatus.APPROVED, "talks.interview_approve")
    locked.decided_by_id, locked.decided_on = actor_id(actor), on
    return _save(actor, locked, "interview_approve", ["decided_by", "decided_on"], on=on)


@transaction.atomic
def interview_reject(*, actor: Actor, jurisdiction: Jurisdiction, interview_id: int, on: date,
                     reason: str) -> Interview:
    if not reason.strip():
        raise ValidationFailed("不予批准须说明理由", field="reason")
    locked = _move(jurisdiction, interview_id, InterviewStatus.REJECTED, "talks.interview_approve")
    locked.decided_by_id, locked.decided_on, locked.rejection_reason = actor_id(actor), on, reason
    return _save(actor, locked, "interview_reject", ["decided_by", "decided_on", "rejection_reason"], on=on,
                 reason=reason)


@transaction.atomic
def interview_send_notice(*, actor: Actor, jurisdiction: Jurisdiction, interview_id: int, on: date,
                          scheduled_for: date) -> Interview:
    if scheduled_for < on:
        raise ValidationFailed("约定约谈日期不能早于预告日期", field="scheduled_for")
    locked = _move(jurisdiction, interview_id, InterviewStatus.NOTICE_SENT, "talks.interview_step")
    locked.notice_sent_on, locked.scheduled_for = on, scheduled_for
    return _save(actor, locked, "interview_send_notice", ["notice_sent_on", "scheduled_for"], on=on,
                 scheduled_for=scheduled_for)


@transaction.atomic
def interview_hold(*, actor: Actor, jurisdiction: Jurisdiction, interview_id: int, held_on: date,
                   interviewers: str, place: str, record: str) -> Interview:
    if not interviewers.strip():
        raise ValidationFailed("请填写约谈人", field="interviewers")
    if not record.strip():
        raise ValidationFailed("请填写约谈记录（全程纪实）", field="record")
    locked = _move(jurisdiction, interview_id, InterviewStatus.HELD, "talks.interview_step")
    if locked.notice_sent_on and held_on < locked.notice_sent_on:
        raise ValidationFailed("约谈日期不能早于预告日期", field="held_on")
    locked.held_on, locked.interviewers, locked.place, locked.record = held_on, interviewers, place, record
    return _save(actor, locked, "interview_hold", ["held_on", "interviewers", "place", "record"], held_on=held_on)


@transaction.atomic
def interview_follow_up(*, actor: Actor, jurisdiction: Jurisdiction, interview_id: int, on: date,
                        meeting_title: str = "", meeting_minutes: str = "") -> Interview:
    """Team: the party committee meeting that reports the interview (recorded as a core Meeting).
    Cadre: the unit head is informed on `on`, and the written report falls due (R15)."""
    locked = _move(jurisdiction, interview_id, InterviewStatus.FOLLOW_UP, "talks.interview_step")
    if locked.held_on and on < locked.held_on:
        raise ValidationFailed("后续工作日期不能早于约谈日期", field="on")
    if locked.target_kind == InterviewTarget.TEAM:
        assert locked.team is not None
        locked.committee_meeting = meeting_record(
            actor=actor, kind=MeetingKind.PARTY_COMMITTEE, org_unit=locked.team, held_on=on,
            title=meeting_title or "通报约谈情况、查找问题、议定整改措施", minutes=meeting_minutes)
        return _save(actor, locked, "interview_follow_up", ["committee_meeting"], meeting_on=on)
    locked.head_informed_on = on
    locked.report_due_on = report_due_on(on, locked.org_unit)
    return _save(actor, locked, "interview_follow_up", ["head_informed_on", "report_due_on"], informed_on=on,
                 report_due_on=locked.report_due_on)


def awaiting_report(interview: Interview) -> bool:
    """A cadre's interview in follow-up whose written report has not been registered yet."""
    return (interview.status == InterviewStatus.FOLLOW_UP and interview.target_kind != InterviewTarget.TEAM
            and interview.report_submitted_on is None)


@transaction.atomic
def interview_report_submit(*, actor: Actor, jurisdiction: Jurisdiction, interview_id: int, submitted_on: date,
                            text: str) -> Interview:
    locked = lock_interview(interview_id)
    require(jurisdiction, "talks.interview_step", locked.org_unit)
    if locked.status != InterviewStatus.FOLLOW_UP or locked.target_kind == InterviewTarget.TEAM:
        raise IllegalTransition(
            f"约谈当前为“{_label(locked.status)}”，只有对领导干部约谈的整改跟进阶段才能登记书面报告")
    if not text.strip():
        raise ValidationFailed("请填写书面报告内容", field="text")
    locked.report_submitted_on, locked.report_text = submitted_on, text
    locked.save(update_fields=["report_submitted_on", "report_text"])
    audit_record(actor=actor, action="talks.interview_report_submit", obj=locked, org_unit=locked.org_unit,
                 summary={"submitted_on": submitted_on.isoformat(), "due_on": str(locked.report_due_on),
                          "late": bool(locked.report_due_on and submitted_on > locked.report_due_on)})
    return locked


@transaction.atomic
def interview_assess(*, actor: Actor, jurisdiction: Jurisdiction, interview_id: int, on: date, outcome: str,
                     note: str = "") -> Interview:
    """Assess after the follow-up; no visible improvement → a proposal of 诫勉 or organisational handling.
    A cadre's interview waits for the written report until the day after it falls due (R15)."""
    if outcome not in InterviewOutcome.values:
        raise ValidationFailed("评估结论无效", field="outcome")
    locked = _move(jurisdiction, interview_id, InterviewStatus.ASSESSED, "talks.interview_assess")
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
            outcome="建议", created_by_id=actor_id(actor))
    return _save(actor, locked, "interview_assess", ["assessed_on", "outcome", "outcome_note"], outcome=outcome)


# The steps of the procedure by name (pages and API), each with the state it leads to ("report" keeps
# the state: it completes the follow-up of a cadre's interview).
STEP_TO: dict[str, str] = {
    "approve": InterviewStatus.APPROVED, "reject": InterviewStatus.REJECTED,
    "notice": InterviewStatus.NOTICE_SENT, "hold": InterviewStatus.HELD,
    "follow-up": InterviewStatus.FOLLOW_UP, "report": InterviewStatus.FOLLOW_UP,
    "assess": InterviewStatus.ASSESSED,
}
STEPS = tuple(STEP_TO)
STEP_ACTIONS: dict[str, str] = {step: "talks.interview_step" for step in STEPS} | {
    "approve": "talks.interview_approve", "reject": "talks.interview_approve", "assess": "talks.interview_assess"}


def allowed_steps(interview: Interview) -> list[str]:
    """The steps the state machine allows now, in the order of the procedure."""
    reachable = next_states(interview.status)
    steps = [step for to in reachable for step, target in STEP_TO.items() if target == to and step != "report"]
    return ["report", *steps] if awaiting_report(interview) else steps


def refuse_unless_allowed(interview: Interview, step: str) -> None:
    """Refuse a step the state machine does not allow now (409) before its form is even read."""
    if step in allowed_steps(interview):
        return
    if step == "report":
        raise IllegalTransition(
            f"约谈当前为“{_label(interview.status)}”，只有对领导干部约谈的整改跟进阶段才能登记书面报告")
    raise IllegalTransition(refusal(interview.status, STEP_TO[step]))


StepService = Callable[[Actor, Jurisdiction, int, date, Mapping[str, Any]], Interview]


def _text(data: Mapping[str, Any], name: str) -> str:
    return str(data.get(name) or "")


_STEP_SERVICES: dict[str, StepService] = {
    "approve": lambda a, j, i, on, d: interview_approve(actor=a, jurisdiction=j, interview_id=i, on=on),
    "reject": lambda a, j, i, on, d: interview_reject(actor=a, jurisdiction=j, interview_id=i, on=on,
                                                      reason=_text(d, "reason")),
    "notice": lambda a, j, i, on, d: interview_send_notice(actor=a, jurisdiction=j, interview_id=i, on=on,
                                                           scheduled_for=d.get("scheduled_for") or on),
    "hold": lambda a, j, i, on, d: interview_hold(actor=a, jurisdiction=j, interview_id=i, held_on=on,
                                                  interviewers=_text(d, "interviewers"), place=_text(d, "place"),
                                                  record=_text(d, "record")),
    "follow-up": lambda a, j, i, on, d: interview_follow_up(actor=a, jurisdiction=j, interview_id=i, on=on,
                                                            meeting_minutes=_text(d, "note")),
    "report": lambda a, j, i, on, d: interview_report_submit(actor=a, jurisdiction=j, interview_id=i,
                                                             submitted_on=on, text=_text(d, "text")),
    "assess": lambda a, j, i, on, d: interview_assess(actor=a, jurisdiction=j, interview_id=i, on=on,
                                                      outcome=_text(d, "outcome"), note=_text(d, "note")),
}


def interview_step(*, actor: Actor, jurisdiction: Jurisdiction, interview_id: int, step: str,
                   data: Mapping[str, Any]) -> Interview:
    """One step of the procedure by name, with its fields in `data` (`on` is the step's date)."""
    service = _STEP_SERVICES.get(step)
    if service is None:
        raise ValidationFailed(f"未知的约谈步骤“{step}”，可选：{'、'.join(STEPS)}", field="step")
    on = data.get("on")
    if not isinstance(on, date):
        raise ValidationFailed("请填写日期", field="on")
    return service(actor, jurisdiction, interview_id, on, data)
