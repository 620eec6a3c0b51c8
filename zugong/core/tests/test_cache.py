"""The shared cache's table is made by every `migrate` (so by `zugong run` and `make run`; the test database gets it from Django)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_migrate


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db
def test_migrate_creates_the_cache_table_when_it_is_missing() -> None:
    # given a database whose cache table is gone
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE zugong_cache")
    assert "zugong_cache" not in _tables()
    # when `migrate` ends (it sends post_migrate for every app; core's receiver makes the table)
    core = apps.get_app_config("core")
    post_migrate.send(sender=core, app_config=core, verbosity=0, interactive=False, using="default",
                      apps=apps, plan=[])
    # then
    assert "zugong_cache" in _tables()


def test_the_default_cache_is_the_shared_database_cache(settings) -> None:
    assert settings.CACHES["default"]["BACKEND"] == "zugong.core.cache.DatabaseCache"
    assert settings.CACHES["default"]["LOCATION"] == "zugong_cache"


@pytest.mark.django_db
def test_a_flood_of_new_entries_does_not_evict_a_live_counter() -> None:
    # given a throttle counter
    cache.add("masswork:throttle:!victim", 7, timeout=3600)
    # when an attacker makes a thousand other entries (Django's default culls a third past 300)
    cache.set_many({f"masswork:throttle:addr:{i}": 1 for i in range(1000)}, timeout=3600)
    for i in range(5):
        cache.add(f"zugong:lockout:strikes:address:{i}", 1, timeout=3600)
    # then the counter is still there
    assert cache.get("masswork:throttle:!victim") == 7
