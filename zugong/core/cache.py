"""The shared cache every throttle and lockout counts in, whatever gunicorn worker serves the request.

By default it is Django's database cache (`zugong_cache` table, created after every `migrate`); with
`ZUGONG_REDIS_URL` it is Redis, whose INCR is atomic already. Django's database cache increments by
reading and writing back, so two workers counting at once could both write the same number: here the
increment holds the row locked (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions
serialise writers) and writes only the value, keeping the entry's expiry.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.apps import AppConfig
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.management import call_command
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self.table_name = table

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self.table_name)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key = %s{lock}", [db_key])
            value = self.get(key, version=version)
            if value is None:
                raise ValueError(f"Key '{db_key}' not found")
            new_value = int(value) + delta
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [pickled, db_key])
        return new_value


def uses_database_cache() -> bool:
    return any(isinstance(caches[alias], BaseDatabaseCache) for alias in caches)


def create_cache_table(sender: AppConfig, *, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the cache table is not a model, so no migration makes it; this does, idempotently."""
    if uses_database_cache():
        call_command("createcachetable", database=using, verbosity=0)
