"""Job digests: how a re-evaluation on PostgreSQL knows, without reading the stored findings, that it has
nothing to write.

An aggregate or deadline job (kinds/aggregate.py, kinds/deadline.py) computes its findings in one SELECT that
also sums a 64-bit hash of each finding (its subject and fingerprint) by status. That sum, with the job's constants and region, is the
job's *digest*. When the digest equals the one kept for the same rule, part, period and region root, the
findings stored there are exactly the ones the job would write, and it writes nothing — the
evaluation of a roster where little changed then costs about one read of its data, not a diff against every
stored finding. Otherwise the job diffs and writes as before, then keeps its new digest.

The invariant: a kept digest describes the findings stored in its region. So every other write to the
findings of a rule deletes the digests it may have made stale:
- another job of the same rule, part and period whose region overlaps (`keep` does it; a rule part has one
  source, so one kind);
- the engine's deletes (a disabled region, the SQLite path, no data source: `forget`, called by the engine);
- any write through the ORM (`post_save` / `post_delete` of `Finding`, outside the engine's own writes).
SQLite never keeps digests: there the engine replaces a job's findings whole every time.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import connection

from zugong.rules.kinds.region import Job, Region
from zugong.rules.models import JobDigest

_engine = threading.local()


def enabled() -> bool:
    return connection.vendor == "postgresql"


def digest_of(job: Job, seed: int, rows: Sequence[tuple[Any, ...]]) -> str:
    """The job's digest: its constants (seed), its region and its findings' (status, count, hash sum)."""
    text = repr((seed, job.region.root_path, sorted(job.region.exclude_paths),
                 sorted((str(status), int(n), str(total)) for status, n, total in rows)))
    return hashlib.blake2b(text.encode(), digest_size=32).hexdigest()


def _overlaps(root: str, excludes: Sequence[str], other_root: str, other_excludes: Sequence[str]) -> bool:
    """Whether two regions (a subtree less some subtrees) may share an org unit."""
    if other_root.startswith(root):
        return not any(other_root.startswith(path) for path in excludes)
    if root.startswith(other_root):
        return not any(root.startswith(path) for path in other_excludes)
    return False


def _kept(job: Job) -> list[JobDigest]:
    return list(JobDigest.objects.filter(rule_id=job.rule_id, part=job.part, period_start=job.period.start))


def unchanged(job: Job, digest: str) -> tuple[bool, list[JobDigest]]:
    """Whether the digest kept for the job's region is `digest`; and every digest of its rule, part and period
    (for `keep`, so the job reads them once)."""
    kept = _kept(job)
    own = next((d for d in kept if d.root_path == job.region.root_path), None)
    return own is not None and own.digest == digest, kept


def _stale(region: Region, kept: Sequence[JobDigest]) -> list[int]:
    return [d.pk for d in kept
            if _overlaps(region.root_path, region.exclude_paths, d.root_path, d.exclude_paths)]


def keep(job: Job, digest: str, counts: dict[str, int], kept: Sequence[JobDigest]) -> None:
    """After the job wrote its findings: forget the digests of overlapping regions (its own included) and keep
    the job's."""
    stale = _stale(job.region, kept)
    if stale:
        JobDigest.objects.filter(pk__in=stale).delete()
    JobDigest.objects.create(rule_id=job.rule_id, part=job.part, period_start=job.period.start,
                             root_path=job.region.root_path, exclude_paths=list(job.region.exclude_paths),
                             digest=digest, counts=dict(counts))


def forget(rule_id: int, *, part: str | None = None, period_start: date | None = None,
           region: Region | None = None) -> None:
    """Delete the digests a write to the rule's findings may have made stale: of one part, period and region
    when given, else all of the rule's."""
    if not enabled():
        return
    query = JobDigest.objects.filter(rule_id=rule_id)
    if part is not None:
        query = query.filter(part=part)
    if period_start is not None:
        query = query.filter(period_start=period_start)
    if region is None:
        query.delete()
        return
    stale = _stale(region, list(query))
    if stale:
        JobDigest.objects.filter(pk__in=stale).delete()


@contextmanager
def engine_writing() -> Iterator[None]:
    """The engine deletes findings through the ORM and forgets the digests itself: the per-finding signal
    handler below then has nothing to do."""
    depth = getattr(_engine, "depth", 0)
    _engine.depth = depth + 1
    try:
        yield
    finally:
        _engine.depth = depth


def on_finding_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(_engine, "depth", 0) or not enabled():
        return
    forget(instance.rule_id)
