"""简历 text ⇄ résumé lines.

Canonical form, one period a line: `1990.01--1996.06  某单位某职务（其间：…）`; an open period writes
seven spaces for the end. Reading is tolerant: other dashes (full-width `－` too), `至`, `YYYYMM`,
`1990年01月`, and wrapped continuation lines (appended to the line before). A continuation line in
brackets — how forms write what happened during a period, `（2002.09--2005.07在…学习）` indented under
it — becomes that period's 其间 note, so it is written back as one.
"""

from __future__ import annotations

import re
from datetime import date

from zugong.cadres.records import ResumeData

_DATE = r"(\d{4})[.\-/年]?(\d{1,2})月?"
# The end date (or 今) follows the dash directly or after one space: the canonical open period writes
# seven spaces instead, and a text after them that starts with 今 or a year must stay text.
_LINE = re.compile(rf"^\s*{_DATE}\s*(?:-{{1,2}}|—+|–+|－+|―+|～|~|至)(?:\s?(?:{_DATE}|至?今))?\s*(.*)$")
_BRACKETED = re.compile(r"^[（(](?:其间[：:])?(.*)[）)]$")
_NOTE = re.compile(r"^(.*?)[（(]其间[：:](.*)[）)]\s*$")
OPEN_END = " " * 7


class BadResume(ValueError):
    """A line of the résumé cannot be read (message in Chinese, with the line number)."""


def _month(year: str, month: str, line_no: int) -> date:
    try:
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise BadResume(f"简历第 {line_no} 行的年月 {year}.{month} 不是有效日期") from exc


def parse_resume(text: str) -> list[ResumeData]:
    lines: list[ResumeData] = []
    raw_texts: list[str] = []
    notes: list[list[str]] = []
    for line_no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if not raw.strip():
            continue
        match = _LINE.match(raw)
        if match is None:
            if not lines:
                raise BadResume(f"简历第 {line_no} 行应以“起始年月--截止年月”开头：{raw.strip()[:30]}")
            bracketed = _BRACKETED.match(raw.strip())
            if bracketed:
                notes[-1].append(bracketed.group(1).strip())
            else:
                raw_texts[-1] += raw.strip()
            continue
        start = _month(match.group(1), match.group(2), line_no)
        end = _month(match.group(3), match.group(4), line_no) if match.group(3) else None
        lines.append(ResumeData(start=start, end=end, text=""))
        raw_texts.append(match.group(5).strip())
        notes.append([])
    for line, body, more in zip(lines, raw_texts, notes, strict=True):
        note = _NOTE.match(body)
        line.text, line.note = (note.group(1).strip(), note.group(2).strip()) if note else (body, "")
        line.note = "；".join(n for n in (line.note, *more) if n)
    return lines


def format_line(line: ResumeData) -> str:
    end = f"{line.end:%Y.%m}" if line.end else OPEN_END
    note = f"（其间：{line.note}）" if line.note else ""
    return f"{line.start:%Y.%m}--{end}  {line.text}{note}"


def format_resume(lines: list[ResumeData]) -> str:
    return "\n".join(format_line(line) for line in lines)
