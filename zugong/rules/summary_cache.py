"""The compliance counts behind the dashboards, kept in the shared cache until the findings change.

The leader's home page and `/rules/` count every finding of the jurisdiction by rule, period and status:
over a province (about 830,000 findings) one statement of 0.7–1.1 s, on every opening, although findings
change only when the engine evaluates (daily, or a job on demand). The counts are kept under a
**generation stamp** in the shared cache (Redis or the database cache, whatever every app server shares):
each change of the findings replaces the stamp, so the next reader on any server counts again. A
change is every write of the engine (`engine.evaluate` calls `findings_changed()`) and, for writes
through the ORM (tests, the admin), `post_save` / `post_delete` of `Finding`. Kept at most
`ZUGONG_RULES_COUNTS_CACHE_SECONDS` (300; 0 counts on every read).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "zugong:rules:findings:generation"
T = TypeVar("T")


def cache_seconds() -> int:
    return int(getattr(settings, "ZUGONG_RULES_COUNTS_CACHE_SECONDS", 300))


def findings_changed() -> None:
    """Make every kept count stale: now (with the database cache, inside the writing transaction, so it rolls
    back with it) and again once the transaction commits (a shared cache outside the database)."""
    _new_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def on_finding_change(sender: Any, **kwargs: Any) -> None:
    findings_changed()


def counted(parts: tuple[Any, ...], count: Callable[[], T]) -> T:
    """`count()`'s result for `parts` (what the count depends on: the jurisdiction's paths, the unit, the rule),
    from the shared cache when the findings have not changed since it was kept."""
    seconds = cache_seconds()
    if seconds <= 0:
        return count()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    key = "zugong:rules:counts:" + hashlib.sha256(repr((generation, parts)).encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    value = count()
    cache.set(key, value, seconds)
    return value
