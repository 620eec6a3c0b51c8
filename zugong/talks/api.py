"""JSON API of the talks app, mounted under /api/v1/ by zugong/api.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from zugong.cadres.selectors import cadres_visible
from zugong.core.api_auth import permitted
from zugong.core.api_json import json_body
from zugong.core.audit import access_record_rows
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.request import Limit, Offset, RowId, actor_of, jurisdiction_of
from zugong.core.schemas import Out
from zugong.core.selectors import org_unit_by_code
from zugong.talks import selectors
from zugong.talks.access import ConfidentialReader, interview_record_for, reader_for, talk_summary_for
from zugong.talks.models import Interview, Talk, TalkKind
from zugong.talks.services.interviews import STEP_ACTIONS, interview_step
from zugong.talks.services.talks import talk_record
from zugong.talks.stats import talk_stats

router = Router(tags=["talks"])


class TalkOut(Out):
    id: int
    held_on: date
    kind: str
    kind_label: str
    org_unit: str
    talkers: list[str]
    talkees: list[str]
    place: str
    topics: str
    summary: str | None


class TalkStatsOut(Out):
    org: str
    start: date
    end: date
    total: int
    by_role: dict[str, int]
    by_kind: dict[str, int]
    by_talker: dict[str, int]
    by_unit: dict[str, int]
    roster: int
    covered: int
    coverage: float
    sentence: str


class InterviewOut(Out):
    id: int
    status: str
    status_label: str
    target_kind: str
    target: str
    org_unit: str
    situations: list[str]
    proposed_on: date
    held_on: date | None
    report_due_on: date | None
    report_submitted_on: date | None
    outcome: str
    record: dict[str, str] | None


class TalkIn(Schema):
    held_on: date
    kind: str
    talker_ids: list[RowId]
    talkee_ids: list[RowId]
    place: str = ""
    topics: str = ""
    summary: str = ""


class StepIn(Schema):
    on: date
    reason: str = ""
    scheduled_for: date | None = None
    interviewers: str = ""
    place: str = ""
    record: str = ""
    text: str = ""
    outcome: str = ""
    note: str = ""


def _talk_out(talk: Talk, summary: str | None) -> dict[str, Any]:
    return {"id": talk.pk, "held_on": talk.held_on, "kind": talk.kind, "kind_label": talk.get_kind_display(),
            "org_unit": talk.org_unit.name, "talkers": [t.name for t in talk.talkers.all()],
            "talkees": [c.name for c in talk.talkees.all()], "place": talk.place, "topics": talk.topics,
            "summary": summary}


def _interview_out(interview: Interview, record: dict[str, str] | None) -> dict[str, Any]:
    target = interview.team if interview.team_id else interview.cadre
    return {"id": interview.pk, "status": interview.status, "status_label": interview.get_status_display(),
            "target_kind": interview.target_kind, "target": str(target), "org_unit": interview.org_unit.name,
            "situations": [s.text for s in interview.situations.all()], "proposed_on": interview.proposed_on,
            "held_on": interview.held_on, "report_due_on": interview.report_due_on,
            "report_submitted_on": interview.report_submitted_on, "outcome": interview.outcome, "record": record}


@router.get("/talks", response=list[TalkOut])
def talks_list(request: HttpRequest, kind: str = "", start: date | None = None, end: date | None = None,
               limit: Limit = 100, offset: Offset = 0) -> HttpResponse:
    jurisdiction = jurisdiction_of(request, "talks.talk_view")
    user = actor_of(request)
    reader = reader_for(jurisdiction)
    offset, limit = max(offset, 0), max(0, min(limit, 500))
    rows = selectors.talk_rows(jurisdiction, kind=kind, start=start, end=end, offset=offset, limit=limit)
    readable = {r.id for r in rows if _readable(reader, r)}
    # every full view logged, in one statement (the rule of access.talk_summaries_for)
    access_record_rows(user=user, model=Talk, viewed=[(r.id, r.org_unit_id) for r in rows if r.id in readable],
                       field="summary", channel="api")
    labels = {value: str(label) for value, label in TalkKind.choices}
    # rows of values read here, in TalkOut's fields and order: rendered without revalidation
    return json_body([{"id": r.id, "held_on": r.held_on, "kind": r.kind, "kind_label": labels.get(r.kind, r.kind),
             "org_unit": r.org_unit, "talkers": list(r.talkers), "talkees": list(r.talkees), "place": r.place,
             "topics": r.topics, "summary": r.summary if r.id in readable else None} for r in rows])


def _readable(reader: ConfidentialReader, row: selectors.TalkRow) -> bool:
    """`ConfidentialReader.can_read_talk` over a row's values: inside the reader's subtrees, or held by them."""
    return reader.covers(row.org_path) or (reader.user_id is not None and reader.user_id in row.talker_user_ids)


@router.post("/talks", auth=permitted("talks.talk_record"), response={201: TalkOut})
def talks_create(request: HttpRequest, payload: TalkIn) -> Status[dict[str, Any]]:
    jurisdiction = jurisdiction_of(request)
    talkers = list(selectors.talkers_visible(jurisdiction).filter(pk__in=payload.talker_ids))
    talkees = list(cadres_visible(jurisdiction).select_related("org_unit").filter(pk__in=payload.talkee_ids))
    if len(talkers) != len(set(payload.talker_ids)) or len(talkees) != len(set(payload.talkee_ids)):
        raise NotFound("谈话人或谈话对象不存在，或不在您的管辖范围内")
    talk = talk_record(actor=actor_of(request), jurisdiction=jurisdiction, held_on=payload.held_on, kind=payload.kind,
                       talkers=talkers, talkees=talkees, place=payload.place, topics=payload.topics,
                       summary=payload.summary)
    return Status(201, _talk_out(talk, talk.summary))


@router.get("/talks/stats", response=TalkStatsOut)
def talks_stats(request: HttpRequest, org: str, start: date | None = None, end: date | None = None
                ) -> dict[str, Any]:
    """?org=DIVISION_CODE&from=YYYY-MM-DD&to=YYYY-MM-DD (`from`/`to` are read raw: `from` is a keyword)."""
    jurisdiction = jurisdiction_of(request, "talks.talk_view")
    unit = org_unit_by_code(jurisdiction, org)
    params = request.GET
    start = start or _date(params.get("from"), "from")
    end = end or _date(params.get("to"), "to")
    if start is None or end is None:
        raise ValidationFailed("请提供统计期间 from 和 to（YYYY-MM-DD）", field="from")
    if end < start:
        raise ValidationFailed("统计期间的结束日期不能早于开始日期", field="to")
    stats = talk_stats(unit, start, end)
    return {"org": unit.division_code or unit.name, "start": start, "end": end, "total": stats.total,
            "by_role": stats.by_role, "by_kind": stats.by_kind, "by_talker": dict(stats.by_talker),
            "by_unit": dict(stats.by_unit), "roster": stats.roster, "covered": stats.covered,
            "coverage": stats.coverage, "sentence": stats.sentence}


def _date(raw: str | None, field: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(f"日期“{raw}”格式不正确，应为 YYYY-MM-DD", field=field) from exc


@router.get("/talks/{talk_id}", response=TalkOut)
def talks_detail(request: HttpRequest, talk_id: RowId) -> dict[str, Any]:
    jurisdiction = jurisdiction_of(request, "talks.talk_view")
    talk = selectors.talk_get(jurisdiction, talk_id)
    return _talk_out(talk, talk_summary_for(reader_for(jurisdiction), actor_of(request), talk,
                                            channel="api"))


@router.get("/interviews", response=list[InterviewOut])
def interviews_list(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    interviews = selectors.interviews_visible(jurisdiction_of(request, "talks.talk_view"))
    if status:
        interviews = interviews.filter(status=status)
    return [_interview_out(i, None) for i in interviews[:500]]


@router.get("/interviews/{interview_id}", response=InterviewOut)
def interviews_detail(request: HttpRequest, interview_id: RowId) -> dict[str, Any]:
    jurisdiction = jurisdiction_of(request, "talks.talk_view")
    interview = selectors.interview_get(jurisdiction, interview_id)
    record = interview_record_for(reader_for(jurisdiction), actor_of(request), interview, channel="api")
    return _interview_out(interview, record)


@router.post("/interviews/{interview_id}/{step}",
             auth=permitted(STEP_ACTIONS, key="step", scope=selectors.interviews_visible, by="interview_id"),
             response=InterviewOut)
def interviews_step(request: HttpRequest, interview_id: RowId, step: str, payload: StepIn) -> dict[str, Any]:
    """One step of the procedure (`services.interviews.STEPS`); 409 envelope on an illegal transition."""
    interview = interview_step(actor=actor_of(request), jurisdiction=jurisdiction_of(request),
                               interview_id=interview_id, step=step, data=payload.dict())
    return _interview_out(interview, None)
