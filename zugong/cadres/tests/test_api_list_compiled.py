"""The unfiltered API list runs SQL compiled once per shape (`selectors.LIST_READ`): page after page, for every
sort and every kind of jurisdiction, it answers exactly what the ORM's reading of the same search answers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.cadres import selectors
from zugong.cadres.models import Cadre
from zugong.cadres.tests.factories import make_cadre
from zugong.conftest import Tree, make_user
from zugong.core.api_queries import ShapedRead
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for
from zugong.core.models import Membership, OrgUnit, Role


@pytest.fixture
def many(tree: Tree) -> list[Cadre]:
    units = (tree.township_a, tree.township_a2, tree.village_a, tree.township_b, tree.village_b)
    # names share pinyin prefixes and birth months repeat, so the keyset's tie-break on pk is exercised
    return [make_cadre(units[i % 5], name=f"{'赵钱孙李'[i % 4]}{i % 3}", birth=date(1970 + i % 4, 1 + i % 3, 1 + i % 27),
                       order=300 + i) for i in range(30)]


def pages(jurisdiction: Jurisdiction, sort: str, limit: int,
          filters: selectors.CadreFilters | None = None) -> list[tuple[list[dict[str, Any]], str | None]]:
    result = []
    cursor = ""
    while True:
        page = selectors.cadre_search_values(jurisdiction, filters or selectors.CadreFilters(), sort=sort,
                                             cursor=cursor, limit=limit)
        result.append((page.items, page.next_cursor))
        if not page.next_cursor:
            return result
        cursor = page.next_cursor


def people(tree: Tree, alice: User, bob: User, carol: User) -> dict[str, Jurisdiction]:
    both = make_user("both", tree.township_a2, Role.ORG_STAFF)  # two subtrees in two counties
    Membership.objects.create(user=both, org_unit=tree.township_b, role=Role.ORG_STAFF)
    root = User.objects.create_superuser("root", password="pw-root")
    return {"alice": jurisdiction_for(alice), "bob": jurisdiction_for(bob), "carol": jurisdiction_for(carol),
            "both": jurisdiction_for(both), "root": jurisdiction_for(root)}


@pytest.mark.django_db
@pytest.mark.parametrize("sort", sorted(selectors.SORTS))
def test_compiled_pages_equal_the_orm_pages(tree: Tree, alice: User, bob: User, carol: User, many: list[Cadre],
                                            sort: str, monkeypatch: pytest.MonkeyPatch) -> None:
    readers = people(tree, alice, bob, carol)
    assert len(readers["both"].paths) == 2 and readers["root"].is_superuser
    for name, jurisdiction in readers.items():
        for limit in (4, 7, 50):
            # when the list is read through the compiled SQL and through the ORM
            compiled = pages(jurisdiction, sort, limit)
            with monkeypatch.context() as patched:
                patched.setattr(selectors, "_list_shape", lambda *args, **kwargs: None)
                expected = pages(jurisdiction, sort, limit)
            # then the pages, their rows (every value, types included) and cursors are the same
            assert compiled == expected, (name, limit)
            shown = sum(len(items) for items, _ in compiled)
            visible = selectors.cadres_visible(jurisdiction)
            if sort in ("birth", "-birth"):
                visible = visible.filter(birth_date__isnull=False)
            assert shown == visible.count() > 0, name
    # the first pages were compiled, and the later ones too but by birth month (the ORM reads those)
    assert any(shape[0] == sort and shape[1] != (sort in ("birth", "-birth")) for shape in selectors.LIST_READ._compiled)


@pytest.mark.django_db
def test_a_page_is_one_query(tree: Tree, alice: User, many: list[Cadre]) -> None:
    jurisdiction = jurisdiction_for(alice)
    first = selectors.cadre_search_values(jurisdiction, selectors.CadreFilters(), sort="name", limit=5)
    with CaptureQueriesContext(connection) as captured:
        second = selectors.cadre_search_values(jurisdiction, selectors.CadreFilters(), sort="name",
                                               cursor=first.next_cursor or "", limit=5)
    assert len(captured.captured_queries) == 1 and len(second.items) == 5
    assert "\x01" not in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_filters_and_odd_cursors_are_read_by_the_orm(tree: Tree, alice: User, many: list[Cadre]) -> None:
    jurisdiction = jurisdiction_for(alice)
    empty = selectors.CadreFilters()
    assert selectors._list_shape(jurisdiction, selectors.CadreFilters(q="zhao"), sort="name", cursor="", limit=5) is None
    odd = [selectors.encode_cursor(["zhao", "7"]), selectors.encode_cursor([["x"], 7]),
           selectors.encode_cursor(["zhao", 2**40])]
    for cursor in odd:
        assert selectors._list_shape(jurisdiction, empty, sort="name", cursor=cursor, limit=5) is None
    assert selectors._list_shape(jurisdiction, empty, sort="birth",
                                 cursor=selectors.encode_cursor(["1970-01-01", 1]), limit=5) is None
    assert selectors._list_shape(Jurisdiction(user_id=None), empty, sort="name", cursor="", limit=5) is None
    with pytest.raises(ValidationFailed):
        selectors.cadre_search_values(jurisdiction, empty, sort="name", cursor="not-a-cursor")
    with pytest.raises(ValidationFailed):
        selectors.cadre_search_values(jurisdiction, empty, sort="nonsense")
    # a filtered search still answers as before
    found = selectors.cadre_search_values(jurisdiction, selectors.CadreFilters(q="赵"), sort="name", limit=50)
    assert found.items and all(row["name"].startswith("赵") for row in found.items)


@pytest.mark.django_db
def test_a_shaped_read_refuses_missing_sentinels_and_values_of_another_type(tree: Tree) -> None:
    missing = ShapedRead(lambda shape, values: OrgUnit.objects.filter(name="x").values("pk"),
                         lambda shape: {"name": "\x01name\x01"})
    with pytest.raises(ValueError, match="not among the compiled parameters"):
        missing.rows(1, {"name": "甲县"})
    read = ShapedRead(lambda shape, values: OrgUnit.objects.filter(name=values["name"]).values("pk", "name"),
                      lambda shape: {"name": "\x01name\x01"})
    assert read.rows(1, {"name": "甲县"}) == (("pk", "name"), [(tree.county_a.pk, "甲县")])
    with pytest.raises(TypeError):
        read.rows(1, {"name": 7})
    with pytest.raises(TypeError):
        read.rows(1, {"other": "甲县"})
