"""The API list's page without dates runs SQL compiled once per shape (`selectors.PAGE_READ`): page after page, for
every kind of jurisdiction and every kind of talk, it answers exactly what the ORM's reading of the same page
answers, in as many queries, and the statements it keeps stay bounded in number however the offsets vary."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.conftest import Tree, bearer, make_user
from zugong.core.api_queries import ShapedRead
from zugong.core.jurisdiction import Jurisdiction, jurisdiction_for, scope
from zugong.core.models import PATH_UPPER_SENTINEL, Membership, Role
from zugong.talks import selectors
from zugong.talks.models import Talk, TalkKind
from zugong.talks.tests.conftest import Roster
from zugong.talks.tests.test_talk_list_rows import LIST_QUERIES

KINDS = ("", TalkKind.ANNUAL.value, TalkKind.TRIGGERED.value, TalkKind.OTHER.value, "nonsense")


@pytest.fixture
def many(tree: Tree, alice: User, roster: Roster) -> list[Talk]:
    # talks in both counties at every level, three kinds, days repeated (the order's tie-break on pk is exercised),
    # one to three talkers and talkees each, some with no summary
    units = (tree.county_a, tree.township_a, tree.township_a2, tree.village_a, tree.community_a, tree.township_b,
             tree.village_b)
    kinds = (TalkKind.ANNUAL, TalkKind.TRIGGERED, TalkKind.ANNUAL, TalkKind.OTHER)
    talkers = (roster.minister, roster.deputy, roster.staff)
    talkees = (roster.secretary_a, roster.head_a, roster.deputy_a, roster.secretary_a2, roster.cadre_b)
    made = []
    for i in range(45):
        talk = Talk.objects.create(org_unit=units[i % 7], held_on=date(2025, 1 + i % 4, 1 + i % 5), kind=kinds[i % 4],
                                   place=f"会议室{i % 3}", topics="" if i % 6 else "思想状况",
                                   summary="" if i % 5 == 0 else f"摘要{i}", created_by=alice)
        talk.talkers.set([talkers[(i + j) % 3] for j in range(1 + i % 3)])
        talk.talkees.set([talkees[(i + j) % 5] for j in range(1 + i % 2)])
        made.append(talk)
    return made


def readers(tree: Tree, alice: User, bob: User, carol: User) -> dict[str, Jurisdiction]:
    both = make_user("both", tree.township_a2, Role.ORG_STAFF)  # two subtrees in two counties
    Membership.objects.create(user=both, org_unit=tree.township_b, role=Role.ORG_STAFF)
    root = User.objects.create_superuser("root", password="pw-root")
    return {"alice": jurisdiction_for(alice), "bob": jurisdiction_for(bob), "carol": jurisdiction_for(carol),
            "both": jurisdiction_for(both), "root": jurisdiction_for(root)}


def typed(rows: list[selectors.TalkRow]) -> list[tuple[selectors.TalkRow, tuple[type, ...]]]:
    return [(row, tuple(type(getattr(row, f.name)) for f in fields(row))) for row in rows]


@pytest.mark.parametrize("kind", KINDS)
def test_compiled_pages_equal_the_orm_pages(tree: Tree, alice: User, bob: User, carol: User, many: list[Talk],
                                            kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    people = readers(tree, alice, bob, carol)
    assert len(people["both"].paths) == 2 and people["root"].paths == ("",)
    for name, jurisdiction in people.items():
        visible = scope(Talk.objects.all(), jurisdiction).order_by("-held_on", "-pk")
        if kind:
            visible = visible.filter(kind=kind)
        expected_ids = list(visible.values_list("pk", flat=True))
        for limit in (4, 7, 50):
            offsets = range(0, len(expected_ids) + limit + 1, limit)  # every page and an empty one past the end
            # when each page is read through the compiled SQL and through the ORM
            compiled = [selectors.talk_rows(jurisdiction, kind=kind, offset=o, limit=limit) for o in offsets]
            with monkeypatch.context() as patched:
                patched.setattr(selectors, "_page_shape", lambda *args, **kwargs: None)
                expected = [selectors.talk_rows(jurisdiction, kind=kind, offset=o, limit=limit) for o in offsets]
            # then the rows, their order and every value's type are the same, page by page
            assert [typed(page) for page in compiled] == [typed(page) for page in expected], (name, limit)
            assert [row.id for page in compiled for row in page] == expected_ids, (name, limit)
            shaped = [selectors._page_shape(jurisdiction, kind=kind, start=None, end=None, offset=o, limit=limit)
                      for o in offsets]
            assert all(s is not None for s, o in zip(shaped, offsets, strict=True) if o < selectors.PAGES * limit)
        if kind == "nonsense":
            assert expected_ids == []
        elif name in ("alice", "root"):
            assert len(expected_ids) > 4, name  # more than a page of the smallest size
    assert all(type(row.held_on) is date for row in compiled[0])
    # the pages were read through the compiled statements, one per shape (the kind's value is no part of it)
    assert {(bool(kind), 1, 0, 4), (bool(kind), 2, 0, 50), (bool(kind), 1, 4, 4)} <= set(selectors.PAGE_READ._compiled)


def test_a_page_is_three_queries_and_sends_no_sentinel(tree: Tree, alice: User, many: list[Talk]) -> None:
    jurisdiction = jurisdiction_for(alice)
    selectors.talk_rows(jurisdiction, kind="annual", offset=7, limit=7)
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.talk_rows(jurisdiction, kind="annual", offset=7, limit=7)
    assert len(captured.captured_queries) == 3 and len(rows) == 7
    assert all(row.kind == "annual" for row in rows)
    assert not any("\x01" in query["sql"] for query in captured.captured_queries)


def test_dates_odd_offsets_and_empty_pages_are_read_by_the_orm(tree: Tree, alice: User, many: list[Talk]) -> None:
    jurisdiction = jurisdiction_for(alice)

    def shape(**kwargs: Any) -> object:
        return selectors._page_shape(jurisdiction, **{"kind": "", "start": None, "end": None, "offset": 0,
                                                      "limit": 50, **kwargs})

    assert shape() == ((False, 1, 0, 50), {"root0": tree.county_a.path})
    assert shape(kind="annual", offset=150) == ((True, 1, 150, 50), {"root0": tree.county_a.path, "kind": "annual"})
    for odd in ({"start": date(2025, 1, 1)}, {"end": date(2025, 3, 1)}, {"offset": 5}, {"offset": -50},
                {"offset": selectors.PAGES * 50}, {"limit": 0}):
        assert shape(**odd) is None, odd
    assert selectors._page_shape(Jurisdiction(user_id=None), kind="", start=None, end=None, offset=0, limit=50) is None
    # and those still answer as before
    between = selectors.talk_rows(jurisdiction, start=date(2025, 2, 1), end=date(2025, 2, 28), limit=50)
    assert between and all(row.held_on.month == 2 for row in between)
    assert [r.id for r in selectors.talk_rows(jurisdiction, offset=5, limit=3)] == [
        r.id for r in selectors.talk_rows(jurisdiction, limit=50)][5:8]
    with CaptureQueriesContext(connection) as captured:
        assert selectors.talk_rows(Jurisdiction(user_id=None), limit=50) == []
        assert selectors.talk_rows(jurisdiction, limit=0) == []
    assert captured.captured_queries == []


def test_compiled_shapes_stay_bounded_when_offsets_vary(tree: Tree, alice: User, carol: User, many: list[Talk],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # given the first PAGES pages of each size only
    jurisdiction = jurisdiction_for(alice)
    shapes = {shaped[0] for offset in range(0, 5000) for limit in (10, 50)
              if (shaped := selectors._page_shape(jurisdiction, kind="", start=None, end=None, offset=offset,
                                                  limit=limit)) is not None}
    assert len(shapes) == 2 * selectors.PAGES
    # and a read that keeps at most 5 statements
    small = ShapedRead(selectors._page_build, selectors._page_sentinels, suffixes=(PATH_UPPER_SENTINEL,), max_shapes=5)
    monkeypatch.setattr(selectors, "PAGE_READ", small)
    readers = (jurisdiction, jurisdiction_for(carol))
    # when pages of many sizes and offsets are read
    read = {(r, kind, limit, offset): selectors.talk_rows(jurisdiction, kind=kind, offset=offset, limit=limit)
            for r, jurisdiction in enumerate(readers) for kind in ("", "annual") for limit in (1, 2, 3, 5)
            for offset in range(0, 12)}
    # then no more than 5 were kept, those first compiled, and every page is still the ORM's
    assert len(small._compiled) == 5
    assert list(small._compiled) == [(False, 1, offset, 1) for offset in range(5)]
    with monkeypatch.context() as patched:
        patched.setattr(selectors, "_page_shape", lambda *args, **kwargs: None)
        for (r, kind, limit, offset), rows in read.items():
            assert rows == selectors.talk_rows(readers[r], kind=kind, offset=offset, limit=limit), (r, kind, limit)
    assert sum(len(rows) for rows in read.values()) > 100
    # and a statement raced past `keeps` is run without being kept
    full_shape = (True, 1, 0, 2)
    assert not small.keeps(full_shape)
    names, fetched = small.rows(full_shape, {"root0": tree.county_a.path, "kind": "annual"})
    assert names == selectors.ROW_VALUES and len(fetched) == 2 and full_shape not in small._compiled


@pytest.mark.parametrize("reader", ["alice", "bob", "carol"])
@pytest.mark.parametrize("query", ["limit=50", "limit=50&kind=annual", "limit=7&offset=14", "limit=7&offset=15",
                                   "limit=50&start=2025-02-01"])
def test_the_endpoint_answers_the_same_bytes_in_the_same_queries(tree: Tree, alice: User, bob: User, carol: User,
                                                                many: list[Talk], reader: str, query: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    client = bearer({"alice": alice, "bob": bob, "carol": carol}[reader])
    url = f"/api/v1/talks?{query}"
    client.get(url)  # the token's use is stamped on the first read only
    calls: list[object] = []
    page_read = selectors.PAGE_READ

    def counted(shape: object, values: dict[str, str | int]) -> object:
        calls.append(shape)
        return ShapedRead.rows(page_read, shape, values)

    monkeypatch.setattr(page_read, "rows", counted)
    with CaptureQueriesContext(connection) as captured:
        compiled = client.get(url)
    monkeypatch.undo()
    with monkeypatch.context() as patched:
        patched.setattr(selectors, "_page_shape", lambda *args, **kwargs: None)
        with CaptureQueriesContext(connection) as orm_captured:
            expected = client.get(url)
    assert compiled.status_code == expected.status_code == 200
    assert compiled.content == expected.content
    params = dict(part.split("=") for part in query.split("&"))
    visible = scope(Talk.objects.all(), jurisdiction_for({"alice": alice, "bob": bob, "carol": carol}[reader]))
    if "kind" in params:
        visible = visible.filter(kind=params["kind"])
    if "start" in params:
        visible = visible.filter(held_on__gte=params["start"])
    offset, limit = int(params.get("offset", 0)), int(params["limit"])
    shown = len(visible.order_by("-held_on", "-pk")[offset:offset + limit])
    assert len(compiled.json()) == shown and (shown > 0 or reader == "carol")
    # the same queries, at most LIST_QUERIES (fewer when the page is empty: no access to log)
    assert len(captured.captured_queries) == len(orm_captured.captured_queries) <= LIST_QUERIES
    assert len(calls) == (0 if "offset=15" in query or "start=" in query else 1)
