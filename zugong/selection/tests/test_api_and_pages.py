"""The selection API and pages end to end in the test client: the whole flow over the API, the 409 of a
gate, the pages of every stage, jurisdiction (carol sees nothing of county A) and the role matrix."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.models import Role
from zugong.selection.models import ReportCheck, Stage
from zugong.selection.services.problems import problem_record
from zugong.selection.tests.conftest import World, open_selection, walk


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_the_whole_flow_over_the_api(world: World) -> None:
    api, z = bearer(world.alice), world.zhang.pk
    created = _post(api, "/api/v1/selections", {
        "org_unit_id": world.tree.township_a.pk, "title": "甲镇镇长", "posts": "甲镇镇长", "rank_level": "正科级",
        "proposed_by": "县委组织部", "reason": "空缺", "plan": "会议推荐"})
    assert created.status_code == 201 and created.json()["stage"] == "recommendation"
    base = f"/api/v1/selections/{created.json()['id']}"
    steps: list[tuple[str, dict[str, Any]]] = [
        ("votes", {"cadre_id": z, "votes": 30}),
        ("signed-recommendations", {"recommender": "刘某某", "cadre_id": z, "reason": "群众公认"}),
        ("recommendation", {"eligible": 40, "issued": 40, "returned": 38, "valid": 37}),
        ("candidates", {"cadre_id": z}),
        ("shortlist", {}),
        ("investigation", {"team": "陈组长", "talks_held": 20, "findings": [
            {"cadre_id": z, "conclusion": "好", "shortcomings": [{"item": "魄力不足", "fact": "某项目推进慢"}]}]}),
        ("consultation", {"replied_on": "2026-03-10", "replies": [{"cadre_id": z, "reply": "无"}]}),
        ("report-checks", {"on": "2026-03-11"}),
        ("decision", {"kind": "standing", "held_on": "2026-03-12", "expected": 9, "present": 9,
                      "statements": [{"name": "委员"}, {"name": "书记", "is_secretary": True}],
                      "tallies": [{"cadre_id": z, "agree": 9, "disagree": 0, "abstain": 0}]}),
        ("publicity", {"start": "2026-03-16", "end": "2026-03-20", "channel": "网站"}),
        ("appointment", {"on": "2026-03-23", "title": "甲镇镇长", "document_number": "5号"}),
        ("sign", {"stage": "decision", "capacity": "经办人"}),
    ]
    filed = _post(api, "/api/v1/personal-reports", {"cadre_id": z, "year": 2026, "submitted_on": "2026-01-20",
                                                    "declared": {"marriage": "无变化", "real_estate": "住房一套"}})
    assert filed.status_code == 201 and filed.json()["declared"]["real_estate"] == "住房一套"
    for step, body in steps:
        answer = _post(api, f"{base}/{step}", body)
        assert answer.status_code in (200, 201), (step, answer.json())
        if step == "report-checks":  # R19: the candidate's report is checked before the discussion
            check = answer.json()[0]
            assert (check["cadre_id"], check["kind"], check["outcome"]) == (z, "candidate", "pending")
            done = _post(api, f"/api/v1/report-checks/{check['id']}", {"outcome": "consistent",
                                                                         "checked_on": "2026-03-11"})
            assert done.json()["outcome_label"] == "一致（如实报告）"
    detail = api.get(base).json()
    assert detail["stage"] == "appointed" and detail["candidates"][0]["status"] == "appointed"
    states = {s["stage"]: (s["state"], len(s["signatures"])) for s in detail["stages"]}
    assert states["decision"] == ("done", 1) and states["motion"] == ("done", 0)
    trace = api.get(f"{base}/trace").json()
    assert [r["stage"] for r in trace][-1] == "appointment" and trace[5]["signatures"][0]["valid"] is True


def test_candidate_refused_by_a_gate_is_409_with_the_reason(world: World) -> None:
    problem_record(actor=world.alice, jurisdiction=world.ja, cadre=world.zhang, source="petition",
                   received_on=world.zhang.created_at.date(), summary="线索")
    s = walk(world, open_selection(world), "shortlist")
    answer = _post(bearer(world.alice), f"/api/v1/selections/{s.pk}/candidates", {"cadre_id": world.zhang.pk})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "gate_refused" and "R18" in answer.json()["error"]["message"]
    refusals = bearer(world.alice).get(f"/api/v1/selections/{s.pk}").json()["refusals"]
    assert [(r["name"], r["gate"]) for r in refusals] == [("张一", "R18")]


def test_another_county_is_404_and_absent_from_lists(world: World, carol: User) -> None:
    s = open_selection(world)
    api = bearer(carol)
    assert api.get(f"/api/v1/selections/{s.pk}").status_code == 404
    assert api.get(f"/api/v1/selections/{s.pk}/trace").status_code == 404
    assert _post(api, f"/api/v1/selections/{s.pk}/stop", {"reason": "x"}).status_code == 404
    assert api.get("/api/v1/selections").json() == []
    assert logged_in(carol).get(f"/selection/{s.pk}/").status_code == 404


def test_leader_reads_but_cannot_write(world: World) -> None:
    leader = make_user("leader", world.tree.county_a, Role.LEADER)
    s = open_selection(world)
    assert bearer(leader).get(f"/api/v1/selections/{s.pk}").status_code == 200
    assert _post(bearer(leader), f"/api/v1/selections/{s.pk}/stop", {"reason": "x"}).status_code == 403
    assert bearer(leader).get("/api/v1/problem-entries").status_code == 403


# --- pages --------------------------------------------------------------------------------------------

def test_each_stage_page_asks_for_its_own_fields_and_saves(world: World) -> None:
    client, z = logged_in(world.alice), world.zhang.pk
    s = open_selection(world)
    url = f"/selection/{s.pk}/"
    page = client.get(url).content.decode()
    assert 'id="zg-step-votes"' in page and 'id="zg-step-decision"' not in page and "民主推荐" in page
    assert client.post(f"{url}step/votes/", {"cadre": z, "votes": 30}).status_code == 302
    assert client.post(f"{url}step/signed/", {"recommender": "刘某某", "cadre": z, "reason": "群众公认"}).status_code == 302
    assert "刘某某 → 张一" in client.get(url).content.decode()
    assert client.post(f"{url}step/recommendation/", {"eligible": 40, "issued": 40, "returned": 40,
                                                      "valid": 40}).status_code == 302
    refused = client.post(f"{url}candidates/", {"cadre": world.li.pk})
    assert refused.status_code == 400 and "李二未获群众推荐" in refused.content.decode()
    assert "未能列为考察对象" in client.get(url).content.decode()
    assert client.post(f"{url}candidates/", {"cadre": z}).status_code == 302
    assert client.post(f"{url}step/shortlist/").status_code == 302
    bad = client.post(f"{url}step/investigation/", {"team": "组", "talks_held": 5, f"conclusion_{z}": "好",
                                                    f"shortcomings_{z}": "只有不足没有事例"})
    assert bad.status_code == 400 and "格式为" in bad.content.decode()
    assert client.post(f"{url}step/investigation/", {"team": "组", "talks_held": 5, f"conclusion_{z}": "好",
                                                     f"shortcomings_{z}": "魄力不足：某项目推进慢"}).status_code == 302
    assert client.post(f"{url}step/consultation/", {"replied_on": "2026-03-10", f"reply_{z}": "无"}).status_code == 302
    blocked = client.post(f"{url}step/decision/", {"kind": "standing", "held_on": "2026-03-12", "expected": 9,
                                                   "present": 9, "statements": "委员甲\n书记", "secretary": "书记",
                                                   f"agree_{z}": 9, f"disagree_{z}": 0, f"abstain_{z}": 0})
    assert blocked.status_code == 400 and "张一没有 2026 年度个人有关事项报告" in blocked.content.decode()
    filed = client.post("/selection/reports/new/", {"cadre": z, "year": 2026, "submitted_on": "2026-01-20",
                                                    "item_marriage": "已婚，无变化", "item_real_estate": "住房一套"})
    assert filed.status_code == 302
    assert "尚未核查" in client.get(url).content.decode()
    assert client.post(f"{url}report-checks/").status_code == 302
    check = ReportCheck.objects.get(report__cadre=world.zhang)
    report_page = client.get(filed["Location"]).content.decode()
    assert "拟提拔人选必查" in report_page and "住房一套" in report_page and "待核查" in report_page
    half = client.post(f"/selection/checks/{check.pk}/", {"outcome": "omitted", "checked_on": "2026-03-11"})
    assert half.status_code == 400 and "未如实报告的，须选择处理方式" in half.content.decode()
    assert client.post(f"/selection/checks/{check.pk}/", {"outcome": "omitted", "checked_on": "2026-03-11",
                                                          "handling": "reminder",
                                                          "discrepancy": "漏报一处车位"}).status_code == 302
    assert "已核查，可提交讨论" in client.get(url).content.decode()
    late_secretary = {"kind": "standing", "held_on": "2026-03-12", "expected": 9, "present": 9,
                      "statements": "书记\n委员甲", "secretary": "书记", f"agree_{z}": 9, f"disagree_{z}": 0,
                      f"abstain_{z}": 0}
    answer = client.post(f"{url}step/decision/", late_secretary)
    assert answer.status_code == 400 and "一把手末位表态" in answer.content.decode()
    assert client.post(f"{url}step/decision/", {**late_secretary, "statements": "委员甲\n书记"}).status_code == 302
    assert client.post(f"{url}step/publicity/", {"start": "2026-03-16", "end": "2026-03-20",
                                                 "channel": "网站"}).status_code == 302
    assert "须在" in client.get(url).content.decode()
    assert client.post(f"{url}step/appointment/", {"on": "2026-03-23", "title": "甲镇镇长",
                                                   "document_number": "5号"}).status_code == 302
    assert client.post(f"{url}sign/decision/", {"capacity": "经办人"}).status_code == 302
    s.refresh_from_db()
    assert s.stage == Stage.APPOINTED
    trace = client.get(f"{url}trace/").content.decode()
    assert "委员甲、书记" in trace and "alice" in trace and "未签字" in trace


def test_problem_pages_record_and_transition(world: World) -> None:
    client = logged_in(world.alice)
    answer = client.post("/selection/problems/new/", {"cadre": world.li.pk, "source": "audit",
                                                      "received_on": "2026-02-01", "summary": "审计发现问题"})
    assert answer.status_code == 302
    url = answer["Location"]
    assert client.post(f"{url}transition/", {"to": "verifying"}).status_code == 302
    assert client.post(f"{url}transition/", {"to": "confirmed", "handling": "reminder",
                                             "conclusion": "属实，提醒"}).status_code == 302
    assert "已查实" in client.get(url).content.decode()
    refused = client.post(f"{url}transition/", {"to": "verifying"})
    assert refused.status_code == 409


@pytest.mark.parametrize("role,home,status", [
    (Role.ORG_ADMIN, "county_a", 200), (Role.ORG_STAFF, "county_a", 200), (Role.LEADER, "county_a", 200),
    (Role.TOWNSHIP_STAFF, "township_a", 403), (Role.VILLAGE_STAFF, "village_a", 403),
])
def test_selection_pages_by_role(world: World, role: str, home: str, status: int) -> None:
    s = open_selection(world)
    client = logged_in(make_user(f"u-{role}", getattr(world.tree, home), role))
    for path in ("/selection/", f"/selection/{s.pk}/", f"/selection/{s.pk}/trace/"):
        assert client.get(path).status_code == status, path
    problems = 200 if role in (Role.ORG_ADMIN, Role.ORG_STAFF) else 403
    assert client.get("/selection/problems/").status_code == problems


def test_list_pages_query_count_does_not_grow(world: World, django_assert_max_num_queries: Any) -> None:
    client = logged_in(world.alice)
    for i in range(3):
        walk(world, open_selection(world, title=f"人选{i}"), "investigation")
    for _i in range(3):
        problem_record(actor=world.alice, jurisdiction=world.ja, cadre=world.li, source="audit",
                       received_on=world.li.created_at.date(), summary="x")
    with django_assert_max_num_queries(12):
        assert client.get("/selection/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/selection/problems/").status_code == 200


def _count_queries(client: Client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_selection_page_and_api_cost_the_same_for_two_or_six_candidates(world: World) -> None:
    from zugong.selection.tests.conftest import cadre

    more = tuple(cadre(f"候选{i}", world.tree.township_a) for i in range(4))
    small = walk(world, open_selection(world, title="二人"), "publicity", candidates=(world.zhang, world.li))
    large = walk(world, open_selection(world, title="六人"), "publicity",
                 candidates=(world.zhang, world.li, *more))
    page, api = logged_in(world.alice), bearer(world.alice)
    page.get("/selection/"), api.get("/api/v1/selections")  # first-request costs (session, token) out of the way
    assert _count_queries(page, f"/selection/{small.pk}/") == _count_queries(page, f"/selection/{large.pk}/")
    assert _count_queries(api, f"/api/v1/selections/{small.pk}") == _count_queries(api, f"/api/v1/selections/{large.pk}")


def test_pages_render_in_english(world: World) -> None:
    s = walk(world, open_selection(world), "decision")
    client = logged_in(world.alice)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(f"/selection/{s.pk}/").content.decode()
    assert "Order of statements" in page and "Democratic recommendation" in page and "Sign" in page
    assert "Problem archive" in client.get("/selection/problems/").content.decode()


def test_trace_downloads_as_a_word_document_showing_a_changed_record(world: World) -> None:
    import io

    from docx import Document

    from zugong.selection.services import selections as svc

    s = walk(world, open_selection(world), "appointed")
    common: dict[str, Any] = {"actor": world.alice, "jurisdiction": world.ja, "selection_id": s.pk}
    svc.stage_sign(**common, stage="investigation", capacity="考察组组长")
    svc.stage_sign(**common, stage="motion", capacity="经办人")
    svc.stage_record_correct(**common, stage="motion", field="reason", value="镇长调任后空缺", why="补充")
    answer = logged_in(world.alice).get(f"/selection/{s.pk}/trace.docx")
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    doc = Document(io.BytesIO(answer.content))
    text = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert "甲镇镇长人选 选拔任用全程纪实表" in doc.paragraphs[0].text
    assert "陈组长、周干事" in text and "考察组组长" in text and "镇长调任后空缺" in text
    assert text.count("【签字后记录已被修改，摘要不符】") == 1 and "【未签字】" in text
    assert logged_in(make_user("carol2", world.tree.county_b, Role.ORG_ADMIN)).get(
        f"/selection/{s.pk}/trace.docx").status_code == 404
