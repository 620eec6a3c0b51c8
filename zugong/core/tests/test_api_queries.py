"""The per-request reads compiled once (core/api_queries.py) answer what the querysets they are built from answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.conftest import Tree, bearer
from zugong.core.api_auth import token_user
from zugong.core.api_queries import CompiledRead
from zugong.core.models import ApiToken, Membership
from zugong.core.services import api_token_issue


def test_the_token_read_gives_the_token_and_its_user_as_the_orm_does(tree: Tree, alice: User) -> None:
    raw = api_token_issue(actor=None, user=alice)
    stamped = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(user=alice).update(last_used_at=stamped)
    found = token_user(raw)
    assert found is not None
    token, user = found
    assert token.pk == ApiToken.objects.get(user=alice).pk
    assert token.last_used_at == stamped and token.last_used_at.tzinfo is not None  # aware on SQLite too
    assert isinstance(user, User) and user.pk == alice.pk and user.username == "alice"
    assert user.first_name == "alice" and user.is_active and user.check_password("pw-alice")
    assert user.is_authenticated and not user._state.adding


def test_the_token_read_refuses_revoked_tokens_inactive_users_and_unknown_keys(tree: Tree, alice: User,
                                                                             bob: User) -> None:
    revoked = api_token_issue(actor=None, user=alice)
    ApiToken.objects.filter(user=alice).update(revoked_at=timezone.now())
    inactive = api_token_issue(actor=None, user=bob)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert token_user(revoked) is None
    assert token_user(inactive) is None
    assert token_user("zg_no-such-token") is None


def test_a_compiled_read_runs_its_sql_with_each_call_s_values(tree: Tree, alice: User, bob: User) -> None:
    read = CompiledRead(lambda user_id: Membership.objects.filter(user_id=user_id)
                        .values_list("role", "org_unit__name").order_by("pk"), user_id=-424242)
    assert read.rows(user_id=alice.pk) == [("org_admin", tree.county_a.name)]
    assert read.rows(user_id=bob.pk) == [("township_staff", tree.township_a.name)]
    assert read.rows(user_id=10**9) == []
    with CaptureQueriesContext(connection) as captured:
        read.rows(user_id=alice.pk)
    assert len(captured.captured_queries) == 1


def test_a_sample_that_is_not_one_parameter_is_refused(tree: Tree) -> None:
    read = CompiledRead(lambda user_id: Membership.objects.filter(user_id=user_id, org_unit_id=user_id),
                        user_id=-424242)
    with pytest.raises(ValueError, match="appears 2 times"):
        read.rows(user_id=1)
    with pytest.raises(TypeError):
        CompiledRead(lambda user_id: Membership.objects.filter(user_id=user_id), user_id=-1).rows(other=1)


def test_a_bearer_request_reads_the_token_once(tree: Tree, alice: User) -> None:
    client = bearer(alice)
    assert client.get("/api/v1/me").status_code == 200  # the token's first use is stamped
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/me").json()["username"] == "alice"
    assert sum("core_apitoken" in q["sql"] for q in captured.captured_queries) == 1


def test_me_lists_every_membership_in_order_in_two_queries(tree: Tree, alice: User) -> None:
    Membership.objects.create(user=alice, org_unit=tree.township_a, role="township_staff")
    client = bearer(alice)
    assert client.get("/api/v1/me").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/me").json()
    assert body["memberships"] == [
        {"org_unit_id": tree.county_a.pk, "org_unit_name": tree.county_a.name,
         "division_code": tree.county_a.division_code, "role": "org_admin"},
        {"org_unit_id": tree.township_a.pk, "org_unit_name": tree.township_a.name,
         "division_code": tree.township_a.division_code, "role": "township_staff"}]
    assert body["id"] == alice.pk and body["name"] == "alice"
    assert len(captured.captured_queries) == 2  # the token with its user, the memberships


def test_a_list_parameter_is_compiled_per_length_and_an_empty_list_reads_nothing(tree: Tree, alice: User, bob: User,
                                                                                carol: User) -> None:
    read = CompiledRead(lambda user_ids: Membership.objects.filter(user_id__in=user_ids)
                        .values_list("user__username", flat=True).order_by("user__username"), user_ids=[-424242])
    assert read.rows(user_ids=[alice.pk]) == [("alice",)]
    assert read.rows(user_ids=[carol.pk, alice.pk]) == [("alice",), ("carol",)]
    assert read.rows(user_ids=[bob.pk, carol.pk]) == [("bob",), ("carol",)]  # the same length, other values
    assert read.rows(user_ids=[alice.pk, bob.pk, carol.pk]) == [("alice",), ("bob",), ("carol",)]
    with CaptureQueriesContext(connection) as captured:
        assert read.rows(user_ids=[]) == []
    assert captured.captured_queries == []
    with pytest.raises(TypeError):
        CompiledRead(lambda ids: Membership.objects.filter(pk__in=ids), ids=[1, 2])
