"""Core write services: validation with Chinese messages, materialised paths, and an audit event each."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from zugong.conftest import Tree
from zugong.core.audit import verify_chain
from zugong.core.errors import ValidationFailed
from zugong.core.models import AuditEvent, Membership, OrgKind, OrgUnit
from zugong.core.services import (
    hash_token,
    membership_grant,
    membership_revoke,
    org_unit_create,
    user_create,
)


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    return event


def test_org_unit_paths_number_siblings_in_order(tree: Tree) -> None:
    third = org_unit_create(actor=None, kind=OrgKind.TOWNSHIP, name="丁镇", parent=tree.county_a)
    assert tree.township_a.path == tree.county_a.path + "00001."
    assert tree.township_a2.path == tree.county_a.path + "00002."
    assert third.path == tree.county_a.path + "00003."
    assert third.depth == tree.county_a.depth + 1 == 3
    root = org_unit_create(actor=None, kind=OrgKind.PROVINCE, name="另一省", parent=None)
    assert (root.path, root.depth) == ("00002.", 0)


def test_org_unit_create_is_audited(tree: Tree, alice: User) -> None:
    unit = org_unit_create(actor=alice, kind=OrgKind.VILLAGE, name=" 新村 ", parent=tree.township_a,
                           division_code="990121001299", valid_from=date(2025, 1, 1))
    assert unit.name == "新村"
    event = last_event()
    assert (event.action, event.object_id, event.org_unit_id, event.actor_name) == (
        "core.org_unit_create", str(unit.pk), unit.pk, "alice")
    assert event.summary == {"name": "新村", "kind": "village", "division_code": "990121001299"}


@pytest.mark.parametrize(("kind", "name", "field", "message"), [
    ("hamlet", "某村", "kind", "组织类型“hamlet”无效"),
    ("village", "  ", "name", "组织名称不能为空"),
])
def test_org_unit_create_refuses_bad_input(tree: Tree, kind: str, name: str, field: str, message: str) -> None:
    before = (OrgUnit.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        org_unit_create(actor=None, kind=kind, name=name, parent=tree.township_a)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert (OrgUnit.objects.count(), AuditEvent.objects.count()) == before


def test_subtree_is_one_path_range(tree: Tree) -> None:
    upper = tree.county_a.path_upper
    names = set(OrgUnit.objects.filter(path__gte=tree.county_a.path, path__lt=upper).values_list("name", flat=True))
    assert names == {"甲县", "甲镇", "丙乡", "甲村", "甲社区"}
    assert not OrgUnit.objects.filter(path__gte=tree.county_b.path, path__lt=tree.county_b.path_upper,
                                      name="甲村").exists()


def test_user_create_with_membership_and_audit(tree: Tree, alice: User) -> None:
    user = user_create(actor=alice, username="dave", org_unit=tree.township_b, role="township_staff",
                       password="long-enough-pw", full_name="戴维")
    assert user.check_password("long-enough-pw")
    assert Membership.objects.get(user_id=user.pk).org_unit_id == tree.township_b.pk
    assert last_event().action == "core.user_create" and last_event().summary == {"username": "dave",
                                                                              "role": "township_staff"}


def test_user_create_refuses_duplicate_username_and_bad_role(tree: Tree, alice: User) -> None:
    with pytest.raises(ValidationFailed, match="用户名“alice”已存在"):
        user_create(actor=None, username="alice", org_unit=tree.county_a, role="org_admin")
    with pytest.raises(ValidationFailed, match="角色“boss”无效"):
        user_create(actor=None, username="erin", org_unit=tree.county_a, role="boss")
    assert not User.objects.filter(username="erin").exists()


def test_membership_grant_is_idempotent_and_revoke_audited(tree: Tree, bob: User) -> None:
    first = membership_grant(actor=None, user=bob, org_unit=tree.village_b, role="village_staff")
    first_pk = first.pk
    again = membership_grant(actor=None, user=bob, org_unit=tree.village_b, role="village_staff")
    assert first.pk == again.pk
    assert Membership.objects.filter(user=bob).count() == 2
    membership_revoke(actor=None, membership=first)
    assert Membership.objects.filter(user=bob).count() == 1
    event = last_event()
    assert (event.action, event.object_id, event.org_unit_id) == ("core.membership_revoke", str(first_pk),
                                                                 tree.village_b.pk)
    with pytest.raises(ValidationFailed, match="角色“chief”无效"):
        membership_grant(actor=None, user=bob, org_unit=tree.village_b, role="chief")
    assert verify_chain().intact


def test_token_hash_is_sha256_hex() -> None:
    assert hash_token("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
