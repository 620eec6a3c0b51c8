"""Meeting pages: the list with filters, recording a meeting, one meeting with attendees and files."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from zugong.core.attachments import attachments_of
from zugong.core.errors import DomainError
from zugong.core.models import MeetingKind
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page
from zugong.meetings import selectors
from zugong.meetings.forms import MeetingForm
from zugong.meetings.services import meeting_hold

PAGE_SIZE = 50


@page(action="meetings.meeting_view", methods=("GET",))
def meeting_list(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    meetings = selectors.meeting_list(request.jurisdiction, kind=kind).select_related("org_unit")
    page_obj = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/list.html", {
        "page_obj": page_obj, "kinds": MeetingKind.choices, "kind": kind,
        "may_record": may(request.jurisdiction, "meetings.meeting_record")})


@page(action="meetings.meeting_record")
def meeting_new(request: AuthedRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, request.FILES or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meeting_hold(
                actor=request.user, jurisdiction=request.jurisdiction, kind=data["kind"], org_unit=data["org_unit"],
                held_on=data["held_on"], title=data["title"], attendees=list(data["attendees"]),
                other_attendees=data["other_attendees"], minutes=data["minutes"], decisions=data["decisions"],
                files=data["attachments"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("会议已登记：%(kind)s（%(day)s）") % {
                "kind": meeting.get_kind_display(), "day": meeting.held_on.isoformat()})
            return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))
    return render(request, "meetings/form.html", {"form": form})


@page(action="meetings.meeting_view", methods=("GET",))
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(request.jurisdiction, pk)
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "attendees": selectors.attendees_of(meeting), "files": attachments_of(meeting)})
