"""Materialised paths for the org tree.

A unit's path is its parent's path plus a fixed-width sibling number and a dot
("00001.00003.00012."), so "everything under X" is `path >= X.path AND path < X.path || '~'`:
one btree range scan on both SQLite and PostgreSQL (where the column has the "C" collation).
"""

from __future__ import annotations

from zugong.core.models import PATH_SEGMENT_WIDTH, OrgUnit

_SEGMENT_LIMIT = 10**PATH_SEGMENT_WIDTH - 1


def path_segment(number: int) -> str:
    if not 1 <= number <= _SEGMENT_LIMIT:
        raise ValueError(f"sibling number {number} out of range 1..{_SEGMENT_LIMIT}")
    return f"{number:0{PATH_SEGMENT_WIDTH}d}."


def child_path(parent_path: str, number: int) -> str:
    return parent_path + path_segment(number)


def next_child_number(parent: OrgUnit | None) -> int:
    """The next free sibling number under `parent`; the caller holds a lock on the parent."""
    siblings = OrgUnit.objects.filter(parent=parent) if parent else OrgUnit.objects.filter(parent__isnull=True)
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    if last is None:
        return 1
    return int(last[-(PATH_SEGMENT_WIDTH + 1):-1]) + 1
