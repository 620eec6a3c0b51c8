"""#16 item 6: person names that would become paths or break lines are refused on every write path
(service, API, LRMX / LRM / Excel import) with a Chinese message naming the field, and archive member
names are built from the cadre's id and safe text only, whatever a stored name holds."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from zugong.cadres.exporters import member_name, safe_text
from zugong.cadres.importers import cadre_import
from zugong.cadres.lrm import write_lrm
from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.models import Cadre
from zugong.cadres.records import FamilyData, person_name_problem
from zugong.cadres.services import cadre_create
from zugong.cadres.tests.factories import make_cadre, record
from zugong.cadres.xlsx import write_workbook
from zugong.conftest import bearer, logged_in
from zugong.core.errors import ValidationFailed
from zugong.core.permissions import SYSTEM

ZIP_SLIP = "../../../../tmp/zipslip"
BAD_NAMES = [ZIP_SLIP, "张\r\n三", "张\t三", "张\x00三", "张/三", "张\\三", "张..三", "张\u202e三"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_names_are_refused_with_the_field_named(name):
    assert person_name_problem(name, "姓名").startswith("姓名不能包含")


@pytest.mark.parametrize("name", ["张三", "买买提·艾力", "欧阳娜娜", "Zhang San", "阿卜杜拉-买买提"])
def test_real_names_pass(name):
    assert person_name_problem(name, "姓名") is None


@pytest.mark.django_db
@pytest.mark.parametrize("name", [ZIP_SLIP, "张\r\n三"])
def test_service_refuses_the_name(tree, name):
    with pytest.raises(ValidationFailed) as caught:
        cadre_create(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, record=record(name))
    assert caught.value.field == "name" and "姓名不能包含" in caught.value.message
    assert not Cadre.objects.exists()


@pytest.mark.django_db
def test_api_refuses_the_name_on_create_and_on_update(tree, alice):
    api = bearer(alice)
    body = {"org_unit_id": tree.township_a.pk, "name": ZIP_SLIP, "id_number": "110105198005170017",
            "birth_date": "1980-05-17"}
    created = api.post("/api/v1/cadres", body, content_type="application/json")
    assert created.status_code == 400 and created.json()["error"]["field"] == "name"
    assert "姓名不能包含" in created.json()["error"]["message"]
    cadre = make_cadre(tree.township_a)
    patched = api.patch(f"/api/v1/cadres/{cadre.pk}", {"name": "张\r\n三"}, content_type="application/json")
    assert patched.status_code == 400 and "换行" in patched.json()["error"]["message"]
    cadre.refresh_from_db()
    assert cadre.name == "张三"


def _import(tree, files):
    return cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=files)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["lrmx", "lrm", "xlsx"])
def test_every_import_refuses_the_name_naming_file_row_and_field(tree, kind):
    bad = record(ZIP_SLIP)
    data = {"lrmx": lambda: write_lrmx(bad), "lrm": lambda: write_lrm(bad)[0],
            "xlsx": lambda: write_workbook([record("李四", order=2), bad])}[kind]()
    name = f"110105198005170017.{kind}" if kind == "lrm" else f"roster.{kind}"
    result = _import(tree, [(name, data)])
    assert [(e.file, e.field) for e in result.errors] == [(name, "name")]
    assert "姓名不能包含" in result.errors[0].message
    assert result.errors[0].row == {"lrmx": "Person", "lrm": "记录", "xlsx": "3"}[kind]
    assert not Cadre.objects.exists()


@pytest.mark.django_db
def test_import_refuses_a_family_member_name_with_a_line_break(tree):
    bad = record(family=[FamilyData("妻子", "李\n四", date(1982, 3, 1), "中共党员", "教师")])
    result = _import(tree, [("wife.lrmx", write_lrmx(bad))])
    assert [(e.file, e.row, e.field) for e in result.errors] == [("wife.lrmx", "Person", "family")]
    assert "家庭成员及社会关系第 1 人的姓名" in result.errors[0].message


@pytest.mark.django_db
def test_archive_members_are_named_by_id_and_safe_text_even_for_a_stored_bad_name(tree, alice):
    # given: names stored before the check existed
    first = make_cadre(tree.township_a, name="王建国", order=1)
    second = make_cadre(tree.township_a, name="王建华", order=2)
    Cadre.objects.filter(pk=first.pk).update(name="王" + ZIP_SLIP)
    Cadre.objects.filter(pk=second.pk).update(name="王\r\n建华")
    # when: exported as a zip of forms, from the page
    response = logged_in(alice).get("/cadres/export.lrmx?q=王")
    # then: no member is a path, none has a control character
    assert response.status_code == 200
    names = sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert names == sorted([f"{first.pk}_王{'_' * 12}tmp_zipslip.lrmx", f"{second.pk}_王__建华.lrmx"])
    assert member_name(first, ".pdf").startswith(f"{first.pk}_") and "/" not in safe_text(ZIP_SLIP)

