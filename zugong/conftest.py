"""Shared fixtures: a small org tree and the named people of the permission tests.

alice: org_admin of county A; bob: township_staff in a township of county A; carol: org_admin of
county B. Apps add their own data on top of `tree`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from zugong.core.models import Membership, OrgKind, OrgUnit, Role
from zugong.core.services import api_token_issue, org_unit_create


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Jobs run inside the test that starts them; zugong/jobs/tests run the database backend and a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Tree:
    province: OrgUnit
    city: OrgUnit
    county_a: OrgUnit
    county_b: OrgUnit
    township_a: OrgUnit
    township_a2: OrgUnit
    village_a: OrgUnit
    community_a: OrgUnit
    township_b: OrgUnit
    village_b: OrgUnit


def build_tree() -> Tree:
    province = org_unit_create(actor=None, kind=OrgKind.PROVINCE, name="示范省", parent=None, division_code="990000")
    city = org_unit_create(actor=None, kind=OrgKind.CITY, name="示范市", parent=province, division_code="990100")
    county_a = org_unit_create(actor=None, kind=OrgKind.COUNTY, name="甲县", parent=city, division_code="990121")
    county_b = org_unit_create(actor=None, kind=OrgKind.COUNTY, name="乙县", parent=city, division_code="990122")
    township_a = org_unit_create(actor=None, kind=OrgKind.TOWNSHIP, name="甲镇", parent=county_a,
                                 division_code="990121001")
    township_a2 = org_unit_create(actor=None, kind=OrgKind.TOWNSHIP, name="丙乡", parent=county_a,
                                  division_code="990121002")
    village_a = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name="甲村", parent=township_a,
                                division_code="990121001201")
    community_a = org_unit_create(actor=None, kind=OrgKind.COMMUNITY, name="甲社区", parent=township_a,
                                  division_code="990121001001")
    township_b = org_unit_create(actor=None, kind=OrgKind.TOWNSHIP, name="乙镇", parent=county_b,
                                 division_code="990122001")
    village_b = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name="乙村", parent=township_b,
                                division_code="990122001201")
    return Tree(province, city, county_a, county_b, township_a, township_a2, village_a, community_a,
                township_b, village_b)


@pytest.fixture
def tree(db: Any) -> Tree:
    return build_tree()


def make_user(username: str, unit: OrgUnit, role: str) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, first_name=username)
    Membership.objects.create(user=user, org_unit=unit, role=role)
    return user


@pytest.fixture
def alice(tree: Tree) -> User:
    return make_user("alice", tree.county_a, Role.ORG_ADMIN)


@pytest.fixture
def bob(tree: Tree) -> User:
    return make_user("bob", tree.township_a, Role.TOWNSHIP_STAFF)


@pytest.fixture
def carol(tree: Tree) -> User:
    return make_user("carol", tree.county_b, Role.ORG_ADMIN)


@pytest.fixture
def people(alice: User, bob: User, carol: User) -> dict[str, User]:
    return {"alice": alice, "bob": bob, "carol": carol}


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user: User) -> Client:
    token = api_token_issue(actor=None, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that commits (`django_db(transaction=True)`) empties every table when it ends; the rows the
    migrations seed (the rule register, the 约谈 situations, content types) must come back for the tests
    after it in the same worker, so every such test restores them (serialized rollback)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
                            append=False)
