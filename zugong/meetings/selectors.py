"""Reads of meetings with their attendees. The scoped queryset itself is core's (`meetings_visible`)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, QuerySet

from zugong.cadres.models import Cadre
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import Meeting
from zugong.core.selectors import meetings_visible
from zugong.meetings.models import MeetingAttendee


def meeting_list(jurisdiction: Jurisdiction, *, kind: str = "", org_path: str = "", start: date | None = None,
                 end: date | None = None) -> QuerySet[Meeting]:
    meetings = meetings_visible(jurisdiction).annotate(attendee_count=Count("attendance"))
    if kind:
        meetings = meetings.filter(kind=kind)
    if org_path:
        meetings = meetings.filter(org_unit__path__gte=org_path, org_unit__path__lt=org_path + "~")
    if start:
        meetings = meetings.filter(held_on__gte=start)
    if end:
        meetings = meetings.filter(held_on__lte=end)
    return meetings.order_by("-held_on", "-pk")


def meeting_get(jurisdiction: Jurisdiction, pk: int) -> Meeting:
    """One meeting with its attendees (and their units), or NotFound outside the jurisdiction."""
    attendees = MeetingAttendee.objects.select_related("cadre__org_unit").order_by("cadre__name_pinyin", "pk")
    meeting = (meetings_visible(jurisdiction).filter(pk=pk)
               .prefetch_related(Prefetch("attendance", queryset=attendees)).first())
    if meeting is None:
        raise NotFound("未找到该会议，或不在您的管辖范围内")
    return meeting


def attendees_of(meeting: Meeting) -> list[Cadre]:
    return [row.cadre for row in meeting.attendance.all()]
