"""Materialised paths for the org tree.

A unit's path is its parent's path plus a fixed-width sibling number and a dot
("00001.00003.00012."), so "everything under X" is `path >= X.path AND path < X.path || '~'`:
one btree range scan on both SQLite and PostgreSQL (where the column has the "C" collation).
"""

from __future__ import annotations

from django.db.models import Q

from zugong.core.models import PATH_SEGMENT_WIDTH, PATH_UPPER_SENTINEL, OrgKind, OrgUnit

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


def subtree_q(path: str, prefix: str = "") -> Q:
    """Rows whose `<prefix>path` lies in the subtree rooted at `path` (the root included).

    `prefix` is the lookup to the OrgUnit: "" for OrgUnit itself, "org_unit__", "cadre__org_unit__".
    """
    return Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": path + PATH_UPPER_SENTINEL})


def ancestor_paths(path: str) -> list[str]:
    """The paths of every unit from the root down to `path` itself, top first."""
    step = PATH_SEGMENT_WIDTH + 1
    return [path[:end] for end in range(step, len(path) + 1, step)]


def township_of(unit: OrgUnit) -> OrgUnit | None:
    """The township (乡镇) whose subtree holds `unit` (the unit itself when it is one), or None."""
    if unit.kind == OrgKind.TOWNSHIP:
        return unit
    return (OrgUnit.objects.filter(kind=OrgKind.TOWNSHIP, path__in=ancestor_paths(unit.path)[:-1])
            .order_by("-depth").first())
