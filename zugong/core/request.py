"""One request path for every page: the typed request, and the `page` decorator.

`JurisdictionMiddleware` resolves the user's jurisdiction once per request (narrowed to the membership
they switched to) and sets `request.jurisdiction`; views are typed with `AuthedRequest` and never
resolve it themselves. `@page(action=...)` logs in, checks the action in the permission table, and turns
a `DomainError` raised by a selector or service into the Chinese 403 / 404 / 409 page. The API turns the
same errors into its JSON envelope (`zugong/api.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Annotated, Any, Concatenate, Final, ParamSpec, cast

from annotated_types import Interval
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.db import DataError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from zugong.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import may, permission

P = ParamSpec("P")
logger = logging.getLogger("zugong.request")

# Bounds of the API's integer parameters, declared in the OpenAPI schema: a value outside is the 422
# envelope, never an overflow in the database (SQLite and PostgreSQL integers end at 2**63 - 1,
# PostgreSQL `integer` columns at 2**31 - 1).
ID_MAX: Final = 2**31 - 1
OFFSET_MAX: Final = 1_000_000
RowId = Annotated[int, Interval(ge=1, le=ID_MAX)]
"""A row's id in a path or a query (`cadre_id: RowId`, `wall_id: RowId | None = None`)."""
Offset = Annotated[int, Interval(ge=0, le=OFFSET_MAX)]
Limit = Annotated[int, Interval(ge=1, le=500)]


class AuthedRequest(HttpRequest):
    """What a `@page` view receives: a signed-in user and their jurisdiction (for the type checker)."""

    user: User
    jurisdiction: Jurisdiction


Scope = Callable[[Jurisdiction], "QuerySet[Any]"]
"""What a jurisdiction may see of one kind of row: an app's selector (`orders_visible(jurisdiction)`)."""


@dataclass(frozen=True)
class PageMarker:
    """Left on every `@page` view, so a test can walk the URL registry and find a page without it.

    `writes` is the action a POST needs (None: `action` itself); `scope` and `by` name the selector that
    finds the row of the URL's `by` argument, so a row out of sight is 404 before any form is read."""

    action: str | None
    writes: str | Mapping[str, str] | None = None
    key: str | None = None
    scope: Scope | None = None
    by: str | None = None
    methods: tuple[str, ...] = ()

    def post_actions(self) -> dict[str | None, str | None]:
        """What a POST needs, by the value of `key` (None: any POST)."""
        if isinstance(self.writes, Mapping):
            return {value: name for value, name in self.writes.items()}
        return {None: self.writes or self.action}


def refuse_unless(jurisdiction: Jurisdiction, action: str | None, scope: Scope | None = None,
                  row_id: object = None) -> None:
    """The pre-check of every write, page or API, before its input is read: the role (403), then the row
    of the URL in the jurisdiction's sight (404). The service checks again, at the row's own unit."""
    if action is not None and not may(jurisdiction, action):
        raise Forbidden(f"您没有{permission(action).label}的权限")
    if scope is not None:
        try:
            pk = int(str(row_id))
        except ValueError:
            raise NotFound("未找到，或不在您的管辖范围内") from None
        if not 1 <= pk <= ID_MAX or not scope(jurisdiction).filter(pk=pk).exists():
            raise NotFound("未找到，或不在您的管辖范围内")


PageView = Callable[Concatenate[AuthedRequest, P], HttpResponse]
Wrapped = Callable[Concatenate[HttpRequest, P], HttpResponse]


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """The Chinese page for a refused action: 403, 404 or 409 (400 for bad input), with its message."""
    return render(request, "error.html", {"status": exc.status, "message": exc.message}, status=exc.status)


def page(
    *, action: str | None = None, methods: Sequence[str] = ("GET", "HEAD", "POST"),
    writes: str | Mapping[str, str] | None = None, key: str | None = None,
    scope: Scope | None = None, by: str | None = None,
) -> Callable[[PageView[P]], Wrapped[P]]:
    """Log in, allow `methods`, require `action` somewhere in the jurisdiction (and `writes` for a POST:
    one action, or with `key` the action of each value of that URL argument or form field), find the URL's
    row (`by`) with `scope` (404 when out of sight), map domain errors."""
    for name in [action, *(writes.values() if isinstance(writes, Mapping) else [writes])]:
        if name is not None:
            permission(name)  # an unknown action fails at import time, not on the first request
    if scope is not None and by is None:
        raise TypeError("@page(scope=...) needs by=<the URL argument naming the row>")
    if isinstance(writes, Mapping) and key is None:
        raise TypeError("@page(writes={...}) needs key=<the URL argument or form field choosing the action>")

    def decorate(view: PageView[P]) -> Wrapped[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            authed = cast(AuthedRequest, request)
            try:
                refuse_unless(authed.jurisdiction, action)
                if request.method == "POST" and isinstance(writes, str):
                    refuse_unless(authed.jurisdiction, writes)
                elif request.method == "POST" and isinstance(writes, Mapping):
                    # An unknown value is the view's own refusal ("未知的操作").
                    chosen = kwargs.get(key or "") or request.POST.get(key or "")
                    refuse_unless(authed.jurisdiction, writes.get(str(chosen)))
                if scope is not None:
                    refuse_unless(authed.jurisdiction, None, scope, kwargs.get(by or ""))
                return view(authed, *args, **kwargs)
            except DomainError as exc:
                return error_page(request, exc)
            except (OverflowError, DataError) as exc:
                # A number past what the database holds, typed into a form or a query: the person's input,
                # not a fault of the system (the API answers the same with its 400 envelope).
                logger.warning("out-of-range input on %s: %s", request.path, exc)
                return error_page(request, ValidationFailed("输入的数值超出允许范围，请检查后重试"))

        checked = require_http_methods(list(methods))(wrapped)
        checked.zugong_page = PageMarker(  # type: ignore[attr-defined]
            action=action, writes=writes, key=key, scope=scope, by=by, methods=tuple(m.upper() for m in methods))
        return cast(Wrapped[P], checked)

    return decorate


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def query_int(request: HttpRequest, name: str, *, default: int | None = None, low: int = 0,
              high: int = 2**31 - 1) -> int | None:
    """A bounded integer query parameter; anything else is the default (a page never 500s on `?x=abc`)."""
    raw = request.GET.get(name, "").strip()
    if not raw.isdigit() or len(raw) > 10:
        return default
    value = int(raw)
    return value if low <= value <= high else default


def jurisdiction_of(request: HttpRequest, action: str | None = None) -> Jurisdiction:
    """The request's jurisdiction, resolved once by the middleware (for API endpoints, typed `HttpRequest`).

    With `action`, refused (403) unless some role in it allows the action: the check `@page(action=...)`
    makes for a page, so an endpoint reads exactly what the page beside it shows."""
    jurisdiction = cast(AuthedRequest, request).jurisdiction
    if action is not None and not may(jurisdiction, action):
        raise Forbidden(f"您没有{permission(action).label}的权限")
    return jurisdiction


def actor_of(request: HttpRequest) -> User:
    """The signed-in user of a page or API call that requires login."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise Forbidden("请先登录")
    return user
