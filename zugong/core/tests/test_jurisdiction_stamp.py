"""The jurisdiction's generation stamp is read with the bearer token, in the token's own query, and without it a
kept jurisdiction is never trusted; a revoked membership takes effect on the very next request (issue 17, item 6)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.conftest import Tree, bearer
from zugong.core import jurisdiction as module
from zugong.core.jurisdiction import GENERATION_KEY, jurisdiction_for, jurisdictions_changed, read_generation
from zugong.core.models import Membership


@pytest.fixture(autouse=True)
def _fresh_process():
    module._KEPT.clear()
    yield
    module._KEPT.clear()


def _queries(client, path: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    return status, [q["sql"] for q in captured.captured_queries]


def test_a_bearer_list_reads_the_stamp_in_its_token_query(tree: Tree, alice: User) -> None:
    client = bearer(alice)
    client.get("/api/v1/cadres?limit=5")  # the token's first use is stamped, alice's jurisdiction kept
    status, queries = _queries(client, "/api/v1/cadres?limit=5")
    assert status == 200
    assert len(queries) == 2, [q[:70] for q in queries]  # the token with the stamp, the page
    assert "zugong_cache" in queries[0] and "core_apitoken" in queries[0]
    assert not any("core_membership" in sql for sql in queries)


def test_a_revoked_membership_takes_effect_on_the_next_request(tree: Tree, alice: User, bob: User) -> None:
    client = bearer(bob)
    assert client.get("/api/v1/cadres?limit=5").status_code == 200
    assert client.get("/api/v1/cadres?limit=5").status_code == 200  # kept in this process
    Membership.objects.filter(user=bob).delete()
    status, queries = _queries(client, "/api/v1/cadres?limit=5")
    assert status == 403  # no role left that may read cadres
    assert any("core_membership" in sql for sql in queries)
    # and a unit moved under another county is seen at once
    moved = bearer(alice)
    assert moved.get(f"/api/v1/org-units/{tree.county_b.pk}").status_code == 404
    membership = Membership.objects.get(user=alice)
    membership.org_unit = tree.county_b
    membership.save()
    assert moved.get(f"/api/v1/org-units/{tree.county_b.pk}").status_code == 200
    assert moved.get(f"/api/v1/org-units/{tree.county_a.pk}").status_code == 404


def test_the_stamp_read_is_the_cache_row_and_changes_with_every_change(tree: Tree, alice: User) -> None:
    jurisdictions_changed()
    first = read_generation()
    assert first is not None and cache.get(GENERATION_KEY) is not None
    jurisdictions_changed()
    assert read_generation() not in (None, first)


def test_without_a_stamp_nothing_kept_is_trusted(tree: Tree, alice: User) -> None:
    # given alice's jurisdiction kept, then the stamp lost (culled from the cache table)
    jurisdiction_for(alice)
    cache.delete(GENERATION_KEY)
    assert read_generation() is None
    # a change made meanwhile without signals (another process's bulk update) is still seen
    Membership.objects.filter(user=alice).update(org_unit=tree.county_b)
    assert jurisdiction_for(alice).paths == (tree.county_b.path,)
    # and the stamp is set again (a fresh one), so keeping resumes
    assert read_generation() is not None
