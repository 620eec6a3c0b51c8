import json
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from zugong.conftest import bearer, logged_in
from zugong.core.models import Meeting, MeetingKind
from zugong.rules.engine import evaluate
from zugong.rules.models import Notification, RuleVersion


@pytest.fixture
def evaluated(tree, people):
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_a, held_on=date(2024, 3, 10))
    Meeting.objects.create(kind=MeetingKind.LEDGER_MEETING, org_unit=tree.township_b, held_on=date(2024, 2, 10))
    evaluate(as_of=date(2024, 4, 3), rule="R07", periods=3)
    return tree


def _labels(client, **query):
    response = client.get("/api/v1/findings", query)
    assert response.status_code == 200
    return sorted({row["subject_label"] for row in response.json()["results"]})


@pytest.mark.parametrize(("who", "visible"), [
    ("alice", ["丙乡", "甲镇"]),
    ("bob", ["甲镇"]),
    ("carol", ["乙镇"]),
])
def test_findings_api_is_scoped_to_the_jurisdiction(evaluated, people, who, visible):
    assert _labels(bearer(people[who]), rule="R07") == visible


@pytest.mark.parametrize(("who", "org", "status"), [
    ("alice", "990121", 200), ("alice", "990122", 404), ("carol", "990121", 404), ("bob", "990121", 404),
    ("bob", "990121001", 200), ("carol", "990122001", 200),
])
def test_findings_api_of_another_county_is_404(evaluated, people, who, org, status):
    response = bearer(people[who]).get("/api/v1/findings", {"org": org})
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"]["code"] == "not_found"


def test_findings_api_filters_by_status_and_reports_counts(evaluated, alice):
    body = bearer(alice).get("/api/v1/findings", {"rule": "r07", "status": "violated"}).json()
    assert body["count"] == 2  # February, both townships of county A; March is still in its grace days
    assert {row["status"] for row in body["results"]} == {"violated"}
    march = bearer(alice).get("/api/v1/findings", {"rule": "R07", "period_start": "2024-03-01"}).json()
    assert sorted((r["subject_label"], r["status"]) for r in march["results"]) == [
        ("丙乡", "overdue"), ("甲镇", "compliant")]


def test_rules_api_lists_the_register(db, alice):
    rows = bearer(alice).get("/api/v1/rules").json()
    assert [r["code"] for r in rows][:3] == ["R01", "R02", "R03"]
    assert len(rows) == 33
    r07 = next(r for r in rows if r["code"] == "R07")
    assert r07["has_source"] is True
    assert r07["default_params"]["min_count"] == 1


@pytest.mark.parametrize(("who", "org", "status"), [
    ("alice", "990121", 201), ("bob", "990121001", 403), ("carol", "990121", 404),
])
def test_override_api_permission_matrix(tree, people, who, org, status):
    response = bearer(people[who]).post("/api/v1/rules/R09/overrides", json.dumps(
        {"org": org, "valid_from": "2024-05-01", "params": {"min_total": 12}}), content_type="application/json")
    assert response.status_code == status
    assert RuleVersion.objects.filter(scope__isnull=False).count() == (1 if status == 201 else 0)


def test_override_api_refuses_bad_value_in_chinese(tree, alice):
    response = bearer(alice).post("/api/v1/rules/R09/overrides", json.dumps(
        {"org": "990121", "valid_from": "2024-05-01", "params": {"min_total": "many"}}),
        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "参数“每月最少走访户数”（min_total）应为数字"


@pytest.mark.parametrize(("who", "visible", "hidden"), [
    ("alice", ["丙乡"], ["乙镇"]),
    ("bob", ["甲镇"], ["丙乡", "乙镇"]),
    ("carol", ["乙镇"], ["丙乡", "甲镇"]),
])
def test_dashboard_drilldown_is_scoped(evaluated, people, who, visible, hidden, django_assert_max_num_queries):
    client = logged_in(people[who])
    assert client.get("/rules/").status_code == 200
    with django_assert_max_num_queries(30):  # counted and kept (rules/summary_cache.py)
        first = client.get("/rules/", {"rule": "R07", "period": "2024-03-01"}).content.decode()
    with django_assert_max_num_queries(20):  # the kept counts
        page = client.get("/rules/", {"rule": "R07", "period": "2024-03-01"}).content.decode()
    for name in visible:
        assert name in first
    for name in visible:
        assert name in page
    for name in hidden:
        assert name not in page


def test_dashboard_of_another_county_is_404(evaluated, alice, carol):
    assert logged_in(carol).get("/rules/", {"org": evaluated.county_a.pk}).status_code == 404
    assert logged_in(alice).get("/rules/", {"org": evaluated.county_a.pk, "rule": "R07"}).status_code == 200


def test_dashboard_requires_login(db, client):
    assert client.get("/rules/").status_code == 302


def test_dashboard_shows_rates_and_no_data_source(evaluated, alice):
    page = logged_in(alice).get("/rules/").content.decode()
    assert 'data-rule="R07"' in page
    assert "50.0%" in page  # March: 甲镇 compliant, 丙乡 overdue
    assert 'data-status="no_data_source"' in page
    assert 'id="rules-rates-data"' in page and "<script>" not in page


def test_excel_export_of_summary_and_drilldown(evaluated, alice, tmp_path):
    client = logged_in(alice)
    response = client.get("/rules/", {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "a.xlsx"
    path.write_bytes(response.content)
    sheet = load_workbook(path)["制度执行情况"]
    r07 = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "R07")
    assert r07[4] == 50.0
    response = client.get("/rules/", {"rule": "R07", "period": "2024-03-01", "export": "xlsx"})
    path.write_bytes(response.content)
    book = load_workbook(path)
    units = list(book["下级落实情况"].iter_rows(values_only=True))
    assert sorted(str(u[0]) for u in units[1:]) == ["丙乡", "甲镇"]
    subjects = list(book["对象明细"].iter_rows(values_only=True))
    assert subjects[1][0] == "丙乡" and subjects[1][2] == "已逾期"


def test_a_large_rule_export_is_a_job(evaluated, alice, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    """Above INLINE_FINDINGS the GET asks for a POST, which starts a job; the job's file is the same workbook."""
    from zugong.jobs.models import Job, JobState
    from zugong.rules import views

    monkeypatch.setattr(views, "INLINE_FINDINGS", 0)
    client = logged_in(alice)
    query = "?rule=R07&period=2024-03-01&export=xlsx"
    page = client.get("/rules/" + query)
    assert page.status_code == 200 and "后台生成" in page.content.decode()
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rules/" + query)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.owner_id, job.state) == ("rules.export_findings", alice.pk, JobState.DONE)  # immediate backend
    download = client.get(f"/jobs/{job.pk}/download/")
    path = tmp_path / "job.xlsx"
    path.write_bytes(b"".join(download))
    subjects = list(load_workbook(path)["对象明细"].iter_rows(values_only=True))
    assert subjects[1][0] == "丙乡" and subjects[1][2] == "已逾期"
    assert client.post("/rules/").status_code == 405  # a POST starts an export only


def test_inbox_lists_own_notices_and_marks_read(evaluated, alice, carol):
    evaluate(as_of=date(2024, 4, 29), rule="R07", periods=1)
    page = logged_in(alice).get("/rules/inbox/").content.decode()
    assert "丙乡" in page and "乙镇" not in page
    assert logged_in(alice).post("/rules/inbox/read/").status_code == 302
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=carol, read_at__isnull=True).exists()


def test_commands_rules_and_evaluate(evaluated, capsys):
    call_command("evaluate", "--as-of", "2024-04-10", "--rule", "R07", "--org", "990121", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out == {"as_of": "2024-04-10", "rules": [{"code": "R07", "status": "violated", "subjects": 4,
                                                     "compliant": 1, "due_soon": 0, "overdue": 0, "violated": 1}]}
    call_command("evaluate", "--as-of", "2024-04-03", "--json")
    codes = [r["code"] for r in json.loads(capsys.readouterr().out)["rules"]]
    assert "R07" in codes and "R12" in codes and "R23" not in codes
    call_command("rules", "--json")
    register = json.loads(capsys.readouterr().out)
    assert len(register) == 33 and register[6]["code"] == "R07"
    call_command("rules")
    assert "R29  中心组学习" in capsys.readouterr().out


def test_run_scheduler_once_and_next_run(evaluated, capsys):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from zugong.rules.scheduler import next_run

    call_command("run_scheduler", "--once")
    assert "已评估" in capsys.readouterr().out
    tz = ZoneInfo("Asia/Shanghai")
    assert next_run(datetime(2024, 3, 1, 0, 10, tzinfo=tz), 1, 30) == datetime(2024, 3, 1, 1, 30, tzinfo=tz)
    assert next_run(datetime(2024, 3, 1, 2, 0, tzinfo=tz), 1, 30) == datetime(2024, 3, 2, 1, 30, tzinfo=tz)


def test_evaluate_command_refuses_unknown_org_and_rule(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="行政区划代码 999999 不存在"):
        call_command("evaluate", "--org", "999999")
    with pytest.raises(CommandError, match="制度 R99 不存在"):
        call_command("evaluate", "--rule", "R99")


def test_findings_api_query_count_does_not_grow_with_rows(evaluated, alice, django_assert_max_num_queries):
    client = bearer(alice)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/findings", {"limit": 500}).json()
    assert body["count"] == len(body["results"]) == 6


def test_rule_page_trend_covers_the_evaluated_periods(evaluated, alice):
    page = logged_in(alice).get("/rules/", {"rule": "R07"})
    trend = page.context["trend"]
    assert trend["labels"] == ["2024-02-01", "2024-03-01", "2024-04-01"]
    assert trend["values"] == [0.0, 50.0, None]
