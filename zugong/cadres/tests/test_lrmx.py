import base64
import io
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from zugong.cadres.codes import choices
from zugong.cadres.lrmx import LrmxError, read_lrmx, write_lrmx
from zugong.cadres.records import CadreRecord, EducationData, FamilyData, ResumeData, ReviewData, RewardData
from zugong.cadres.resume import format_resume, parse_resume
from zugong.cadres.tests.factories import id_number, record


def png(size: tuple[int, int] = (4, 5)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


PHOTO = png()
cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=12)
maybe_cjk = st.one_of(st.just(""), cjk)
months = st.builds(lambda y, m: date(y, m, 1), st.integers(1950, 2030), st.integers(1, 12))
ratings = st.sampled_from(["excellent", "competent", "basic", "incompetent", "unrated", "passed", "basic_passed",
                           "failed"])


@st.composite
def resume_lines(draw: st.DrawFn) -> ResumeData:
    start = draw(months)
    end = draw(st.one_of(st.none(), months.filter(lambda d: d >= start)))
    return ResumeData(start, end, draw(cjk), draw(maybe_cjk))


@st.composite
def records(draw: st.DrawFn) -> CadreRecord:
    birth = draw(st.dates(date(1950, 1, 1), date(2004, 12, 31)))
    status, join = draw(st.sampled_from([("01", True), ("01", False), ("13", False), ("05", True), ("", False)]))
    education = [EducationData(kind, draw(cjk), draw(maybe_cjk), draw(maybe_cjk), draw(maybe_cjk))
                 for kind in ("full_time", "in_service") if draw(st.booleans())]
    years = draw(st.lists(st.integers(2000, 2030), unique=True, max_size=4))
    return CadreRecord(
        name=draw(cjk), id_number=id_number(birth, draw(st.integers(1, 999))), birth_date=birth,
        sex=draw(st.sampled_from(["1", "2"])), ethnicity=draw(st.sampled_from([c for c, _ in choices("ethnicity")])),
        native_place=draw(maybe_cjk), birthplace=draw(maybe_cjk), political_status=status,
        party_join_date=draw(months) if join else None, work_start_date=draw(st.one_of(st.none(), months)),
        health=draw(maybe_cjk), professional_title=draw(maybe_cjk), specialties=draw(maybe_cjk),
        current_post=draw(maybe_cjk), proposed_post=draw(maybe_cjk), proposed_removal=draw(maybe_cjk),
        appointment_reason=draw(maybe_cjk), retirement_age_boundary=draw(maybe_cjk),
        retirement_due=draw(st.one_of(st.none(), months)), photo=draw(st.sampled_from([None, PHOTO])),
        education=education, resume=draw(st.lists(resume_lines(), max_size=6)),
        family=[FamilyData(draw(cjk), draw(cjk), draw(st.one_of(st.none(), months)), draw(maybe_cjk), draw(maybe_cjk))
                for _ in range(draw(st.integers(0, 4)))],
        rewards=[RewardData(draw(cjk)) for _ in range(draw(st.integers(0, 3)))],
        reviews=[ReviewData(y, draw(ratings)) for y in years],
        form_submitting_unit=draw(maybe_cjk), form_age_reckoned_on=draw(st.sampled_from(["", "20231024", "2026.08"])),
        form_filled_on=draw(st.sampled_from(["", "20231024"])), form_filled_by=draw(maybe_cjk),
        form_version=draw(st.sampled_from(["", "3.2.1.16"])),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_lrmx_round_trip_is_lossless_and_stable(original):
    written = write_lrmx(original, filled_on=date(2025, 1, 2))
    again = read_lrmx(written)
    # Reward kinds are inferred from the words; generated texts contain none of the punishment words.
    # A form without 填表时间 gets the day it is written.
    assert again == replace(original, form_filled_on=original.form_filled_on or "20250102")
    assert write_lrmx(again, filled_on=date(2025, 1, 2)) == written


def test_resume_text_parses_and_writes_back_identically():
    text = ("1990.09--1994.07  示范大学中文系汉语言文学专业学习\n"
            "1994.07--2001.03  甲县乙镇党政办科员（其间：1998.09--2000.12在省委党校在职研究生班学习）\n"
            "2001.03--         甲县乙镇副镇长")
    lines = parse_resume(text)
    assert [(line.start, line.end) for line in lines] == [
        (date(1990, 9, 1), date(1994, 7, 1)), (date(1994, 7, 1), date(2001, 3, 1)), (date(2001, 3, 1), None)]
    assert lines[1].note == "1998.09--2000.12在省委党校在职研究生班学习"
    assert format_resume(lines) == text


def test_resume_reading_is_tolerant_of_other_forms():
    lines = parse_resume("199009—199407 示范大学学习\n1994年07月至今 甲县乙镇\n  科员（续行）")
    assert [(r.start, r.end, r.text) for r in lines] == [
        (date(1990, 9, 1), date(1994, 7, 1), "示范大学学习"), (date(1994, 7, 1), None, "甲县乙镇科员（续行）")]


def test_gbk_declared_file_is_read():
    text = write_lrmx(record()).decode("utf-8").replace('encoding="UTF-8"', 'encoding="GB2312"')
    assert read_lrmx(text.encode("gbk")).name == "张三"


def test_tolerant_dates_in_elements():
    for form in ("198005", "19800517", "1980.05", "1980.05.17", "1980-05-17"):
        data = write_lrmx(record()).replace(b"<ChuShengNianYue>198005<", f"<ChuShengNianYue>{form}<".encode())
        assert read_lrmx(data).birth_date == date(1980, 5, 17)


def _problem_of(data: bytes) -> str:
    with pytest.raises(LrmxError) as info:
        read_lrmx(data)
    return str(info.value)


def test_photo_must_be_a_real_image_and_small():
    good = write_lrmx(record(photo=PHOTO))
    assert read_lrmx(good).photo == PHOTO
    fake = base64.b64encode(b"not an image at all").decode()
    from zugong.cadres.records import photo_problem
    assert "不是有效的图片" in (photo_problem(base64.b64decode(fake)) or "")
    assert "照片过大" in (photo_problem(b"\xff" * (1024 * 1024 + 1)) or "")


def test_root_must_be_person():
    assert "根元素应为 <Person>" in _problem_of(b"<Cadre><XingMing>x</XingMing></Cadre>")


@pytest.mark.parametrize(("text", "status", "joined", "note"), [
    ("200108；民建", "06", date(2001, 8, 1), ""), ("民建；民盟", "06", None, "民盟"), ("(民建)", "06", None, ""),
    ("民建2001.08", "06", date(2001, 8, 1), ""), ("（民盟）2010.05", "05", date(2010, 5, 1), ""),
    ("农工党", "08", None, ""), ("致公党；200003", "09", date(2000, 3, 1), ""), ("九三", "10", None, ""),
    ("台盟", "11", None, ""), ("民革", "04", None, ""), ("民进", "07", None, ""), ("无党派人士", "12", None, ""),
    ("无党派", "12", None, ""), ("1996.05", "01", date(1996, 5, 1), ""),
])
def test_democratic_parties_in_party_field_are_political_status_with_date(text, status, joined, note):
    # given a file writing a democratic party the way real files do
    data = write_lrmx(record()).replace(b"<RuDangShiJian>200306</RuDangShiJian>",
                                        f"<RuDangShiJian>{text}</RuDangShiJian>".encode())
    # when read, then it is the political status with its date, and a second party is kept as a note
    got = read_lrmx(data)
    assert (got.political_status, got.party_join_date, got.political_note) == (status, joined, note)
    # and writing it back and reading again keeps all of it
    again = read_lrmx(write_lrmx(got))
    assert (again.political_status, again.party_join_date, again.political_note) == (status, joined, note)


def test_unknown_party_name_says_which_names_are_accepted():
    data = write_lrmx(record()).replace(b"<RuDangShiJian>200306<", "<RuDangShiJian>200306；某党<".encode())
    assert "政治面貌“某党”不在 GB/T 4762 代码表中，也不是民主党派简称" in _problem_of(data)


@pytest.mark.parametrize(("text", "rows"), [
    ("2020年年度考核称职", [(2020, "competent")]),
    ("2021、2022、2023年度考核均为称职", [(2021, "competent"), (2022, "competent"), (2023, "competent")]),
    ("2022年度考核合格；2023年度考核基本合格", [(2022, "passed"), (2023, "basic_passed")]),
    ("2021年度考核结果为优秀，2022年度考核不合格", [(2021, "excellent"), (2022, "failed")]),
    ("2023年度：合格", [(2023, "passed")]),
])
def test_reviews_worded_as_real_files_do_become_rows(text, rows):
    data = write_lrmx(record()).replace("<NianDuKaoHeJieGuo>2022年度考核称职；2023年度考核优秀。<".encode(),
                                        f"<NianDuKaoHeJieGuo>{text}<".encode())
    got = read_lrmx(data)
    assert [(r.year, r.rating) for r in got.reviews] == rows
    # the wording is kept and written back as it was
    assert got.review_note == text
    assert f"<NianDuKaoHeJieGuo>{text}</NianDuKaoHeJieGuo>".encode() in write_lrmx(got)


def test_utf16_declared_file_holding_utf8_bytes_says_so():
    data = write_lrmx(record()).replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
    assert _problem_of(data) == ("文件声明为 UTF-16 编码，但内容是单字节编码（UTF-8），不是 UTF-16："
                                 "请把首行声明改为 encoding=\"UTF-8\"，或用 UTF-16 重新保存文件")


def test_gbk_file_without_declaration_says_it_is_gbk():
    data = write_lrmx(record()).decode("utf-8").replace('<?xml version="1.0" encoding="UTF-8"?>\n', "").encode("gbk")
    message = _problem_of(data)
    assert message.startswith("文件没有声明编码，按 XML 的默认编码 UTF-8 读取失败（第 ")
    assert message.endswith("内容是 GBK 编码：请在首行写明 <?xml version=\"1.0\" encoding=\"GBK\"?>，或另存为 UTF-8")


def test_gbk_bytes_declared_utf8_name_the_likely_encoding():
    data = write_lrmx(record()).decode("utf-8").encode("gbk")
    assert _problem_of(data).endswith("内容看来是 GBK 编码，请把首行声明改为 encoding=\"GBK\"")


def test_utf16_without_byte_order_mark_is_read():
    text = write_lrmx(record()).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert read_lrmx(text.encode("utf-16-le")).name == "张三"
    assert read_lrmx(text.encode("utf-16-be")).name == "张三"


TEMPLATE_ORDER = [
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian", "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang", "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei", "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu", "NiRenZhiWu", "NiMianZhiWu", "JianLi", "JiangChengQingKuang",
    "NianDuKaoHeJieGuo", "RenMianLiYou", "JiaTingChengYuan", "ChengBaoDanWei", "JiSuanNianLingShiJian",
    "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian", "Version",
]


def test_elements_follow_the_real_templates_order_and_empty_2025_elements_are_left_out():
    import xml.etree.ElementTree as ET

    # the real template's order (LRMX 3.2.1.16 as the tool writes it)
    assert [e.tag for e in ET.fromstring(write_lrmx(record()))] == TEMPLATE_ORDER
    # the optional 2025 elements come last, only when they hold something
    filled = record(retirement_age_boundary="60周岁", retirement_due=date(2040, 5, 1))
    root = ET.fromstring(write_lrmx(filled))
    assert [e.tag for e in root] == [*TEMPLATE_ORDER, "GaiGeQianRenZhiNianLingJieXian", "DaoLingNianYue"]
    assert (root.findtext("GaiGeQianRenZhiNianLingJieXian"), root.findtext("DaoLingNianYue")) == ("60周岁", "204005")
