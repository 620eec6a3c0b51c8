from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from zugong.conftest import bearer, logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks.models import Interview, InterviewSituation, InterviewStatus, InterviewTarget, TalkKind
from zugong.talks.services.interviews import interview_propose
from zugong.talks.services.talks import talk_record


@pytest.fixture
def talks(tree, alice, roster):
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 3, 2), kind=TalkKind.ANNUAL, talkers=[roster.minister],
                talkees=[roster.secretary_a, roster.head_a])
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 4, 2), kind=TalkKind.ANNUAL, talkers=[roster.deputy],
                talkees=[roster.deputy_a])
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 5, 2), kind=TalkKind.TRIGGERED,
                talkers=[roster.minister, roster.staff], talkees=[roster.secretary_a])
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 6, 2), kind=TalkKind.OTHER, talkers=[roster.staff],
                talkees=[roster.finance_head])
    talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2024, 6, 2), kind=TalkKind.ANNUAL, talkers=[roster.minister],
                talkees=[roster.secretary_a2])


def test_stats_endpoint_counts_person_times_by_role_and_coverage(tree, alice, talks) -> None:
    response = bearer(alice).get("/api/v1/talks/stats?org=990121&from=2025-01-01&to=2025-12-31")
    assert response.status_code == 200
    body = response.json()
    # 5 人次 in 2025: minister 2 + 1 (with staff, counted under the minister), team member 1, staff 1
    assert body["total"] == 5
    assert body["by_role"] == {"minister": 3, "team_member": 1, "staff": 1, "other": 0}
    assert body["by_kind"]["annual"] == 3 and body["by_kind"]["triggered"] == 1
    # roster: 5 leading cadres of 副科 and above; 周书记 was talked with only in 2024
    assert (body["roster"], body["covered"], body["coverage"]) == (5, 4, 0.8)
    assert body["sentence"].endswith("共与科级以上领导干部开展谈心谈话 5 人次，其中部长 3 人次、部领导班子成员 1 人次；覆盖率 80.0%")
    assert body["by_unit"] == {"甲镇": 4, "甲县财政局": 1}


def test_stats_for_another_county_is_404_and_bad_dates_are_refused(tree, alice, carol, talks) -> None:
    assert bearer(carol).get("/api/v1/talks/stats?org=990121&from=2025-01-01&to=2025-12-31").status_code == 404
    response = bearer(alice).get("/api/v1/talks/stats?org=990121&from=2025-13-01&to=2025-12-31")
    assert response.status_code == 400 and "格式不正确" in response.json()["error"]["message"]
    response = bearer(alice).get("/api/v1/talks/stats?org=990121&from=2025-05-01&to=2025-01-01")
    assert response.status_code == 400


def test_stats_page_and_excel_export(tree, alice, talks) -> None:
    client = logged_in(alice)
    page = client.get(f"/talks/stats/?org={tree.county_a.pk}&from=2025-01-01&to=2025-12-31")
    assert "共与科级以上领导干部开展谈心谈话 5 人次" in page.content.decode()
    export = client.get(f"/talks/stats.xlsx?org={tree.county_a.pk}&from=2025-01-01&to=2025-12-31")
    book = load_workbook(BytesIO(export.content))
    assert book.sheetnames == ["统计", "按谈话人身份", "按谈话类型", "按谈话人", "按单位"]
    assert [list(r) for r in book["按谈话人身份"].iter_rows(min_row=2, values_only=True)] == [
        ["部长", 3], ["部领导班子成员", 1], ["组工干部", 1], ["其他", 0]]
    assert logged_in(alice).get(f"/talks/stats/?org={tree.county_b.pk}").status_code == 404


def test_interview_transition_endpoint_and_409_envelope(tree, alice, roster) -> None:
    interview = interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice), target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                                  situations=[InterviewSituation.objects.get(code="C01")], proposed_on=date(2025, 3, 1))
    client = bearer(alice)
    url = f"/api/v1/interviews/{interview.pk}"
    response = client.post(f"{url}/hold", {"on": "2025-03-05", "interviewers": "李部长", "record": "记录"},
                           content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {"error": {"code": "illegal_transition",
                                         "message": "约谈当前为“已提出建议”，不能改为“已约谈”（可进行：已批准、未批准）"}}
    response = client.post(f"{url}/approve", {"on": "2025-03-02"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = client.post(f"{url}/dance", {"on": "2025-03-02"}, content_type="application/json")
    assert response.status_code == 400


def test_interview_page_steps_and_refusal_page(tree, alice, roster) -> None:
    interview = interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice), target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                                  situations=[InterviewSituation.objects.get(code="C01")], proposed_on=date(2025, 3, 1))
    client = logged_in(alice)
    page = client.get(f"/talks/interviews/{interview.pk}/").content.decode()
    assert "批准" in page and "不予批准" in page
    response = client.post(f"/talks/interviews/{interview.pk}/notice/", {"on": "2025-03-03"})
    assert response.status_code == 409 and "不能改为“已预告”" in response.content.decode()
    response = client.post(f"/talks/interviews/{interview.pk}/approve/", {"on": "2025-03-02"})
    assert response.status_code == 302
    assert Interview.objects.get(pk=interview.pk).status == InterviewStatus.APPROVED


def test_propose_interview_page(tree, alice, roster) -> None:
    situation = InterviewSituation.objects.get(code="T01")
    response = logged_in(alice).post("/talks/interviews/new/", {
        "target_kind": "team", "team": tree.township_a.pk, "cadre": roster.secretary_a.pk,
        "situations": [situation.pk], "proposed_on": "2025-03-01", "proposing_office": "干部工作机构"})
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert (interview.team, interview.team_head, interview.status) == (tree.township_a, roster.secretary_a, "proposed")


def test_record_talk_page(tree, alice, bob, roster) -> None:
    data = {"held_on": "2025-03-02", "kind": "annual", "talkers": [roster.minister.pk],
            "talkees": [roster.head_a.pk], "summary": "谈了工作", "follow_up_action": "协调子女入学",
            "follow_up_owner": "干部科", "follow_up_deadline": "2025-04-01"}
    response = logged_in(alice).post("/talks/new/", data)
    assert response.status_code == 302
    page = logged_in(alice).get(response["Location"]).content.decode()
    assert "谈了工作" in page and "协调子女入学" in page
    # bob is township staff: recording talks is the org department's (talks.talk_record), nothing is recorded
    from zugong.talks.models import Talk

    response = logged_in(bob).post("/talks/new/", data)
    assert response.status_code == 403 and "您没有记录谈心谈话的权限" in response.content.decode()
    assert Talk.objects.count() == 1


def test_plan_page_generates_and_shows_coverage(tree, alice, roster) -> None:
    client = logged_in(alice)
    response = client.post(f"/talks/plan/?org={tree.county_a.pk}&year=2025")
    assert response.status_code == 302
    page = client.get(f"/talks/plan/?org={tree.county_a.pk}&year=2025").content.decode()
    assert "计划谈话 5 人，已谈 0 人" in page and "刘副镇长" in page


def test_trigger_page_lists_open_triggers(tree, alice, bob, carol, roster) -> None:
    from zugong.talks.services.triggers import cadre_flag_raise

    cadre_flag_raise(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.head_a, kind="has_ideas", raised_on=date(2025, 1, 2))
    assert "陈镇长" in logged_in(alice).get("/talks/triggers/").content.decode()
    assert "陈镇长" in logged_in(bob).get("/talks/triggers/").content.decode()
    assert "陈镇长" not in logged_in(carol).get("/talks/triggers/").content.decode()


LIST_URLS = ["/talks/", "/talks/triggers/", "/talks/interviews/", "/talks/plan/", "/talks/stats/"]


@pytest.mark.parametrize("url", LIST_URLS)
def test_pages_need_login_and_render_for_each_person(tree, alice, bob, carol, roster, url) -> None:
    from django.test import Client

    assert Client().get(url).status_code == 302
    for user in (alice, bob, carol):
        assert logged_in(user).get(url).status_code == 200


def test_detail_matrix(tree, alice, bob, carol, roster, talks) -> None:
    from zugong.talks.models import Talk

    talk = Talk.objects.filter(talkees=roster.finance_head).get()
    expected = {"alice": 200, "bob": 404, "carol": 404}  # 财政局 is outside bob's township
    actual = {u.username: bearer(u).get(f"/api/v1/talks/{talk.pk}").status_code for u in (alice, bob, carol)}
    assert actual == expected
    actual = {u.username: logged_in(u).get(f"/talks/{talk.pk}/").status_code for u in (alice, bob, carol)}
    assert actual == expected


def test_record_a_talk_through_the_api(tree, alice, bob, carol, roster) -> None:
    body = {"held_on": "2025-03-02", "kind": "annual", "talker_ids": [roster.minister.pk],
            "talkee_ids": [roster.head_a.pk], "summary": "谈话内容"}
    response = bearer(alice).post("/api/v1/talks", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["talkees"] == ["陈镇长"]
    assert bearer(carol).post("/api/v1/talks", body, content_type="application/json").status_code == 404
    # bob, a township's staff, may not record talks: refused by his role before the body is read
    refused = bearer(bob).post("/api/v1/talks", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["message"] == "您没有记录谈心谈话的权限"
    bad = dict(body, kind="chat")
    response = bearer(alice).post("/api/v1/talks", bad, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["message"] == "谈话类型“chat”无效"


def test_follow_up_marked_done_from_the_talk_page(tree, alice, bob, carol, roster) -> None:
    from zugong.talks.models import TalkFollowUp
    from zugong.talks.services.talks import FollowUpInput

    # given: a talk with one open follow-up action
    talk = talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 3, 2), kind=TalkKind.ANNUAL, talkers=[roster.minister],
                       talkees=[roster.secretary_a],
                       follow_ups=[FollowUpInput("落实村道修缮", "甲镇党委", date(2025, 4, 30))])
    follow_up = TalkFollowUp.objects.get(talk=talk)
    url = f"/talks/{talk.pk}/follow-ups/{follow_up.pk}/done/"
    assert "标记办结" in logged_in(alice).get(f"/talks/{talk.pk}/").content.decode()
    # when / then: another county cannot even see it; GET is refused; alice closes it
    assert logged_in(carol).post(url).status_code == 404
    assert logged_in(alice).get(url).status_code == 405
    response = logged_in(alice).post(url)
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_on is not None
    assert "已完成" in logged_in(alice).get(f"/talks/{talk.pk}/").content.decode()


def test_pages_never_fail_on_bad_query_parameters(tree, alice, carol, roster) -> None:
    client = logged_in(alice)
    this_year = timezone.localdate().year
    assert f"{this_year} 年度谈话计划" in client.get(f"/talks/plan/?org={tree.county_a.pk}&year=abc").content.decode()
    assert client.get(f"/talks/plan/?org={tree.county_a.pk}&year=99999").status_code == 200
    assert client.get(f"/talks/stats/?org={tree.county_a.pk}&from=2025-13-01&to=x").status_code == 200
    # a unit outside the jurisdiction is the 404 page, the same as one that does not exist
    for org in (tree.county_b.pk, 10**9):
        response = client.get(f"/talks/plan/?org={org}")
        assert response.status_code == 404 and "不在您的管辖范围内" in response.content.decode()
    # the API refuses out-of-range values with its envelope (issue 16, item 8): a 422, never a 500
    refused = bearer(alice).get("/api/v1/talks?limit=-5&offset=-3")
    assert refused.status_code == 422 and refused.json()["error"]["message"] == "请求参数不正确"
