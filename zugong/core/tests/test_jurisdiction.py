from __future__ import annotations

from zugong.conftest import Tree, bearer
from zugong.core.jurisdiction import jurisdiction_for, minimal_roots, scope
from zugong.core.models import OrgUnit


def test_org_admin_sees_own_county_subtree_only(tree: Tree, alice) -> None:
    visible = set(scope(OrgUnit.objects.all(), jurisdiction_for(alice), org_field="").values_list("name", flat=True))
    assert visible == {"甲县", "甲镇", "丙乡", "甲村", "甲社区"}


def test_union_of_memberships_is_minimal(tree: Tree) -> None:
    assert minimal_roots([tree.county_a.path, tree.township_a.path, tree.county_b.path]) == tuple(
        sorted([tree.county_a.path, tree.county_b.path]))


def test_api_org_unit_of_other_county_is_404(tree: Tree, alice) -> None:
    client = bearer(alice)
    assert client.get(f"/api/v1/org-units/{tree.county_a.pk}").status_code == 200
    response = client.get(f"/api/v1/org-units/{tree.county_b.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    names = {u["name"] for u in client.get("/api/v1/org-units").json()}
    assert "乙县" not in names and "甲县" in names


def test_api_requires_auth(db) -> None:
    from django.test import Client

    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "未登录或令牌无效"


def test_scope_through_a_relation_counts_subtree_rows(tree: Tree, alice, bob, carol) -> None:
    from datetime import date

    from zugong.core.models import Meeting
    from zugong.core.services import meeting_record

    for unit in (tree.county_a, tree.township_a, tree.village_a, tree.township_a2, tree.county_b, tree.village_b):
        meeting_record(actor=None, kind="symposium", org_unit=unit, held_on=date(2025, 1, 6), title=unit.name)
    counts = {p.username: scope(Meeting.objects.all(), jurisdiction_for(p)).count() for p in (alice, bob, carol)}
    assert counts == {"alice": 4, "bob": 2, "carol": 2}
    titles = set(scope(Meeting.objects.all(), jurisdiction_for(bob)).values_list("title", flat=True))
    assert titles == {"甲镇", "甲村"}


def test_superuser_sees_all_and_stranger_sees_nothing(tree: Tree) -> None:
    from django.contrib.auth.models import AnonymousUser, User

    root = User.objects.create_superuser("root2", "r@example.invalid", "pw")
    stranger = User.objects.create_user("stranger", password="pw")
    assert scope(OrgUnit.objects.all(), jurisdiction_for(root), org_field="").count() == OrgUnit.objects.count()
    assert not scope(OrgUnit.objects.all(), jurisdiction_for(stranger), org_field="").exists()
    assert not scope(OrgUnit.objects.all(), jurisdiction_for(AnonymousUser()), org_field="").exists()
    assert jurisdiction_for(stranger).is_empty


def test_roles_apply_down_the_subtree_only(tree: Tree, alice, bob) -> None:
    j = jurisdiction_for(alice)
    assert j.has_role_at(tree.village_a, ["org_admin"])
    assert not j.has_role_at(tree.county_b, ["org_admin"])
    assert not j.contains(tree.city)
    jb = jurisdiction_for(bob)
    assert jb.roles_at(tree.village_a) == {"township_staff"}
    assert jb.roles_at(tree.township_a2) == set()


def test_union_of_two_memberships(tree: Tree) -> None:
    from zugong.conftest import make_user
    from zugong.core.models import Membership

    dave = make_user("dave", tree.township_a, "township_staff")
    Membership.objects.create(user=dave, org_unit=tree.village_b, role="village_staff")
    visible = set(scope(OrgUnit.objects.all(), jurisdiction_for(dave), org_field="").values_list("name", flat=True))
    assert visible == {"甲镇", "甲村", "甲社区", "乙村"}


def test_subtree_q_and_ancestor_paths(tree: Tree) -> None:
    from zugong.core.orgtree import ancestor_paths, subtree_q

    assert set(OrgUnit.objects.filter(subtree_q(tree.township_a.path)).values_list("name", flat=True)) == {
        "甲镇", "甲村", "甲社区"}
    assert ancestor_paths(tree.village_a.path) == [
        tree.province.path, tree.city.path, tree.county_a.path, tree.township_a.path, tree.village_a.path]
