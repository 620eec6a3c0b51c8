"""The 干部任免审批表 printed form: two A4 pages, as DOCX (python-docx) and PDF (reportlab).

Page one: identity, education, posts and the résumé; page two: rewards, annual reviews, the reason,
family and important social relations, and the approval boxes. The PDF uses reportlab's built-in CID
font STSong-Light, so CJK text renders offline without font files.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zugong.cadres.codes import name_of
from zugong.cadres.dates import age_on
from zugong.cadres.lrmx import format_reviews, format_rewards
from zugong.cadres.records import CadreRecord, EducationData
from zugong.cadres.resume import format_resume

FONT = "STSong-Light"
Grid = list[list[str]]


def _month(value: date | None) -> str:
    return f"{value:%Y.%m}" if value else ""


def _birth(record: CadreRecord, on: date) -> str:
    if record.birth_date is None:
        return ""
    return f"{record.birth_date:%Y.%m}\n（{age_on(record.birth_date, on)}岁）"


def _education(record: CadreRecord, kind: str) -> tuple[str, str]:
    item = next((e for e in record.education if e.kind == kind), EducationData(kind))
    return "\n".join(x for x in (item.level_text, item.degree_text) if x), \
        "\n".join(x for x in (item.school, item.degree_school) if x)


def page_one(record: CadreRecord, on: date) -> Grid:
    """Rows of seven cells; the last column of the first four rows is the photo."""
    party = _month(record.party_join_date) or name_of("political_status", record.political_status)
    ft_level, ft_school = _education(record, "full_time")
    is_level, is_school = _education(record, "in_service")
    return [
        ["姓名", record.name, "性别", name_of("sex", record.sex), "出生年月\n（岁）", _birth(record, on), ""],
        ["民族", name_of("ethnicity", record.ethnicity), "籍贯", record.native_place, "出生地", record.birthplace, ""],
        ["入党时间", party, "参加工作时间", _month(record.work_start_date), "健康状况", record.health, ""],
        ["专业技术职务", record.professional_title, "熟悉专业有何专长", record.specialties, "", "", ""],
        ["学历学位", "全日制教育", ft_level, "毕业院校系及专业", ft_school, "", ""],
        ["", "在职教育", is_level, "毕业院校系及专业", is_school, "", ""],
        ["现任职务", record.current_post, "", "", "", "", ""],
        ["拟任职务", record.proposed_post, "", "", "", "", ""],
        ["拟免职务", record.proposed_removal, "", "", "", "", ""],
        ["简历", format_resume(record.resume), "", "", "", "", ""],
    ]


def page_two(record: CadreRecord, on: date) -> Grid:
    rows: Grid = [
        ["奖惩情况", format_rewards(record.rewards), "", "", ""],
        ["年度考核结果", format_reviews(record.reviews, record.review_note) or "无", "", "", ""],
        ["任免理由", record.appointment_reason, "", "", ""],
        ["家庭主要成员及重要社会关系", "称谓", "姓名", "年龄", "政治面貌", ],
    ]
    rows[3].append("工作单位及职务")
    for row in rows[:3]:
        row.append("")
    for member in record.family[:8]:
        age = str(age_on(member.birth_date, on)) if member.birth_date else ""
        rows.append(["", member.relation_text, member.name, age, member.political_status, member.work_unit_post])
    rows += [["呈报单位", "", "", "", "", f"{on:%Y年%m月%d日}"],
             ["审批机关意见", "", "", "", "", ""], ["行政机关任免意见", "", "", "", "", ""]]
    return rows


# --- DOCX -------------------------------------------------------------------------------------------

def _docx_grid(document: DocxDocument, grid: Grid, merges: list[tuple[int, int, int, int]]) -> DocxTable:
    table: DocxTable = document.add_table(rows=len(grid), cols=len(grid[0]))
    table.style = "Table Grid"
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for r1, c1, r2, c2 in merges:
        keep = table.cell(r1, c1).text
        merged = table.cell(r1, c1).merge(table.cell(r2, c2))
        merged.text = keep
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10.5)
    return table


def render_docx(record: CadreRecord, *, on: date) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    title = document.add_paragraph("干部任免审批表")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].font.size = Pt(18)
    table = _docx_grid(document, page_one(record, on), [
        (0, 6, 3, 6), (3, 3, 3, 5), (4, 0, 5, 0), (4, 4, 4, 5), (5, 4, 5, 5),
        (6, 1, 6, 6), (7, 1, 7, 6), (8, 1, 8, 6), (9, 1, 9, 6)])
    if record.photo:
        run = table.cell(0, 6).paragraphs[0].add_run()
        run.add_picture(io.BytesIO(record.photo), width=Cm(2.5))
    else:
        table.cell(0, 6).text = "照片"
    document.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
    grid = page_two(record, on)
    family_end = 3 + max(0, len(grid) - 7)
    _docx_grid(document, grid, [(0, 1, 0, 5), (1, 1, 1, 5), (2, 1, 2, 5), (3, 0, family_end, 0),
                                (len(grid) - 3, 1, len(grid) - 3, 4), (len(grid) - 2, 1, len(grid) - 2, 5),
                                (len(grid) - 1, 1, len(grid) - 1, 5)])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------------

def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _paragraphs(grid: Grid, style: ParagraphStyle) -> list[list[object]]:
    return [[Paragraph(text.replace("\n", "<br/>"), style) if text else "" for text in row] for row in grid]


def _pdf_style(spans: list[tuple[int, int, int, int]]) -> TableStyle:
    commands: list[tuple[object, ...]] = [("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                                          ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("FONTNAME", (0, 0), (-1, -1), FONT)]
    commands += [("SPAN", (c1, r1), (c2, r2)) for r1, c1, r2, c2 in spans]
    return TableStyle(commands)


def render_pdf(record: CadreRecord, *, on: date) -> bytes:
    font = _font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm,
                            bottomMargin=1.6 * cm, title=f"{record.name} 干部任免审批表")
    one = _paragraphs(page_one(record, on), cell)
    one[0][6] = Image(io.BytesIO(record.photo), width=2.6 * cm, height=3.4 * cm) if record.photo else \
        Paragraph("照片", cell)
    widths = [2.2 * cm, 2.6 * cm, 2.2 * cm, 3.0 * cm, 2.2 * cm, 2.4 * cm, 2.8 * cm]
    heights = [1.1 * cm] * 9 + [14.5 * cm]
    first = Table(one, colWidths=widths, rowHeights=heights, style=_pdf_style([
        (0, 6, 3, 6), (3, 3, 3, 5), (4, 0, 5, 0), (4, 4, 4, 5), (5, 4, 5, 5),
        (6, 1, 6, 6), (7, 1, 7, 6), (8, 1, 8, 6), (9, 1, 9, 6)]))
    first.setStyle(TableStyle([("VALIGN", (1, 9), (1, 9), "TOP")]))
    grid = page_two(record, on)
    family_end = 3 + max(0, len(grid) - 7)
    second = Table(_paragraphs(grid, cell), colWidths=[2.6 * cm, 1.6 * cm, 2.2 * cm, 1.4 * cm, 2.4 * cm, 7.2 * cm],
                   style=_pdf_style([(0, 1, 0, 5), (1, 1, 1, 5), (2, 1, 2, 5), (3, 0, family_end, 0),
                                     (len(grid) - 3, 1, len(grid) - 3, 4), (len(grid) - 2, 1, len(grid) - 2, 5),
                                     (len(grid) - 1, 1, len(grid) - 1, 5)]),
                   rowHeights=[3.2 * cm, 2.2 * cm, 2.6 * cm] + [0.9 * cm] * (len(grid) - 6) + [2.8 * cm] * 3)
    doc.build([Paragraph("干部任免审批表", title), Spacer(1, 0.3 * cm), first, PageBreak(), second])
    return out.getvalue()
