"""A region: the part of the org tree where one set of parameters is in force for a rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q

from zugong.core.models import PATH_UPPER_SENTINEL
from zugong.core.orgtree import subtree_q
from zugong.rules.kinds.periods import Period


@dataclass(frozen=True)
class Region:
    root_path: str  # "" is the whole tree
    exclude_paths: tuple[str, ...]
    params: dict[str, Any]
    version_id: int | None
    root_org_id: int | None = None
    enabled: bool = True

    def org_q(self, prefix: str = "") -> Q:
        query = Q()
        if self.root_path:
            query &= subtree_q(self.root_path, prefix)
        for path in self.exclude_paths:
            query &= ~subtree_q(path, prefix)
        return query

    def path_sql(self, alias: str) -> tuple[str, list[Any]]:
        """The same restriction as `org_q`, as SQL over `<alias>.path`."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.root_path:
            clauses.append(f"{alias}.path >= %s AND {alias}.path < %s")
            params += [self.root_path, self.root_path + PATH_UPPER_SENTINEL]
        for path in self.exclude_paths:
            clauses.append(f"NOT ({alias}.path >= %s AND {alias}.path < %s)")
            params += [path, path + PATH_UPPER_SENTINEL]
        return (" AND ".join(clauses) or "1 = 1"), params


@dataclass(frozen=True)
class Job:
    """One rule part evaluated for one period in one region."""

    rule_id: int
    code: str
    part: str
    region: Region
    period: Period
    as_of: date
    evaluated_at: datetime
    params: dict[str, Any] = field(default_factory=dict)
