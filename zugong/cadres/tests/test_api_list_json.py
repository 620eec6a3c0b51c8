"""GET /api/v1/cadres writes its body without ninja's revalidation (`core.api_json.json_body`): the bytes are what
ninja renders from the body validated against the declared `PageOut`, on every page (issue 17, item 8)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from zugong.cadres.api import PageOut
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import Tree, bearer
from zugong.core.tests.api_json_checks import assert_rendered_as_schema


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["limit=3", "limit=3&sort=-birth", "limit=50&q=钱", "limit=3&sort=-id"])
def test_every_page_is_rendered_as_the_schema_would(tree: Tree, alice: User, query: str) -> None:
    for i in range(7):
        make_cadre(tree.township_a if i % 2 else tree.township_a2, name=f"{'赵钱'[i % 2]}“{i}”",
                   birth=date(1975 + i, 1 + i, 2), order=i + 1)
    client = bearer(alice)
    cursor, seen = "", 0
    while True:
        response = client.get(f"/api/v1/cadres?{query}&cursor={cursor}")
        assert_rendered_as_schema(response, PageOut)
        body = response.json()
        seen += len(body["items"])
        if not body["next_cursor"]:
            break
        cursor = body["next_cursor"]
    assert seen == (3 if "q=" in query else 7)
