import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from zugong.cadres.lrm import MAX_FILE_BYTES, read_lrm, write_lrm
from zugong.cadres.lrmx import LrmxError, Problem, read_lrmx, write_lrmx
from zugong.cadres.records import CadreRecord, EducationData, FamilyData, ResumeData, ReviewData, RewardData
from zugong.cadres.tests.factories import id_number
from zugong.cadres.tests.test_lrmx import records

# As the Windows tool writes it: GBK, 33 quoted fields, CRLF inside the résumé, family lists padded
# with empty slots, fields 29–32 filled. The résumé holds an ASCII comma, 专长 a doubled quote.
SAMPLE = (
    '"王小明","男","198507","汉族","示范省甲县","(2008.06)","健康","示范省乙县","2007.07",'
    '"大学#法学学士@研究生#法学硕士","示范大学法律系法学专业#示范大学法学院@省委党校经济管理专业#",'
    '"经济师","","","","","熟悉""三农""工作","2003.09--2007.07  示范大学法律系法学专业学习\r\n'
    '2007.07--2012.03  甲县乙镇党政办科员,团委书记\r\n'
    '2012.03--         甲县乙镇副镇长（其间：2013.09--2015.12在省委党校经济管理专业在职研究生学习）",'
    '"2019年被评为县优秀共产党员\r\n2021年受到党内警告处分","2022年度考核称职；2023年度考核优秀。",'
    '"妻子@儿子@@@@@","李芳@王乐@@@@@","198603@2012.09@@@@@","中共党员@群众@@@@@",'
    '"甲县第一中学教师@甲县实验小学学生@@@@@",'
    '"甲县乙镇副镇长","甲县乙镇党委副书记","甲县乙镇副镇长","工作需要","中共甲县委组织部","20250101","张三","20250102"'
).encode("gbk")

EXPECTED = CadreRecord(
    name="王小明", id_number="", sex="1", birth_date=date(1985, 7, 1), ethnicity="01",
    native_place="示范省甲县", birthplace="示范省乙县", political_status="01", party_join_date=date(2008, 6, 1),
    work_start_date=date(2007, 7, 1), health="健康", professional_title="经济师", specialties='熟悉"三农"工作',
    current_post="甲县乙镇副镇长", proposed_post="甲县乙镇党委副书记", proposed_removal="甲县乙镇副镇长",
    appointment_reason="工作需要",
    education=[EducationData("full_time", "大学", "法学学士", "示范大学法律系法学专业", "示范大学法学院"),
               EducationData("in_service", "研究生", "法学硕士", "省委党校经济管理专业", "")],
    resume=[ResumeData(date(2003, 9, 1), date(2007, 7, 1), "示范大学法律系法学专业学习"),
            ResumeData(date(2007, 7, 1), date(2012, 3, 1), "甲县乙镇党政办科员,团委书记"),
            ResumeData(date(2012, 3, 1), None, "甲县乙镇副镇长", "2013.09--2015.12在省委党校经济管理专业在职研究生学习")],
    family=[FamilyData("妻子", "李芳", date(1986, 3, 1), "中共党员", "甲县第一中学教师"),
            FamilyData("儿子", "王乐", date(2012, 9, 1), "群众", "甲县实验小学学生")],
    rewards=[RewardData("2019年被评为县优秀共产党员"), RewardData("2021年受到党内警告处分", kind="punishment")],
    reviews=[ReviewData(2022, "competent"), ReviewData(2023, "excellent")],
    form_submitting_unit="中共甲县委组织部", form_age_reckoned_on="20250101", form_filled_by="张三",
    form_filled_on="20250102",
)

CANONICAL = (
    '"王小明","男","198507","汉族","示范省甲县","200806","健康","示范省乙县","200707",'
    '"大学#法学学士@研究生#法学硕士","示范大学法律系法学专业#示范大学法学院@省委党校经济管理专业#",'
    '"经济师","","","","","熟悉""三农""工作","2003.09--2007.07  示范大学法律系法学专业学习\r\n'
    '2007.07--2012.03  甲县乙镇党政办科员,团委书记\r\n'
    '2012.03--         甲县乙镇副镇长（其间：2013.09--2015.12在省委党校经济管理专业在职研究生学习）",'
    '"2019年被评为县优秀共产党员\r\n2021年受到党内警告处分","2022年度考核称职；2023年度考核优秀。",'
    '"妻子@儿子","李芳@王乐","198603@201209","中共党员@群众","甲县第一中学教师@甲县实验小学学生",'
    '"甲县乙镇副镇长","甲县乙镇党委副书记","甲县乙镇副镇长","工作需要","中共甲县委组织部","20250101","张三","20250102"'
).encode("gbk")


def sample_with(changes: dict[int, str]) -> bytes:
    values = next(csv.reader(io.StringIO(SAMPLE.decode("gbk"), newline="")))
    for index, value in changes.items():
        values[index] = value
    return ",".join('"' + v.replace('"', '""') + '"' for v in values).encode("gbk")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (6, 8), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def test_sample_file_parses_into_expected_record() -> None:
    assert read_lrm(SAMPLE) == EXPECTED


def test_sample_writes_back_in_canonical_form() -> None:
    written, photo = write_lrm(read_lrm(SAMPLE), filled_on=date(2025, 1, 2))
    assert written == CANONICAL
    assert photo is None
    # the form's own fields are kept; without them there is no 填表时间 unless filled_on gives one
    bare = replace(EXPECTED, form_submitting_unit="", form_age_reckoned_on="", form_filled_by="", form_filled_on="")
    assert write_lrm(bare)[0].endswith(b'"","","",""')
    assert write_lrm(bare, filled_on=date(2026, 3, 4))[0].endswith(b'"","","","20260304"')


def test_sample_reads_like_the_same_values_in_lrmx() -> None:
    # given the sample's raw values placed in the equivalent LRMX elements (plus an ID number)
    values = next(csv.reader(io.StringIO(SAMPLE.decode("gbk"), newline="")))
    root = ET.Element("Person")
    for element, index in (("XingMing", 0), ("XingBie", 1), ("ChuShengNianYue", 2), ("MinZu", 3), ("JiGuan", 4),
                           ("RuDangShiJian", 5), ("JianKangZhuangKuang", 6), ("ChuShengDi", 7),
                           ("CanJiaGongZuoShiJian", 8), ("ZhuanYeJiShuZhiWu", 11),
                           ("ShuXiZhuanYeYouHeZhuanChang", 16), ("JianLi", 17), ("JiangChengQingKuang", 18),
                           ("NianDuKaoHeJieGuo", 19), ("XianRenZhiWu", 25), ("NiRenZhiWu", 26),
                           ("NiMianZhiWu", 27), ("RenMianLiYou", 28)):
        ET.SubElement(root, element).text = values[index].strip("()")
    ET.SubElement(root, "ShenFenZheng").text = id_number(date(1985, 7, 9))
    for prefix, (level, degree), (school, degree_school) in (
            ("QuanRiZhiJiaoYu", ("大学", "法学学士"), ("示范大学法律系法学专业", "示范大学法学院")),
            ("ZaiZhiJiaoYu", ("研究生", "法学硕士"), ("省委党校经济管理专业", ""))):
        for suffix, value in (("XueLi", level), ("XueWei", degree), ("XueLi_BiYeYuanXiaoXi", school),
                              ("XueWei_BiYeYuanXiaoXi", degree_school)):
            ET.SubElement(root, f"{prefix}_{suffix}").text = value
    family = ET.SubElement(root, "JiaTingChengYuan")
    for slot in range(2):
        item = ET.SubElement(family, "Item")
        for element, index in (("ChengWei", 20), ("XingMing", 21), ("ChuShengRiQi", 22), ("ZhengZhiMianMao", 23),
                               ("GongZuoDanWeiJiZhiWu", 24)):
            ET.SubElement(item, element).text = values[index].split("@")[slot]
    # when both are read, then they differ only in what .lrm lacks
    from_lrmx = read_lrmx(ET.tostring(root, encoding="utf-8"))
    assert from_lrmx.birth_date == date(1985, 7, 9)
    assert replace(from_lrmx, id_number="", birth_date=date(1985, 7, 1), form_submitting_unit="中共甲县委组织部",
                   form_age_reckoned_on="20250101", form_filled_by="张三", form_filled_on="20250102") == read_lrm(SAMPLE)


@pytest.mark.parametrize(("text", "status", "joined"), [
    ("200806", "01", date(2008, 6, 1)), ("（2008.06）", "01", date(2008, 6, 1)),
    ("200806；中共预备党员", "02", date(2008, 6, 1)), ("共青团员", "03", None), ("", "", None),
    ("200108；民建", "06", date(2001, 8, 1)), ("(民建)", "06", None), ("民建2001.08", "06", date(2001, 8, 1)),
    ("九三学社", "10", None), ("无党派人士", "12", None)])
def test_party_field_holds_month_or_status_or_both(text: str, status: str, joined: date | None) -> None:
    record = read_lrm(sample_with({5: text}))
    assert (record.political_status, record.party_join_date) == (status, joined)


def test_utf8_file_with_bom_is_read() -> None:
    assert read_lrm(b"\xef\xbb\xbf" + SAMPLE.decode("gbk").encode("utf-8")) == EXPECTED


def test_pic_with_real_jpeg_becomes_the_photo() -> None:
    photo = jpeg()
    record = read_lrm(SAMPLE, photo)
    assert record.photo == photo
    assert write_lrm(record) == (CANONICAL, photo)


def test_empty_pic_means_no_photo() -> None:
    assert read_lrm(SAMPLE, b"").photo is None


plain_records = records().map(lambda r: replace(r, retirement_age_boundary="", retirement_due=None))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_records.map(lambda r: replace(r, id_number="")), st.one_of(st.none(), st.dates()))
def test_lrm_round_trip_is_lossless_and_stable(original: CadreRecord, filled_on: date | None) -> None:
    written = write_lrm(original, filled_on=filled_on)
    again = read_lrm(*written)
    assert original.birth_date is not None
    filled = original.form_filled_on or (f"{filled_on:%Y%m%d}" if filled_on else "")
    assert again == replace(original, birth_date=original.birth_date.replace(day=1), form_version="",
                            form_filled_on=filled)
    assert write_lrm(again, filled_on=filled_on) == written


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_records)
def test_lrm_reads_the_same_record_as_lrmx(original: CadreRecord) -> None:
    from_lrmx = read_lrmx(write_lrmx(original))
    assert from_lrmx.birth_date is not None
    expected = replace(from_lrmx, id_number="", birth_date=from_lrmx.birth_date.replace(day=1), form_version="")
    assert read_lrm(*write_lrm(original)) == expected


MALFORMED = {
    "not GBK": (SAMPLE[:5] + b"\xff" + SAMPLE[5:], None, "encoding",
                "文件不是 GBK 编码：第 5 字节（从 0 起计，0xFF）起无法解码"),
    "32 fields": (SAMPLE.rsplit(b",", 1)[0], None, "file", "字段个数不对：应有 33 个，实有 32 个"),
    "unterminated quote": (SAMPLE[:-1], None, "file", "文件格式错误：有字段的引号未闭合"),
    "text after a quote": (SAMPLE.replace(b'"198507"', b'"198507"x'), None, "file",
                           "文件不是逗号分隔的带引号字段：第 1 行无法解析（',' expected after '\"'）"),
    "two lines": (SAMPLE + b"\r\n" + SAMPLE, None, "file", "文件应只有一行记录（33 个带引号的字段），实有 2 行"),
    "missing name": (sample_with({0: ""}), None, "XingMing", "姓名（第 1 个字段）是必填项，文件中为空"),
    "missing birth": (sample_with({2: " "}), None, "ChuShengNianYue", "出生年月（第 3 个字段）是必填项，文件中为空"),
    "bad birth date": (sample_with({2: "1990年13月"}), None, "ChuShengNianYue",
                       "出生年月（第 3 个字段）：日期“1990年13月”不是有效日期"),
    "bad work date": (sample_with({8: "2007.7.7.7"}), None, "CanJiaGongZuoShiJian",
                      "参加工作时间（第 9 个字段）：日期“2007.7.7.7”无法识别，应为 YYYYMM、YYYYMMDD、YYYY.MM、YYYY.MM.DD 或 YYYY-MM-DD"),
    "unknown ethnicity": (sample_with({3: "火星族"}), None, "MinZu", "民族（第 4 个字段）“火星族”不在代码表中"),
    "unknown sex": (sample_with({1: "M"}), None, "XingBie", "性别（第 2 个字段）“M”不在代码表中"),
    "unknown political status": (sample_with({5: "200806；某党"}), None, "RuDangShiJian",
                                 "入党时间（第 6 个字段）：政治面貌“某党”不在 GB/T 4762 代码表中，也不是民主党派简称"
                                 "（民革、民盟、民建、民进、农工党、致公党、九三学社、台盟）或无党派人士"),
    "bad resume": (sample_with({17: "在某地工作"}), None, "JianLi",
                   "简历（第 18 个字段）：简历第 1 行应以“起始年月--截止年月”开头：在某地工作"),
    "family name without relation": (sample_with({20: "妻子@@@", 21: "李芳@王乐@@"}), None, "JiaTingChengYuan[2]",
                                     "家庭成员第 2 项有姓名“王乐”但缺少称谓"),
    "family relation without name": (sample_with({20: "妻子@儿子@@父亲", 21: "李芳@王乐@@"}), None,
                                     "JiaTingChengYuan[4]", "家庭成员第 4 项有称谓“父亲”但缺少姓名"),
    "family bad birth": (sample_with({22: "198603@2012.13"}), None, "JiaTingChengYuan[2]/ChuShengRiQi",
                         "家庭成员第 2 项（王乐）出生日期：日期“2012.13”不是有效日期"),
    "oversized file": (b'"' + b"a" * MAX_FILE_BYTES + b'"', None, "file", "文件过大：1024 KB，上限 1024 KB"),
    "pic not an image": (SAMPLE, b"not a picture", "pic", "照片文件（.pic）：照片不是有效的图片文件"),
    "oversized pic": (SAMPLE, b"\xff\xd8\xff" + b"\0" * (1024 * 1024), "pic",
                      "照片文件（.pic）：照片过大：1024 KB，上限 1024 KB"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_file_gives_clear_error_naming_the_field(case: str) -> None:
    data, photo, field, message = MALFORMED[case]
    with pytest.raises(LrmxError) as info:
        read_lrm(data, photo)
    assert info.value.problems == [Problem(field, message)]
    assert str(info.value) == message


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(LrmxError) as info:
        read_lrm(sample_with({0: "", 3: "火星族", 20: "@儿子"}), b"not a picture")
    assert [p.field for p in info.value.problems] == ["XingMing", "MinZu", "JiaTingChengYuan[1]", "pic"]


def test_quotes_commas_and_line_breaks_in_free_text_survive() -> None:
    original = replace(EXPECTED, specialties='熟悉"三农",\n基层"党建"', appointment_reason='工作需要,"急需"')
    written, _ = write_lrm(original)
    assert b'"\xca\xec\xcf\xa4""\xc8\xfd\xc5\xa9"",\r\n' in written  # 熟悉""三农"",CRLF in GBK
    assert read_lrm(written) == original


def test_separators_inside_list_values_are_written_full_width() -> None:
    original = replace(EXPECTED, family=[FamilyData("妻子", "李@芳", None, "", "甲县#一中")],
                       education=[EducationData("full_time", "大学#本科", "", "示范@大学", "")])
    again = read_lrm(write_lrm(original)[0])
    assert again.family == [FamilyData("妻子", "李＠芳", None, "", "甲县＃一中")]
    assert again.education == [EducationData("full_time", "大学＃本科", "", "示范＠大学", "")]


def test_unescaped_quote_inside_a_field_is_tolerated_as_the_tools_readers_do() -> None:
    # given the sample with a quote written unescaped inside 现任职务, as some writers do
    values = next(csv.reader(io.StringIO(SAMPLE.decode("gbk"), newline="")))
    values[25] = '甲县乙镇"两新"组织党委副书记'
    values[16] = "熟悉三农工作"
    data = ('"' + '","'.join(values) + '"').encode("gbk")
    with pytest.raises(csv.Error):
        list(csv.reader(io.StringIO(data.decode("gbk"), newline=""), strict=True))
    # when read, then the fields are split on "," and the quote is kept in the text
    got = read_lrm(data)
    assert got.current_post == '甲县乙镇"两新"组织党委副书记'
    assert (got.name, got.appointment_reason, len(got.resume)) == ("王小明", "工作需要", 3)
