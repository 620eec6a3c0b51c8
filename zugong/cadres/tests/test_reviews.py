"""#15 leftover: an annual review written without a year (`合格`, `考核称职`, `近三年年度考核均为称职`) is dated
from the form's own date (the last year reviewed before the form was filled in) with a warning to check,
or, when the file has no such date, kept as written with a warning — data, never an error."""

from __future__ import annotations

import pytest

from zugong.cadres.importers import cadre_import
from zugong.cadres.lrm import read_lrm, write_lrm
from zugong.cadres.lrmx import read_lrmx, write_lrmx
from zugong.cadres.models import AnnualReview, Cadre
from zugong.cadres.tests.factories import record
from zugong.cadres.xlsx import write_workbook
from zugong.core.permissions import SYSTEM


def _form(text: str, filled_on: str = "20240315", **extra):
    return record(reviews=[], review_note=text, form_filled_on=filled_on, **extra)


@pytest.mark.parametrize(("text", "rows"), [
    ("合格", [(2023, "passed")]),
    ("年度考核基本称职", [(2023, "basic")]),
    ("近三年年度考核均为称职", [(2021, "competent"), (2022, "competent"), (2023, "competent")]),
    ("近两年考核优秀", [(2022, "excellent"), (2023, "excellent")]),
    ("2021年度考核称职；合格", [(2021, "competent"), (2023, "passed")]),
    ("2023年度考核优秀；合格", [(2023, "excellent")]),  # the implied year is taken: kept, flagged
])
@pytest.mark.parametrize("fmt", ["lrmx", "lrm"])
def test_a_rating_without_a_year_is_dated_from_the_form(text, rows, fmt):
    data = write_lrmx(_form(text)) if fmt == "lrmx" else write_lrm(_form(text))[0]
    got = read_lrmx(data) if fmt == "lrmx" else read_lrm(data, None)
    assert [(r.year, r.rating) for r in got.reviews] == rows
    assert got.review_note == text  # written back as it was
    assert len(got.warnings) == 1 and got.warnings[0][0] == "reviews"
    assert "没有写明年度" in got.warnings[0][1] and "请核实" in got.warnings[0][1]


def test_without_a_form_date_the_text_is_kept_and_flagged():
    got = read_lrmx(write_lrmx(_form("合格", filled_on="")))
    assert (got.reviews, got.review_note) == ([], "合格")
    assert got.warnings == [("reviews", "年度考核结果“合格”没有写明年度，文件也没有填表时间，无法推定：原文已保留，"
                                        "未生成考核记录，请补写年度")]


def test_the_age_reckoning_date_serves_when_the_fill_date_is_missing():
    got = read_lrmx(write_lrmx(_form("合格", filled_on="", form_age_reckoned_on="2022.12")))
    assert [(r.year, r.rating) for r in got.reviews] == [(2021, "passed")]


def test_dated_reviews_give_no_warning():
    got = read_lrmx(write_lrmx(_form("2022年度考核称职；2023年度考核优秀。")))
    assert [(r.year, r.rating) for r in got.reviews] == [(2022, "competent"), (2023, "excellent")]
    assert got.warnings == []


@pytest.mark.django_db
def test_the_import_stores_the_dated_row_and_reports_the_warning(tree):
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a,
                          files=[("张三.lrmx", write_lrmx(_form("合格")))])
    assert (result.errors, result.imported) == ([], 1)
    assert [(w.file, w.row, w.field) for w in result.warnings] == [("张三.lrmx", "Person", "reviews")]
    cadre = Cadre.objects.get()
    assert list(AnnualReview.objects.filter(cadre=cadre).values_list("year", "rating")) == [(2023, "passed")]


@pytest.mark.django_db
def test_a_roster_row_with_a_bare_rating_imports_with_a_warning(tree):
    roster = write_workbook([record(reviews=[], review_note="合格")])
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("r.xlsx", roster)])
    assert (result.errors, result.imported) == ([], 1)
    assert [(w.row, w.field) for w in result.warnings] == [("2", "reviews")]
    assert "无法推定" in result.warnings[0].message
    cadre = Cadre.objects.get()
    assert (cadre.review_note, AnnualReview.objects.filter(cadre=cadre).count()) == ("合格", 0)
