import base64
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from zugong.cadres.importers import cadre_import
from zugong.cadres.lrm import write_lrm
from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.models import Cadre, FamilyMember
from zugong.cadres.records import FamilyData
from zugong.cadres.tests.factories import record
from zugong.cadres.tests.test_lrmx import PHOTO
from zugong.cadres.xlsx import COLUMNS, write_workbook
from zugong.core.models import AuditEvent
from zugong.core.permissions import SYSTEM


def run(tmp_path: Path, files: dict[str, bytes], *extra: str) -> tuple[int, dict]:
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    out = tmp_path / "out.json"
    code = 0
    with out.open("w") as handle:
        try:
            call_command("import_cadres", *paths, "--org", "990121001", "--json", *extra, stdout=handle)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, json.loads(out.read_text())


@pytest.mark.django_db
def test_lrmx_import_then_second_import_updates(tree, tmp_path):
    # given a valid file
    data = write_lrmx(record(photo=PHOTO))
    # when imported twice, the second time with a changed family
    code, body = run(tmp_path, {"a.lrmx": data})
    assert (code, body) == (0, {"imported": 1, "updated": 0, "errors": [], "warnings": []})
    changed = record(photo=PHOTO)
    changed.family.append(FamilyData("儿子", "张小明", date(2010, 2, 1), "群众", "学生"))
    code, body = run(tmp_path, {"a.lrmx": write_lrmx(changed)})
    # then one cadre, updated, history superseded
    assert (code, body) == (0, {"imported": 0, "updated": 1, "errors": [], "warnings": []})
    cadre = Cadre.objects.get()
    assert cadre.org_unit == tree.township_a and bytes(cadre.photo or b"") == PHOTO
    assert FamilyMember.objects.filter(cadre=cadre, superseded_at__isnull=True).count() == 2
    assert AuditEvent.objects.filter(action="cadres.cadre_import").count() == 2
    assert AuditEvent.objects.filter(action="cadres.cadre_save_record").count() == 1


@pytest.mark.django_db
def test_dry_run_saves_nothing(tree, tmp_path):
    code, body = run(tmp_path, {"a.lrmx": write_lrmx(record())}, "--dry-run")
    assert (code, body["imported"]) == (0, 1)
    assert not Cadre.objects.exists()


def _xlsx(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    import io

    from openpyxl import Workbook
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(header or [label for _, label in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_xlsx_template_round_trip(tree, tmp_path):
    data = write_workbook([record(), record(name="李四", birth=date(1985, 2, 3), order=2)])
    code, body = run(tmp_path, {"roster.xlsx": data})
    assert (code, body) == (0, {"imported": 2, "updated": 0, "errors": [], "warnings": []})
    li = Cadre.objects.get(name="李四")
    assert (li.birth_date, li.name_initials, li.highest_education) == (date(1985, 2, 3), "ls", "20")
    assert (li.party_join_date, li.work_start_date) == (date(2003, 6, 1), date(2002, 7, 1))
    assert [line.text for line in li.resume_lines.all()] == ["示范大学法律系法学专业学习", "甲县甲镇党委副书记"]


GOOD = write_lrmx(record(name="王五", birth=date(1979, 1, 1), order=5))
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE Person [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b"<Person><XingMing>&xxe;</XingMing></Person>")
CORPUS = {
    "broken.lrmx": ("<Person><XingMing>张三</XingMing>".encode(), "file", "XML 格式错误"),
    "xxe.lrmx": (XXE, "file", "DTD"),
    "wrong-encoding.lrmx": (write_lrmx(record()).decode().encode("gbk"), "encoding", "UTF-8 编码"),
    "missing-name.lrmx": (write_lrmx(record()).replace(b"<XingMing>\xe5\xbc\xa0\xe4\xb8\x89</XingMing>", b"<XingMing />"),
                          "XingMing", "缺少必填项：姓名"),
    "bad-date.lrmx": (write_lrmx(record()).replace(b"<CanJiaGongZuoShiJian>200207<", b"<CanJiaGongZuoShiJian>2002.13<"),
                      "CanJiaGongZuoShiJian", "不是有效日期"),
    "big-photo.lrmx": (write_lrmx(record(photo=b"\x89PNG" + b"\0" * (1024 * 1024 + 10))), "photo", "照片过大"),
    "fake-photo.lrmx": (write_lrmx(record()).replace(b"<ZhaoPian />", b"<ZhaoPian>" + base64.b64encode(b"GIF? no") + b"</ZhaoPian>"),
                        "photo", "不是有效的图片"),
    "no-header.xlsx": (_xlsx([["张三"]], header=["名字"]), "header", "表头缺少必需列"),
    "bad-row.xlsx": (_xlsx([["张三", "110105198005170017", "男", "1980年13月"]]), "出生年月", "不是有效日期"),
    "notes.txt": (b"hello", "file", "不支持的文件类型"),
    "not-gbk.lrm": (b'"\xff\xfe\xff"' + b',""' * 32, "encoding", "不是 GBK 编码"),
    "short.lrm": (",".join(['""'] * 32).encode(), "file", "应有 33 个，实有 32 个"),
    "unterminated.lrm": (b'"\xd5\xc5\xc8\xfd,"' + b',""' * 31 + b',"', "file", "引号未闭合"),
    "bad-birth.lrm": (write_lrm(replace(record(), id_number="", birth_date=None))[0].replace(
        b'"","\xba\xba', b'"1990\xc4\xea13\xd4\xc2","\xba\xba', 1), "ChuShengNianYue", "出生年月"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_malformed_file_gives_clear_error_and_saves_nothing(tree, tmp_path, name):
    data, field, words = CORPUS[name]
    code, body = run(tmp_path, {"good.lrmx": GOOD, name: data})
    assert code == 1 and body["imported"] == 0 and body["updated"] == 0
    errors = [e for e in body["errors"] if e["file"].endswith(name)]
    assert errors, body
    assert any(e["field"] == field and words in e["message"] for e in errors), errors
    assert set(errors[0]) == {"file", "row", "field", "message"}
    assert not Cadre.objects.exists()


@pytest.mark.django_db
def test_duplicate_id_within_one_run_is_an_error(tree):
    data = write_lrmx(record())
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("a.lrmx", data), ("b.lrmx", data)])
    assert [e.field for e in result.errors] == ["id_number"] and not Cadre.objects.exists()


@pytest.mark.django_db
def test_export_then_import_gives_same_lrmx(tree, tmp_path):
    run(tmp_path, {"a.lrmx": write_lrmx(record(photo=PHOTO))})
    call_command("export_cadres", "--format", "lrmx", "--org", "990121", "--out", str(tmp_path / "x.lrmx"))
    first = (tmp_path / "x.lrmx").read_bytes()
    Cadre.objects.all().delete()
    run(tmp_path, {"x.lrmx": first})
    call_command("export_cadres", "--format", "lrmx", "--id", "110105198005170017", "--out", str(tmp_path / "y.lrmx"))
    assert (tmp_path / "y.lrmx").read_bytes() == first


@pytest.mark.django_db
def test_xlsx_reader_handles_excel_dates_numbers_and_gaps(tree):
    import io as _io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append([label for _, label in COLUMNS])
    sheet.append(["钱七", "110105198005170017", None, date(1980, 5, 17), "汉族", None, None, "中共党员", 200306])
    out = _io.BytesIO()
    book.save(out)
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("dates.xlsx", out.getvalue())])
    assert not result.errors, result.errors
    cadre = Cadre.objects.get()
    assert (cadre.birth_date, cadre.party_join_date, cadre.sex) == (date(1980, 5, 17), date(2003, 6, 1), "1")


def test_not_a_zip_is_a_clear_error():
    from zugong.cadres.importers import ImportResult, read_file

    result = ImportResult()
    read_file("x.xlsx", b"PK\x03\x04 broken", result)
    assert [e.message for e in result.errors] == ["不是有效的 .xlsx 文件"]


@pytest.mark.django_db
@pytest.mark.parametrize("copy_threshold", [2_000, 0])  # 0: PostgreSQL's COPY path even for a few rows
def test_bulk_import_writes_cadres_and_histories_on_either_path(tree, monkeypatch, copy_threshold):
    monkeypatch.setattr("zugong.core.bulk.COPY_THRESHOLD", copy_threshold)
    people = [record(photo=PHOTO), record(name="李四", birth=date(1985, 2, 3), order=2)]
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[(f"{i}.lrmx", write_lrmx(p))
                                                                     for i, p in enumerate(people)])
    assert (result.errors, result.imported) == ([], 2)
    zhang = Cadre.objects.get(name="张三")
    assert bytes(zhang.photo or b"") == PHOTO and zhang.created_at is not None and zhang.updated_at is not None
    assert (zhang.name_initials, zhang.highest_education, zhang.managing_unit) == ("zs", "20", tree.township_a)
    assert [line.text for line in zhang.resume_lines.order_by("sort_order")] == ["示范大学法律系法学专业学习",
                                                                               "甲县甲镇党委副书记"]
    assert list(zhang.annual_reviews.values_list("year", "rating")) == [(2022, "competent"), (2023, "excellent")]
    assert FamilyMember.objects.filter(cadre__name="李四").count() == 1
    assert Cadre.objects.create(name="后来者", org_unit=tree.township_a).pk > max(c.pk for c in [zhang])


def _rezip(data: bytes, member: str, change) -> bytes:
    import io as _io
    import zipfile

    source = zipfile.ZipFile(_io.BytesIO(data))
    out = _io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            target.writestr(name, change(body) if name == member else body)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("member", "message"), [
    ("xl/worksheets/sheet1.xml", "不是有效的 .xlsx 文件"),
    ("xl/workbook.xml", "文件含有 DTD 或实体声明，出于安全原因拒绝读取"),
    ("[Content_Types].xml", "文件含有 DTD 或实体声明，出于安全原因拒绝读取"),
])
def test_xlsx_with_entity_declarations_is_refused(tree, member, message):
    # given: a workbook one of whose XML parts declares an external entity (XXE)
    evil = _rezip(write_workbook([record()]), member, lambda body: body.replace(
        b"<", b'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><', 1))
    # when imported
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("evil.xlsx", evil)])
    # then it is refused and nothing is saved
    assert [e.message for e in result.errors] == [message] and not Cadre.objects.exists()


@pytest.mark.django_db
def test_xlsx_that_unpacks_too_large_is_refused(tree, monkeypatch):
    monkeypatch.setattr("zugong.core.xlsxguard.MAX_UNPACKED_BYTES", 1000)
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("big.xlsx", write_workbook([record()]))])
    assert [e.message for e in result.errors] == ["文件解压后过大"] and not Cadre.objects.exists()


DISCREPANT = {
    "bad-check-digit.lrmx": (write_lrmx(record()).replace(b"110105198005170017", b"110105198005170018"),
                             "id_number", "校验位应为 7，实为 8", "id_check_digit"),
    "birth-vs-id.lrmx": (write_lrmx(record()).replace(b"<ChuShengNianYue>198005<", b"<ChuShengNianYue>198006<"),
                         "birth_date", "出生年月 1980.06 与公民身份号码中的 1980.05 不一致", "birth_vs_id"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DISCREPANT))
def test_discrepancy_imports_as_a_warning_and_the_audit_lists_it(tree, tmp_path, name):
    from zugong.cadres import archive_audit

    data, field, words, check = DISCREPANT[name]
    # given a file whose values disagree with its ID number, beside a good file
    # when previewed with --dry-run
    code, body = run(tmp_path, {"good.lrmx": GOOD, name: data}, "--dry-run")
    # then nothing is refused and the discrepancy is a warning
    assert (code, body["imported"], body["errors"]) == (0, 2, [])
    assert [(w["file"].endswith(name), w["field"], words in w["message"]) for w in body["warnings"]] == [
        (True, field, True)]
    # when imported, the record is stored and the archive audit finds the same discrepancy
    code, body = run(tmp_path, {"good.lrmx": GOOD, name: data})
    assert (code, body["imported"], len(body["warnings"])) == (0, 2, 1)
    cadre = Cadre.objects.get(name="张三")
    _count, findings = archive_audit.run(Cadre.objects.filter(pk=cadre.pk), today=date(2026, 1, 1),
                                         checks={check})
    assert [f.check for f in findings] == [check]
    assert words in findings[0].message


@pytest.mark.django_db
def test_dry_run_text_output_shows_the_warning(tree, tmp_path):
    from io import StringIO

    path = tmp_path / "a.lrmx"
    path.write_bytes(DISCREPANT["birth-vs-id.lrmx"][0])
    out = StringIO()
    call_command("import_cadres", str(path), "--org", "990121001", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "birth_date：警告：出生年月 1980.06 与公民身份号码中的 1980.05 不一致" in text
    assert text.rstrip().endswith("将导入 1 人，更新 0 人，错误 0 处，警告 1 处")


@pytest.mark.django_db
def test_import_preview_page_shows_the_discrepancy_and_offers_confirmation(tree, alice, settings, tmp_path):
    import io

    from zugong.conftest import logged_in

    settings.VAR_DIR = tmp_path
    upload = io.BytesIO(DISCREPANT["birth-vs-id.lrmx"][0])
    upload.name = "a.lrmx"
    web = logged_in(alice)
    page = web.post("/cadres/import/", {"org": tree.township_a.pk, "uploads": upload})
    text = page.content.decode()
    assert 'id="zg-import-warnings"' in text and "出生年月 1980.06 与公民身份号码中的 1980.05 不一致" in text
    assert page.context["token"] and not Cadre.objects.exists()
    # and confirming imports it, saying what still needs checking
    done = web.post("/cadres/import/", {"token": page.context["token"]}, follow=True)
    assert "已导入 1 人，更新 0 人；1 处不一致已照常导入，请在三龄两历一身份审核中核实更正" in done.content.decode()
    assert Cadre.objects.get().birth_date == date(1980, 6, 1)


def _exported(cadre: Cadre) -> bytes:
    from zugong.cadres.exporters import record_of, with_history

    return write_lrmx(record_of(with_history(Cadre.objects.filter(pk=cadre.pk)).get()))


@pytest.mark.django_db
def test_round_trip_compares_at_the_files_precision_and_never_loses_a_known_day(tree):
    from zugong.cadres.tests.factories import make_cadre

    # given a cadre whose party join date and a family member's birth are known to the day
    family = [FamilyData("父亲", "张大山", date(1951, 3, 12), "群众", "退休")]
    cadre = make_cadre(tree.township_a, party_join_date=date(1996, 5, 12), family=family)
    exported = _exported(cadre)
    assert b"<RuDangShiJian>199605</RuDangShiJian>" in exported and b"<ChuShengRiQi>195103</ChuShengRiQi>" in exported
    # when the exported file is previewed and imported again
    preview = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a,
                           files=[("a.lrmx", exported)], dry_run=True)
    assert [p.changes for p in preview.parsed] == [[]]
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("a.lrmx", exported)])
    # then nothing changed: the days are kept
    assert result.errors == []
    cadre.refresh_from_db()
    assert cadre.party_join_date == date(1996, 5, 12)
    assert [m.birth_date for m in cadre.family.filter(superseded_at__isnull=True)] == [date(1951, 3, 12)]
    # but a file that gives another month, or the day itself, is taken as it is
    other = exported.replace(b"<RuDangShiJian>199605<", b"<RuDangShiJian>199606<").replace(
        b"<ChuShengRiQi>195103<", b"<ChuShengRiQi>19510301<")
    cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("a.lrmx", other)])
    cadre.refresh_from_db()
    assert cadre.party_join_date == date(1996, 6, 1)
    assert [m.birth_date for m in cadre.family.filter(superseded_at__isnull=True)] == [date(1951, 3, 1)]


@pytest.mark.django_db
def test_the_forms_own_fields_are_kept_and_written_back(tree):
    # given a file as the real tool writes it
    data = write_lrmx(record(sex="1", form_submitting_unit="中共甲县委组织部", form_age_reckoned_on="20231024",
                             form_filled_on="20231024", form_filled_by="王五", form_version="3.2.1.16"))
    # when imported and exported again (on another day)
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("a.lrmx", data)])
    assert result.errors == []
    again = _exported(Cadre.objects.get())
    # then each of them is written back as it was
    for element in ("<ChengBaoDanWei>中共甲县委组织部</ChengBaoDanWei>".encode(),
                    b"<JiSuanNianLingShiJian>20231024</JiSuanNianLingShiJian>",
                    b"<TianBiaoShiJian>20231024</TianBiaoShiJian>", "<TianBiaoRen>王五</TianBiaoRen>".encode(),
                    b"<Version>3.2.1.16</Version>"):
        assert element in again
    assert again == data


@pytest.mark.django_db
def test_a_roster_rows_warning_imports_the_row_and_is_reported_as_a_warning(tree):
    from zugong.cadres.tests.test_xlsx_rosters import one_row_roster

    # given a roster row whose 入党时间 is a number that may be January or October (a warning of the reader)
    data = one_row_roster({"姓名": "张三", "身份证号码": record().id_number, "出生年月": "1980.05", "入党时间": 1996.1})
    # when imported
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("r.xlsx", data)])
    # then the row is imported and the warning reported, not refused
    assert (result.errors, result.imported) == ([], 1)
    assert [(w.row, w.field) for w in result.warnings] == [("3", "入党时间")]
    assert Cadre.objects.get().party_join_date == date(1996, 1, 1)
