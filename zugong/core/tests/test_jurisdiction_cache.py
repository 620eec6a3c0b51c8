"""The jurisdiction is kept per worker process between requests, and forgotten on every change of a
membership or an org unit, in every worker (the generation stamp in the shared cache) (issue 17, item 8)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zugong.conftest import Tree, bearer
from zugong.core import jurisdiction as module
from zugong.core.jurisdiction import GENERATION_KEY, jurisdiction_for, jurisdictions_changed
from zugong.core.models import Membership, OrgKind, Role
from zugong.core.services import org_unit_create


def _resolve(user: User, membership_id: int | None = None) -> tuple[tuple[str, ...], int]:
    """(roots, membership queries) of one resolution."""
    with CaptureQueriesContext(connection) as captured:
        paths = jurisdiction_for(user, membership_id).paths
    return paths, sum(1 for q in captured.captured_queries if "core_membership" in q["sql"])


@pytest.fixture(autouse=True)
def _fresh_process():
    module._KEPT.clear()
    yield
    module._KEPT.clear()


def test_second_resolution_reads_no_membership(tree: Tree, alice: User) -> None:
    assert _resolve(alice) == ((tree.county_a.path,), 1)
    assert _resolve(alice) == ((tree.county_a.path,), 0)
    with CaptureQueriesContext(connection) as captured:
        jurisdiction_for(alice)
    assert len(captured.captured_queries) == 1  # the generation stamp, nothing else


def test_a_new_membership_is_seen_at_once(tree: Tree, alice: User) -> None:
    _resolve(alice)
    Membership.objects.create(user=alice, org_unit=tree.county_b, role=Role.LEADER)
    assert _resolve(alice) == ((tree.county_a.path, tree.county_b.path), 1)


def test_a_revoked_membership_is_gone_at_once(tree: Tree, alice: User) -> None:
    extra = Membership.objects.create(user=alice, org_unit=tree.county_b, role=Role.LEADER)
    assert _resolve(alice)[0] == (tree.county_a.path, tree.county_b.path)
    narrowed = extra.pk
    assert _resolve(alice, narrowed) == ((tree.county_b.path,), 1)
    extra.delete()
    assert _resolve(alice) == ((tree.county_a.path,), 1)
    assert _resolve(alice, narrowed) == ((), 1)


def test_a_moved_membership_is_seen_at_once(tree: Tree, bob: User) -> None:
    assert _resolve(bob)[0] == (tree.township_a.path,)
    membership = Membership.objects.get(user=bob)
    membership.org_unit = tree.township_a2
    membership.save()
    assert _resolve(bob) == ((tree.township_a2.path,), 1)


def test_a_change_of_an_org_unit_makes_every_kept_jurisdiction_stale(tree: Tree, alice: User, carol: User) -> None:
    _resolve(alice), _resolve(carol)
    org_unit_create(actor=None, kind=OrgKind.TOWNSHIP, name="新设镇", parent=tree.county_b)
    assert _resolve(alice)[1] == 1 and _resolve(carol)[1] == 1


def test_a_change_in_another_worker_is_seen_through_the_shared_stamp(tree: Tree, alice: User) -> None:
    # given this worker keeps alice's jurisdiction
    _resolve(alice)
    # when another worker (same database, same shared cache) changes a membership: only the stamp travels
    from django.core.cache import cache

    before = cache.get(GENERATION_KEY)
    Membership.objects.filter(user=alice).update(role=Role.LEADER)  # the other worker's write, without signals here
    jurisdictions_changed()  # what its save() did
    assert cache.get(GENERATION_KEY) != before
    # then this worker reads the memberships again
    assert _resolve(alice)[1] == 1
    assert jurisdiction_for(alice).roles() == {Role.LEADER}


def test_kept_for_at_most_the_configured_seconds(tree: Tree, alice: User, settings, monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("zugong.core.jurisdiction.time.monotonic", lambda: clock[0])
    settings.ZUGONG_JURISDICTION_CACHE_SECONDS = 60
    _resolve(alice)
    clock[0] += 59
    assert _resolve(alice)[1] == 0
    clock[0] += 2
    assert _resolve(alice)[1] == 1
    settings.ZUGONG_JURISDICTION_CACHE_SECONDS = 0
    assert _resolve(alice)[1] == 1 and _resolve(alice)[1] == 1


def test_a_rolled_back_change_leaves_no_stale_grant(tree: Tree, alice: User) -> None:
    # given a membership granted inside a transaction that is rolled back, alice resolved meanwhile
    with pytest.raises(RuntimeError), transaction.atomic():
        Membership.objects.create(user=alice, org_unit=tree.county_b, role=Role.LEADER)
        assert _resolve(alice)[0] == (tree.county_a.path, tree.county_b.path)
        raise RuntimeError
    # then the grant is gone, not kept
    assert _resolve(alice) == ((tree.county_a.path,), 1)


def test_the_api_follows_a_granted_and_revoked_membership(tree: Tree, alice: User) -> None:
    client = bearer(alice)
    url = f"/api/v1/org-units/{tree.county_b.pk}"
    assert client.get(url).status_code == 404
    granted = Membership.objects.create(user=alice, org_unit=tree.county_b, role=Role.ORG_STAFF)
    assert client.get(url).status_code == 200
    granted.delete()
    assert client.get(url).status_code == 404
