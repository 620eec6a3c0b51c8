"""Jurisdiction-scoped count over the province-scale tree with 300,000 rows attached.

`scope(Meeting.objects.all(), jurisdiction_for(user)).count()` for a county org_admin and for a city
org_admin, against the same count as hand-written SQL, timed alternately in the same run.
Target: scoped ≤ 1.3× raw (median). Needs PostgreSQL (DATABASE_URL); builds scratch database zg_bench.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from bench.common import (
    copy_rows,
    ensure_province_tree,
    explain,
    report,
    require_postgres,
    time_pair_ms,
    use_scratch_database,
)

ROWS = 300_000
REPEAT = 200
TARGET = 1.3
RAW_COUNT = """
SELECT count(*) FROM core_meeting m JOIN core_orgunit o ON o.id = m.org_unit_id
WHERE o.path >= %s AND o.path < %s
"""
MEETING_COLUMNS = ("kind", "org_unit_id", "held_on", "title", "attendees", "minutes", "decisions", "created_at")
KINDS = ("ledger_meeting", "retreat", "symposium", "study_group", "party_committee", "other")


def _meeting_rows(village_ids: list[int], township_ids: list[int]) -> Iterator[tuple[object, ...]]:
    """Nine rows in ten on villages, the rest on townships; fixed seed, so every run loads the same."""
    rng = random.Random(300_000)
    now = timezone.now()
    start = date(2023, 1, 1)
    for i in range(ROWS):
        unit = rng.choice(village_ids) if i % 10 else rng.choice(township_ids)
        yield (rng.choice(KINDS), unit, start + timedelta(days=rng.randrange(1000)), f"会议 {i}", "", "", "", now)


def ensure_meetings(data: dict[str, object]) -> None:
    from zugong.core.models import Meeting

    existing = Meeting.objects.count()
    if existing == ROWS:
        return
    if existing:
        raise SystemExit(f"zg_bench holds {existing} meetings, expected 0 or {ROWS}: drop it and run again")
    loaded = copy_rows("core_meeting", MEETING_COLUMNS,
                       _meeting_rows(data["village_ids"], data["township_ids"]))  # type: ignore[arg-type]
    print(f"loaded {loaded} meetings")


def raw_count(path: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(RAW_COUNT, [path, path + "~"])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def measure(label: str, username: str) -> float:
    from zugong.core.jurisdiction import jurisdiction_for, scope
    from zugong.core.models import Meeting

    user = get_user_model().objects.get(username=username)
    jurisdiction = jurisdiction_for(user)
    (root,) = jurisdiction.paths
    expected = raw_count(root)
    scoped_count = scope(Meeting.objects.all(), jurisdiction).count()
    if scoped_count != expected or expected == 0:
        raise SystemExit(f"{label}: scoped count {scoped_count} != raw count {expected}")
    scoped, raw = time_pair_ms(lambda: scope(Meeting.objects.all(), jurisdiction).count(),
                               lambda: raw_count(root), repeat=REPEAT)
    print(f"{label}: {expected} of {ROWS} rows in jurisdiction; plan of the scoped query:")
    print("  " + "\n  ".join(explain(lambda: scope(Meeting.objects.all(), jurisdiction).count())))
    ratio = report(f"{label} scoped count", scoped, raw, target=TARGET)
    with_lookup, raw_again = time_pair_ms(
        lambda: scope(Meeting.objects.all(), jurisdiction_for(user)).count(), lambda: raw_count(root), repeat=REPEAT)
    # jurisdiction_for() is paid once per request: kept per worker under the shared generation stamp (one
    # cache read), or, not kept, the membership query it replaced (issue 17, item 8).
    report(f"{label} scoped count incl. jurisdiction_for() (kept: one read of the stamp)", with_lookup, raw_again)
    with override_settings(ZUGONG_JURISDICTION_CACHE_SECONDS=0):
        uncached, raw_third = time_pair_ms(
            lambda: scope(Meeting.objects.all(), jurisdiction_for(user)).count(), lambda: raw_count(root),
            repeat=REPEAT)
    report(f"{label} scoped count incl. jurisdiction_for() (not kept: the membership query)", uncached, raw_third)
    return ratio


def main() -> None:
    require_postgres()
    use_scratch_database("zg_bench")
    data = ensure_province_tree()
    ensure_meetings(data)
    ratios = [measure("county (alice, org_admin of one county)", "alice"),
              measure("city (city, org_admin of one city)", "city")]
    if max(ratios) > TARGET:
        raise SystemExit(f"scoped/raw ratio {max(ratios):.2f} above target {TARGET}")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
    django.setup()
    main()
