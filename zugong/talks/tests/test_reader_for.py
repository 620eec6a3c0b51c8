"""`access.reader_for` reads the confidential grants as values through one query compiled once: the same
reader as the model-instance reading it replaced, for every kind of grant (issue 17, item 8)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_init

from zugong.conftest import make_user
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import Role
from zugong.talks.access import ALWAYS_ALLOWED_ROLES, ConfidentialReader, _deeper, reader_for
from zugong.talks.models import ConfidentialGrant


def reader_by_instances(jurisdiction: Jurisdiction) -> ConfidentialReader:
    """The reading before this change, kept here as the reference."""
    if jurisdiction.is_superuser:
        return ConfidentialReader(jurisdiction.user_id, (), everywhere=True)
    allowed_roles = set(ALWAYS_ALLOWED_ROLES) | set(getattr(settings, "ZUGONG_TALKS_CONFIDENTIAL_ROLES", ()))
    paths = [g.path for g in jurisdiction.grants if g.role in allowed_roles]
    grants = ConfidentialGrant.objects.filter(Q(user_id=jurisdiction.user_id) | ~Q(role=""))
    for grant in grants.select_related("org_unit"):
        if grant.user_id == jurisdiction.user_id and jurisdiction.user_id is not None:
            paths.extend(p for g in jurisdiction.grants if (p := _deeper(g.path, grant.org_unit.path)))
        elif grant.role:
            paths.extend(p for g in jurisdiction.grants
                         if g.role == grant.role and (p := _deeper(g.path, grant.org_unit.path)))
    return ConfidentialReader(jurisdiction.user_id, tuple(sorted(set(paths))))


@pytest.fixture
def people(tree, alice, bob, carol):
    # given a township staffer granted by name at 丙乡, bob's role granted at 甲镇, a role granted in 乙县, and
    # a user granted in county B only
    dora = make_user("dora", tree.township_a2, Role.TOWNSHIP_STAFF)
    ConfidentialGrant.objects.create(org_unit=tree.township_a2, user=dora)
    ConfidentialGrant.objects.create(org_unit=tree.township_a, role=Role.TOWNSHIP_STAFF)
    ConfidentialGrant.objects.create(org_unit=tree.township_b, role=Role.TOWNSHIP_STAFF)
    ConfidentialGrant.objects.create(org_unit=tree.county_b, user=bob)
    return {"alice": alice, "bob": bob, "carol": carol, "dora": dora}


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dora"])
def test_reader_equals_the_instance_reading(people, name) -> None:
    jurisdiction = jurisdiction_for(people[name])
    assert reader_for(jurisdiction) == reader_by_instances(jurisdiction)


def test_reader_paths_for_each_kind_of_grant(tree, people) -> None:
    assert reader_for(jurisdiction_for(people["bob"])).paths == (tree.township_a.path,)  # his role's grant
    assert reader_for(jurisdiction_for(people["dora"])).paths == (tree.township_a2.path,)  # her own grant
    assert reader_for(jurisdiction_for(people["alice"])).paths == (tree.county_a.path,)  # org_admin everywhere
    assert reader_for(Jurisdiction(user_id=None)) == ConfidentialReader(None, ())


def test_a_grant_revoked_takes_effect_on_the_next_reader(tree, people) -> None:
    jurisdiction = jurisdiction_for(people["bob"])
    assert reader_for(jurisdiction).covers(tree.township_a.path)
    ConfidentialGrant.objects.filter(org_unit=tree.township_a).delete()
    assert not reader_for(jurisdiction).covers(tree.township_a.path)


def test_one_query_and_no_model_instances(people, django_assert_num_queries) -> None:
    jurisdiction = jurisdiction_for(people["dora"])
    built: list[object] = []

    def count(sender, instance, **kwargs) -> None:
        built.append(instance)

    post_init.connect(count)
    try:
        with django_assert_num_queries(1):
            reader_for(jurisdiction)
    finally:
        post_init.disconnect(count)
    assert built == []
