"""Jurisdiction (管辖范围): the one place that decides which org units a user may see.

A user's jurisdiction is the union of the subtrees of their memberships (or of the one membership
they switched to). Every selector scopes its queryset through `scope()`; nothing else filters by org.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.signals import setting_changed
from django.db import connections, router, transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, post_save

from zugong.core.models import Membership, OrgUnit
from zugong.core.orgtree import subtree_q

M = TypeVar("M", bound=Model)

ALL_PATHS = ("",)


@dataclass(frozen=True)
class Grant:
    path: str
    role: str
    org_unit_id: int


@dataclass(frozen=True)
class Jurisdiction:
    """The subtrees a user may see, and the roles they hold at the root of each."""

    user_id: int | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    is_superuser: bool = False

    @property
    def paths(self) -> tuple[str, ...]:
        if self.is_superuser:
            return ALL_PATHS
        return minimal_roots(g.path for g in self.grants)

    @property
    def is_empty(self) -> bool:
        return not self.is_superuser and not self.grants

    def org_q(self, prefix: str = "") -> Q:
        """A Q over `<prefix>path` matching every unit in the jurisdiction (nothing if empty)."""
        if self.is_empty:
            return Q(pk__in=[])
        query = Q()
        for path in self.paths:
            query |= subtree_q(path, prefix)
        return query

    def contains_path(self, path: str) -> bool:
        return any(path.startswith(root) for root in self.paths)

    def contains(self, org: OrgUnit) -> bool:
        return self.contains_path(org.path)

    def roles_at(self, org: OrgUnit) -> set[str]:
        """Roles that apply at `org`: those of every membership whose subtree contains it."""
        if self.is_superuser:
            return {"org_admin"}
        return {g.role for g in self.grants if org.path.startswith(g.path)}

    def has_role_at(self, org: OrgUnit, roles: Iterable[str]) -> bool:
        return bool(self.roles_at(org) & set(roles))

    def roles(self) -> set[str]:
        if self.is_superuser:
            return {"org_admin"}
        return {g.role for g in self.grants}


def minimal_roots(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop every path that lies under another one: the union stays the same, the SQL gets shorter."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return tuple(roots)


UNREAD = object()  # `jurisdiction_for`'s generation when the caller did not read it already


def jurisdiction_for(user: AbstractBaseUser | AnonymousUser | None, membership_id: int | None = None, *,
                     generation: object = UNREAD) -> Jurisdiction:
    """The user's jurisdiction (narrowed to `membership_id`): from this process's memory while the shared
    generation stamp is the one it was read under and for at most `cache_seconds()`, else from the memberships.

    `generation` is the stamp as `read_generation()` gives it, when the request read it already (a bearer
    request reads it in the same query as its token); it must have been read in this request, before now."""
    if user is None or not user.is_authenticated:
        return Jurisdiction(user_id=None)
    if getattr(user, "is_superuser", False) and membership_id is None:
        return Jurisdiction(user_id=user.pk, is_superuser=True)
    seconds = cache_seconds()
    if seconds <= 0:
        return Jurisdiction(user_id=user.pk, grants=_grants(user.pk, membership_id))
    key = (user.pk, membership_id)
    # The generation is read *before* the memberships: a change committed meanwhile replaces it, so what
    # is kept here can never pass for current afterwards.
    if generation is UNREAD:
        generation = read_generation()
    if generation is None:  # no stamp (never set, or culled from the cache): nothing kept can be trusted
        _start_generation()
        return Jurisdiction(user_id=user.pk, grants=_grants(user.pk, membership_id))
    now = time.monotonic()
    kept = _KEPT.get(key)
    if kept is not None and kept[0] == generation and kept[1] > now:
        return Jurisdiction(user_id=user.pk, grants=kept[2])
    grants = _grants(user.pk, membership_id)
    if len(_KEPT) >= KEPT_MAX:
        _KEPT.clear()
    _KEPT[key] = (generation, now + seconds, grants)
    return Jurisdiction(user_id=user.pk, grants=grants)


def _grants(user_id: int, membership_id: int | None) -> tuple[Grant, ...]:
    memberships = Membership.objects.filter(user_id=user_id)
    if membership_id is not None:
        memberships = memberships.filter(pk=membership_id)
    rows = memberships.order_by("pk").values_list("org_unit__path", "role", "org_unit_id")
    return tuple(Grant(path=path, role=role, org_unit_id=unit_id) for path, role, unit_id in rows)


# -- the per-request cost (issue 17, item 8) ----------------------------------------------------------------
# Every request resolved the jurisdiction with a join of memberships and org units and built model instances,
# which cost more than many of the queries it scopes. Each worker process keeps what it read, per user and
# membership, for ZUGONG_JURISDICTION_CACHE_SECONDS (60 by default; 0 reads the memberships every time),
# stamped with a generation held in the shared cache: any change of a membership or an org unit replaces
# the generation, and the next request in every worker reads the database again. A request pays one read
# of that stamp (a primary-key lookup in the cache table, or one Redis GET) instead of the join, and
# nothing is written per request.

GENERATION_KEY = "zugong:jurisdiction:generation"
KEPT_MAX = 10_000  # users × memberships kept per process before it starts afresh
_KEPT: dict[tuple[int, int | None], tuple[object, float, tuple[Grant, ...]]] = {}


def cache_seconds() -> int:
    return int(getattr(settings, "ZUGONG_JURISDICTION_CACHE_SECONDS", 60))


def jurisdictions_changed() -> None:
    """Make every cached jurisdiction stale: now (with the database cache, inside the writing transaction, so
    it rolls back with it) and again once the transaction commits (a shared cache outside the database)."""
    _new_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _start_generation() -> None:
    cache.add(GENERATION_KEY, uuid.uuid4().hex, None)  # only where there is none: add never replaces one


# -- reading the stamp ---------------------------------------------------------------------------------------
# With the database cache (the default), the stamp is read as its row's stored text, by a statement written once
# (`generation_sql`), not through the cache backend (which builds its SQL and unpickles on every call): equal
# texts are equal stamps. A bearer request reads it as a column of its token's query (`core.api_auth`), so the
# stamp costs no query of its own there. The stamp is set without expiry (`_new_generation`), so its row is
# current while it exists; a row culled or never set reads as None. With another cache (Redis) it is one GET.


def database_cache_table() -> str | None:
    """The default cache's table when it is a database cache, else None (`cache` is a proxy: ask `caches`)."""
    backend = caches["default"]
    return backend._table if isinstance(backend, BaseDatabaseCache) else None  # type: ignore[attr-defined]


def generation_sql() -> tuple[str, str] | None:
    """(the SELECT of the stamp's stored text, its cache key) with the database cache, else None; worked out once
    per process (every bearer request asks), again when the CACHES setting changes."""
    if not _STATEMENT:
        _STATEMENT.append(_generation_statement())
    return _STATEMENT[0]


_STATEMENT: list[tuple[str, str] | None] = []


def _generation_statement() -> tuple[str, str] | None:
    table = database_cache_table()
    if table is None:
        return None
    quote = connections[router.db_for_read(cache.cache_model_class)].ops.quote_name  # type: ignore[attr-defined]
    return (f"SELECT {quote('value')} FROM {quote(table)} WHERE {quote('cache_key')} = %s",
            cache.make_and_validate_key(GENERATION_KEY))


def _caches_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "CACHES":
        _STATEMENT.clear()


setting_changed.connect(_caches_changed, dispatch_uid="zugong.jurisdiction.caches_changed")


def read_generation() -> object:
    """The current stamp (None when there is none)."""
    statement = generation_sql()
    if statement is None:
        return cache.get(GENERATION_KEY)
    sql, key = statement
    with connections[router.db_for_read(cache.cache_model_class)].cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    return row[0] if row is not None else None


def _on_change(sender: type[Model], **kwargs: object) -> None:
    jurisdictions_changed()


for _model in (Membership, OrgUnit):
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"zugong.jurisdiction.{_model.__name__}.save")
    post_delete.connect(_on_change, sender=_model, dispatch_uid=f"zugong.jurisdiction.{_model.__name__}.delete")


def scope(queryset: QuerySet[M], jurisdiction: Jurisdiction, org_field: str = "org_unit") -> QuerySet[M]:
    """Restrict `queryset` to rows whose `org_field` lies in the jurisdiction.

    `org_field` is the lookup path to the OrgUnit ("org_unit", "cadre__org_unit", or "" for OrgUnit).
    """
    prefix = f"{org_field}__" if org_field else ""
    return queryset.filter(jurisdiction.org_q(prefix))
