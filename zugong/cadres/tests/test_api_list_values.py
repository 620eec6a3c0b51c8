"""GET /api/v1/cadres reads its page as values (selectors.cadre_search_values): the same rows, order, masks and
cursors as the model-instance search, and the same number of queries whatever the page size (issue 17, item 8)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from zugong.cadres import selectors
from zugong.cadres.api import _out
from zugong.cadres.models import Cadre
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import Tree, bearer
from zugong.core.jurisdiction import jurisdiction_for


@pytest.fixture
def many(tree: Tree) -> list[Cadre]:
    units = (tree.township_a, tree.township_a2)
    return [make_cadre(units[i % 2], name=f"{'赵钱孙李'[i % 4]}{i:02d}", birth=date(1970 + i % 20, 1 + i % 12, 1 + i % 27),
                       order=200 + i) for i in range(24)]


def _walk(client: Any, query: str) -> list[dict[str, Any]]:
    """Every page of a listing, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = ""
    while True:
        body = client.get(f"/api/v1/cadres?{query}&cursor={cursor}").json()
        items += body["items"]
        if not body["next_cursor"]:
            return items
        cursor = body["next_cursor"]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", sorted(selectors.SORTS))
def test_the_values_page_is_the_instance_page(alice: User, many: list[Cadre], sort: str) -> None:
    jurisdiction = jurisdiction_for(alice)
    filters = selectors.CadreFilters()
    expected: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = selectors.cadre_search(jurisdiction, filters, sort=sort, cursor=cursor, limit=7)
        rows = selectors.cadre_search_values(jurisdiction, filters, sort=sort, cursor=cursor, limit=7)
        assert rows.next_cursor == page.next_cursor
        expected += [_out(c) for c in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(expected) == 24
    listed = _walk(bearer(alice), f"sort={sort}&limit=7")
    assert listed == [{**row, "birth_date": None} for row in json_ready(expected)]
    assert all("*" in row["id_number"] for row in listed)


def json_ready(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()} for row in rows]


@pytest.mark.django_db
def test_the_list_builds_no_cadre_instances(alice: User, many: list[Cadre]) -> None:
    built: list[object] = []

    def count(sender: type, **kwargs: object) -> None:
        built.append(sender)

    client = bearer(alice)
    post_init.connect(count, sender=Cadre)
    try:
        assert len(client.get("/api/v1/cadres?limit=50").json()["items"]) == 24
    finally:
        post_init.disconnect(count, sender=Cadre)
    assert built == []


@pytest.mark.django_db
def test_queries_per_list_request_do_not_depend_on_the_page_size(alice: User, tree: Tree) -> None:
    client = bearer(alice)

    def queries(limit: int) -> tuple[int, int]:
        client.get(f"/api/v1/cadres?limit={limit}")  # the token's first use is stamped
        with CaptureQueriesContext(connection) as captured:
            items = client.get(f"/api/v1/cadres?limit={limit}").json()["items"]
        return len(captured.captured_queries), len(items)

    make_cadre(tree.township_a, name="甲一", birth=date(1980, 1, 1), order=1)
    few, shown = queries(1)
    assert shown == 1
    for i in range(40):
        make_cadre(tree.township_a, name=f"乙{i:02d}", birth=date(1981, 1, 1 + i % 28), order=10 + i)
    assert queries(50) == (few, 41)
    assert queries(200) == (few, 41)
    assert few <= 3  # the token, the jurisdiction's generation stamp, the page
