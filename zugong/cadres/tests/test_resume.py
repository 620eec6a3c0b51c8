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
])
def test_tolerant_forms(text, expected):
    [line] = parse_resume(text)
    assert (line.start, line.end, line.text) == expected


@pytest.mark.parametrize("body", ["今年调任甲镇", "2019年度考核优秀", "至今仍任"])
def test_open_period_text_starting_like_a_date_survives_a_round_trip(body):
    lines = [ResumeData(date(1950, 1, 1), None, body)]
    assert parse_resume(format_resume(lines)) == lines
