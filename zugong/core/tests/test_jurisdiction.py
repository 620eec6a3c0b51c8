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
