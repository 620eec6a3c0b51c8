"""The 干部任免审批表 file format (LRMX 3.x): XML with root <Person> and pinyin element names.

Pinyin identifiers live only here, because the format defines them. Parsing goes through defusedxml
with DTDs forbidden (no entity expansion, no external references). `read_lrmx` turns a file into a
`CadreRecord` or a list of `Problem`s; `write_lrmx` writes a record back. A record written and read
again is the same record, and writing it again gives the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from zugong.cadres import idcard
from zugong.cadres.codes import lookup, name_of
from zugong.cadres.dates import BadDate, has_day, parse_date
from zugong.cadres.records import CadreRecord, EducationData, FamilyData, ReviewData, RewardData
from zugong.cadres.resume import BadResume, format_resume, parse_resume

MAX_FILE_BYTES = 4 * 1024 * 1024
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_\-]+)[\"'][^>]*\?>")

RATINGS = {"优秀": "excellent", "称职": "competent", "基本称职": "basic", "不称职": "incompetent",
           "不定等次": "unrated", "合格": "passed", "基本合格": "basic_passed", "不合格": "failed"}
RATING_NAMES = {v: k for k, v in RATINGS.items()}
# One year or several (`2021、2022、2023`), then 年度考核 in any of the ways files write it
# (`2020年年度考核称职`, `2022年度考核结果为优秀`, `2023年度：合格`, `…均为称职`), then the rating.
_REVIEW = re.compile(r"((?:\d{4}\s*年?\s*[、，,和及]\s*)*\d{4})\s*年?\s*(?:年度|度)?\s*(?:考核)?\s*(?:结果)?"
                     r"[\s为是：:均皆都]*(优秀|基本称职|不称职|称职|不定等次|基本合格|不合格|合格)")
_PUNISHMENT_WORDS = ("处分", "警告", "记过", "降级", "撤职", "诫勉", "开除", "通报批评")
EDUCATION_ELEMENTS = {"full_time": "QuanRiZhiJiaoYu", "in_service": "ZaiZhiJiaoYu"}
# The form's own fields, kept as written and written back.
FORM_ELEMENTS = {"form_submitting_unit": "ChengBaoDanWei", "form_age_reckoned_on": "JiSuanNianLingShiJian",
                 "form_filled_on": "TianBiaoShiJian", "form_filled_by": "TianBiaoRen", "form_version": "Version"}
DATE_ELEMENTS = {"birth_date": "ChuShengNianYue", "party_join_date": "RuDangShiJian",
                 "work_start_date": "CanJiaGongZuoShiJian", "retirement_due": "DaoLingNianYue"}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class LrmxError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


def decode_xml(data: bytes) -> str:
    """Text of an XML file: UTF-8/UTF-16 by BOM, or the declared encoding (GB2312/GBK read as GB18030)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    elif data.startswith((b"<\x00", b"\x00<")):  # UTF-16 without a byte-order mark
        return _decode(data, "utf-16-le" if data[0] == ord("<") else "utf-16-be")
    declared = _DECLARED.match(data)
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding in {"gb2312", "gbk", "gb18030"}:
        encoding = "gb18030"
    if encoding.replace("-", "").replace("_", "") in {"utf16", "utf16le", "utf16be"}:
        # The declaration itself was read as single bytes, so the file is not UTF-16 (which would have
        # a byte-order mark or a zero byte beside every ASCII character).
        raise LrmxError([Problem("encoding", "文件声明为 UTF-16 编码，但内容是单字节编码（"
                                             f"{_guess(data)}），不是 UTF-16：请把首行声明改为 "
                                             f"encoding=\"{'GBK' if _guess(data) == 'GBK' else 'UTF-8'}\"，"
                                             "或用 UTF-16 重新保存文件")])
    return _decode(data, encoding, declared=declared is not None)


def _guess(data: bytes) -> str:
    """What 8-bit encoding the bytes look like: UTF-8 if they decode as it, else GBK if they decode as that."""
    for encoding, name in (("utf-8", "UTF-8"), ("gb18030", "GBK")):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return name
    return "无法识别的编码"


def _decode(data: bytes, encoding: str, *, declared: bool = True) -> str:
    try:
        text = data.decode(encoding)
    except LookupError as exc:
        raise LrmxError([Problem("encoding", f"不支持的文件编码“{encoding}”")]) from exc
    except UnicodeDecodeError as exc:
        raise LrmxError([Problem("encoding", _decode_message(data, encoding, exc.start, declared))]) from exc
    # The declaration has done its job; ElementTree must not re-decode the str.
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)


def _decode_message(data: bytes, encoding: str, start: int, declared: bool) -> str:
    where = f"第 {start} 字节起无法按 {encoding.upper()} 解码"
    looks = _guess(data)
    if not declared:
        if looks == "GBK":
            return (f"文件没有声明编码，按 XML 的默认编码 UTF-8 读取失败（{where}）；内容是 GBK 编码："
                    "请在首行写明 <?xml version=\"1.0\" encoding=\"GBK\"?>，或另存为 UTF-8")
        return f"文件没有声明编码，按 XML 的默认编码 UTF-8 读取失败（{where}）：请另存为 UTF-8 编码"
    hint = f"；内容看来是 {looks} 编码，请把首行声明改为 encoding=\"{looks}\"" if looks in {"UTF-8", "GBK"} else ""
    return f"文件内容不是声明的 {encoding.upper()} 编码（{where}）{hint}"


def parse_xml(data: bytes) -> ET.Element:
    if len(data) > MAX_FILE_BYTES:
        raise LrmxError([Problem("file", f"文件过大：{len(data) // 1024} KB，上限 {MAX_FILE_BYTES // 1024} KB")])
    text = decode_xml(data)
    try:
        root: ET.Element = SafeET.fromstring(text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise LrmxError([Problem("file", "文件含有 DTD 或实体声明，出于安全原因拒绝读取")]) from exc
    except ET.ParseError as exc:
        line, column = exc.position
        raise LrmxError([Problem("file", f"XML 格式错误：第 {line} 行第 {column} 列附近无法解析")]) from exc
    if root.tag != "Person":
        raise LrmxError([Problem("file", f"根元素应为 <Person>，实为 <{root.tag}>")])
    return root


def _text(root: ET.Element, name: str) -> str:
    node = root.find(name)
    return (node.text or "").strip() if node is not None else ""


class _Reader:
    def __init__(self, root: ET.Element) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.month_only: set[str] = set()  # elements whose date had no day

    def text(self, name: str) -> str:
        return _text(self.root, name)

    def date(self, name: str, value: str | None = None) -> date | None:
        raw = self.text(name) if value is None else value
        try:
            parsed = parse_date(raw)
        except BadDate as exc:
            self.problems.append(Problem(name, str(exc)))
            return None
        if parsed is not None and not has_day(raw):
            self.month_only.add(name)
        return parsed

    def required(self, name: str, label: str) -> str:
        value = self.text(name)
        if not value:
            self.problems.append(Problem(name, f"缺少必填项：{label}（<{name}>）"))
        return value


def read_lrmx(data: bytes) -> CadreRecord:
    """Parse one .lrmx file; raise LrmxError listing every problem found."""
    reader = _Reader(parse_xml(data))
    record = CadreRecord(name=reader.required("XingMing", "姓名"))
    # may be empty: the importer matches the person by name and birth month, as for .lrm
    record.id_number = idcard.normalise(reader.text("ShenFenZheng"))
    record.birth_date = _birth(reader, record.id_number)
    record.sex = _coded(reader, "XingBie", "sex", "性别")
    record.ethnicity = _coded(reader, "MinZu", "ethnicity", "民族")
    record.native_place, record.birthplace = reader.text("JiGuan"), reader.text("ChuShengDi")
    _political(reader, record)
    record.work_start_date = reader.date("CanJiaGongZuoShiJian")
    record.health = reader.text("JianKangZhuangKuang")
    record.professional_title = reader.text("ZhuanYeJiShuZhiWu")
    record.specialties = reader.text("ShuXiZhuanYeYouHeZhuanChang")
    record.education = [e for e in (_education(reader, kind) for kind in EDUCATION_ELEMENTS) if not e.is_empty()]
    record.current_post = reader.text("XianRenZhiWu")
    record.proposed_post = reader.text("NiRenZhiWu")
    record.proposed_removal = reader.text("NiMianZhiWu")
    record.appointment_reason = reader.text("RenMianLiYou")
    try:
        record.resume = parse_resume(reader.text("JianLi"))
    except BadResume as exc:
        reader.problems.append(Problem("JianLi", str(exc)))
    record.rewards = parse_rewards(reader.text("JiangChengQingKuang"))
    record.family = _family(reader)
    record.photo = _photo(reader)
    record.retirement_age_boundary = reader.text("GaiGeQianRenZhiNianLingJieXian")
    record.retirement_due = reader.date("DaoLingNianYue")
    for attribute, element in FORM_ELEMENTS.items():
        setattr(record, attribute, reader.text(element))
    read_reviews(record, reader.text("NianDuKaoHeJieGuo"))  # after the form's dates: they date a bare rating
    record.month_only = {attribute for attribute, element in DATE_ELEMENTS.items() if element in reader.month_only}
    if reader.problems:
        raise LrmxError(reader.problems)
    return record


def _birth(reader: _Reader, id_number: str) -> date | None:
    raw = reader.required("ChuShengNianYue", "出生年月")
    if not raw:
        return None
    return idcard.exact_birth(reader.date("ChuShengNianYue", raw), id_number)


def _coded(reader: _Reader, element: str, table: str, label: str) -> str:
    raw = reader.text(element)
    if not raw:
        return ""
    code = lookup(table, raw)
    if code is None:
        reader.problems.append(Problem(element, f"{label}“{raw}”不在代码表中"))
        return ""
    return code


def _political(reader: _Reader, record: CadreRecord) -> None:
    political = parse_political(reader.text("RuDangShiJian"))
    record.political_status, record.party_join_date = political.status, political.joined
    record.political_note = political.note
    if political.joined is not None and not political.joined_day:
        reader.month_only.add("RuDangShiJian")
    reader.problems.extend(Problem("RuDangShiJian", message) for message in political.problems)


class Political(NamedTuple):
    status: str  # GB/T 4762 code
    joined: date | None
    note: str  # further parties of a member of two (`民建；民盟` → status 06, note 民盟)
    problems: list[str]
    joined_day: bool = False  # the join date was written with its day


# A date (`200108`, `2001.08`, `2001年8月`) or a name; brackets and separators between them are noise.
_POLITICAL_TOKEN = re.compile(r"\d{4}(?:[.\-/年]?\d{1,2}月?(?:[.\-/]?\d{1,2}日?)?)?|[^\d\s；;，,、()（）.\-/]+")


def parse_political(text: str) -> Political:
    """入党时间 as files write it: the party join month, a status name (a democratic party's short name
    too), or both in either order — `200108`, `200108；民建`, `(民建)`, `民建2001.08`, `民建；民盟`."""
    status, note = "", []
    joined: date | None = None
    joined_day = False
    problems: list[str] = []
    for part in _POLITICAL_TOKEN.findall(text):
        if part[0].isdigit():
            joined_day = has_day(part)
            try:
                joined = parse_date(part)
            except BadDate as exc:
                joined = None
                problems.append(str(exc))
            continue
        code = lookup("political_status", part)
        if code is None:
            problems.append(f"政治面貌“{part}”不在 GB/T 4762 代码表中，也不是民主党派简称（民革、民盟、民建、民进、"
                            "农工党、致公党、九三学社、台盟）或无党派人士")
        elif not status:
            status = code
        elif code != status:
            note.append(part)
    if joined is not None and not status:
        status = "01"
    return Political(status, joined, "；".join(note), problems, joined_day)


def format_political(record: CadreRecord) -> str:
    month = f"{record.party_join_date:%Y%m}" if record.party_join_date else ""
    if record.political_status in {"", "01"} and (month or not record.political_status) and not record.political_note:
        return month
    name = name_of("political_status", record.political_status)
    text = f"{month}；{name}" if month else name
    return f"{text}；{record.political_note}" if record.political_note else text


def _education(reader: _Reader, kind: str) -> EducationData:
    prefix = EDUCATION_ELEMENTS[kind]
    return EducationData(kind=kind, level_text=reader.text(f"{prefix}_XueLi"),
                         degree_text=reader.text(f"{prefix}_XueWei"),
                         school=reader.text(f"{prefix}_XueLi_BiYeYuanXiaoXi"),
                         degree_school=reader.text(f"{prefix}_XueWei_BiYeYuanXiaoXi"))


def parse_rewards(text: str) -> list[RewardData]:
    if text.strip() in {"", "无"}:
        return []
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    return [RewardData(text=line, kind="punishment" if any(w in line for w in _PUNISHMENT_WORDS) else "reward")
            for line in lines]


def format_rewards(rewards: list[RewardData]) -> str:
    return "\n".join(r.text for r in rewards) if rewards else "无"


def parse_reviews(text: str) -> tuple[list[ReviewData], str]:
    """Annual results as rows; the original text is kept too unless it is exactly the canonical form."""
    reviews = [ReviewData(int(year), RATINGS[m.group(2)]) for m in _REVIEW.finditer(text)
               for year in re.findall(r"\d{4}", m.group(1))]
    note = "" if format_reviews(reviews, "") == text.strip() else text.strip()
    return reviews, note


def read_reviews(record: CadreRecord, text: str) -> None:
    """`record.reviews` and `review_note` from the 年度考核结果 text, once the form's own dates are read.

    A rating written without a year (`合格`, `考核称职`, `近三年考核均为合格`) is given the year(s) the form
    implies: the last year reviewed before it was filled in (填表时间, else 计算年龄时间), or the N before it
    for `近N年`, each with a warning to check. Without such a date the text is kept as written, with no
    row, and a warning says so: data the user must complete, not an error.
    """
    record.reviews, record.review_note = parse_reviews(text)
    dated = {r.year for r in record.reviews}
    reference = _reference_year(record)
    for word, count in _bare_ratings(text):
        if reference is None:
            record.warnings.append(("reviews", f"年度考核结果“{word}”没有写明年度，文件也没有填表时间，无法推定："
                                               "原文已保留，未生成考核记录，请补写年度"))
            continue
        years = [y for y in range(reference - count, reference) if y not in dated]
        record.reviews += [ReviewData(year, RATINGS[word]) for year in years]
        dated.update(years)
        if not years:
            record.warnings.append(("reviews", f"年度考核结果“{word}”没有写明年度，按填表时间推定的年度已有考核"
                                               "结果：原文已保留，请核实"))
            continue
        shown = "、".join(str(y) for y in years)
        record.warnings.append(("reviews", f"年度考核结果“{word}”没有写明年度，按填表时间（{reference} 年）"
                                           f"推定为 {shown} 年度，请核实"))


_RATING = re.compile(r"优秀|基本称职|不称职|称职|不定等次|基本合格|不合格|合格")
_RECENT = re.compile(r"近\s*([一二两三四五1-5])\s*个?年")
_COUNTS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


def _bare_ratings(text: str) -> list[tuple[str, int]]:
    """Each rating outside a dated result (`_REVIEW`), with how many recent years it covers (`近三年…` 3, else 1)."""
    dated = [m.span() for m in _REVIEW.finditer(text)]
    found: list[tuple[str, int]] = []
    since = 0
    for match in _RATING.finditer(text):
        if any(start <= match.start() < end for start, end in dated):
            since = match.end()
            continue
        recent = _RECENT.search(text, since, match.start())
        count = (_COUNTS.get(recent.group(1)) or int(recent.group(1))) if recent else 1
        found.append((match.group(0), count))
        since = match.end()
    return found


def _reference_year(record: CadreRecord) -> int | None:
    for raw in (record.form_filled_on, record.form_age_reckoned_on):
        found = re.match(r"\s*(\d{4})", raw)
        if found and 1950 <= int(found.group(1)) <= 2100:
            return int(found.group(1))
    return None


def format_reviews(reviews: list[ReviewData], note: str) -> str:
    if note:
        return note
    return "；".join(f"{r.year}年度考核{RATING_NAMES[r.rating]}" for r in reviews) + ("。" if reviews else "")


def _family(reader: _Reader) -> list[FamilyData]:
    members: list[FamilyData] = []
    for index, item in enumerate(reader.root.findall("JiaTingChengYuan/Item"), start=1):
        relation, name = _text(item, "ChengWei"), _text(item, "XingMing")
        if not (relation or name):
            continue
        if not (relation and name):
            reader.problems.append(Problem(f"JiaTingChengYuan/Item[{index}]", f"家庭成员第 {index} 项缺少称谓或姓名"))
            continue
        try:
            birth = parse_date(_text(item, "ChuShengRiQi"))
        except BadDate as exc:
            reader.problems.append(Problem(f"JiaTingChengYuan/Item[{index}]/ChuShengRiQi", str(exc)))
            birth = None
        members.append(FamilyData(relation_text=relation, name=name, birth_date=birth,
                                  political_status=_text(item, "ZhengZhiMianMao"),
                                  work_unit_post=_text(item, "GongZuoDanWeiJiZhiWu"),
                                  birth_month_only=not has_day(_text(item, "ChuShengRiQi"))))
    return members


def _photo(reader: _Reader) -> bytes | None:
    raw = re.sub(r"\s+", "", reader.text("ZhaoPian"))
    if not raw:
        return None
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        reader.problems.append(Problem("ZhaoPian", "照片不是有效的 Base64 编码"))
        return None


def write_lrmx(record: CadreRecord, *, filled_on: date | None = None) -> bytes:
    """The form in the element order of the real template (3.2.1.16); 填表时间 is the one the record keeps,
    else `filled_on`; the optional 2025 elements only when they hold something (a reader computes age 0
    when they are present but empty)."""
    root = ET.Element("Person")

    def put(name: str, value: str) -> None:
        ET.SubElement(root, name).text = value

    put("XingMing", record.name)
    put("XingBie", name_of("sex", record.sex))
    put("ChuShengNianYue", f"{record.birth_date:%Y%m}" if record.birth_date else "")
    put("MinZu", name_of("ethnicity", record.ethnicity))
    put("JiGuan", record.native_place)
    put("ChuShengDi", record.birthplace)
    put("RuDangShiJian", format_political(record))
    put("CanJiaGongZuoShiJian", f"{record.work_start_date:%Y%m}" if record.work_start_date else "")
    put("JianKangZhuangKuang", record.health)
    put("ZhuanYeJiShuZhiWu", record.professional_title)
    put("ShuXiZhuanYeYouHeZhuanChang", record.specialties)
    by_kind = {e.kind: e for e in record.education}
    for kind, prefix in EDUCATION_ELEMENTS.items():
        education = by_kind.get(kind, EducationData(kind))
        put(f"{prefix}_XueLi", education.level_text)
        put(f"{prefix}_XueWei", education.degree_text)
        put(f"{prefix}_XueLi_BiYeYuanXiaoXi", education.school)
        put(f"{prefix}_XueWei_BiYeYuanXiaoXi", education.degree_school)
    put("XianRenZhiWu", record.current_post)
    put("NiRenZhiWu", record.proposed_post)
    put("NiMianZhiWu", record.proposed_removal)
    put("JianLi", format_resume(record.resume))
    put("JiangChengQingKuang", format_rewards(record.rewards))
    put("NianDuKaoHeJieGuo", format_reviews(record.reviews, record.review_note))
    put("RenMianLiYou", record.appointment_reason)
    family = ET.SubElement(root, "JiaTingChengYuan")
    for member in record.family:
        item = ET.SubElement(family, "Item")
        for name, value in (("ChengWei", member.relation_text), ("XingMing", member.name),
                            ("ChuShengRiQi", f"{member.birth_date:%Y%m}" if member.birth_date else ""),
                            ("ZhengZhiMianMao", member.political_status),
                            ("GongZuoDanWeiJiZhiWu", member.work_unit_post)):
            ET.SubElement(item, name).text = value
    put("ChengBaoDanWei", record.form_submitting_unit)
    put("JiSuanNianLingShiJian", record.form_age_reckoned_on)
    put("TianBiaoShiJian", record.form_filled_on or (f"{filled_on:%Y%m%d}" if filled_on else ""))
    put("TianBiaoRen", record.form_filled_by)
    put("ShenFenZheng", record.id_number)
    put("ZhaoPian", base64.b64encode(record.photo).decode("ascii") if record.photo else "")
    put("Version", record.form_version)
    if record.retirement_age_boundary:
        put("GaiGeQianRenZhiNianLingJieXian", record.retirement_age_boundary)
    if record.retirement_due:
        put("DaoLingNianYue", f"{record.retirement_due:%Y%m}")
    ET.indent(root, space="  ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"
