"""简历 text: the tolerant reader keeps a text that starts with 今 or a year after an open period."""

from datetime import date

import pytest

from zugong.cadres.records import ResumeData
from zugong.cadres.resume import format_resume, parse_resume


@pytest.mark.parametrize(("text", "expected"), [
    ("1990.01--1996.06  甲县工作", (date(1990, 1, 1), date(1996, 6, 1), "甲县工作")),
    ("1990.01--至今  乙镇工作", (date(1990, 1, 1), None, "乙镇工作")),
    ("1990.01至今  丙乡工作", (date(1990, 1, 1), None, "丙乡工作")),
    ("1990.01 - 1996.06 丁村工作", (date(1990, 1, 1), date(1996, 6, 1), "丁村工作")),
    ("199009—199407 戊局工作", (date(1990, 9, 1), date(1994, 7, 1), "戊局工作")),
    ("1990.01－1996.06  己县工作", (date(1990, 1, 1), date(1996, 6, 1), "己县工作")),
    ("1990.01－－1996.06  庚县工作", (date(1990, 1, 1), date(1996, 6, 1), "庚县工作")),
    ("1990.01－－       辛镇工作", (date(1990, 1, 1), None, "辛镇工作")),
])
def test_tolerant_forms(text, expected):
    [line] = parse_resume(text)
    assert (line.start, line.end, line.text) == expected


@pytest.mark.parametrize("body", ["今年调任甲镇", "2019年度考核优秀", "至今仍任"])
def test_open_period_text_starting_like_a_date_survives_a_round_trip(body):
    lines = [ResumeData(date(1950, 1, 1), None, body)]
    assert parse_resume(format_resume(lines)) == lines


def test_indented_bracketed_continuation_lines_become_the_periods_note_and_are_written_back():
    # given a résumé as forms write it, with what happened during a period indented under it
    text = ("1998.09--2008.03  甲县乙镇党政办科员\n"
            "                  （2002.09--2005.07在省委党校在职研究生班学习）\n"
            "                  （其间：2006.03--2006.09挂职锻炼）\n"
            "2008.03--         甲县乙镇副镇长")
    # when read
    lines = parse_resume(text)
    # then each bracketed line is part of the period's 其间 note, not of its text
    assert [(line.text, line.note) for line in lines] == [
        ("甲县乙镇党政办科员", "2002.09--2005.07在省委党校在职研究生班学习；2006.03--2006.09挂职锻炼"),
        ("甲县乙镇副镇长", "")]
    # and writing it back keeps the note as the form's 其间
    assert format_resume(lines).splitlines()[0] == (
        "1998.09--2008.03  甲县乙镇党政办科员（其间：2002.09--2005.07在省委党校在职研究生班学习；2006.03--2006.09挂职锻炼）")
    assert parse_resume(format_resume(lines)) == lines
