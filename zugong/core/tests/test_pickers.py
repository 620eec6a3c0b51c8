"""Search pickers: scoped matches with what tells two namesakes apart, and forms that carry only the
chosen options however large the jurisdiction."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.cadres.models import Cadre
from zugong.cadres.selectors import cadres_visible
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import Tree, logged_in, make_user
from zugong.core.forms import PickerField, PickerMultipleField
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import OrgKind, Role
from zugong.core.services import org_unit_create


def options(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-value="(\d+)" data-label="([^"]*)"', html)


def test_unit_picker_tells_namesakes_apart_by_their_parents(tree: Tree, alice: User) -> None:
    # given: two party groups with the same name in two villages of county A
    for village in (tree.village_a, tree.community_a):
        org_unit_create(actor=None, kind=OrgKind.PARTY_GROUP, name="第一党小组", parent=village)
    # when
    html = logged_in(alice).get("/pick/units/", {"q": "第一党小组"}).content.decode()
    # then: both, each with its chain of parents
    labels = sorted(label for _pk, label in options(html))
    # (the province and city lie outside alice's county and are not named)
    assert labels == ["第一党小组 · 甲县 › 甲镇 › 甲村", "第一党小组 · 甲县 › 甲镇 › 甲社区"]


def test_unit_picker_is_scoped_and_filters_by_kind(tree: Tree, carol: User) -> None:
    html = logged_in(carol).get("/pick/units/", {"q": "村"}).content.decode()
    assert [label.split(" · ")[0] for _pk, label in options(html)] == ["乙村"]
    html = logged_in(carol).get("/pick/units/", {"q": "乙", "kind": "township"}).content.decode()
    assert [label.split(" · ")[0] for _pk, label in options(html)] == ["乙镇"]


def test_user_picker_lists_users_of_the_jurisdiction_with_their_roles(tree: Tree, alice: User, bob: User,
                                                                      carol: User) -> None:
    html = logged_in(alice).get("/pick/users/", {"q": ""}).content.decode()
    found = dict((label.split(" · ")[0], label) for _pk, label in options(html))
    assert set(found) == {"alice", "bob"}  # carol works in county B
    assert "甲镇 · 乡镇干部" in found["bob"]


def test_cadre_picker_finds_by_name_pinyin_initials_and_id(tree: Tree, alice: User, carol: User) -> None:
    # given: two 张伟 in county A (different townships) and one in county B
    one = make_cadre(tree.township_a, "张伟", order=1)
    two = make_cadre(tree.township_a2, "张伟", order=2)
    make_cadre(tree.township_b, "张伟", order=3)
    client = logged_in(alice)
    id_prefix = (one.id_number or "")[:10]
    assert len(id_prefix) == 10
    # then: name, pinyin initials and ID prefix all find them; county B's never
    for query in ("张伟", "zw", "zhangwei", id_prefix):
        found = {int(pk) for pk, _label in options(client.get("/pick/cadres/", {"q": query}).content.decode())}
        assert found >= ({one.pk} if query == id_prefix else {one.pk, two.pk}), query
        assert found <= {one.pk, two.pk}, query
    labels = [label for _pk, label in options(client.get("/pick/cadres/", {"q": "张伟"}).content.decode())]
    assert any("甲镇" in label for label in labels) and any("丙乡" in label for label in labels)
    assert options(logged_in(carol).get("/pick/cadres/", {"q": "zw"}).content.decode())[0][0] not in {
        str(one.pk), str(two.pk)}


def test_pickers_refuse_roles_without_the_action(tree: Tree) -> None:
    member = make_user("m1", tree.village_a, Role.MEMBER)
    assert logged_in(member).get("/pick/users/", {"q": "a"}).status_code == 403


def test_pickers_need_a_login(tree: Tree) -> None:
    from django.test import Client

    response = Client().get("/pick/cadres/", {"q": "张"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


class TalkeesForm(forms.Form):
    def __init__(self, *args: object, jurisdiction: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        visible = cadres_visible(jurisdiction)  # type: ignore[arg-type]
        self.fields["talkees"] = PickerMultipleField(visible, url_name="pick-cadres", label="谈话对象")
        self.fields["talker"] = PickerField(visible, url_name="pick-cadres", label="谈话人", required=False)


def test_picker_form_renders_only_the_chosen_options_and_validates_scope(tree: Tree, alice: User) -> None:
    # given: 30 cadres in county A, one in county B
    cadres = [make_cadre(tree.township_a, f"干部{i:02d}", order=i) for i in range(30)]
    outsider = make_cadre(tree.township_b, "外县", order=99)
    jurisdiction = jurisdiction_for(alice)
    # when: two are chosen
    form = TalkeesForm({"talkees": [cadres[0].pk, cadres[1].pk]}, jurisdiction=jurisdiction)
    assert form.is_valid()  # validation: one query, pk IN (chosen) within the scope
    with CaptureQueriesContext(connection) as rendering:
        html = form.as_p()
    # then: the page carries the two chosen options, not the thirty, in one query per field
    assert html.count("<option") == 2 and "干部00" in html and "干部05" not in html
    assert len(rendering.captured_queries) == 1  # the chosen talkees; no talker chosen, no query
    assert {c.pk for c in form.cleaned_data["talkees"]} == {cadres[0].pk, cadres[1].pk}
    # and a cadre out of sight is refused, in Chinese
    refused = TalkeesForm({"talkees": [outsider.pk]}, jurisdiction=jurisdiction)
    assert not refused.is_valid() and "talkees" in refused.errors
    assert Cadre.objects.count() == 31


def test_picker_widget_has_no_required_attribute(tree: Tree, alice: User) -> None:
    form = TalkeesForm(jurisdiction=jurisdiction_for(alice))
    html = str(form["talkees"])
    assert "required" not in html.split("<select", 1)[1].split(">", 1)[0]
    assert 'data-picker-url="/pick/cadres/"' in html
