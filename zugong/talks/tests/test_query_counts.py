"""Every list page and list endpoint of the talks app costs the same number of queries however much
data it shows: each test measures, adds about 30 more rows, and asserts the same count (and that the
page really shows the new rows)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zugong.conftest import bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AccessEvent
from zugong.talks.models import InterviewSituation, InterviewTarget, TalkKind
from zugong.talks.services.interviews import interview_propose
from zugong.talks.services.plans import talk_plan_generate
from zugong.talks.services.supervision import supervision_record
from zugong.talks.services.talks import talk_record
from zugong.talks.services.triggers import cadre_flag_raise
from zugong.talks.tests.conftest import cadre

MORE = 30


def measured(client, url: str) -> tuple[int, str]:
    """(queries, body) of one GET, after a first GET has warmed the session and the like."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response["Content-Type"].startswith("application/json"):
        return len(captured.captured_queries), json.dumps(response.json(), ensure_ascii=False)
    if response["Content-Type"].startswith("text/"):
        return len(captured.captured_queries), response.content.decode()
    return len(captured.captured_queries), ""


def new_cadres(tree, n: int, start: int = 0) -> list:
    units = (tree.township_a, tree.township_a2)
    return [cadre(f"新干部{start + i:02d}", units[i % 2], f"副镇长{start + i}", "D2") for i in range(n)]


def record_talks(alice, roster, talkees, first: date = date(2025, 2, 1)) -> None:
    talkers = (roster.minister, roster.deputy, roster.staff)
    for i, person in enumerate(talkees):
        talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=first + timedelta(days=i),
                    kind=TalkKind.ANNUAL, talkers=[talkers[i % 3], talkers[(i + 1) % 3]], talkees=[person],
                    summary=f"摘要{i}")


@pytest.fixture
def some_talks(tree, alice, roster):
    record_talks(alice, roster, [roster.secretary_a, roster.head_a, roster.deputy_a, roster.secretary_a2,
                                 roster.finance_head])


def test_talk_list_page_and_export(tree, alice, roster, some_talks) -> None:
    client = logged_in(alice)
    few, html = measured(client, "/talks/")
    assert html.count("data-talk=") == 5
    few_export, _ = measured(client, "/talks/export.xlsx")
    record_talks(alice, roster, new_cadres(tree, MORE), first=date(2025, 6, 1))
    many, html = measured(client, "/talks/")
    assert html.count("data-talk=") == 5 + MORE
    assert many == few
    assert measured(client, "/talks/export.xlsx")[0] == few_export


def test_talk_list_endpoint_logs_every_summary_in_one_statement(tree, alice, roster, some_talks) -> None:
    client = bearer(alice)
    few, body = measured(client, "/api/v1/talks")
    record_talks(alice, roster, new_cadres(tree, MORE), first=date(2025, 6, 1))
    before = AccessEvent.objects.count()
    many, body = measured(client, "/api/v1/talks")
    assert many == few
    assert body.count('"summary": "摘要') == 5 + MORE
    assert AccessEvent.objects.count() - before == 2 * (5 + MORE)  # both GETs log every full view


def test_interview_list_page_and_endpoint(tree, alice, roster) -> None:
    situation = [InterviewSituation.objects.get(code="C02")]

    def propose(people) -> None:
        for person in people:
            interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice), target_kind=InterviewTarget.CADRE,
                              cadre=person, situations=situation, proposed_on=date(2025, 3, 1))

    propose([roster.head_a, roster.deputy_a, roster.secretary_a2])
    page, api = logged_in(alice), bearer(alice)
    few_page, html = measured(page, "/talks/interviews/")
    few_api, _ = measured(api, "/api/v1/interviews")
    assert len(re.findall(r"/talks/interviews/\d+/", html)) == 3
    propose(new_cadres(tree, MORE))
    many_page, html = measured(page, "/talks/interviews/")
    assert len(re.findall(r"/talks/interviews/\d+/", html)) == 3 + MORE
    assert many_page == few_page
    many_api, body = measured(api, "/api/v1/interviews")
    assert many_api == few_api and body.count('"status": "proposed"') == 3 + MORE


def test_trigger_list_page(tree, alice, roster) -> None:
    def flag(people) -> None:
        for person in people:
            cadre_flag_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=person, kind="has_ideas",
                             raised_on=date(2025, 7, 1))

    flag([roster.head_a, roster.deputy_a, roster.secretary_a2])
    client = logged_in(alice)
    few, html = measured(client, "/talks/triggers/")
    assert html.count("（R03）") == 3
    flag(new_cadres(tree, MORE))
    many, html = measured(client, "/talks/triggers/")
    assert html.count("（R03）") == 3 + MORE
    assert many == few


def test_plan_page(tree, alice, roster) -> None:
    url = f"/talks/plan/?org={tree.county_a.pk}&year=2025"
    talk_plan_generate(actor=alice, jurisdiction=jurisdiction_for(alice), year=2025, org_unit=tree.county_a,
                       on=date(2025, 6, 1))
    client = logged_in(alice)
    few, html = measured(client, url)
    assert "计划谈话 5 人" in html
    record_talks(alice, roster, new_cadres(tree, MORE))
    talk_plan_generate(actor=alice, jurisdiction=jurisdiction_for(alice), year=2025, org_unit=tree.county_a,
                       on=date(2025, 6, 1))
    many, html = measured(client, url)
    assert f"计划谈话 {5 + MORE} 人，已谈 {MORE} 人" in html
    assert many == few


def test_supervision_list_page(tree, alice, roster) -> None:
    def record(people) -> None:
        for person in people:
            supervision_record(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=person, kind="reminder",
                               issued_on=date(2025, 3, 1), matter="提醒事项")

    record([roster.head_a, roster.deputy_a])
    client = logged_in(alice)
    few, html = measured(client, "/talks/supervision/")
    assert html.count("提醒事项") == 2
    record(new_cadres(tree, MORE))
    many, html = measured(client, "/talks/supervision/")
    assert html.count("提醒事项") == 2 + MORE
    assert many == few


def test_statistics_page_endpoint_and_export(tree, alice, roster, some_talks) -> None:
    period = "from=2025-01-01&to=2025-12-31"
    urls = [f"/talks/stats/?org={tree.county_a.pk}&{period}", f"/talks/stats.xlsx?org={tree.county_a.pk}&{period}"]
    page = logged_in(alice)
    few = [measured(page, url)[0] for url in urls]
    few_api, body = measured(bearer(alice), f"/api/v1/talks/stats?org=990121&{period}")
    assert json.loads(body)["total"] == 5
    record_talks(alice, roster, new_cadres(tree, MORE), first=date(2025, 6, 1))
    assert [measured(page, url)[0] for url in urls] == few
    many_api, body = measured(bearer(alice), f"/api/v1/talks/stats?org=990121&{period}")
    assert json.loads(body)["total"] == 5 + MORE
    assert many_api == few_api
