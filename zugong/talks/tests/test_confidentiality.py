"""Talk summaries and interview records: who sees them, in pages, API and exports; every view logged."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AccessEvent, Role
from zugong.talks.models import ConfidentialGrant, InterviewSituation, InterviewTarget, TalkKind
from zugong.talks.services.interviews import interview_propose
from zugong.talks.services.talks import talk_record

SECRET = "本人反映家庭困难，希望调整岗位"


@pytest.fixture
def talk(tree, alice, roster):
    # held by 赵干事 (the staffer's own talker profile) with 甲镇 cadres
    return talk_record(actor=alice, jurisdiction=jurisdiction_for(alice), held_on=date(2025, 3, 2), kind=TalkKind.ANNUAL, talkers=[roster.staff],
                       talkees=[roster.secretary_a], topics="年度谈话", summary=SECRET)


def summary_via_api(user, talk):
    response = bearer(user).get(f"/api/v1/talks/{talk.pk}")
    return response.status_code, (response.json().get("summary") if response.status_code == 200 else None)


def test_matrix_on_the_api_detail(tree, alice, bob, carol, roster, talk) -> None:
    assert summary_via_api(alice, talk) == (200, SECRET)          # org_admin of the county
    assert summary_via_api(roster.staff_user, talk) == (200, SECRET)  # the talker himself
    assert summary_via_api(bob, talk) == (200, None)             # township staff: only that it took place
    assert summary_via_api(carol, talk) == (404, None)           # another county: not found


def test_api_list_masks_the_summary_and_logs_each_full_view(tree, alice, bob, talk) -> None:
    assert [t["summary"] for t in bearer(bob).get("/api/v1/talks").json()] == [None]
    assert AccessEvent.objects.count() == 0
    rows = bearer(alice).get("/api/v1/talks").json()
    assert [(t["talkees"], t["summary"]) for t in rows] == [(["张书记"], SECRET)]
    event = AccessEvent.objects.get()
    assert (event.user_id, event.object_id, event.field, event.channel) == (alice.pk, str(talk.pk), "summary", "api")


def test_pages_show_or_hide_the_summary(tree, alice, bob, carol, talk) -> None:
    page = logged_in(alice).get(f"/talks/{talk.pk}/")
    assert page.status_code == 200 and SECRET in page.content.decode()
    page = logged_in(bob).get(f"/talks/{talk.pk}/")
    assert page.status_code == 200 and SECRET not in page.content.decode()
    assert "谈话内容保密，您无权查看" in page.content.decode()
    assert logged_in(carol).get(f"/talks/{talk.pk}/").status_code == 404
    assert AccessEvent.objects.filter(user=alice, channel="web").count() == 1
    assert not AccessEvent.objects.filter(user=bob).exists()


def test_list_page_never_shows_the_summary(tree, alice, bob, carol, talk) -> None:
    for user in (alice, bob):
        body = logged_in(user).get("/talks/").content.decode()
        assert "张书记" in body and SECRET not in body
    assert "张书记" not in logged_in(carol).get("/talks/").content.decode()


def export_summaries(user) -> list:
    response = logged_in(user).get("/talks/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    return [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_export_respects_confidentiality(tree, alice, bob, carol, talk) -> None:
    assert export_summaries(alice) == [SECRET]
    assert export_summaries(bob) == ["（保密，无权查看）"]
    assert export_summaries(carol) == []
    assert AccessEvent.objects.filter(channel="export").count() == 1


def test_a_granted_role_may_read(tree, bob, talk) -> None:
    ConfidentialGrant.objects.create(org_unit=tree.county_a, role=Role.TOWNSHIP_STAFF)
    assert summary_via_api(bob, talk) == (200, SECRET)


def test_a_user_grant_is_limited_to_its_subtree(tree, talk) -> None:
    viewer = make_user("viewer", tree.county_a, Role.LEADER)
    ConfidentialGrant.objects.create(org_unit=tree.township_a2, user=viewer)
    assert summary_via_api(viewer, talk) == (200, None)  # the talk is in 甲镇, the grant covers 丙乡
    ConfidentialGrant.objects.create(org_unit=tree.township_a, user=viewer)
    assert summary_via_api(viewer, talk) == (200, SECRET)


def test_interview_record_is_confidential(tree, alice, bob, carol, roster) -> None:
    interview = interview_propose(actor=alice, jurisdiction=jurisdiction_for(alice), target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                                  situations=[InterviewSituation.objects.get(code="C03")],
                                  proposed_on=date(2025, 3, 1), reason="履职不力的具体情况")
    assert bearer(alice).get(f"/api/v1/interviews/{interview.pk}").json()["record"]["reason"] == "履职不力的具体情况"
    assert bearer(bob).get(f"/api/v1/interviews/{interview.pk}").json()["record"] is None
    assert bearer(carol).get(f"/api/v1/interviews/{interview.pk}").status_code == 404
    page = logged_in(bob).get(f"/talks/interviews/{interview.pk}/").content.decode()
    assert "履职不力的具体情况" not in page and "约谈记录保密" in page
    assert AccessEvent.objects.filter(object_type="talks.interview", user=alice).count() == 1


def test_a_large_export_is_a_job_with_the_same_confidentiality(tree, alice, bob, talk, monkeypatch,
                                                               django_capture_on_commit_callbacks) -> None:
    """Above INLINE_EXPORT the GET asks for a POST, which starts a job writing every talk (no cap): the
    summary only for whom may read it, each full view logged, as inline."""
    from zugong.jobs.models import Job, JobState
    from zugong.talks import views

    monkeypatch.setattr(views, "INLINE_EXPORT", 0)
    for user, expected in ((alice, SECRET), (bob, "（保密，无权查看）")):
        client = logged_in(user)
        page = client.get("/talks/export.xlsx")
        assert page.status_code == 200 and "后台生成" in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/talks/export.xlsx")
        job = Job.objects.filter(owner=user).get()
        assert response.status_code == 302 and (job.kind, job.state) == ("talks.export", JobState.DONE)
        download = client.get(f"/jobs/{job.pk}/download/")
        content = b"".join(download)
        sheet = load_workbook(BytesIO(content)).worksheets[0]
        assert [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)] == [expected]
    assert AccessEvent.objects.filter(channel="export").count() == 1  # alice's full view only
