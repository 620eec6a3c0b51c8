"""Core API: a data-driven permission matrix over alice/bob/carol × units × bearer token and session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from zugong.conftest import Tree, bearer, logged_in, make_user
from zugong.core.middleware import ACTIVE_MEMBERSHIP_KEY
from zugong.core.models import ApiToken, Membership, Role

AUTHS: dict[str, Callable[[User], Client]] = {"bearer": bearer, "session": logged_in}

# Which units each person's jurisdiction holds (units by their Tree attribute).
VISIBLE: dict[str, set[str]] = {
    "alice": {"county_a", "township_a", "township_a2", "village_a", "community_a"},
    "bob": {"township_a", "village_a", "community_a"},
    "carol": {"county_b", "township_b", "village_b"},
}
UNITS = ["province", "city", "county_a", "county_b", "township_a", "township_a2", "village_a", "community_a",
         "township_b", "village_b"]
MATRIX = [(person, unit, auth) for person in VISIBLE for unit in UNITS for auth in AUTHS]


@pytest.mark.parametrize(("person", "unit", "auth"), MATRIX)
def test_org_unit_detail_matrix(tree: Tree, people: dict[str, User], person: str, unit: str, auth: str) -> None:
    client = AUTHS[auth](people[person])
    target = getattr(tree, unit)
    response = client.get(f"/api/v1/org-units/{target.pk}")
    if unit in VISIBLE[person]:
        assert response.status_code == 200
        assert response.json() == {"id": target.pk, "code": target.division_code, "name": target.name,
                                    "kind": target.kind, "parent": target.parent_id}
    else:
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "未找到该组织，或不在您的管辖范围内"}}


@pytest.mark.parametrize("auth", AUTHS)
@pytest.mark.parametrize("person", VISIBLE)
def test_org_unit_list_holds_exactly_the_jurisdiction(tree: Tree, people: dict[str, User], person: str,
                                                      auth: str, django_assert_max_num_queries) -> None:
    client = AUTHS[auth](people[person])
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/org-units")
    assert response.status_code == 200
    names = [row["name"] for row in response.json()]
    assert set(names) == {getattr(tree, unit).name for unit in VISIBLE[person]}
    assert len(names) == len(VISIBLE[person])


@pytest.mark.parametrize(("person", "parent", "expected"), [
    ("alice", "county_a", {"甲镇", "丙乡"}),
    ("alice", "township_a", {"甲村", "甲社区"}),
    ("alice", "county_b", set()),
    ("bob", "county_a", {"甲镇"}),  # his own township; 丙乡 next door is not his
    ("bob", "township_a", {"甲村", "甲社区"}),
    ("carol", "county_a", set()),
    ("carol", "county_b", {"乙镇"}),
])
def test_org_unit_list_by_parent(tree: Tree, people: dict[str, User], person: str, parent: str,
                                 expected: set[str]) -> None:
    response = bearer(people[person]).get("/api/v1/org-units", {"parent": getattr(tree, parent).pk})
    assert response.status_code == 200
    assert {row["name"] for row in response.json()} == expected


@pytest.mark.parametrize(("person", "q", "expected"), [
    ("alice", "甲", {"甲县", "甲镇", "甲村", "甲社区"}),
    ("alice", "990121001", {"甲镇", "甲村", "甲社区"}),
    ("alice", "乙", set()),
    ("carol", "甲", set()),
    ("carol", "9901", {"乙县", "乙镇", "乙村"}),
    ("bob", "丙", set()),
])
def test_org_unit_search_stays_in_jurisdiction(tree: Tree, people: dict[str, User], person: str, q: str,
                                               expected: set[str]) -> None:
    response = logged_in(people[person]).get("/api/v1/org-units", {"q": q})
    assert {row["name"] for row in response.json()} == expected


@pytest.mark.parametrize("auth", AUTHS)
@pytest.mark.parametrize(("person", "unit_name", "role"), [
    ("alice", "甲县", "org_admin"), ("bob", "甲镇", "township_staff"), ("carol", "乙县", "org_admin")])
def test_me(tree: Tree, people: dict[str, User], auth: str, person: str, unit_name: str, role: str) -> None:
    user = people[person]
    response = AUTHS[auth](user).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["username"], body["name"]) == (user.pk, person, person)
    assert [(m["org_unit_name"], m["role"]) for m in body["memberships"]] == [(unit_name, role)]


def test_county_a_token_cannot_read_county_b(tree: Tree, alice: User) -> None:
    client = bearer(alice)
    for unit in (tree.county_b, tree.township_b, tree.village_b):
        assert client.get(f"/api/v1/org-units/{unit.pk}").status_code == 404
    assert client.get("/api/v1/org-units", {"parent": tree.county_b.pk}).json() == []


@pytest.mark.parametrize("header", ["Bearer zg_not-a-real-token", "Bearer ", "Basic YWxpY2U6cHc=", "zg_raw"])
def test_bad_token_is_401_envelope(tree: Tree, header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/org-units")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "未登录或令牌无效"}}


def test_revoked_token_and_inactive_user_are_401(tree: Tree, alice: User) -> None:
    client = bearer(alice)
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(user=alice).update(revoked_at=timezone.now())
    assert client.get("/api/v1/me").status_code == 401
    other = bearer(alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert other.get("/api/v1/me").status_code == 401


def test_token_use_is_stamped(tree: Tree, alice: User) -> None:
    client = bearer(alice)
    assert ApiToken.objects.get(user=alice).last_used_at is None
    client.get("/api/v1/me")
    assert ApiToken.objects.get(user=alice).last_used_at is not None


def test_session_narrowed_to_one_membership(tree: Tree) -> None:
    # given a user with memberships in both counties
    dave = make_user("dave", tree.county_a, Role.LEADER)
    in_b = Membership.objects.create(user=dave, org_unit=tree.county_b, role=Role.ORG_STAFF)
    client = logged_in(dave)
    assert {r["name"] for r in client.get("/api/v1/org-units", {"q": "县"}).json()} == {"甲县", "乙县"}
    # when the session switches to the county B membership
    session = client.session
    session[ACTIVE_MEMBERSHIP_KEY] = str(in_b.pk)
    session.save()
    # then county A is out of sight
    assert client.get(f"/api/v1/org-units/{tree.county_a.pk}").status_code == 404
    assert client.get(f"/api/v1/org-units/{tree.county_b.pk}").status_code == 200


def test_bad_query_parameter_is_422_envelope(tree: Tree, alice: User) -> None:
    response = bearer(alice).get("/api/v1/org-units", {"parent": "abc"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["message"] == "请求参数不正确"


def test_openapi_lists_core_paths(db) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "zugong 组工 API"
    assert {"/api/v1/me", "/api/v1/org-units", "/api/v1/org-units/{unit_id}"} <= set(schema["paths"])
    assert "get" in schema["paths"]["/api/v1/org-units"]
