import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from zugong.cadres.models import Cadre
from zugong.cadres.tests.factories import id_number, make_cadre
from zugong.conftest import bearer, logged_in
from zugong.core.models import AccessEvent


@pytest.fixture
def roster(tree):
    return {"A": make_cadre(tree.township_a, name="王建国", birth=date(1975, 4, 9), order=11, rank_level="D1"),
            "B": make_cadre(tree.township_b, name="王建军", birth=date(1978, 8, 8), order=12)}


# who → (county A cadre visible, county B cadre visible, may see full ID of A, may write A)
MATRIX = {"alice": (True, False, True, True), "bob": (True, False, False, False), "carol": (False, True, False, False)}


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(MATRIX))
def test_permission_matrix_pages_and_api(who, people, roster):
    sees_a, sees_b, full_a, writes_a = MATRIX[who]
    user = people[who]
    web, api = logged_in(user), bearer(user)
    for key, visible in (("A", sees_a), ("B", sees_b)):
        cadre = roster[key]
        assert web.get(f"/cadres/{cadre.pk}/").status_code == (200 if visible else 404)
        response = api.get(f"/api/v1/cadres/{cadre.pk}")
        assert response.status_code == (200 if visible else 404)
        if not visible:
            assert response.json()["error"]["code"] == "not_found"
        listed = {c["id"] for c in api.get("/api/v1/cadres?q=wjj").json()["items"]} | {
            c["id"] for c in api.get("/api/v1/cadres?q=王建").json()["items"]}
        assert (cadre.pk in listed) == visible
        assert (cadre.name in web.get("/cadres/?q=王建").content.decode()) == visible
    if sees_a:
        full = api.get(f"/api/v1/cadres/{roster['A'].pk}?full_id=1")
        assert full.status_code == (200 if full_a else 403)
        assert AccessEvent.objects.filter(field="id_number").count() == (1 if full_a else 0)
    patch = api.patch(f"/api/v1/cadres/{roster['A'].pk}", data={"health": "良好"}, content_type="application/json")
    assert patch.status_code == (200 if writes_a else 403 if sees_a else 404)


@pytest.mark.django_db
def test_list_masks_ids_and_detail_full_view_is_logged(alice, roster):
    web = logged_in(alice)
    number = roster["A"].id_number
    page = web.get("/cadres/").content.decode()
    assert number not in page and f"{number[:6]}********{number[-4:]}" in page
    assert "<td>乡科级正职</td>" in page  # the rank level by name, not its code D1
    assert number in web.get(f"/cadres/{roster['A'].pk}/?full_id=1").content.decode()
    assert AccessEvent.objects.filter(user=alice, field="id_number", object_id=str(roster["A"].pk)).count() == 1


@pytest.mark.django_db
def test_api_filters_and_keyset_pagination(alice, tree):
    for i in range(7):
        make_cadre(tree.township_a, name=f"李{'一二三四五六七'[i]}", birth=date(1970 + i, 1, 5), order=20 + i)
    api = bearer(alice)
    seen, cursor = [], ""
    while True:
        body = api.get(f"/api/v1/cadres?limit=3&cursor={cursor}").json()
        seen += [c["name"] for c in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 7 and len(set(seen)) == 7
    assert seen == sorted(seen, key=lambda n: Cadre.objects.get(name=n).name_pinyin)
    young = api.get("/api/v1/cadres?age_max=50&age_on=2025-01-01").json()["items"]
    assert sorted(c["name"] for c in young) == ["李七", "李五", "李六"]  # born 1974-76 → 48-50
    by_id = api.get(f"/api/v1/cadres?id_number={id_number(date(1972, 1, 5), 22)[:14]}").json()["items"]
    assert [c["name"] for c in by_id] == ["李三"]
    assert api.get("/api/v1/cadres?sort=bogus").status_code == 400
    assert api.get("/api/v1/cadres?cursor=!!").status_code == 400


@pytest.mark.django_db
def test_api_create_and_validation_envelope(alice, bob, tree):
    api = bearer(alice)
    payload = {"org_unit_id": tree.township_a.pk, "name": "周新", "id_number": id_number(date(1990, 2, 3), 31),
               "birth_date": "1990-02-03", "political_status": "01", "ethnicity": "01"}
    created = api.post("/api/v1/cadres", data=payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["id_number"].startswith("110105********")
    again = api.post("/api/v1/cadres", data=payload, content_type="application/json")
    assert again.status_code == 400 and "已在干部信息库" in again.json()["error"]["message"]
    bad = api.post("/api/v1/cadres", data={**payload, "id_number": payload["id_number"][:-1] + "0"},
                   content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] in {"id_number", "birth_date"}
    assert api.post("/api/v1/cadres", data={"name": "x"}, content_type="application/json").status_code == 422
    assert bearer(bob).post("/api/v1/cadres", data=payload, content_type="application/json").status_code == 403
    assert api.post("/api/v1/cadres", data={**payload, "org_unit_id": tree.township_b.pk},
                    content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_list_query_count_is_bounded(alice, tree, django_assert_max_num_queries):
    for i in range(30):
        make_cadre(tree.township_a, name=f"赵{i}", birth=date(1980, 1, 1 + i % 28), order=100 + i)
    web, api = logged_in(alice), bearer(alice)
    with django_assert_max_num_queries(10):
        assert web.get("/cadres/").status_code == 200
    with django_assert_max_num_queries(8):
        assert len(api.get("/api/v1/cadres?limit=50").json()["items"]) == 30


@pytest.mark.django_db
def test_excel_export_and_template_and_audit_page(alice, roster):
    web = logged_in(alice)
    book = load_workbook(io.BytesIO(web.get("/cadres/export.xlsx").content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "公民身份号码") and rows[1][0] == "王建国" and "********" in str(rows[1][1])
    assert web.get("/cadres/template.xlsx").status_code == 200
    Cadre.objects.filter(pk=roster["A"].pk).update(sex="2" if roster["A"].sex == "1" else "1")
    page = web.get("/cadres/audit/").content.decode()
    assert "性别与公民身份号码不一致" in page and "王建军" not in page


@pytest.mark.django_db
def test_import_page_previews_then_saves(alice, tree):
    from zugong.cadres.lrmx import write_lrmx
    from zugong.cadres.tests.factories import record
    web = logged_in(alice)
    upload = io.BytesIO(write_lrmx(record(name="孙预览")))
    upload.name = "one.lrmx"
    preview = web.post("/cadres/import/", {"org": tree.township_a.pk, "uploads": upload})
    assert "孙预览" in preview.content.decode() and not Cadre.objects.exists()
    token = preview.context["token"]
    done = web.post("/cadres/import/", {"token": token})
    assert done.status_code == 302 and Cadre.objects.get().name == "孙预览"


@pytest.mark.django_db
def test_lrmx_download_requires_confidential_role(alice, bob, roster):
    url = f"/cadres/{roster['A'].pk}/form?format=lrmx"
    assert logged_in(bob).get(url).status_code == 403
    response = logged_in(alice).get(url)
    assert response.status_code == 200 and b"<XingMing>" in response.content
    pdf = logged_in(alice).get(url.replace("lrmx", "pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    json.dumps(response.headers["Content-Disposition"])
