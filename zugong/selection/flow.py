"""The stages of one selection as a flow (流程图) and the trace-back report (倒查, R20): reads over a
selection fetched by `selectors.selection_get` (records and signatures prefetched: no further query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zugong.cadres.archive_audit import Finding
from zugong.core.models import Attachment
from zugong.selection.models import FLOW, CandidateStatus, Selection, Stage, StageRecord
from zugong.selection.recommendation import RoundStanding, r17_reason, recommendation_rounds
from zugong.selection.stage_files import record_digest, stage_files

# 谁推荐谁负责, 谁考察谁负责, 谁决策谁负责: who answers for each stage, as the trace-back names them.
RESPONSIBILITY: dict[str, str] = {
    Stage.MOTION: "动议提出人", Stage.RECOMMENDATION: "推荐人（署名推荐）", Stage.SHORTLIST: "确定考察对象的经办人",
    Stage.INVESTIGATION: "考察组", Stage.CONSULTATION: "征求意见的经办人", Stage.DECISION: "讨论决定的会议成员",
    Stage.PUBLICITY: "公示经办人", Stage.APPOINTMENT: "发文任职的经办人",
}


LABELS: dict[str, str | Promise] = {
    "proposed_by": _("动议提出人"), "reason": _("动议理由"), "posts": _("拟任职务"), "plan": _("工作方案"),
    "rank_level": _("职务层次"), "eligible": _("会议推荐应参加人数"), "issued": _("会议推荐发出票"),
    "returned": _("会议推荐收回票"), "valid": _("会议推荐有效票"), "talk": _("谈话推荐"), "signed_recommendations": _("署名推荐"), "signed": _("署名推荐人"), "votes": _("会议推荐得票"), "candidates": _("考察对象"),
    "team": _("考察组成员"), "talks_held": _("个别谈话人数"), "findings": _("考察结论"), "replied_on": _("回复日期"),
    "audit_note": _("经济责任审计"), "replies": _("廉政意见回复"), "kind": _("会议"), "held_on": _("会议日期"),
    "expected": _("应到会人数"), "present": _("实到会人数"), "statements": _("发言顺序"), "tallies": _("表决结果"),
    "start": _("公示开始"), "end": _("公示结束"), "workdays": _("公示工作日"), "channel": _("公示方式"),
    "reports": _("公示期间收到的反映"), "on": _("任职日期"), "title": _("任职职务"), "document_number": _("任职文号"),
    "due": _("发文期限（R13）"), "announcer": _("发文机关（R13）"), "late_reason": _("逾期原因"), "appointed": _("任职人员"),
    "publicity_reports": _("公示期间收到的反映"), "meeting_held": _("会议推荐"),
}
MEETING_NOT_HELD = _("未开展（方案为只开展谈话推荐）")
COMMITTEES = {"standing": _("常委会"), "plenary": _("全委会")}
SHORTCOMINGS, SECRETARY, PASSED, NOT_PASSED = _("不足"), _("书记"), _("通过"), _("未通过")
TALK_COUNTS = _("应参加 %(eligible)s 人，发出 %(issued)s 票，收回 %(returned)s 票，有效 %(valid)s 票")
TALK_VOTES = _("得票")
AGREE, DISAGREE, ABSTAIN = _("同意"), _("不同意"), _("弃权")


def _item_text(key: str, item: dict[str, Any]) -> str:
    if key == "votes":
        return f"{item['name']} {item['votes']}"
    if key == "findings":
        faults = "；".join(f"{s['item']}（{s['fact']}）" for s in item["shortcomings"])
        return f"{item['name']}：{item['evaluation']} {item['conclusion']} / {SHORTCOMINGS}：{faults}"
    if key == "replies":
        return f"{item['name']}：{item['reply']}"
    if key == "statements":
        return f"{item['name']}（{SECRETARY}）" if item["is_secretary"] else str(item["name"])
    if key == "tallies":
        verdict = PASSED if item["passed"] else NOT_PASSED
        votes = f"{AGREE} {item['agree']} / {DISAGREE} {item['disagree']} / {ABSTAIN} {item['abstain']}"
        return f"{item['name']}：{votes} · {verdict}"
    if key == "signed":
        post = f"（{item['post']}）" if item["post"] else ""
        return f"{item['recommender']}{post} → {item['name']}：{item['reason']}"
    if key == "reports":  # records written before the reports were rows of their own
        return f"{item['content']}：{item['conclusion']}"
    if key == "publicity_reports":
        return publicity_report_text(item)
    return str(item.get("name", item))


def publicity_report_text(item: dict[str, Any]) -> str:
    """One report of the publicity period without its content: day, channel, about whom, outcome, handling."""
    from zugong.selection.models import PublicityChannel, PublicityHandling, PublicityReportStatus

    channel = PublicityChannel(item["channel"]).label if item["channel"] in PublicityChannel.values else item["channel"]
    status = PublicityReportStatus(item["status"]).label if item["status"] in PublicityReportStatus.values else ""
    about = f"（{item['cadre']}）" if item.get("cadre") else ""
    handling = (f"，{PublicityHandling(item['handling']).label}" if item.get("handling") in PublicityHandling.values
                else "")
    return f"{item['received_on']} {channel}{about}：{status}{handling}"


def _talk_text(talk: dict[str, Any]) -> str:
    votes = "、".join(_item_text("votes", v) for v in talk.get("votes", [])) or "—"
    return f"{TALK_COUNTS % talk}；{TALK_VOTES}：{votes}"


def record_rows(data: dict[str, Any]) -> list[tuple[str | Promise, str]]:
    """A stage record as (label, text) lines for the page and the trace-back report."""
    rows: list[tuple[str | Promise, str]] = []
    for key, value in data.items():
        if isinstance(value, list):
            text = "、".join(_item_text(key, item) for item in value) if value else "—"
        elif key == "talk" and isinstance(value, dict):
            text = _talk_text(value)
        elif key == "kind":
            text = str(COMMITTEES.get(str(value), value))
        elif key == "meeting_held":
            text = str(MEETING_NOT_HELD)
        else:
            text = str(value) if value not in ("", None) else "—"
        rows.append((LABELS.get(key, key), text))
    return rows


@dataclass(frozen=True)
class SignatureView:
    signer: str
    capacity: str
    signed_at: datetime
    digest: str
    audit_sequence: int
    valid: bool
    attested_by: str = ""  # a signer who is not a user: the user who recorded and attests the signature


def _user_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username()) if user is not None else ""


@dataclass(frozen=True)
class FlowStage:
    stage: str
    label: str | Promise
    state: str  # done, current, pending, stopped
    digest: str | None
    data: dict[str, Any] | None
    signatures: list[SignatureView]
    recorded_by: str
    files: list[Attachment]

    @property
    def rows(self) -> list[tuple[str | Promise, str]]:
        return record_rows(self.data) if self.data else []

    @property
    def mismatch(self) -> bool:
        return any(not s.valid for s in self.signatures)


def _signatures(record: StageRecord, digest: str) -> list[SignatureView]:
    return [SignatureView(signer=s.signer_name, capacity=s.capacity, signed_at=s.signed_at, digest=s.digest,
                          audit_sequence=s.audit_sequence, valid=s.digest == digest,
                          attested_by=_user_name(s.attested_by)) for s in record.signatures.all()]


def _state(selection: Selection, stage: str, recorded: bool) -> str:
    if recorded:
        return "done"
    if selection.stage == stage:
        return "current"
    if selection.stage == Stage.STOPPED:
        return "stopped"
    return "pending"


def stage_flow(selection: Selection) -> list[FlowStage]:
    records = {r.stage: r for r in selection.records.all()}
    files = stage_files(records.values())
    flow = []
    for stage in FLOW:
        record = records.get(stage)
        recorder = record.recorded_by if record is not None else None
        attached = files[record.pk] if record is not None else []
        digest = record_digest(record, attached) if record is not None else None
        flow.append(FlowStage(
            stage=stage, label=Stage(stage).label, state=_state(selection, stage, record is not None),
            digest=digest, data=record.data if record else None,
            signatures=_signatures(record, digest) if record is not None and digest else [],
            recorded_by=(recorder.get_full_name() or recorder.get_username()) if recorder else "",
            files=attached))
    return flow


def open_audit_errors(selection: Selection) -> dict[int, list[Finding]]:
    """R19 before 讨论决定: the candidates' archive-audit errors not signed off (empty at other stages)."""
    if selection.stage != Stage.DECISION:
        return {}
    from zugong.selection.selectors import audit_errors

    ids = [c.cadre_id for c in selection.candidates.all() if c.status == CandidateStatus.SHORTLISTED]
    return {pk: rows for pk, rows in audit_errors(selection, ids, timezone.localdate()).items() if rows}


@dataclass(frozen=True)
class ShortlistRow:
    cadre_id: int
    name: str
    votes: int  # both rounds together
    rank: int  # the best rank of the rounds the cadre was recommended in
    blocked_by: str  # "" when every gate lets the cadre through
    reason: str
    shortlisted: bool
    rounds: list[RoundStanding]



def shortlist_preview(selection: Selection, on: date) -> list[ShortlistRow]:
    """确定考察对象: every recommended cadre with the gates R18 and R17 already applied (R23 for new township
    recruits), so the page says before anyone tries who may be shortlisted and why not. A handful of
    queries however many were recommended: the shield is one set-based query, R17 works on the votes of
    both rounds (会议推荐, 谈话推荐) already read."""
    from zugong.rules.params import rule_title
    from zugong.rules.registry import rule_enabled
    from zugong.selection.params import r17_in_force
    from zugong.selection.rule_wiring import R18_REASON
    from zugong.selection.selectors import shielded_ids
    from zugong.selection.shortlist_gates import shortlist_refusals

    if selection.stage != Stage.SHORTLIST:
        return []
    unit = selection.org_unit
    record = next((r for r in selection.records.all() if r.stage == Stage.RECOMMENDATION), None)
    all_votes = list(selection.votes.all())
    rounds = recommendation_rounds(record.data if record else {}, all_votes)
    people = {v.cadre_id: v.cadre for v in all_votes}
    totals = {pk: sum(r.votes.get(pk, 0) for r in rounds) for pk in people}
    order = sorted(people, key=lambda pk: (-totals[pk], pk))
    shielded = shielded_ids(order) if rule_enabled("R18", org_unit=unit, on=on) else set()
    r17, share, max_rank = r17_in_force(unit, on)
    chosen = {c.cadre_id for c in selection.candidates.all()}
    # R23 and every gate another module registered, over all of them at once (`shortlist_gates`)
    others = shortlist_refusals([people[pk] for pk in order if pk not in shielded], org_unit=unit, on=on)
    rows = []
    for pk in order:
        name, standing = people[pk].name, [r.of(pk) for r in rounds]
        gate, reason = "", ""
        if pk in shielded:
            gate, reason = "R18", R18_REASON.format(name=name)
        elif r17 and (why := r17_reason(name, standing, share, max_rank)):
            gate, reason = "R17", why
        elif pk in others:
            gate, reason = others[pk]
        if gate and not reason.startswith("不符合"):
            reason = f"不符合{gate}（{rule_title(gate)}）：{reason}"
        best = min((r.rank for r in standing if r.rank), default=0)
        rows.append(ShortlistRow(pk, name, totals[pk], best, gate, reason, pk in chosen, standing))
    return rows


def _people(stage: str, data: dict[str, Any]) -> str:
    """The people the stage record names as responsible."""
    if stage == Stage.MOTION:
        return str(data.get("proposed_by", ""))
    if stage == Stage.RECOMMENDATION:
        named = [f"{r['recommender']}（推荐{r['name']}）" for r in data.get("signed", [])]
        return "、".join(named + ([str(data["signed_recommendations"])] if data.get("signed_recommendations") else []))
    if stage == Stage.INVESTIGATION:
        return str(data.get("team", ""))
    if stage == Stage.DECISION:
        return "、".join(s["name"] for s in data.get("statements", []))
    return ""


def selection_trace(selection: Selection) -> list[dict[str, Any]]:
    """倒查: per stage done, who answers for it, who recorded it, who signed it, and whether the record is
    still the one they signed."""
    rows = []
    for f in stage_flow(selection):
        if f.data is None:
            continue
        rows.append({
            "stage": f.stage, "label": str(f.label), "responsibility": RESPONSIBILITY[f.stage],
            "people": _people(f.stage, f.data), "recorded_by": f.recorded_by, "digest": f.digest, "record": f.data,
            "attachments": [{"id": a.pk, "name": a.name, "size": a.size, "sha256": a.sha256,
                             "uploaded_at": a.uploaded_at.isoformat()} for a in f.files],
            "signatures": [{"signer": s.signer, "capacity": s.capacity, "signed_at": s.signed_at.isoformat(),
                            "audit_sequence": s.audit_sequence, "valid": s.valid, "attested_by": s.attested_by}
                           for s in f.signatures],
            "unsigned": not f.signatures, "changed_after_signing": any(not s.valid for s in f.signatures)})
        if f.stage == Stage.PUBLICITY:  # what the period received, as it stands now (no content: confidential)
            rows[-1]["publicity_reports"] = [publicity_report_row(r) for r in selection.publicity_reports.all()]
    return rows


def publicity_report_row(r: Any) -> dict[str, Any]:
    """A `PublicityReport` for the trace, without its content (the content is read on the selection page by
    those allowed, and logged)."""
    return {"id": r.pk, "received_on": r.received_on.isoformat(), "channel": r.channel,
            "channel_label": str(r.get_channel_display()), "cadre": r.cadre.name if r.cadre else "",
            "status": r.status, "status_label": str(r.get_status_display()), "handling": r.handling,
            "handling_label": str(r.get_handling_display()) if r.handling else "",
            "concluded_on": r.concluded_on.isoformat() if r.concluded_on else None,
            "checked_by": _user_name(r.checked_by), "blocks": r.blocks}
