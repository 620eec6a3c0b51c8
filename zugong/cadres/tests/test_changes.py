"""Overwritten values of a cadre's fields are kept (CadreChange) and can be read back as of any moment."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from zugong.cadres import selectors
from zugong.cadres.models import Cadre, CadreChange
from zugong.cadres.services import cadre_save_record, cadre_transfer, cadre_update
from zugong.cadres.tests.factories import id_number, make_cadre, record
from zugong.cadres.tests.test_lrmx import PHOTO
from zugong.conftest import bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.permissions import SYSTEM


@pytest.mark.django_db
def test_update_keeps_old_and_new_values_with_actor(tree, alice):
    cadre = make_cadre(tree.township_a, health="健康")
    cadre_update(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, changes={"health": "良好", "status": "retired", "is_reserve": True})
    rows = {c.field: c for c in CadreChange.objects.filter(cadre=cadre)}
    assert {f: (c.old_value, c.new_value) for f, c in rows.items()} == {
        "health": ("健康", "良好"), "status": ("serving", "retired"), "is_reserve": ("false", "true")}
    assert {c.actor for c in rows.values()} == {alice} and {c.source for c in rows.values()} == {"edit"}


@pytest.mark.django_db
def test_update_without_change_writes_no_row(tree, alice):
    cadre = make_cadre(tree.township_a, health="健康")
    cadre_update(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, changes={"health": "健康"})
    assert not CadreChange.objects.exists()


@pytest.mark.django_db
def test_values_at_reads_back_the_record_as_it_stood(tree, alice):
    # given two successive changes of the same field
    cadre = make_cadre(tree.township_a, health="健康", professional_title="")
    before_any = timezone.now()
    cadre_update(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, changes={"health": "良好", "professional_title": "经济师"})
    CadreChange.objects.update(changed_at=timezone.now() - timedelta(days=10))
    between = timezone.now() - timedelta(days=5)
    cadre_update(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, changes={"health": "一般"})
    # when read back at three moments
    cadre.refresh_from_db()
    # then each shows the values of that moment
    assert selectors.cadre_values_at(cadre, before_any - timedelta(days=30))["health"] == "健康"
    assert selectors.cadre_values_at(cadre, between)["health"] == "良好"
    assert selectors.cadre_values_at(cadre, between)["professional_title"] == "经济师"
    now = selectors.cadre_values_at(cadre, timezone.now())
    assert (now["health"], now["birth_date"], now["org_unit"]) == ("一般", "1980-05-17", str(tree.township_a.pk))


@pytest.mark.django_db
def test_import_update_keeps_the_replaced_photo_and_values(tree):
    cadre = make_cadre(tree.township_a, photo=PHOTO)
    changed = record(health="良好", photo=_other_photo())
    cadre_save_record(actor=None, jurisdiction=SYSTEM, cadre=Cadre.objects.get(pk=cadre.pk), record=changed)
    photo_row = CadreChange.objects.get(field="photo")
    assert bytes(photo_row.old_photo or b"") == PHOTO and photo_row.source == "import"
    assert CadreChange.objects.get(field="health").old_value == "健康"


def _other_photo() -> bytes:
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.django_db
def test_transfer_records_the_unit_change(tree, alice):
    cadre = make_cadre(tree.township_a)
    cadre_transfer(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, to_org_unit=tree.township_a2, on=date(2026, 3, 1), title="丙乡副乡长")
    row = CadreChange.objects.get(field="org_unit")
    assert (row.old_value, row.new_value, row.source) == (str(tree.township_a.pk), str(tree.township_a2.pk), "transfer")


@pytest.mark.django_db
def test_detail_page_and_api_show_changes_with_masked_id(tree, alice, carol):
    # given an ID number corrected by the org department
    cadre = make_cadre(tree.township_a, birth=date(1980, 5, 17), order=1)
    old_id = str(cadre.id_number)
    new_id = id_number(date(1980, 5, 17), 7)
    cadre_update(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, changes={"id_number": new_id, "health": "良好"})
    # when the page and the API are read
    page = logged_in(alice).get(f"/cadres/{cadre.pk}/").content.decode()
    body = bearer(alice).get(f"/api/v1/cadres/{cadre.pk}/changes").json()
    # then both show the change, the ID numbers masked, never in full
    assert "变更记录" in page and "良好" in page and old_id not in page and new_id not in page
    by_field = {row["field"]: row for row in body}
    assert by_field["id_number"]["old_value"] == f"{old_id[:6]}********{old_id[-4:]}"
    assert by_field["health"] == {**by_field["health"], "old_value": "健康", "new_value": "良好", "source": "edit"}
    assert bearer(carol).get(f"/api/v1/cadres/{cadre.pk}/changes").status_code == 404


@pytest.mark.django_db
def test_post_change_keeps_the_rank_and_post_it_replaces(tree, alice):
    from zugong.cadres.services import post_change

    cadre = make_cadre(tree.township_a, rank_level="D2")
    before = timezone.now()
    post_change(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=cadre, org_unit=tree.township_a, title="甲镇镇长", on=date(2026, 2, 1),
                rank_level="D1")
    rows = {c.field: (c.old_value, c.new_value, c.source) for c in CadreChange.objects.filter(cadre=cadre)}
    assert rows == {"rank_level": ("D2", "D1", "post_change"),
                    "current_post": ("甲县甲镇党委副书记", "甲镇镇长", "post_change"),
                    "is_leading": ("false", "true", "post_change")}
    cadre.refresh_from_db()
    earlier = selectors.cadre_values_at(cadre, before)
    assert (earlier["rank_level"], earlier["current_post"]) == ("D2", "甲县甲镇党委副书记")
