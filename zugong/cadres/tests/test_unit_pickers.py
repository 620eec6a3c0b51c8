"""The roster's unit choices are search pickers: a province's 20,000 villages never land in a page."""

from __future__ import annotations

from django.contrib.auth.models import User

from zugong.conftest import Tree, logged_in
from zugong.core.models import OrgKind
from zugong.core.services import org_unit_create


def _grow(tree: Tree, count: int) -> None:
    for i in range(count):
        org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name=f"第{i}党小组", parent=tree.village_a)


def test_list_filter_and_import_form_carry_no_unit_list(tree: Tree, alice: User) -> None:
    client = logged_in(alice)
    before = [client.get(url).content.decode().count("<option") for url in ("/cadres/", "/cadres/import/")]
    _grow(tree, 30)
    for url, count in zip(("/cadres/", "/cadres/import/"), before, strict=True):
        html = client.get(url).content.decode()
        assert 'data-picker-url="/pick/units/"' in html
        assert html.count("<option") == count, url  # 30 more units, not one more option


def test_list_filter_keeps_the_chosen_unit(tree: Tree, alice: User) -> None:
    html = logged_in(alice).get("/cadres/", {"org": tree.township_a.pk}).content.decode()
    assert f'<option value="{tree.township_a.pk}" selected>甲镇</option>' in html


def test_import_refuses_a_unit_outside_the_jurisdiction(tree: Tree, alice: User) -> None:
    response = logged_in(alice).post("/cadres/import/", {"org": tree.township_b.pk})
    assert "请选择有权限的单位并上传文件" in response.content.decode()
