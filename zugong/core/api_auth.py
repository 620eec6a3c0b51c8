"""Who may call an API operation: the bearer token or the signed-in browser, and, for every write, the
action of the permission table it needs and the row of its path it touches.

`permitted("masswork.order_accept", scope=orders_visible, by="order_id")` is the `auth` of a write
operation: after authenticating, it refuses a role without the action (403) and a row out of the
jurisdiction's sight (404) *before* the body is read, so the answer to a caller without the right never
depends on what they sent. The service checks again at the row's own unit. The generated permission
matrix (core/tests/test_write_matrix.py) walks every write operation and fails on one without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, TypeAlias

from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from zugong.core.api_queries import CompiledRead
from zugong.core.errors import Forbidden
from zugong.core.jurisdiction import UNREAD, generation_sql
from zugong.core.models import ApiToken
from zugong.core.permissions import permission
from zugong.core.request import Scope, jurisdiction_of, refuse_unless
from zugong.core.services import hash_token

# A token's last use is recorded at most this often: a write on every read would serialise bearer reads
# on SQLite and make the token's row hot on PostgreSQL (issue 17, item 8).
TOKEN_STAMP_INTERVAL = timedelta(minutes=1)


def _token_with_user(key_hash: str) -> QuerySet[ApiToken]:
    """The live token of `key_hash` with its active user's columns: one indexed row."""
    return (ApiToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
            .values_list("pk", "last_used_at", *(f"user__{name}" for name in _USER_COLUMNS))[:1])


def _token_with_user_and_stamp(key_hash: str) -> QuerySet[ApiToken]:
    """`_token_with_user` and, as its last column, the jurisdiction's generation stamp (database cache only)."""
    statement = generation_sql()
    if statement is None:
        raise RuntimeError("the stamp is read with the token only from the database cache")
    sql, key = statement
    return (ApiToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
            .annotate(zugong_generation=RawSQL(f"({sql})", [key], output_field=TextField()))
            .values_list("pk", "last_used_at", *(f"user__{name}" for name in _USER_COLUMNS), "zugong_generation")[:1])


_USER_COLUMNS = tuple(f.attname for f in User._meta.concrete_fields)
# Every bearer request reads this row: compiled once, not per request (the sample is no SHA-256 hex).
TOKEN_READ = CompiledRead(_token_with_user, key_hash="<sample key hash>")
# With the database cache the same row carries the jurisdiction's generation stamp (core.jurisdiction), which
# the request would otherwise read in a query of its own.
TOKEN_AND_STAMP_READ = CompiledRead(_token_with_user_and_stamp, key_hash="<sample key hash>")


def token_user(raw: str) -> tuple[ApiToken, User] | None:
    """The live token `raw` (its id and last use only) and its active user, or None."""
    found = token_user_and_stamp(raw)
    return None if found is None else found[:2]


def token_user_and_stamp(raw: str) -> tuple[ApiToken, User, object] | None:
    """`token_user` and the jurisdiction's generation stamp read in the same query (`UNREAD` when the cache
    is not the database's: `jurisdiction_for` then reads it itself)."""
    folded = generation_sql() is not None
    rows = (TOKEN_AND_STAMP_READ if folded else TOKEN_READ).rows(key_hash=hash_token(raw))
    if not rows:
        return None
    token_id, last_used_at, *user_values = rows[0]
    generation = user_values.pop() if folded else UNREAD
    user = User.from_db("default", _USER_COLUMNS, user_values)
    token = ApiToken(pk=token_id, user_id=user.pk, last_used_at=last_used_at)
    token._state.adding = False
    return token, user, generation


def stamp_token_use(row: ApiToken) -> None:
    """Record `row`'s use unless it was recorded within TOKEN_STAMP_INTERVAL (the UPDATE re-checks, so of
    concurrent requests one writes)."""
    now = timezone.now()
    since = now - TOKEN_STAMP_INTERVAL
    if row.last_used_at is not None and row.last_used_at > since:
        return
    (ApiToken.objects.filter(pk=row.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=since))
     .update(last_used_at=now))


Action: TypeAlias = "str | Mapping[str, str] | None"
"""One action, or (with `key`) the action of each value of a path parameter: an interview's `{step}`."""


class Checked:
    """The write's requirements, checked once the caller is known (shared by both ways of signing in)."""

    action: Action = None
    key: str | None = None
    scope: Scope | None = None
    by: str | None = None

    def require(self, request: HttpRequest) -> None:
        if self.action is None:
            return
        match = request.resolver_match
        kwargs = match.kwargs if match is not None else {}
        if isinstance(self.action, str):
            action: str | None = self.action
        else:
            # An unknown value is the operation's own 4xx (its message lists the choices).
            action = self.action.get(str(kwargs.get(self.key or "", "")))
        row_id = kwargs.get(self.by or "") if self.scope is not None else None
        refuse_unless(jurisdiction_of(request), action, self.scope, row_id)


class BearerAuth(Checked, HttpBearer):
    def __init__(self, action: Action = None, key: str | None = None, scope: Scope | None = None,
                 by: str | None = None) -> None:
        super().__init__()
        self.action, self.key, self.scope, self.by = action, key, scope, by

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        found = token_user_and_stamp(token)
        if found is None:
            return None
        row, user, generation = found
        stamp_token_use(row)
        request.user = user
        request.zugong_generation = generation  # type: ignore[attr-defined]  # read before any membership
        self.require(request)
        return user


class BrowserSession(Checked, SessionAuth):
    """The signed-in browser's session, CSRF-checked on writes. Anonymous is 401 like a missing token
    (ninja would check the CSRF token first and answer an anonymous write 403 "CSRF check Failed")."""

    def __init__(self, csrf: bool = True, action: Action = None, key: str | None = None,
                 scope: Scope | None = None, by: str | None = None) -> None:
        super().__init__(csrf=csrf)
        self.action, self.key, self.scope, self.by = action, key, scope, by

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        try:
            user = super().__call__(request)
        except HttpError as exc:
            raise Forbidden("CSRF 校验失败，请刷新页面后重试", code="csrf_failed") from exc
        if user:
            self.require(request)
        return user


def signed_in() -> list[Any]:
    """The API's default auth: a bearer token or the browser's session, no action (reads check theirs)."""
    return [BearerAuth(), BrowserSession(csrf=True)]


def permitted(action: str | Mapping[str, str], *, key: str | None = None, scope: Scope | None = None,
              by: str | None = None) -> list[Any]:
    """The auth of a write operation: signed in, the role allows `action` (or `action[<path's key>]`), and
    the path's row `by` is in `scope` (the app's jurisdiction-scoped selector)."""
    for name in [action] if isinstance(action, str) else list(action.values()):
        permission(name)  # an unknown action fails at import time
    if not isinstance(action, str) and key is None:
        raise TypeError("permitted({...}) needs key=<the path parameter choosing the action>")
    if scope is not None and by is None:
        raise TypeError("permitted(scope=...) needs by=<the path parameter naming the row>")
    return [BearerAuth(action, key, scope, by), BrowserSession(True, action, key, scope, by)]
