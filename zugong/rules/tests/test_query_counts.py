"""Query counts of every list page and list endpoint of the rules app do not grow with the data.

Each test counts the queries of one request, adds 30 more findings (notices, versions) spread over
new org units, counts again and expects the same number: an N+1 anywhere shows as a difference.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zugong.conftest import bearer, logged_in
from zugong.core.models import OrgKind
from zugong.core.services import org_unit_create
from zugong.rules.models import Finding, Notification, Rule, RuleVersion

MARCH = date(2024, 3, 1)
STATUSES = ["compliant", "due_soon", "overdue", "violated", "pending"]


def _count(client, url, query=None):
    # warmed first: the request's jurisdiction is kept per worker and read again after an org unit changes,
    # so the first request after _grow() pays one query more than the next
    client.get(url, query or {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query or {})
    assert response.status_code == 200, response.content[:300]
    return len(queries), response


def _grow(tree, n=30, first=0):
    """n findings of R07 in March 2024, each under its own new village in a new township."""
    rule = Rule.objects.get(code="R07")
    township = org_unit_create(actor=None, kind=OrgKind.TOWNSHIP, name=f"新{first}镇", parent=tree.county_a)
    findings = []
    for i in range(first, first + n):
        village = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name=f"新{i}村",
                                  parent=township if i % 2 else tree.township_a)
        findings.append(Finding(rule=rule, period_start=MARCH, period_end=date(2024, 3, 31),
                                subject_type="core.orgunit", subject_id=str(village.pk), subject_label=village.name,
                                org_unit=village, status=STATUSES[i % len(STATUSES)], detail="测试",
                                evaluated_at=timezone.now()))
    Finding.objects.bulk_create(findings)


@pytest.mark.parametrize(("url", "query"), [
    ("/rules/", {}),                                               # the dashboard
    ("/rules/", {"rule": "R07", "period": "2024-03-01"}),          # drill-down: units one level down, subjects
    ("/rules/", {"rule": "R07", "org": "990121", "period": "2024-03-01"}),  # one level further
    ("/rules/", {"rule": "R07", "period": "2024-03-01", "export": "xlsx"}),  # the Excel of the drill-down
])
def test_rules_pages_query_count_does_not_grow_with_findings(tree, alice, url, query):
    client = logged_in(alice)
    _grow(tree, first=0)
    before, _ = _count(client, url, query)
    _grow(tree, first=100)
    after, response = _count(client, url, query)
    assert after == before
    if query.get("rule") and "export" not in query:
        assert len(response.context["page"].object_list) == 60


def test_findings_api_query_count_does_not_grow_with_findings(tree, alice):
    client = bearer(alice)
    _grow(tree, first=0)
    before, _ = _count(client, "/api/v1/findings", {"limit": 500})
    _grow(tree, first=100)
    after, response = _count(client, "/api/v1/findings", {"limit": 500})
    assert after == before
    assert response.json()["count"] == 60


def test_rules_api_query_count_does_not_grow_with_versions(tree, alice):
    client = bearer(alice)

    def add_versions(first):
        for i in range(first, first + 30):
            unit = org_unit_create(actor=None, kind=OrgKind.VILLAGE, name=f"版本{i}村", parent=tree.township_a)
            RuleVersion.objects.create(rule=Rule.objects.get(code=f"R{i % 33 + 1:02d}"), scope=unit,
                                       valid_from=date(2024, 1, 1), params={})

    add_versions(0)
    before, _ = _count(client, "/api/v1/rules")
    add_versions(100)
    after, response = _count(client, "/api/v1/rules")
    assert after == before
    assert sum(len(r["versions"]) for r in response.json()) == 33 + 60


def test_inbox_query_count_does_not_grow_with_notices(tree, alice):
    client = logged_in(alice)
    rule = Rule.objects.get(code="R07")

    def add_notices(first):
        Notification.objects.bulk_create([
            Notification(user=alice, rule=rule, period_start=MARCH - timedelta(days=31 * i), subject_type="core.orgunit",
                         subject_id=str(i), status="overdue", org_unit=tree.township_a, title=f"提醒{i}", body="测试")
            for i in range(first, first + 30)])

    add_notices(0)
    before, _ = _count(client, "/rules/inbox/")
    add_notices(100)
    after, response = _count(client, "/rules/inbox/")
    assert after == before
    assert response.context["unread"] == 60 and len(response.context["page"].object_list) == 50
