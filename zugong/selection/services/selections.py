"""The stages of a selection (选拔任用): one service per step, each checking the transition table, the gates
and the stage's own rules, writing the stage record (全程纪实) and an audit event."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.cadres.services import post_change
from zugong.core.attachments import attachments_of
from zugong.core.audit import audit_record
from zugong.core.calendar import workdays_between
from zugong.core.errors import Conflict, GateRefused, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgUnit
from zugong.core.permissions import Actor, require
from zugong.rules.registry import check_gate
from zugong.selection import params
from zugong.selection.locks import lock_selection
from zugong.selection.models import (
    SELECTION_ALLOWED,
    AuditSignOff,
    Candidate,
    CandidateRefusal,
    CandidateStatus,
    CommitteeKind,
    RecommendationKind,
    RecommendationVote,
    Selection,
    SignedRecommendation,
    Stage,
    StageRecord,
    StageSignature,
)
from zugong.selection.recommendation import recommendation_rounds
from zugong.selection.services.publicity import blocking_reason, reports_of
from zugong.selection.services.review import plan_cleared
from zugong.selection.shortlist_gates import shortlist_refusals
from zugong.selection.stage_files import record_digest

ADVANCE = "selection.selection_advance"


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None else None


def _text(value: str, label: str, field: str) -> str:
    if not value.strip():
        raise ValidationFailed(f"请填写{label}", field=field)
    return value.strip()


def _locked(jurisdiction: Jurisdiction, selection_id: int, action: str, stage: str | None) -> Selection:
    """Lock the selection, check the role, and that it stands at `stage` (None: any open stage)."""
    selection = lock_selection(selection_id)
    require(jurisdiction, action, selection.org_unit)
    if selection.is_final:
        raise IllegalTransition(f"该选拔任用工作{Stage(selection.stage).label}，不能再办理")
    if stage is not None and selection.stage != stage:
        raise IllegalTransition(f"该选拔任用工作当前处于“{Stage(selection.stage).label}”环节，"
                                f"不能办理“{Stage(stage).label}”")
    return selection


def _move(actor: Actor, selection: Selection, to: str, data: dict[str, Any]) -> Selection:
    """Write the current stage's record and move on (the table is checked here, once for every step)."""
    if to not in SELECTION_ALLOWED[selection.stage]:
        raise IllegalTransition(f"不能从“{Stage(selection.stage).label}”转到“{Stage(to).label}”")
    record = StageRecord.objects.create(selection=selection, stage=selection.stage, data=data,
                                        recorded_by_id=_actor_id(actor))
    done = selection.stage
    selection.stage = to
    selection.save(update_fields=["stage"])
    audit_record(actor=actor, action=f"selection.{done}_record", obj=selection, org_unit=selection.org_unit,
                 summary={"stage": done, "to": to, "digest": record.digest()})
    return selection


def _cadre_ref(cadre: Cadre) -> dict[str, Any]:
    return {"id": cadre.pk, "name": cadre.name}


# --- 动议 -------------------------------------------------------------------------------------------------

@transaction.atomic
def selection_open(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, title: str, posts: str,
                   proposed_by: str, reason: str, plan: str, rank_level: str = "",
                   requires_report: bool = False) -> Selection:
    """动议: who proposed, why, the posts and the plan (方案); the selection then awaits 民主推荐."""
    require(jurisdiction, "selection.selection_open", org_unit)
    data = {"proposed_by": _text(proposed_by, "动议提出人", "proposed_by"), "reason": _text(reason, "动议理由", "reason"),
            "posts": _text(posts, "拟任职务", "posts"), "plan": _text(plan, "工作方案", "plan"),
            "rank_level": rank_level.strip()}
    selection = Selection.objects.create(org_unit=org_unit, title=_text(title, "名称", "title"), posts=data["posts"],
                                         rank_level=rank_level.strip(), requires_report=requires_report,
                                         created_by_id=_actor_id(actor))
    audit_record(actor=actor, action="selection.selection_open", obj=selection, org_unit=org_unit,
                 summary={"title": selection.title, "requires_report": requires_report})
    return _move(actor, selection, Stage.RECOMMENDATION, data)


# --- 民主推荐 ---------------------------------------------------------------------------------------------

@transaction.atomic
def recommendation_vote_set(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, cadre: Cadre,
                            votes: int, kind: str = RecommendationKind.MEETING) -> RecommendationVote:
    """The votes of one cadre in one round (会议推荐 or 谈话推荐); setting it again replaces it."""
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.RECOMMENDATION)
    plan_cleared(selection)
    if kind not in RecommendationKind.values:
        raise ValidationFailed("请选择会议推荐或谈话推荐", field="kind")
    if votes < 0:
        raise ValidationFailed("推荐票数不能为负数", field="votes")
    row, _created = RecommendationVote.objects.update_or_create(selection=selection, cadre=cadre, kind=kind,
                                                               defaults={"votes": votes})
    audit_record(actor=actor, action="selection.recommendation_vote_set", obj=selection,
                 org_unit=selection.org_unit, summary={"cadre": cadre.pk, "kind": kind, "votes": votes})
    return row


@transaction.atomic
def signed_recommendation_add(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, recommender: str,
                              cadre: Cadre, reason: str, recommender_post: str = "") -> SignedRecommendation:
    """署名推荐: the recommender is named and stays accountable; kept in the 民主推荐 record and the trace."""
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.RECOMMENDATION)
    plan_cleared(selection)
    row = SignedRecommendation.objects.create(
        selection=selection, recommender=_text(recommender, "推荐人", "recommender"), cadre=cadre,
        recommender_post=recommender_post.strip(), reason=_text(reason, "推荐理由", "reason"))
    audit_record(actor=actor, action="selection.signed_recommendation_add", obj=selection,
                 org_unit=selection.org_unit, summary={"recommender": row.recommender, "cadre": cadre.pk})
    return row


@dataclass(frozen=True)
class Ballots:
    """One round's ballots: who was eligible to vote, ballots issued, returned and valid."""

    eligible: int
    issued: int
    returned: int
    valid: int


def _check_ballots(label: str, b: Ballots, votes: list[RecommendationVote], prefix: str) -> None:
    if not 0 < b.issued <= b.eligible:
        raise ValidationFailed(f"{label}发出票数 {b.issued} 应大于 0 且不超过应参加人数 {b.eligible}",
                               field=f"{prefix}issued")
    if b.returned > b.issued or b.valid > b.returned:
        raise ValidationFailed(f"{label}收回票 {b.returned} 不能多于发出票 {b.issued}，"
                               f"有效票 {b.valid} 不能多于收回票", field=f"{prefix}valid")
    over = [v for v in votes if v.votes > b.valid]
    if over:
        raise ValidationFailed(f"{label}中{over[0].cadre.name}的得票 {over[0].votes} 多于有效票 {b.valid}",
                               field=f"{prefix}valid")


def _round_votes(votes: list[RecommendationVote]) -> list[dict[str, Any]]:
    return [{**_cadre_ref(v.cadre), "votes": v.votes} for v in votes]


@transaction.atomic
def recommendation_close(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, eligible: int | None = None,
                         issued: int | None = None, returned: int | None = None, valid: int | None = None,
                         signed_recommendations: str = "", talk: Ballots | None = None) -> Selection:
    """民主推荐 closes with each round's ballots: the 会议推荐's (eligible … valid) and, when one was held, the
    谈话推荐's (`talk`); every vote must fit in its round's valid ballots. The record keeps the meeting round
    where it always was (records closed before the rounds were told apart read the same) and the talk round
    under `talk`. A 民主推荐 by 谈话推荐 only (the 方案 says so) gives no meeting counts at all: the record then says
    `meeting_held: false` and holds the talk round alone, and R17 reads that round only."""
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.RECOMMENDATION)
    plan_cleared(selection)
    rounds: dict[str, list[RecommendationVote]] = {k: [] for k in RecommendationKind.values}
    for v in selection.votes.select_related("cadre").order_by("-votes", "cadre_id"):
        rounds[v.kind].append(v)
    counts = (eligible, issued, returned, valid)
    meeting_held = any(n is not None for n in counts)
    if meeting_held and any(n is None for n in counts):
        raise ValidationFailed("会议推荐的应参加人数、发出票、收回票和有效票须一并填写；只开展谈话推荐的，四项均不填",
                               field="eligible")
    if meeting_held:
        assert eligible is not None and issued is not None and returned is not None and valid is not None
        _check_ballots("会议推荐", Ballots(eligible, issued, returned, valid), rounds[RecommendationKind.MEETING], "")
    elif talk is None:
        raise ValidationFailed("请填写会议推荐的参加人数和票数；方案为只开展谈话推荐的，请填写谈话推荐的参加人数和票数",
                               field="eligible")
    elif rounds[RecommendationKind.MEETING]:
        raise ValidationFailed("已登记会议推荐票，请填写会议推荐的参加人数和票数", field="eligible")
    if talk is None and rounds[RecommendationKind.TALK]:
        raise ValidationFailed("已登记谈话推荐票，请填写谈话推荐的参加人数和票数", field="talk_eligible")
    if talk is not None:
        _check_ballots("谈话推荐", talk, rounds[RecommendationKind.TALK], "talk_")
    signed = selection.signed_recommendations.select_related("cadre").order_by("pk")
    data: dict[str, Any] = (
        {"eligible": eligible, "issued": issued, "returned": returned, "valid": valid} if meeting_held
        else {"meeting_held": False})
    data["signed_recommendations"] = signed_recommendations.strip()
    if meeting_held:
        data["votes"] = _round_votes(rounds[RecommendationKind.MEETING])
    if talk is not None:
        data["talk"] = {"eligible": talk.eligible, "issued": talk.issued, "returned": talk.returned,
                        "valid": talk.valid, "votes": _round_votes(rounds[RecommendationKind.TALK])}
    data["signed"] = [{**_cadre_ref(r.cadre), "recommender": r.recommender, "post": r.recommender_post,
                       "reason": r.reason} for r in signed]
    return _move(actor, selection, Stage.SHORTLIST, data)


# --- 确定考察对象: the R18 and R17 gates ------------------------------------------------------------------

def _recommendation_data(selection: Selection) -> dict[str, Any]:
    record = selection.records.filter(stage=Stage.RECOMMENDATION).first()
    return record.data if record else {}


@transaction.atomic
def _candidate_add(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, cadre: Cadre,
                   on: date) -> Candidate:
    selection = _locked(jurisdiction, selection_id, "selection.candidate_add", Stage.SHORTLIST)
    if selection.candidates.filter(cadre=cadre).exists():
        raise Conflict(f"{cadre.name}已是考察对象")
    check_gate("R18", org_unit=selection.org_unit, on=on, cadre=cadre)
    rounds = recommendation_rounds(_recommendation_data(selection), list(selection.votes.all()))
    standing = [r.of(cadre.pk) for r in rounds]
    check_gate("R17", org_unit=selection.org_unit, on=on, cadre=cadre, rounds=standing)
    # R23 (a new township recruit may not be shortlisted for a post outside the township before the years are
    # served; post_change applies it again at 任职) and every gate another module registered
    refused = shortlist_refusals([cadre], org_unit=selection.org_unit, on=on).get(cadre.pk)
    if refused is not None:
        raise GateRefused(refused[1], code="gate_refused")
    candidate = Candidate.objects.create(selection=selection, cadre=cadre)
    audit_record(actor=actor, action="selection.candidate_add", obj=selection, org_unit=selection.org_unit,
                 summary={"cadre": cadre.pk, "rounds": [{"kind": r.kind, "votes": r.votes, "rank": r.rank}
                                                        for r in standing]})
    return candidate


@transaction.atomic
def _refusal_record(*, actor: Actor, selection_id: int, cadre: Cadre, exc: GateRefused) -> None:
    selection = lock_selection(selection_id)
    found = re.match(r"不符合([A-Za-z0-9_.-]{1,8})（", exc.message)
    gate = found.group(1) if found else ""
    CandidateRefusal.objects.create(selection=selection, cadre=cadre, gate=gate, reason=exc.message)
    audit_record(actor=actor, action="selection.candidate_refuse", obj=selection, org_unit=selection.org_unit,
                 summary={"cadre": cadre.pk, "gate": gate})


def candidate_add(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, cadre: Cadre,
                  on: date) -> Candidate:
    """Make a cadre an inspection candidate; a gate's refusal is kept (the page shows what blocked whom)
    and raised again as 409."""
    try:
        return _candidate_add(actor=actor, jurisdiction=jurisdiction, selection_id=selection_id, cadre=cadre, on=on)
    except GateRefused as exc:
        _refusal_record(actor=actor, selection_id=selection_id, cadre=cadre, exc=exc)
        raise


@transaction.atomic
def shortlist_confirm(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int) -> Selection:
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.SHORTLIST)
    candidates = list(selection.candidates.select_related("cadre").order_by("pk"))
    if not candidates:
        raise Conflict("尚未确定考察对象，不能进入考察")
    return _move(actor, selection, Stage.INVESTIGATION, {"candidates": [_cadre_ref(c.cadre) for c in candidates]})


def _candidates(selection: Selection, status: str | None = None) -> list[Candidate]:
    rows = selection.candidates.select_related("cadre").order_by("pk")
    return list(rows.filter(status=status) if status else rows)


def _per_candidate(selection: Selection, given: dict[int, Any], what: str) -> list[Candidate]:
    candidates = _candidates(selection, CandidateStatus.SHORTLISTED)
    missing = [c.cadre.name for c in candidates if c.cadre_id not in given]
    if missing:
        raise ValidationFailed(f"请填写{'、'.join(missing)}的{what}")
    return candidates


# --- 考察 -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shortcoming:
    item: str  # 不足之处
    fact: str  # 事例


@dataclass(frozen=True)
class InvestigationFinding:
    evaluation: str  # 民主测评结果
    conclusion: str  # 考察结论
    shortcomings: list[Shortcoming]


def _finding_data(cadre: Cadre, finding: InvestigationFinding) -> dict[str, Any]:
    if not finding.shortcomings:
        raise ValidationFailed(f"{cadre.name}的考察结论须写明至少一条不足之处，并附具体事例", field="shortcomings")
    for item in finding.shortcomings:
        if not item.item.strip() or not item.fact.strip():
            raise ValidationFailed(f"{cadre.name}的每条不足之处都须附具体事例", field="shortcomings")
    return {**_cadre_ref(cadre), "evaluation": finding.evaluation.strip(),
            "conclusion": _text(finding.conclusion, f"{cadre.name}的考察结论", "conclusion"),
            "shortcomings": [{"item": s.item.strip(), "fact": s.fact.strip()} for s in finding.shortcomings]}


@transaction.atomic
def investigation_record(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, team: str,
                         talks_held: int, findings: dict[int, InvestigationFinding]) -> Selection:
    """考察: the team, the talks held, and per candidate the 民主测评, the conclusion and its 不足 with 事例."""
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.INVESTIGATION)
    if talks_held < 1:
        raise ValidationFailed("请填写个别谈话人数", field="talks_held")
    candidates = _per_candidate(selection, findings, "考察结论")
    data = {"team": _text(team, "考察组成员", "team"), "talks_held": talks_held,
            "findings": [_finding_data(c.cadre, findings[c.cadre_id]) for c in candidates]}
    return _move(actor, selection, Stage.CONSULTATION, data)


# --- 征求纪检监察机关意见 -----------------------------------------------------------------------------------

@transaction.atomic
def consultation_record(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, replied_on: date,
                        replies: dict[int, str], audit_note: str = "") -> Selection:
    """征求纪检监察机关意见 (廉政意见回复) per candidate, and the 经济责任审计 where one was required."""
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.CONSULTATION)
    candidates = _per_candidate(selection, replies, "廉政意见回复")
    data = {"replied_on": replied_on.isoformat(), "audit_note": audit_note.strip(),
            "replies": [{**_cadre_ref(c.cadre), "reply": _text(replies[c.cadre_id], "廉政意见回复", "replies")}
                        for c in candidates]}
    return _move(actor, selection, Stage.DECISION, data)


# --- 讨论决定 ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    name: str
    is_secretary: bool = False


@dataclass(frozen=True)
class Tally:
    agree: int
    disagree: int
    abstain: int


def _check_quorum(selection: Selection, expected: int, present: int, on: date) -> None:
    need = params.quorum(selection.org_unit, on)
    if expected < 1 or not 0 <= present <= expected:
        raise ValidationFailed(f"到会人数 {present} 应在 0 到应到会人数 {expected} 之间", field="present")
    if present * need.denominator < expected * need.numerator:
        raise Conflict(f"应到会 {expected} 人，实到 {present} 人，不足{need.numerator}/{need.denominator}，"
                       "不能讨论决定干部任免")


def _check_statements(statements: list[Statement]) -> None:
    """R21: the 一把手 states an opinion last."""
    secretaries = [i for i, s in enumerate(statements) if s.is_secretary]
    if len(secretaries) != 1:
        raise ValidationFailed("发言顺序中须有且只有一位主要负责同志（书记）", field="statements")
    if secretaries[0] != len(statements) - 1:
        raise Conflict(f"不符合R21（一把手末位表态）：{statements[secretaries[0]].name}应最后发表意见，"
                       f"其后还有 {len(statements) - 1 - secretaries[0]} 人发言")


def _check_committee(selection: Selection, kind: str, on: date) -> None:
    if kind not in CommitteeKind.values:
        raise ValidationFailed("请选择常委会或全委会", field="kind")
    rank = params.plenary_rank(selection.org_unit, on)
    if selection.rank_level and selection.rank_level == rank and kind != CommitteeKind.PLENARY:
        raise Conflict(f"不符合R21（全委会票决）：{rank}职务须由全委会票决")


def _tally_data(candidate: Candidate, tally: Tally, expected: int, present: int) -> dict[str, Any]:
    if min(tally.agree, tally.disagree, tally.abstain) < 0 or tally.agree + tally.disagree + tally.abstain > present:
        raise ValidationFailed(f"{candidate.cadre.name}的票数合计不能超过到会人数 {present}", field="tallies")
    return {**_cadre_ref(candidate.cadre), "agree": tally.agree, "disagree": tally.disagree,
            "abstain": tally.abstain, "passed": tally.agree * 2 > expected}


@transaction.atomic
def decision_record(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, kind: str, held_on: date,
                    expected: int, present: int, statements: list[Statement],
                    tallies: dict[int, Tally]) -> Selection:
    """讨论决定: quorum, the order of statements (secretary last) and a tally per candidate; a candidate
    passes with more than half of the members who should attend. Nobody passing stops the selection."""
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.DECISION)
    _check_committee(selection, kind, held_on)
    _check_quorum(selection, expected, present, held_on)
    _check_statements(statements)
    candidates = _per_candidate(selection, tallies, "表决票数")
    for candidate in candidates:  # a problem received since the shortlist shields the cadre again (R18)
        check_gate("R18", org_unit=selection.org_unit, on=held_on, cadre=candidate.cadre)
        check_gate("R19", org_unit=selection.org_unit, on=held_on, cadre=candidate.cadre, selection=selection)
    rows = [_tally_data(c, tallies[c.cadre_id], expected, present) for c in candidates]
    for candidate, row in zip(candidates, rows, strict=True):
        candidate.status = CandidateStatus.PASSED if row["passed"] else CandidateStatus.NOT_PASSED
        candidate.save(update_fields=["status"])
    data = {"kind": kind, "held_on": held_on.isoformat(), "expected": expected, "present": present,
            "statements": [{"name": s.name.strip(), "is_secretary": s.is_secretary} for s in statements],
            "tallies": rows}
    if not any(row["passed"] for row in rows):
        _move(actor, selection, Stage.STOPPED, data)
        selection.stopped_at_stage, selection.stop_reason = Stage.DECISION, "讨论决定时无人获得应到会成员半数以上同意票"
        selection.save(update_fields=["stopped_at_stage", "stop_reason"])
        return selection
    return _move(actor, selection, Stage.PUBLICITY, data)


@transaction.atomic
def audit_sign_off(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, cadre: Cadre, check: str,
                   reason: str) -> AuditSignOff:
    """R19: an org_admin signs off one open error of a candidate's archive audit before the discussion."""
    selection = _locked(jurisdiction, selection_id, "selection.audit_sign_off", Stage.DECISION)
    if not selection.candidates.filter(cadre=cadre, status=CandidateStatus.SHORTLISTED).exists():
        raise ValidationFailed(f"{cadre.name}不是本次考察对象", field="cadre")
    from zugong.selection.selectors import audit_errors

    if check not in {f.check for f in audit_errors(selection, [cadre.pk], timezone.localdate())[cadre.pk]}:
        raise ValidationFailed(f"{cadre.name}的档案审核没有待签批的“{check}”错误", field="check")
    row = AuditSignOff.objects.create(selection=selection, cadre=cadre, check_code=check, signed_by_id=_actor_id(actor),
                                      reason=_text(reason, "签批理由", "reason"))
    audit_record(actor=actor, action="selection.audit_sign_off", obj=selection, org_unit=selection.org_unit,
                 summary={"cadre": cadre.pk, "check": check, "reason": row.reason})
    return row


# --- 任前公示 ---------------------------------------------------------------------------------------------

def publicity_workdays(start: date, end: date) -> int:
    """Working days from start to end, both counted, with the 调休 calendar."""
    return workdays_between(start - timedelta(days=1), end)


@transaction.atomic
def publicity_record(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, start: date, end: date,
                     channel: str) -> Selection:
    """任前公示: the period (at least the minimum of working days) and the channel. The reports received during it
    are rows of their own (`services.publicity`), each checked and concluded before the appointment (R13)."""
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.PUBLICITY)
    days, need = publicity_workdays(start, end), params.publicity_min_workdays(selection.org_unit, start)
    if end < start or days < need:
        raise Conflict(f"公示期 {start.isoformat()} 至 {end.isoformat()} 只有 {max(days, 0)} 个工作日，"
                       f"不少于 {need} 个工作日")
    data = {"start": start.isoformat(), "end": end.isoformat(), "workdays": days,
            "channel": _text(channel, "公示方式", "channel")}
    return _move(actor, selection, Stage.APPOINTMENT, data)


# --- 任职 -------------------------------------------------------------------------------------------------

def appointment_due(selection: Selection) -> date:
    """R13: the appointment is announced within N days (default 3) after the publicity period ends."""
    record = selection.records.get(stage=Stage.PUBLICITY)
    end = date.fromisoformat(record.data["end"])
    return params.r13_due(selection.org_unit, end)


@transaction.atomic
def appointment_record(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, on: date, title: str,
                       document_number: str, late_reason: str = "") -> Selection:
    """任职: each cadre the decision passed takes the post through the cadre registry (五必谈 fires there)."""
    selection = _locked(jurisdiction, selection_id, ADVANCE, Stage.APPOINTMENT)
    received = reports_of(selection)  # R13: a clean publicity period first
    if (why := blocking_reason(received)) is not None:
        raise Conflict(why)
    due = appointment_due(selection)
    end = date.fromisoformat(selection.records.get(stage=Stage.PUBLICITY).data["end"])
    if on <= end:
        raise Conflict(f"公示期至 {end.isoformat()} 结束，任职须在公示期满之后")
    announcer = params.r13_announcer(selection.org_unit, selection.rank_level, end)
    if on > due and not late_reason.strip():
        raise Conflict(f"不符合R13（公示期满发文）：应由{announcer}在 {due.isoformat()} 前发文任职，"
                       f"已晚 {(on - due).days} 天；逾期任职须说明原因")
    title = _text(title, "任职职务", "title")
    appointed = []
    for candidate in _candidates(selection, CandidateStatus.PASSED):
        post_change(actor=actor, jurisdiction=jurisdiction, cadre=candidate.cadre, org_unit=selection.org_unit,
                    title=title, on=on, rank_level=selection.rank_level,
                    document_number=_text(document_number, "任职文号", "document_number"),
                    appointment_method="选任")
        candidate.status = CandidateStatus.APPOINTED
        candidate.save(update_fields=["status"])
        appointed.append(_cadre_ref(candidate.cadre))
    data = {"on": on.isoformat(), "title": title, "document_number": document_number.strip(),
            "due": due.isoformat(), "announcer": announcer, "late_reason": late_reason.strip(),
            "appointed": appointed,
            # what the publicity period received, as concluded (the content stays confidential: not in the record)
            "publicity_reports": [{"id": r.pk, "received_on": r.received_on.isoformat(), "channel": r.channel,
                                   "cadre": r.cadre.name if r.cadre else "", "status": r.status,
                                   "handling": r.handling} for r in received]}
    return _move(actor, selection, Stage.APPOINTED, data)


# --- 终止 -------------------------------------------------------------------------------------------------

@transaction.atomic
def selection_stop(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, reason: str) -> Selection:
    selection = _locked(jurisdiction, selection_id, "selection.selection_stop", None)
    reason = _text(reason, "终止原因", "reason")
    selection.stopped_at_stage, selection.stop_reason, selection.stage = selection.stage, reason, Stage.STOPPED
    selection.save(update_fields=["stopped_at_stage", "stop_reason", "stage"])
    audit_record(actor=actor, action="selection.selection_stop", obj=selection, org_unit=selection.org_unit,
                 summary={"at": selection.stopped_at_stage, "reason": reason})
    return selection


# --- 签字确认, and correcting a signed record -----------------------------------------------------------

def _record_of(selection: Selection, stage: str) -> StageRecord:
    record = selection.records.select_for_update(of=("self",)).filter(stage=stage).first()
    if record is None:
        label = Stage(stage).label if stage in Stage.values else stage
        raise IllegalTransition(f"“{label}”环节尚无纪实记录，不能签字或更正")
    return record


@transaction.atomic
def stage_sign(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, stage: str,
               capacity: str = "") -> StageSignature:
    """签字确认: the signer confirms the record as it is now; the digest goes into the audit chain."""
    if actor is None:
        raise ValidationFailed("签字确认须由本人登录办理")
    selection = lock_selection(selection_id)
    require(jurisdiction, "selection.stage_sign", selection.org_unit)
    record = _record_of(selection, stage)
    digest = record_digest(record, attachments_of(record))
    if record.signatures.filter(user=actor, digest=digest).exists():
        raise Conflict("您已对该环节当前的记录签字确认")
    event = audit_record(actor=actor, action="selection.stage_sign", obj=selection, org_unit=selection.org_unit,
                         summary={"stage": stage, "digest": digest, "capacity": capacity.strip()})
    return StageSignature.objects.create(record=record, user=actor, digest=digest, capacity=capacity.strip(),
                                         signer_name=actor.get_full_name() or actor.get_username(),
                                         audit_sequence=event.sequence)


@transaction.atomic
def stage_sign_attested(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, stage: str,
                        signer_name: str, capacity: str) -> StageSignature:
    """签字确认 by a committee member who is not a user (a leader who signed the paper record): the signing user
    records the name and role and attests it; the signature carries the record's digest like any other."""
    if actor is None:
        raise ValidationFailed("代为登记签字须由见证人本人登录办理")
    selection = lock_selection(selection_id)
    require(jurisdiction, "selection.stage_sign", selection.org_unit)
    record = _record_of(selection, stage)
    name = _text(signer_name, "签字人姓名", "signer_name")
    role = _text(capacity, "签字人身份（职务）", "capacity")
    digest = record_digest(record, attachments_of(record))
    if record.signatures.filter(user__isnull=True, signer_name=name, digest=digest).exists():
        raise Conflict(f"{name}已对该环节当前的记录签字确认")
    event = audit_record(actor=actor, action="selection.stage_sign_attested", obj=selection,
                         org_unit=selection.org_unit,
                         summary={"stage": stage, "digest": digest, "signer": name, "capacity": role})
    return StageSignature.objects.create(record=record, user=None, signer_name=name, capacity=role, digest=digest,
                                         attested_by=actor, audit_sequence=event.sequence)


CORRECTABLE = {"reason", "plan", "signed_recommendations", "team", "audit_note", "channel", "late_reason"}


@transaction.atomic
def stage_record_correct(*, actor: Actor, jurisdiction: Jurisdiction, selection_id: int, stage: str, field: str,
                         value: str, why: str) -> StageRecord:
    """Correct one text field of a stage record. Signatures given before no longer match its digest."""
    selection = lock_selection(selection_id)
    require(jurisdiction, ADVANCE, selection.org_unit)
    record = _record_of(selection, stage)
    if field not in CORRECTABLE or field not in record.data:
        raise ValidationFailed(f"该环节记录没有可更正的字段“{field}”", field="field")
    files = attachments_of(record)
    before = record_digest(record, files)
    record.data = {**record.data, field: value.strip()}
    record.save(update_fields=["data"])
    audit_record(actor=actor, action="selection.stage_record_correct", obj=selection, org_unit=selection.org_unit,
                 summary={"stage": stage, "field": field, "why": _text(why, "更正原因", "why"),
                          "digest_before": before, "digest_after": record_digest(record, files)})
    return record
