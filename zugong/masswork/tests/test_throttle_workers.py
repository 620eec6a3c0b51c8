"""The public throttles hold across gunicorn workers: they count in the shared cache, not in each process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from zugong.masswork.services.public import Throttled, throttle_take

# One "worker": its own process, its own Django, its own cache client; it tries `attempts` submissions from
# one address, each with a new phone, at the same moment as the other worker, and prints how many it got.
WORKER = """
import sys, django
django.setup()
from django.conf import settings
settings.ZUGONG_MASSWORK_PER_ADDRESS_HOUR = 10
from zugong.masswork.services.public import Throttled, throttle_take
address, attempts, start = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import os, time
while not os.path.exists(start):
    time.sleep(0.01)
accepted = 0
for i in range(attempts):
    try:
        throttle_take(phone=f"1390000{os.getpid() % 1000:03d}{i}", client_address=address)
        accepted += 1
    except Throttled:
        pass
print(accepted)
"""


def _database_url(tmp_path: Path) -> str:
    """The database the workers share: the test database on PostgreSQL, a fresh SQLite file otherwise."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_address_limit_holds_across_two_worker_processes(tmp_path: Path) -> None:
    # given two worker processes sharing the default cache (the database cache) and a limit of 10 an hour
    env = {k: v for k, v in os.environ.items() if k != "ZUGONG_TEST_DB_NAME"}
    env |= {"DATABASE_URL": _database_url(tmp_path), "DJANGO_SETTINGS_MODULE": "zugong.settings",
            "ZUGONG_VAR_DIR": str(tmp_path / "var")}
    if connection.vendor != "postgresql":
        subprocess.run([sys.executable, "-m", "django", "createcachetable"], env=env, check=True)
    address = f"10.{uuid.uuid4().int % 250}.7.7-{uuid.uuid4().hex[:8]}"
    start = tmp_path / "start"
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, address, "15", str(start)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    # when both submit 15 times at once
    start.touch()
    results = [worker.communicate(timeout=120) for worker in workers]
    # then the two accepted 10 together, not 10 each
    for worker, (_, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
    accepted = [int(out.strip()) for out, _ in results]
    assert sum(accepted) == 10, accepted


@pytest.mark.django_db
def test_a_second_cache_client_sees_the_first_ones_count(settings) -> None:
    # given two cache clients over the same table, as two workers have
    from zugong.core.cache import DatabaseCache

    settings.ZUGONG_MASSWORK_PER_PHONE_HOUR = 3
    first, second = DatabaseCache("zugong_cache", {}), DatabaseCache("zugong_cache", {})
    first.add("k", 0, timeout=60)
    # when each counts
    assert first.incr("k") == 1
    assert second.incr("k") == 2
    assert first.decr("k") == 1
    # then the default client, used by the throttle, sees the same count
    assert cache.get("k") == 1
    for i in range(3):
        throttle_take(phone="13900000000", client_address=f"10.0.0.{i}")
    with pytest.raises(Throttled, match="该手机号一小时内提交次数已达上限（3 次）"):
        throttle_take(phone="13900000000", client_address="10.0.0.9")


@pytest.mark.django_db
def test_incr_keeps_the_expiry_and_refuses_a_missing_key() -> None:
    from zugong.core.cache import DatabaseCache

    client = DatabaseCache("zugong_cache", {})
    client.add("short", 5, timeout=60)
    before = _expires(client.make_key("short"))
    client.incr("short", 2)
    assert client.get("short") == 7
    assert _expires(client.make_key("short")) == before
    with pytest.raises(ValueError, match="not found"):
        client.incr("absent")


def _expires(db_key: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM zugong_cache WHERE cache_key = %s", [db_key])
        return cursor.fetchone()[0]
