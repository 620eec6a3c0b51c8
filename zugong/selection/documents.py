"""The trace-back as a Word document (选拔任用全程纪实表, R20): one section per recorded stage with its
record, who answers for it, who recorded it, the signatures and whether the record still matches them."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from zugong.selection.flow import RESPONSIBILITY, stage_flow
from zugong.selection.models import Selection

FONT = "SimSun"


def trace_docx(selection: Selection) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT  # type: ignore[attr-defined]
    style.font.size = Pt(10.5)  # type: ignore[attr-defined]
    doc.add_heading(f"{selection.title} 选拔任用全程纪实表", level=1)
    doc.add_paragraph(f"选任单位：{selection.org_unit.name}　拟任职务：{selection.posts}　"
                      f"所处环节：{selection.get_stage_display()}")
    if selection.stop_reason:
        doc.add_paragraph(f"终止原因：{selection.stop_reason}")
    for stage in stage_flow(selection):
        if stage.data is None:
            continue
        doc.add_heading(str(stage.label), level=2)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, text in stage.rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(label), text
        for label, text in (("责任", RESPONSIBILITY[stage.stage]), ("记录人", stage.recorded_by or "—"),
                            ("记录摘要", stage.digest or "")):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, text
        signed = "；".join(
            f"{s.signer}（{s.capacity or '签字'}，{s.signed_at:%Y-%m-%d %H:%M}，审计序号 {s.audit_sequence}）"
            + ("" if s.valid else "【签字后记录已被修改，摘要不符】") for s in stage.signatures)
        cells = table.add_row().cells
        cells[0].text, cells[1].text = "签字确认", signed or "【未签字】"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
