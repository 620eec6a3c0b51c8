"""GET /api/v1/talks reads a page of talks as plain rows (`selectors.talk_rows`): the same answer as each talk's
detail endpoint for every reader, and a query count that does not grow with the talks shown (issue 17, item 8)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from zugong.conftest import bearer
from zugong.core.jurisdiction import jurisdiction_for, scope
from zugong.core.models import AccessEvent, Role
from zugong.talks.models import ConfidentialGrant, Talk
from zugong.talks.tests.test_query_counts import new_cadres, record_talks

# the token with the jurisdiction's generation stamp, confidential grants, talks, their talkers, their talkees,
# the access log (one INSERT)
LIST_QUERIES = 6


@pytest.fixture
def talks(tree, alice, roster):
    # talkers cycle through 李部长 (alice), 王副部长 (no account) and 赵干事 (the staffer): some talks are the
    # staffer's own; one in 乙县 that nobody in 甲县 sees
    record_talks(alice, roster, [roster.secretary_a, roster.head_a, roster.deputy_a, roster.secretary_a2,
                                 roster.finance_head, roster.clerk])
    return Talk.objects.order_by("pk")


@pytest.mark.parametrize("reader", ["alice", "bob", "carol", "staffer", "granted"])
def test_list_rows_equal_each_talks_detail(tree, alice, bob, carol, roster, talks, reader) -> None:
    # given a township staffer granted confidential reading at 丙乡 only, besides the named people
    users = {"alice": alice, "bob": bob, "carol": carol, "staffer": roster.staff_user, "granted": bob}
    if reader == "granted":
        ConfidentialGrant.objects.create(org_unit=tree.township_a, role=Role.TOWNSHIP_STAFF)
    client = bearer(users[reader])
    # when the list is read
    listed = client.get("/api/v1/talks?limit=50").json()
    # then every row is what the talk's own endpoint answers, confidential summary included or masked alike
    assert listed == [client.get(f"/api/v1/talks/{row['id']}").json() for row in listed]
    visible = scope(talks, jurisdiction_for(users[reader])).order_by("-held_on", "-pk")
    assert [row["id"] for row in listed] == [t.pk for t in visible]
    shown = [row["summary"] is not None for row in listed]
    expected = {"alice": [True for t in visible], "bob": [False for t in visible], "carol": [],
                "granted": [t.org_unit_id == tree.township_a.pk for t in visible],
                "staffer": [t.talkers.filter(user=roster.staff_user).exists() for t in visible]}[reader]
    assert shown == expected
    assert len(listed) == {"alice": 6, "bob": 4, "carol": 0, "granted": 4, "staffer": 6}[reader]
    assert any(shown) == (reader in {"alice", "granted", "staffer"})

def test_list_rows_keep_talkers_by_role_and_talkees_by_pk(tree, alice, roster, talks) -> None:
    first = talks.first()
    row = next(r for r in bearer(alice).get("/api/v1/talks").json() if r["id"] == first.pk)
    assert row["talkers"] == ["李部长", "王副部长"]
    assert row["talkees"] == ["张书记"]
    assert (row["kind"], row["kind_label"], row["org_unit"], row["held_on"]) == ("annual", "年度普遍谈话", "甲镇", "2025-02-01")


def test_list_of_50_costs_the_same_queries_as_a_list_of_6(tree, alice, roster, talks,
                                                           django_assert_num_queries) -> None:
    client = bearer(alice)
    client.get("/api/v1/talks?limit=50")  # the token's use is stamped on the first read only
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get("/api/v1/talks?limit=50").json()) == 6
    # given 50 more talks, two talkers and a talkee each
    record_talks(alice, roster, new_cadres(tree, 50), first=date(2025, 6, 1))
    before = AccessEvent.objects.count()
    with django_assert_num_queries(LIST_QUERIES):
        rows = client.get("/api/v1/talks?limit=50").json()
    assert len(rows) == 50 and all(len(r["talkers"]) == 2 and len(r["talkees"]) == 1 for r in rows)
    assert AccessEvent.objects.count() - before == 50  # every full view logged, in one statement


def test_list_builds_no_talker_or_cadre_instances(tree, alice, roster, talks) -> None:
    # The per-row cost the first load probe found (36 req/s against 154 for cadres) was model instances and
    # related managers per talk; the list reads values instead.
    from django.db.models.signals import post_init

    from zugong.cadres.models import Cadre
    from zugong.talks.models import Talker

    built: list[str] = []

    def count(sender, **kwargs) -> None:
        built.append(sender.__name__)

    client = bearer(alice)
    logged = AccessEvent.objects.count()
    before = timezone.now()
    for model in (Talker, Cadre, Talk):
        post_init.connect(count, sender=model)
    try:
        rows = client.get("/api/v1/talks?limit=50").json()
    finally:
        for model in (Talker, Cadre, Talk):
            post_init.disconnect(count, sender=model)
    assert len(rows) == 6
    assert built.count("Talker") == built.count("Cadre") == 0
    assert built.count("Talk") == 0  # the access log is written from the rows' values too
    events = AccessEvent.objects.order_by("pk")[logged:]
    assert sorted(int(e.object_id) for e in events) == sorted(r["id"] for r in rows)
    assert {(e.object_type, e.field, e.channel, e.user_id) for e in events} == {("talks.talk", "summary", "api", alice.pk)}
    assert {e.org_unit_id for e in events} == set(Talk.objects.values_list("org_unit_id", flat=True))
    # stored as the ORM stores a moment (SQLite compares text): found by a range filter, aware when read
    assert AccessEvent.objects.filter(occurred_at__gte=before, occurred_at__lte=timezone.now()).count() == 6
    assert all(e.occurred_at.tzinfo is not None and e.occurred_at >= before for e in events)


@pytest.mark.parametrize("reader", ["alice", "bob"])
def test_the_list_is_rendered_as_its_schema_would(tree, alice, bob, roster, talks, reader) -> None:
    # the body is written without ninja's revalidation (core.api_json): the bytes are the schema's rendering
    from zugong.core.tests.api_json_checks import assert_rendered_as_schema
    from zugong.talks.api import TalkOut

    response = bearer({"alice": alice, "bob": bob}[reader]).get("/api/v1/talks?limit=50")
    assert_rendered_as_schema(response, list[TalkOut])
    assert len(response.json()) == {"alice": 6, "bob": 4}[reader]
