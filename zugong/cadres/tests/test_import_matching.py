"""Importing .lrm (no ID number; photo in a .pic beside it), jurisdiction limits of updates, the preview diff."""

import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from zugong.cadres.importers import cadre_import
from zugong.cadres.lrm import write_lrm
from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.models import Cadre, CadreChange
from zugong.cadres.tests.factories import make_cadre, record
from zugong.conftest import logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.permissions import SYSTEM


def _jpeg(colour: tuple[int, int, int] = (10, 120, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (36, 48), colour).save(out, format="JPEG")
    return out.getvalue()


def _lrm(**extra) -> tuple[bytes, bytes | None]:
    return write_lrm(replace(record(**extra), id_number=""))


@pytest.mark.django_db
def test_lrm_with_id_in_file_name_creates_cadre_with_photo_and_birth_day(tree):
    data, _ = _lrm(health="良好")
    number = record().id_number
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a,
                          files=[(f"张三_{number}.lrm", data), (f"张三_{number}.PIC", _jpeg())])
    assert (result.errors, result.imported) == ([], 1)
    cadre = Cadre.objects.get()
    assert (cadre.id_number, cadre.birth_date, cadre.health) == (number, date(1980, 5, 17), "良好")
    assert bytes(cadre.photo or b"") == _jpeg()
    assert [line.text for line in cadre.resume_lines.all()] == ["示范大学法律系法学专业学习", "甲县甲镇党委副书记"]


@pytest.mark.django_db
def test_lrm_matches_the_one_cadre_of_that_name_and_birth_month(tree):
    # given a cadre already in the roster
    cadre = make_cadre(tree.township_a)
    # when an .lrm of the same name and birth month with a new post is imported
    data, _ = _lrm(current_post="甲镇党委书记")
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("张三.lrm", data)])
    # then that cadre is updated, nothing duplicated, the exact birth day kept
    assert (result.errors, result.imported, result.updated) == ([], 0, 1)
    cadre.refresh_from_db()
    assert (cadre.current_post, cadre.birth_date, Cadre.objects.count()) == ("甲镇党委书记", date(1980, 5, 17), 1)
    assert set(CadreChange.objects.values_list("field", flat=True)) == {"current_post"}


@pytest.mark.django_db
def test_lrm_without_a_match_or_with_two_is_refused_with_a_hint(tree):
    data, _ = _lrm()
    none = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("张三.lrm", data)])
    assert [e.field for e in none.errors] == ["id_number"]
    assert "库中没有姓名为张三、出生年月为 1980.05 的干部" in none.errors[0].message
    assert "文件名" in none.errors[0].message
    make_cadre(tree.township_a, birth=date(1980, 5, 3), order=2)
    make_cadre(tree.township_a2, birth=date(1980, 5, 20), order=3)
    two = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=[("张三.lrm", data)])
    assert "不止一人" in two.errors[0].message and Cadre.objects.count() == 2


@pytest.mark.django_db
def test_lrm_name_match_sees_only_the_importers_jurisdiction(tree, carol):
    make_cadre(tree.township_a)  # county A: carol (county B) must not find or touch this one
    data, _ = _lrm(health="差")
    result = cadre_import(actor=carol, jurisdiction=jurisdiction_for(carol), org_unit=tree.township_b,
                          files=[("张三.lrm", data)])
    assert "库中没有" in result.errors[0].message
    assert Cadre.objects.get().health == "健康"


@pytest.mark.django_db
def test_photo_without_its_lrm_is_an_error(tree):
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a,
                          files=[("a.lrmx", write_lrmx(record())), ("lonely.pic", _jpeg())])
    assert [(e.file, e.message) for e in result.errors] == [("lonely.pic", "照片文件 lonely.pic 没有同名的 .lrm 文件")]
    assert not Cadre.objects.exists()


@pytest.mark.django_db
def test_command_picks_up_the_pic_beside_the_lrm(tree, tmp_path: Path):
    number = record().id_number
    data, _ = _lrm()
    (tmp_path / f"{number}.lrm").write_bytes(data)
    (tmp_path / f"{number}.pic").write_bytes(_jpeg())
    out = io.StringIO()
    call_command("import_cadres", str(tmp_path / f"{number}.lrm"), "--org", "990121001", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"imported": 1, "updated": 0, "errors": [], "warnings": []}
    assert bytes(Cadre.objects.get().photo or b"") == _jpeg()


@pytest.mark.django_db
def test_import_never_updates_a_cadre_outside_the_importers_units(tree, alice):
    # given a county B cadre, and alice (county A) holding an LRMX file with that ID number
    theirs = make_cadre(tree.township_b, health="健康")
    upload = io.BytesIO(write_lrmx(record(health="病重")))
    upload.name = "theirs.lrmx"
    # when alice previews the import into her township
    page = logged_in(alice).post("/cadres/import/", {"org": tree.township_a.pk, "uploads": upload})
    # then it is refused, nothing is offered for confirmation and the cadre is untouched
    text = page.content.decode()
    assert "已登记在您无权维护的单位" in text and "token" not in page.context
    theirs.refresh_from_db()
    assert (theirs.health, theirs.org_unit) == ("健康", tree.township_b)


@pytest.mark.django_db
def test_preview_lists_what_an_update_changes_and_confirm_keeps_file_names(tree, alice):
    make_cadre(tree.township_a)
    web = logged_in(alice)
    changed = record(health="良好")
    changed.family = []
    data, _ = write_lrm(replace(changed, id_number=""))
    lrm, pic = io.BytesIO(data), io.BytesIO(_jpeg((1, 2, 3)))
    lrm.name, pic.name = "张三.lrm", "张三.pic"
    preview = web.post("/cadres/import/", {"org": tree.township_a.pk, "uploads": [lrm, pic]})
    rows = preview.context["preview"]
    assert [(r["action"], r["matched_by"]) for r in rows] == [("更新", "姓名和出生年月")]
    assert rows[0]["changes"] == ["健康状况", "照片", "家庭成员及社会关系"]
    assert "健康状况、照片、家庭成员及社会关系" in preview.content.decode()
    assert Cadre.objects.get().health == "健康"  # nothing saved by the preview
    done = web.post("/cadres/import/", {"token": preview.context["token"]})
    assert done.status_code == 302
    cadre = Cadre.objects.get()
    assert (cadre.health, bytes(cadre.photo or b"")) == ("良好", _jpeg((1, 2, 3)))
    assert not cadre.family.filter(superseded_at__isnull=True).exists()


@pytest.mark.django_db
def test_command_dry_run_says_what_each_update_would_change(tree, tmp_path: Path):
    make_cadre(tree.township_a)
    data, _ = _lrm(health="良好")
    (tmp_path / "张三.lrm").write_bytes(data)
    out = io.StringIO()
    call_command("import_cadres", str(tmp_path / "张三.lrm"), "--org", "990121001", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [f"{tmp_path / '张三.lrm'} 记录 更新 张三（按姓名和出生年月匹配）：健康状况", "将导入 0 人，更新 1 人，错误 0 处"]
    assert Cadre.objects.get().health == "健康"


def _lrmx_without_id(**extra) -> bytes:
    return write_lrmx(replace(record(**extra), id_number=""))


@pytest.mark.django_db
def test_lrmx_without_id_number_is_matched_by_name_and_birth_month(tree):
    # given a registered cadre and an LRMX of the same person with an empty ShenFenZheng
    cadre = make_cadre(tree.township_a, health="健康")
    # when imported
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a,
                          files=[("张三.lrmx", _lrmx_without_id(health="良好"))])
    # then it updates that cadre, and the birth day still comes from the ID number
    assert (result.errors, result.imported, result.updated) == ([], 0, 1)
    assert result.parsed[0].matched_by == "姓名和出生年月"
    cadre.refresh_from_db()
    assert (cadre.health, cadre.birth_date, Cadre.objects.count()) == ("良好", date(1980, 5, 17), 1)


@pytest.mark.django_db
def test_new_cadre_without_id_number_imports_with_a_warning_and_an_audit_finding(tree):
    from zugong.cadres import archive_audit

    files = [("张三.lrmx", _lrmx_without_id()), ("李四.lrmx", _lrmx_without_id(name="李四", order=2))]
    # when previewed: two new cadres, each with a warning that says what to do
    preview = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=files, dry_run=True)
    assert (preview.errors, preview.imported) == ([], 2)
    assert [w.message for w in preview.warnings][0] == (
        "文件没有公民身份号码，库中也没有姓名为张三、出生年月为 1980.05 的干部：将作为新干部导入（无公民身份号码），"
        "并列入档案审核，请补录公民身份号码")
    # when imported: both stored without ID number (two of them: the column stays unique)
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=files)
    assert (result.errors, result.imported) == ([], 2)
    stored = Cadre.objects.order_by("name")
    assert [(c.name, c.id_number, c.birth_date, c.resume_lines.count()) for c in stored] == [
        ("张三", None, date(1980, 5, 1), 2), ("李四", None, date(1980, 5, 1), 2)]
    # and the archive audit lists them
    _count, findings = archive_audit.run(Cadre.objects.all(), today=date(2026, 1, 1), checks={"id_missing"})
    assert sorted(f.name for f in findings) == ["张三", "李四"]
    assert findings[0].message.startswith("未登记公民身份号码")


@pytest.mark.django_db
def test_lrmx_without_id_number_matching_two_cadres_is_refused(tree):
    make_cadre(tree.township_a)
    make_cadre(tree.township_a, order=3)
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a,
                          files=[("张三.lrmx", _lrmx_without_id())])
    assert [e.message for e in result.errors] == [
        "姓名为张三、出生年月为 1980.05 的干部不止一人，无法确定是哪一位。LRMX 文件的公民身份号码（ShenFenZheng）为空；请在文件中填写"]
