"""Reads of the roster, always scoped to a jurisdiction: search with filters, keyset pages, detail.

This module owns the reads of cadres for every app: another app that needs "the cadres this person
may see" calls `cadres_visible(jurisdiction)`, and "this one cadre, or 404" calls
`cadre_get(jurisdiction, pk)` (raises `NotFound` when absent *or* outside the jurisdiction). Who may
do what with a cadre is read from `zugong.core.permissions` (`may`), never from role sets here.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zugong.cadres.dates import add_years
from zugong.cadres.exporters import with_history
from zugong.cadres.models import Cadre, CadreChange, PostHolding
from zugong.cadres.services import TRACKED_FIELDS, change_text
from zugong.core.api_queries import ShapedRead
from zugong.core.errors import NotFound, ValidationFailed
from zugong.core.jurisdiction import Grant, Jurisdiction, scope
from zugong.core.models import PATH_UPPER_SENTINEL, OrgUnit
from zugong.core.permissions import may
from zugong.core.request import ID_MAX

SORTS: dict[str, tuple[str, bool]] = {  # key: (field, descending)
    "name": ("name_pinyin", False), "-name": ("name_pinyin", True),
    "birth": ("birth_month", False), "-birth": ("birth_month", True), "id": ("pk", False), "-id": ("pk", True),
}
# A masked ID number (`110105********002X`) must not be completed by what is shown or searchable beside
# it: without the right to see full numbers, searching by number, sorting by birth and the age filters
# all work at the precision of the birth *month* (what the list shows), never the day.
CONFIDENTIAL = "cadres.cadre_confidential_view"
ID_SEARCH_REFUSED = "按公民身份号码查询需要查看完整身份证号码的权限，请按姓名或拼音查询"
MAX_LIMIT = 200
# What a list row shows (pages, API, exports of a page): loading only these keeps 50 rows cheap.
LIST_COLUMNS = ("name", "name_pinyin", "sex", "birth_date", "id_number", "current_post", "rank_level", "is_leading",
                "political_status", "highest_education", "status", "org_unit__name", "org_unit__path")
_ID_LIKE = re.compile(r"^\d{4,17}[\dXx]?$")


@dataclass
class CadreFilters:
    q: str = ""
    id_number: str = ""
    org: int | None = None
    rank_level: str = ""
    leading: bool | None = None
    age_min: int | None = None
    age_max: int | None = None
    age_on: date | None = None
    education: str = ""
    political_status: str = ""
    status: str = ""
    managing_unit: int | None = None


@dataclass
class Page:
    items: list[Cadre]
    next_cursor: str | None
    sort: str = "name"
    filters: CadreFilters = field(default_factory=CadreFilters)


def cadres_visible(jurisdiction: Jurisdiction) -> QuerySet[Cadre]:
    """Every cadre whose unit lies in the jurisdiction (the one scoping of cadres, for all apps)."""
    return scope(Cadre.objects.all(), jurisdiction)


def sees_full_birth(jurisdiction: Jurisdiction) -> bool:
    """Whether the jurisdiction's roles may see full ID numbers (and so full birth dates) somewhere."""
    return may(jurisdiction, CONFIDENTIAL)


def _id_q(value: str, jurisdiction: Jurisdiction) -> Q:
    # A prefix search answers "is there a number starting 1101051980061…?" digit by digit: it would
    # rebuild every masked number, so only those who may see full numbers search by them.
    if not sees_full_birth(jurisdiction):
        raise ValidationFailed(ID_SEARCH_REFUSED, field="id_number")
    return Q(id_number__startswith=value.upper())


def _name_q(text: str, jurisdiction: Jurisdiction) -> Q:
    value = text.strip()
    if _ID_LIKE.match(value):
        return _id_q(value, jurisdiction)
    if value.isascii():
        low = value.lower().replace(" ", "")
        return Q(name_pinyin__startswith=low) | Q(name_initials__startswith=low)
    return Q(name__startswith=value)


def _filter(queryset: QuerySet[Cadre], jurisdiction: Jurisdiction, f: CadreFilters) -> QuerySet[Cadre]:
    if f.q.strip():
        queryset = queryset.filter(_name_q(f.q, jurisdiction))
    if f.id_number.strip():
        queryset = queryset.filter(_id_q(f.id_number.strip(), jurisdiction))
    if f.org is not None:
        unit = scope(OrgUnit.objects.filter(pk=f.org), jurisdiction, org_field="").first()
        if unit is None:
            raise NotFound("未找到该组织，或不在您的管辖范围内")
        queryset = queryset.filter(org_unit__path__gte=unit.path, org_unit__path__lt=unit.path_upper)
    for name in ("rank_level", "political_status", "status"):
        if getattr(f, name):
            queryset = queryset.filter(**{name: getattr(f, name)})
    if f.education:
        queryset = queryset.filter(highest_education__startswith=f.education[:1] if len(f.education) == 1
                                   else f.education)
    if f.leading is not None:
        queryset = queryset.filter(is_leading=f.leading)
    if f.managing_unit is not None:
        queryset = queryset.filter(managing_unit_id=f.managing_unit)
    return _age_filter(queryset, f, precise=sees_full_birth(jurisdiction))


def _next_month(day: date) -> date:
    if (day.year, day.month) == (date.max.year, 12):  # no month after December 9999: nobody is born later
        return date.max
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _age_filter(queryset: QuerySet[Cadre], f: CadreFilters, *, precise: bool) -> QuerySet[Cadre]:
    """Ages on `age_on` (today by default); counted in whole months of birth unless `precise`, so that
    moving `age_on` a day at a time cannot find the birth day."""
    on = f.age_on or timezone.localdate()
    if f.age_min is not None:  # at least age_min on `on`: born on or before on - age_min years
        latest = _years_before(on, f.age_min)
        if latest is None:  # before the first year of the calendar: nobody
            return queryset.none()
        queryset = queryset.filter(birth_date__lte=latest) if precise else queryset.filter(
            birth_date__lt=_next_month(latest))
    if f.age_max is not None:  # younger than age_max + 1
        earliest = _years_before(on, f.age_max + 1)
        if earliest is not None:  # else everyone is young enough
            queryset = queryset.filter(birth_date__gt=earliest) if precise else queryset.filter(
                birth_date__gte=_next_month(earliest))
    return queryset


def _years_before(day: date, years: int) -> date | None:
    try:
        return add_years(day, -years)
    except (ValueError, OverflowError):  # outside years 1…9999
        return None


def encode_cursor(values: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[object]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, json.JSONDecodeError) as exc:
        raise ValidationFailed("翻页游标无效", field="cursor") from exc
    if not isinstance(values, list) or len(values) != 2:
        raise ValidationFailed("翻页游标无效", field="cursor")
    return values


def _searched(jurisdiction: Jurisdiction, filters: CadreFilters, *, sort: str,
              cursor: str) -> tuple[QuerySet[Cadre], str, list[str]]:
    """The filtered roster past `cursor`, the sort's column and the order: what a page of a search reads."""
    if sort not in SORTS:
        raise ValidationFailed(f"不支持的排序：{sort}", field="sort")
    if cursor:
        value, pk = decode_cursor(cursor)
        return _searched_after(jurisdiction, filters, sort=sort, after=(value, pk))
    return _searched_after(jurisdiction, filters, sort=sort, after=None)


def _searched_after(jurisdiction: Jurisdiction, filters: CadreFilters, *, sort: str,
                    after: tuple[object, object] | None) -> tuple[QuerySet[Cadre], str, list[str]]:
    """`_searched` past the decoded cursor `after` (its sort value and pk)."""
    column, descending = SORTS[sort]
    queryset = _filter(cadres_visible(jurisdiction), jurisdiction, filters)
    if column == "birth_month":  # month precision: the order within a month would tell the day apart
        queryset = queryset.filter(birth_date__isnull=False).annotate(birth_month=TruncMonth("birth_date"))
    order = [f"-{column}", "-pk"] if descending else [column, "pk"]
    if after is not None:
        value, pk = after
        op = "lt" if descending else "gt"
        if column == "pk":
            queryset = queryset.filter(**{f"pk__{op}": pk})
        else:
            queryset = queryset.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk}))
    return queryset, column, order


def cadre_search(jurisdiction: Jurisdiction, filters: CadreFilters, *, sort: str = "name", cursor: str = "",
                 limit: int = 50) -> Page:
    queryset, column, order = _searched(jurisdiction, filters, sort=sort, cursor=cursor)
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(queryset.select_related("org_unit").only(*LIST_COLUMNS).order_by(*order)[:limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([str(getattr(last, column)) if column != "pk" else last.pk, last.pk])
    return Page(items=rows, next_cursor=next_cursor, sort=sort, filters=filters)


# What the API's list row shows, read as values (`cadre_search_values`).
ROW_VALUES = ("pk", "name", "sex", "birth_date", "id_number", "org_unit_id", "org_unit__name", "current_post",
              "rank_level", "is_leading", "political_status", "highest_education", "status")


@dataclass
class ValuesPage:
    items: list[dict[str, Any]]  # keys: ROW_VALUES
    next_cursor: str | None


def cadre_search_values(jurisdiction: Jurisdiction, filters: CadreFilters, *, sort: str = "name", cursor: str = "",
                        limit: int = 50) -> ValuesPage:
    """`cadre_search`'s page (same rows, order and cursor) as plain values: no model instances per row.

    The unfiltered list (any sort, page after page) runs SQL compiled once per shape (`LIST_READ`); a search
    with filters is compiled by the ORM on each request."""
    limit = max(1, min(limit, MAX_LIMIT))
    shaped = _list_shape(jurisdiction, filters, sort=sort, cursor=cursor, limit=limit)
    if shaped is not None:
        names, fetched = LIST_READ.rows(*shaped)
        rows = [dict(zip(names, row, strict=True)) for row in fetched]
        column = SORTS[sort][0]
    else:
        queryset, column, order = _searched(jurisdiction, filters, sort=sort, cursor=cursor)
        names = ROW_VALUES if column in ROW_VALUES else (*ROW_VALUES, column)
        rows = list(queryset.order_by(*order).values(*names)[:limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([str(last[column]) if column != "pk" else last["pk"], last["pk"]])
    return ValuesPage(items=rows, next_cursor=next_cursor)


# -- the unfiltered list's SQL, compiled once per shape (issue 17, item 8) --------------------------------------
# Compiling the scoped, ordered `values()` read cost the API's list about as much CPU as the rest of the request.
# Its SQL depends only on the sort, whether a cursor is given, the number of the jurisdiction's subtrees and
# the page size; the subtrees' paths and the cursor's values are the statement's parameters.

ListShape = tuple[str, bool, int, int]  # sort, cursor given, number of subtrees, page size


def _list_shape(jurisdiction: Jurisdiction, filters: CadreFilters, *, sort: str, cursor: str,
                limit: int) -> tuple[ListShape, dict[str, str | int]] | None:
    """The shape and values of an unfiltered page, or None when the ORM reads it (filters, an empty
    jurisdiction, a cursor whose values are not the plain string and id the list wrote)."""
    if sort not in SORTS or filters != CadreFilters() or jurisdiction.is_empty:
        return None
    column = SORTS[sort][0]
    values: dict[str, str | int] = {f"root{i}": path for i, path in enumerate(jurisdiction.paths)}
    if cursor:
        value, pk = decode_cursor(cursor)
        if column == "birth_month" or type(pk) is not int or not 1 <= pk <= ID_MAX:
            return None
        if column != "pk":
            if type(value) is not str:
                return None
            values["after"] = value
        values["after_pk"] = pk
    return (sort, bool(cursor), len(jurisdiction.paths), limit), values


def _list_sentinels(shape: ListShape) -> dict[str, str | int]:
    sort, has_cursor, roots, _ = shape
    values: dict[str, str | int] = {f"root{i}": f"\x01root{i}\x01" for i in range(roots)}
    if has_cursor:
        if SORTS[sort][0] != "pk":
            values["after"] = "\x01after\x01"
        values["after_pk"] = -424242
    return values


def _list_build(shape: ListShape, values: dict[str, Any]) -> QuerySet[Any]:
    sort, has_cursor, roots, limit = shape
    jurisdiction = Jurisdiction(user_id=None, grants=tuple(Grant(path=values[f"root{i}"], role="", org_unit_id=0)
                                                         for i in range(roots)))
    after = (values.get("after"), values["after_pk"]) if has_cursor else None
    queryset, column, order = _searched_after(jurisdiction, CadreFilters(), sort=sort, after=after)
    names = ROW_VALUES if column in ROW_VALUES else (*ROW_VALUES, column)
    page: QuerySet[Any] = queryset.order_by(*order).values(*names)[:limit + 1]
    return page


LIST_READ = ShapedRead(_list_build, _list_sentinels, suffixes=(PATH_UPPER_SENTINEL,))


NOT_FOUND = "未找到该干部，或不在您的管辖范围内"


def cadre_get(jurisdiction: Jurisdiction, pk: int) -> Cadre:
    """One cadre with its unit (one query), or NotFound when absent *or* outside the jurisdiction."""
    cadre = cadres_visible(jurisdiction).filter(pk=pk).select_related("org_unit", "managing_unit").first()
    if cadre is None:
        raise NotFound(NOT_FOUND)
    return cadre


def cadre_record_get(jurisdiction: Jurisdiction, pk: int) -> Cadre:
    """`cadre_get` with the current history rows prefetched (`exporters.with_history`): the detail page."""
    cadre = with_history(cadres_visible(jurisdiction).filter(pk=pk).select_related("org_unit", "managing_unit")).first()
    if cadre is None:
        raise NotFound(NOT_FOUND)
    return cadre


def cadre_changes(cadre: Cadre, *, limit: int = 200) -> list[CadreChange]:
    """The newest changes of the cadre's scalar fields (the cadre was already checked against a jurisdiction)."""
    return list(cadre.changes.select_related("actor").defer("old_photo").order_by("-changed_at", "-pk")[:limit])


def cadre_values_at(cadre: Cadre, moment: datetime) -> dict[str, str]:
    """The cadre's tracked fields as they stood at `moment`, as `CadreChange` text (see services.change_text).

    Start from today's values and undo, newest first, every change made after `moment`.
    """
    values = {name: change_text(getattr(cadre, name)) for name in TRACKED_FIELDS}
    for change in cadre.changes.filter(changed_at__gt=moment).defer("old_photo").order_by("-changed_at", "-pk"):
        values[change.field] = change.old_value
    return values


def post_history(cadre: Cadre) -> QuerySet[PostHolding]:
    return cadre.post_holdings.select_related("org_unit").order_by("-valid_from", "-pk")


def cadres_for_export(jurisdiction: Jurisdiction, filters: CadreFilters, *, limit: int = 5000) -> list[Cadre]:
    queryset = _filter(cadres_visible(jurisdiction), jurisdiction, filters).order_by("name_pinyin", "pk")
    return list(with_history(queryset.select_related("org_unit"))[:limit])
