"""Recording a meeting: the core `Meeting` row (written by `core.services.meeting_record`, the one writer
of that table), the attendees picked from the roster, and the attached files — all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.cadres.selectors import cadres_visible
from zugong.core.attachments import CheckedFile, attachment_check, attachments_store
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Meeting, MeetingKind, OrgKind, OrgUnit
from zugong.core.permissions import Actor, require
from zugong.core.services import meeting_record
from zugong.meetings.models import MeetingAttendee

MAX_FILES = 10
_DEPARTMENT_LEVELS = frozenset({OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.DEPARTMENT})
# Which units hold which meetings (R07: the township's 民情分析会; R12, R29: the org department's
# 务虚会, 座谈会 and central study group at province, city and county level).
UNIT_KINDS: dict[str, frozenset[str]] = {
    MeetingKind.LEDGER_MEETING: frozenset({OrgKind.TOWNSHIP}),
    MeetingKind.RETREAT: _DEPARTMENT_LEVELS,
    MeetingKind.SYMPOSIUM: _DEPARTMENT_LEVELS,
    MeetingKind.STUDY_GROUP: _DEPARTMENT_LEVELS,
}


def _check_unit(kind: str, org_unit: OrgUnit) -> None:
    if kind not in MeetingKind.values:
        raise ValidationFailed("请选择会议类型", field="kind")
    allowed = UNIT_KINDS.get(kind)
    if allowed is not None and org_unit.kind not in allowed:
        labels = "、".join(str(OrgKind(k).label) for k in sorted(allowed))
        raise ValidationFailed(f"{MeetingKind(kind).label}应由{labels}召开，{org_unit.name}不能登记", field="org_unit")


def _check_attendees(jurisdiction: Jurisdiction, attendees: Sequence[Cadre]) -> list[int]:
    ids = sorted({c.pk for c in attendees})
    if ids and cadres_visible(jurisdiction).filter(pk__in=ids).count() != len(ids):
        raise ValidationFailed("参会干部中有不在您管辖范围内的人员", field="attendees")
    return ids


def _check_files(files: Sequence[UploadedFile[bytes]]) -> list[CheckedFile]:
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"一次最多上传 {MAX_FILES} 个附件", field="attachments")
    return [attachment_check(upload) for upload in files]


@transaction.atomic
def meeting_hold(
    *, actor: Actor, jurisdiction: Jurisdiction, kind: str, org_unit: OrgUnit, held_on: date, title: str = "",
    attendees: Sequence[Cadre] = (), other_attendees: str = "", minutes: str = "", decisions: str = "",
    files: Sequence[UploadedFile[bytes]] = (),
) -> Meeting:
    """Record a meeting that was held. Everything is checked before anything is written."""
    require(jurisdiction, "meetings.meeting_record", org_unit)
    _check_unit(kind, org_unit)
    if held_on > timezone.localdate():
        raise ValidationFailed("会议日期不能晚于今天：这里登记已经召开的会议", field="held_on")
    attendee_ids = _check_attendees(jurisdiction, attendees)
    checked = _check_files(files)
    names = "、".join([c.name for c in sorted(attendees, key=lambda c: c.pk)] + ([other_attendees.strip()]
                                                                              if other_attendees.strip() else []))
    meeting = meeting_record(actor=actor, kind=kind, org_unit=org_unit, held_on=held_on, title=title.strip(),
                             attendees=names, minutes=minutes.strip(), decisions=decisions.strip())
    MeetingAttendee.objects.bulk_create([MeetingAttendee(meeting=meeting, cadre_id=pk) for pk in attendee_ids])
    attachments_store(actor=actor, owner=meeting, org_unit=org_unit, files=checked)
    return meeting
