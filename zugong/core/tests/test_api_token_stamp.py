"""A bearer token's last use is written at most once a minute, not on every read (issue 17, item 8)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.conftest import Tree, bearer
from zugong.core.models import ApiToken


def _token_writes(client, url: str = "/api/v1/me") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(1 for q in captured.captured_queries
               if q["sql"].startswith("UPDATE") and "core_apitoken" in q["sql"])


def test_first_use_is_stamped_then_reads_within_the_minute_write_nothing(tree: Tree, alice: User) -> None:
    client = bearer(alice)
    assert _token_writes(client) == 1
    stamped = ApiToken.objects.get(user=alice).last_used_at
    assert stamped is not None
    assert [_token_writes(client) for _ in range(5)] == [0, 0, 0, 0, 0]
    assert ApiToken.objects.get(user=alice).last_used_at == stamped


def test_use_is_stamped_again_once_the_minute_has_passed(tree: Tree, alice: User) -> None:
    client = bearer(alice)
    # given a token last used 59 s ago: not yet
    almost = timezone.now() - timedelta(seconds=59)
    ApiToken.objects.filter(user=alice).update(last_used_at=almost)
    assert _token_writes(client) == 0
    assert ApiToken.objects.get(user=alice).last_used_at == almost
    # when it was last used 61 s ago: stamped now
    earlier = timezone.now() - timedelta(seconds=61)
    ApiToken.objects.filter(user=alice).update(last_used_at=earlier)
    before = timezone.now()
    assert _token_writes(client) == 1
    stamped = ApiToken.objects.get(user=alice).last_used_at
    assert stamped is not None and stamped >= before


def test_a_stale_read_of_the_token_does_not_overwrite_a_newer_stamp(tree: Tree, alice: User) -> None:
    # given another worker stamped the token after this request read it (the row it holds says 2 min ago)
    from zugong.core.api_auth import stamp_token_use

    bearer(alice)
    row = ApiToken.objects.get(user=alice)
    row.last_used_at = timezone.now() - timedelta(minutes=2)
    fresh = timezone.now() - timedelta(seconds=5)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=fresh)
    # when this request stamps: the UPDATE re-checks and leaves the fresh stamp
    stamp_token_use(row)
    assert ApiToken.objects.get(pk=row.pk).last_used_at == fresh
