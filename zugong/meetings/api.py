"""JSON API of meetings, mounted under /api/v1/ by zugong/api.py. Files are attached on the page only."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from zugong.cadres.selectors import cadres_visible
from zugong.core.api_auth import permitted
from zugong.core.attachments import attachments_of
from zugong.core.errors import ValidationFailed
from zugong.core.models import Meeting, MeetingKind
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.core.selectors import org_unit_get
from zugong.meetings import selectors
from zugong.meetings.services import meeting_hold

router = Router(tags=["meetings"])


class AttendeeOut(Schema):
    id: int
    name: str
    org_unit: str


class FileOut(Schema):
    id: int
    name: str
    size: int
    url: str


class MeetingRow(Schema):
    id: int
    kind: str
    kind_label: str
    org_unit_id: int
    org_unit: str
    held_on: date
    title: str
    attendee_count: int


class MeetingOut(MeetingRow):
    attendees: list[AttendeeOut]
    other_attendees: str
    minutes: str
    decisions: str
    files: list[FileOut]


class MeetingIn(Schema):
    kind: str = Field(description="民情分析会 ledger_meeting, 务虚会 retreat, 座谈会 symposium, 中心组学习 study_group …")
    org_unit_id: RowId
    held_on: date
    title: str = Field("", max_length=200)
    attendee_ids: list[RowId] = Field(default_factory=list, max_length=500)
    other_attendees: str = Field("", max_length=500)
    minutes: str = Field("", max_length=20000)
    decisions: str = Field("", max_length=10000)


def _row(m: Meeting, attendee_count: int) -> MeetingRow:
    return MeetingRow(id=m.pk, kind=m.kind, kind_label=str(m.get_kind_display()), org_unit_id=m.org_unit_id,
                      org_unit=m.org_unit.name, held_on=m.held_on, title=m.title, attendee_count=attendee_count)


def _detail(m: Meeting) -> MeetingOut:
    attendees = selectors.attendees_of(m)
    names = {c.name for c in attendees}
    others = "、".join(n for n in m.attendees.split("、") if n and n not in names)
    return MeetingOut(
        **_row(m, len(attendees)).dict(), other_attendees=others, minutes=m.minutes, decisions=m.decisions,
        attendees=[AttendeeOut(id=c.pk, name=c.name, org_unit=c.org_unit.name) for c in attendees],
        files=[FileOut(id=f.pk, name=f.name, size=f.size, url=reverse("attachment", args=[f.pk]))
               for f in attachments_of(m)])


class MeetingFilters(Schema):
    kind: str = Field("", max_length=30)
    org: int | None = Field(None, ge=1, le=2**31 - 1, description="单位（含下级）")
    start: date | None = None
    end: date | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/meetings", response=list[MeetingRow], summary="会议记录（可按类型、单位、日期筛选）")
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]) -> list[MeetingRow]:
    jurisdiction = jurisdiction_of(request, "meetings.meeting_view")
    if filters.kind and filters.kind not in MeetingKind.values:
        raise ValidationFailed(f"不支持的会议类型：{filters.kind}", field="kind")
    org_path = org_unit_get(jurisdiction, filters.org).path if filters.org is not None else ""
    rows = selectors.meeting_list(jurisdiction, kind=filters.kind, org_path=org_path, start=filters.start,
                                  end=filters.end).select_related("org_unit")
    return [_row(m, m.attendee_count) for m in rows[filters.offset:filters.offset + filters.limit]]  # type: ignore[attr-defined]


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="一次会议：参会干部、纪要、议定事项、附件")
def meeting_detail(request: HttpRequest, meeting_id: RowId) -> MeetingOut:
    return _detail(selectors.meeting_get(jurisdiction_of(request, "meetings.meeting_view"), meeting_id))


@router.post("/meetings",
             auth=permitted("meetings.meeting_record"),
             response={201: MeetingOut}, summary="登记已召开的会议")
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Status[MeetingOut]:
    jurisdiction = jurisdiction_of(request)
    attendees = list(cadres_visible(jurisdiction).filter(pk__in=payload.attendee_ids))
    if len(attendees) != len(set(payload.attendee_ids)):
        raise ValidationFailed("参会干部中有不存在或不在您管辖范围内的人员", field="attendee_ids")
    meeting = meeting_hold(
        actor=actor_of(request), jurisdiction=jurisdiction, kind=payload.kind,
        org_unit=org_unit_get(jurisdiction, payload.org_unit_id), held_on=payload.held_on, title=payload.title,
        attendees=attendees, other_attendees=payload.other_attendees, minutes=payload.minutes,
        decisions=payload.decisions)
    return Status(201, _detail(selectors.meeting_get(jurisdiction, meeting.pk)))
