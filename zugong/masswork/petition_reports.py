"""Petition statistics ("共接待来访群众 N 人次，受理 a 起，办结 b 起，办结率 x%") and the written
reply letter (信函答复) as DOCX (python-docx) and PDF (reportlab, built-in CID font STSong-Light)."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from zugong.masswork.models import Petition, PetitionChannel, PetitionStatus
from zugong.masswork.params import bool_param, int_param


@dataclass(frozen=True)
class Promise:
    """公开承诺 printed on the intake receipt: the R28 time limits of the petition's unit on its day."""

    accept_days: int
    close_days: int
    extend_days: int
    workdays: bool  # working days (工作日) instead of calendar days
    accept_due: date


def petition_promise(petition: Petition) -> Promise:
    unit, day = petition.org_unit, petition.received_on
    return Promise(accept_days=int_param("R28", "accept_days", org_unit=unit, on=day),
                   close_days=int_param("R28", "days", org_unit=unit, on=day),
                   extend_days=int_param("R28", "extend_days", org_unit=unit, on=day),
                   workdays=bool_param("R28", "workdays", org_unit=unit, on=day), accept_due=petition.accept_due)


@dataclass(frozen=True)
class PetitionStats:
    received: int       # petitions registered in the period
    visitors: int       # 来访人次 (people at visits)
    accepted: int       # of those, accepted
    closed: int         # of the accepted, closed
    overdue: int        # accepted and still open past the closure deadline, or closed late
    closure_rate: float  # closed / accepted, in percent

    @property
    def sentence(self) -> str:
        rate = f"{self.closure_rate:g}"
        return f"共接待来访群众 {self.visitors} 人次，受理 {self.accepted} 起，办结 {self.closed} 起，办结率 {rate}%"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "sentence": self.sentence}


def petition_stats(petitions: QuerySet[Petition], *, start: date | None, end: date | None, today: date) -> PetitionStats:
    rows = petitions
    if start:
        rows = rows.filter(received_on__gte=start)
    if end:
        rows = rows.filter(received_on__lte=end)
    accepted_q = Q(accepted_on__isnull=False)
    closed_q = accepted_q & Q(status=PetitionStatus.CLOSED)
    late_q = accepted_q & (Q(status=PetitionStatus.ACCEPTED, close_due__lt=today) |
                           Q(status=PetitionStatus.CLOSED, closed_on__gt=F("close_due")))
    row = rows.aggregate(received=Count("pk"), accepted=Count("pk", filter=accepted_q),
                         closed=Count("pk", filter=closed_q), overdue=Count("pk", filter=late_q),
                         visitors=Sum("visitors", filter=Q(channel=PetitionChannel.VISIT)))
    accepted, closed = int(row["accepted"]), int(row["closed"])
    rate = round(100 * closed / accepted, 1) if accepted else 0.0
    return PetitionStats(received=int(row["received"]), visitors=int(row["visitors"] or 0), accepted=accepted,
                         closed=closed, overdue=int(row["overdue"]), closure_rate=rate)


def _letter_lines(petition: Petition, unit_name: str) -> tuple[str, list[str], str]:
    title = "信访事项答复意见书"
    body = [
        f"{petition.petitioner_name}：",
        f"您于{petition.received_on:%Y年%m月%d日}以{petition.get_channel_display()}方式反映的“{petition.subject}”"
        f"一事，本机关已于{petition.accepted_on:%Y年%m月%d日}受理。" if petition.accepted_on else
        f"您于{petition.received_on:%Y年%m月%d日}反映的“{petition.subject}”一事，本机关已收悉。",
        "经调查核实，现答复如下：",
        *[line for line in petition.reply.splitlines() if line.strip()],
        "如对本答复意见不服，可自收到本答复意见书之日起三十日内向上一级行政机关请求复查。",
    ]
    signature = f"{unit_name}\n{(petition.closed_on or timezone.localdate()):%Y年%m月%d日}"
    return title, body, signature


def reply_docx(petition: Petition, *, unit_name: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title, body, signature = _letter_lines(petition, unit_name)
    document = Document()
    heading = document.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in body:
        document.add_paragraph(line)
    for line in signature.splitlines():
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def reply_pdf(petition: Petition, *, unit_name: str) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title, body, signature = _letter_lines(petition, unit_name)
    normal = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK")
    story: list[Any] = [Paragraph(escape(title), ParagraphStyle("title", parent=normal, fontSize=18,
                                                                alignment=TA_CENTER, leading=28)), Spacer(1, 12)]
    story += [Paragraph(escape(line), normal) for line in body]
    story.append(Spacer(1, 24))
    right = ParagraphStyle("sign", parent=normal, alignment=TA_RIGHT)
    story += [Paragraph(escape(line), right) for line in signature.splitlines()]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(story)
    return buffer.getvalue()
