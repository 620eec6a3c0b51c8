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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from zugong.rules.kinds.region import Job, Region
from zugong.rules.models import JobDigest

_engine = threading.local()


def enabled() -> bool:
    return connection.vendor == "postgresql"


# A job's findings are summed per bucket of their org unit (`org_unit_id % BUCKETS`) as well: when a digest differs,
# the buckets whose sums differ are the only ones the diff needs to visit — a day's checks entered by a few
# townships touch a few buckets, not the province.
BUCKETS = 256


@dataclass(frozen=True)
class Summary:
    """What a job's SELECT computed: its digest, its findings by status and per bucket (count, hash sum)."""

    digest: str
    basis: str  # the job's constants and region: buckets compare only between summaries of the same basis
    totals: dict[str, int]
    buckets: dict[int, tuple[int, int]] = field(default_factory=dict)


def summarise(job: Job, seed: int, totals: Mapping[str, int], buckets: Mapping[int, tuple[int, int]],
              sums: Sequence[tuple[Any, ...]] = ()) -> Summary:
    """The job's summary from its findings by status, its (count, hash sum) per bucket and any other sums (a
    job without buckets: its hash sums by status)."""
    basis = repr((seed, job.region.root_path, sorted(job.region.exclude_paths)))
    text = repr((basis, sorted(totals.items()), sorted(buckets.items()), sorted(tuple(map(str, s)) for s in sums)))
    return Summary(digest=hashlib.blake2b(text.encode(), digest_size=32).hexdigest(),
                   basis=hashlib.blake2b(basis.encode(), digest_size=16).hexdigest(), totals=dict(totals),
                   buckets=dict(buckets))


def kept_totals(job: Job, kept: Sequence[JobDigest]) -> dict[str, int]:
    """The findings by status kept with the digest of the job's own region (empty when none is kept)."""
    own = next((d for d in kept if d.root_path == job.region.root_path), None)
    return {} if own is None else {str(k): int(v) for k, v in own.counts.get("statuses", {}).items()}


def changed_buckets(summary: Summary, kept: Sequence[JobDigest], job: Job) -> list[int] | None:
    """The buckets whose findings differ from the ones stored, or None when the job must diff all of them (no
    digest kept for its region, another basis, or a job without buckets)."""
    own = next((d for d in kept if d.root_path == job.region.root_path), None)
    if own is None or not summary.buckets or own.counts.get("basis") != summary.basis:
        return None
    before = {int(b): (int(n), int(t)) for b, (n, t) in own.counts.get("buckets", {}).items()}
    return sorted(b for b in set(before) | set(summary.buckets) if before.get(b) != summary.buckets.get(b))


def _overlaps(root: str, excludes: Sequence[str], other_root: str, other_excludes: Sequence[str]) -> bool:
    """Whether two regions (a subtree less some subtrees) may share an org unit."""
    if other_root.startswith(root):
        return not any(other_root.startswith(path) for path in excludes)
    if root.startswith(other_root):
        return not any(root.startswith(path) for path in other_excludes)
    return False


def _kept(job: Job) -> list[JobDigest]:
    return list(JobDigest.objects.filter(rule_id=job.rule_id, part=job.part, period_start=job.period.start))


def unchanged(job: Job, summary: Summary) -> tuple[bool, list[JobDigest]]:
    """Whether the digest kept for the job's region is the summary's; and every digest of its rule, part and
    period (for `keep` and `changed_buckets`, so the job reads them once)."""
    kept = _kept(job)
    own = next((d for d in kept if d.root_path == job.region.root_path), None)
    return own is not None and own.digest == summary.digest, kept


def _stale(region: Region, kept: Sequence[JobDigest]) -> list[int]:
    return [d.pk for d in kept
            if _overlaps(region.root_path, region.exclude_paths, d.root_path, d.exclude_paths)]


def keep(job: Job, summary: Summary, kept: Sequence[JobDigest]) -> None:
    """After the job wrote its findings: forget the digests of overlapping regions (its own included) and keep
    the job's."""
    stale = _stale(job.region, kept)
    if stale:
        JobDigest.objects.filter(pk__in=stale).delete()
    counts = {"statuses": summary.totals, "basis": summary.basis,
              "buckets": {str(b): [n, str(t)] for b, (n, t) in summary.buckets.items()}}
    JobDigest.objects.create(rule_id=job.rule_id, part=job.part, period_start=job.period.start,
                             root_path=job.region.root_path, exclude_paths=list(job.region.exclude_paths),
                             digest=summary.digest, counts=counts)


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
