"""Who attended a meeting. The meeting itself is core's `Meeting` (the rules R07, R12 and R29 count
it, masswork links ledger entries to it, talks files a committee meeting); this app owns its pages,
its attendees picked from the roster, and its attachments (core `Attachment`)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from zugong.cadres.models import Cadre
from zugong.core.models import Meeting


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="meetings_attended")

    class Meta:
        verbose_name = _("参会干部")
        verbose_name_plural = _("参会干部")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["meeting", "cadre"], name="meetings_attendee_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.cadre_id}"
