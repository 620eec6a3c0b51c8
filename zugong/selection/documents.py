"""The trace-back as documents (选拔任用全程纪实表, R20): a Word document and a PDF with one section per
recorded stage (its record, who answers for it, who recorded it, its files, the signatures and whether
the record still matches them), and the whole record as one zip archive (both documents and every
stage's files, with a list that says whether each file still has the content it was uploaded with)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from docx import Document
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zugong.core.models import Attachment
from zugong.selection.flow import RESPONSIBILITY, FlowStage, stage_flow
from zugong.selection.models import Selection

FONT = "SimSun"
PDF_FONT = "STSong-Light"  # reportlab's built-in CID font: every PDF reader has it, nothing is embedded


def _heading(selection: Selection) -> tuple[str, list[str]]:
    lines = [f"选任单位：{selection.org_unit.name}　拟任职务：{selection.posts}　所处环节：{selection.get_stage_display()}"]
    if selection.stop_reason:
        lines.append(f"终止原因：{selection.stop_reason}")
    return f"{selection.title} 选拔任用全程纪实表", lines


def _signed(stage: FlowStage) -> str:
    return "；".join(
        f"{s.signer}（{s.capacity or '签字'}，{s.signed_at:%Y-%m-%d %H:%M}，审计序号 {s.audit_sequence}"
        + (f"，非系统用户，由{s.attested_by}见证登记" if s.attested_by else "") + "）"
        + ("" if s.valid else "【签字后记录已被修改，摘要不符】") for s in stage.signatures) or "【未签字】"


def _rows(stage: FlowStage) -> list[tuple[str, str]]:
    """The stage as (label, text) lines, the same in both documents."""
    files = "；".join(f"{a.name}（{a.size} 字节，SHA-256 {a.sha256[:16]}…）" for a in stage.files) or "—"
    return [(str(label), text) for label, text in stage.rows] + [
        ("责任", RESPONSIBILITY[stage.stage]), ("记录人", stage.recorded_by or "—"),
        ("材料", files), ("记录摘要", stage.digest or ""), ("签字确认", _signed(stage))]


def _recorded(selection: Selection) -> list[FlowStage]:
    return [stage for stage in stage_flow(selection) if stage.data is not None]


def trace_docx(selection: Selection, stages: list[FlowStage] | None = None) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT  # type: ignore[attr-defined]
    style.font.size = Pt(10.5)  # type: ignore[attr-defined]
    title, lines = _heading(selection)
    doc.add_heading(title, level=1)
    for line in lines:
        doc.add_paragraph(line)
    for stage in stages if stages is not None else _recorded(selection):
        doc.add_heading(str(stage.label), level=2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, text in _rows(stage):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _pdf_font() -> str:
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.setFont(PDF_FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")


def trace_pdf(selection: Selection, stages: list[FlowStage] | None = None) -> bytes:
    font = _pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    title_style = ParagraphStyle("title", parent=body, fontSize=16, leading=22, spaceAfter=6)
    stage_style = ParagraphStyle("stage", parent=body, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
    title, lines = _heading(selection)
    story: list[Flowable] = [Paragraph(escape(title), title_style)]
    story += [Paragraph(escape(line), body) for line in lines]
    for stage in stages if stages is not None else _recorded(selection):
        story.append(Paragraph(escape(str(stage.label)), stage_style))
        cells = [[Paragraph(escape(label), body), Paragraph(escape(text), body)] for label, text in _rows(stage)]
        table = Table(cells, colWidths=[32 * mm, 138 * mm])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [table, Spacer(1, 4 * mm)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="zugong",
                                 leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


@dataclass(frozen=True)
class ArchivedFile:
    stage: str
    name: str
    sha256: str
    state: str  # "一致", "内容与登记的摘要不符", "文件缺失"


def _file_bytes(row: Attachment) -> bytes | None:
    try:
        return (Path(settings.MEDIA_ROOT) / row.stored_as).read_bytes()
    except FileNotFoundError:
        return None


def record_archive(selection: Selection) -> tuple[bytes, list[ArchivedFile]]:
    """The whole record as one zip: the PDF, the DOCX, every stage's files under 材料/, and 清单.txt.
    Bounded: a selection's files together are at most `services.attachments.SELECTION_MAX_BYTES`."""
    stages = _recorded(selection)
    listed: list[ArchivedFile] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("全程纪实表.pdf", trace_pdf(selection, stages))
        archive.writestr("全程纪实表.docx", trace_docx(selection, stages))
        for number, stage in enumerate(stages, start=1):
            for row in stage.files:
                data = _file_bytes(row)
                state = ("文件缺失" if data is None else
                         "一致" if hashlib.sha256(data).hexdigest() == row.sha256 else "内容与登记的摘要不符")
                if data is not None:
                    archive.writestr(f"材料/{number:02d}-{stage.label}/{row.pk}-{row.name}", data)
                listed.append(ArchivedFile(str(stage.label), row.name, row.sha256, state))
        archive.writestr("清单.txt", _manifest(selection, stages, listed))
    return buffer.getvalue(), listed


def _manifest(selection: Selection, stages: list[FlowStage], files: list[ArchivedFile]) -> str:
    lines = [f"{selection.title} 选拔任用全程纪实档案", "", "环节记录摘要（SHA-256）："]
    lines += [f"  {s.label}：{s.digest}" + ("（签字后记录已被修改）" if s.mismatch else "") for s in stages]
    lines += ["", "材料："]
    lines += [f"  [{f.stage}] {f.name}  SHA-256 {f.sha256}  {f.state}" for f in files] or ["  无"]
    return "\n".join(lines) + "\n"
