"""Petitions (R28): intake, first-contact ownership, 15/60-day limits across holidays, extension,
reply letters, repeat detection, confidential identities, statistics and the permission matrix."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from docx import Document

from zugong.conftest import bearer, make_user
from zugong.core.errors import Forbidden, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AccessEvent, AuditEvent, Role
from zugong.masswork.models import PetitionStatus
from zugong.masswork.services import petitions as svc


def receive(user, org, **kwargs):
    values: dict[str, Any] = {"channel": "visit", "petitioner_name": "周建国", "petitioner_phone": "13600001234",
              "petitioner_id_number": "610323196501011234", "subject": "宅基地确权",
              "content": "我家宅基地确权登记面积与实际不符，请求重新测量", "received_on": date(2024, 3, 1)}
    values.update(kwargs)
    return svc.petition_receive(actor=user, jurisdiction=jurisdiction_for(user), org_unit=org, **values)


def decide(user, petition, accept=True, **kwargs):
    return svc.petition_decide(actor=user, jurisdiction=jurisdiction_for(user), petition_id=petition.pk,
                               accept=accept, **kwargs)


def test_intake_makes_receiver_owner_and_sets_acceptance_deadline(tree, alice):
    petition = receive(alice, tree.county_a, visitors=3)
    assert petition.owner == alice and petition.received_by == alice
    assert petition.status == PetitionStatus.RECEIVED and petition.visitors == 3
    assert petition.accept_due == date(2024, 3, 16)
    assert AuditEvent.objects.filter(action="masswork.petition_receive", object_id=str(petition.pk)).exists()


def test_letters_count_one_visitor(tree, alice):
    assert receive(alice, tree.county_a, channel="letter", visitors=5).visitors == 1


def test_acceptance_deadline_in_workdays_over_national_day(tree, alice, override):
    override("R28", workdays=True)
    petition = receive(alice, tree.county_a, received_on=date(2024, 9, 25))
    assert petition.accept_due == date(2024, 10, 21)


def test_closure_deadline_calendar_and_workdays_over_spring_festival(tree, alice, override):
    petition = decide(alice, receive(alice, tree.county_a, received_on=date(2024, 1, 5)),
                      decided_on=date(2024, 1, 10))
    assert petition.close_due == date(2024, 3, 10)
    override("R28", workdays=True, days=15)
    other = decide(alice, receive(alice, tree.county_a, received_on=date(2024, 2, 1), content="另一事项：道路维修"),
                   decided_on=date(2024, 2, 5))
    assert other.close_due == date(2024, 3, 1)


def test_extension_once_with_reason(tree, alice):
    petition = decide(alice, receive(alice, tree.county_a), decided_on=date(2024, 3, 5))
    assert petition.close_due == date(2024, 5, 4)
    j = jurisdiction_for(alice)
    with pytest.raises(ValidationFailed, match="延期理由"):
        svc.petition_extend(actor=alice, jurisdiction=j, petition_id=petition.pk, reason="")
    extended = svc.petition_extend(actor=alice, jurisdiction=j, petition_id=petition.pk, reason="需要国土部门重新测绘")
    assert extended.close_due == date(2024, 6, 3) and extended.extended
    with pytest.raises(IllegalTransition, match="只能延长一次"):
        svc.petition_extend(actor=alice, jurisdiction=j, petition_id=petition.pk, reason="再延")


def test_reject_needs_reason_and_ends(tree, alice):
    petition = receive(alice, tree.county_a)
    with pytest.raises(ValidationFailed, match="不予受理的理由"):
        decide(alice, petition, accept=False)
    rejected = decide(alice, petition, accept=False, note="已经司法程序处理", decided_on=date(2024, 3, 2))
    assert rejected.status == PetitionStatus.REJECTED and rejected.close_due is None
    with pytest.raises(IllegalTransition):
        decide(alice, petition)


def test_transition_refusals(tree, alice):
    j = jurisdiction_for(alice)
    petition = receive(alice, tree.county_a)
    with pytest.raises(IllegalTransition):
        svc.petition_close(actor=alice, jurisdiction=j, petition_id=petition.pk, reply="答复")
    with pytest.raises(IllegalTransition):
        svc.petition_extend(actor=alice, jurisdiction=j, petition_id=petition.pk, reason="x")
    with pytest.raises(IllegalTransition, match="办结后"):
        svc.petition_rate(actor=alice, jurisdiction=j, petition_id=petition.pk, satisfaction="satisfied")
    decide(alice, petition, decided_on=date(2024, 3, 3))
    with pytest.raises(ValidationFailed, match="早于受理日期"):
        svc.petition_close(actor=alice, jurisdiction=j, petition_id=petition.pk, reply="答复",
                           closed_on=date(2024, 3, 2))
    closed = svc.petition_close(actor=alice, jurisdiction=j, petition_id=petition.pk, reply="已重新测量并更正",
                                closed_on=date(2024, 4, 1))
    assert closed.status == PetitionStatus.CLOSED
    with pytest.raises(ValidationFailed):
        svc.petition_rate(actor=alice, jurisdiction=j, petition_id=petition.pk, satisfaction="great")
    assert svc.petition_rate(actor=alice, jurisdiction=j, petition_id=petition.pk,
                             satisfaction="satisfied").satisfaction == "satisfied"


def test_first_contact_owner_until_transfer_accepted(tree, alice):
    bob2 = make_user("bob2", tree.county_a, Role.ORG_STAFF)
    petition = receive(alice, tree.county_a)
    with pytest.raises(Forbidden, match="首问责任人"):
        decide(bob2, petition)
    svc.petition_transfer_request(actor=alice, jurisdiction=jurisdiction_for(alice), petition_id=petition.pk,
                                  to_user=bob2)
    petition.refresh_from_db()
    assert petition.owner == alice and petition.transfer_to == bob2  # still alice's until accepted
    with pytest.raises(IllegalTransition):
        svc.petition_transfer_accept(actor=alice, jurisdiction=jurisdiction_for(alice), petition_id=petition.pk)
    svc.petition_transfer_accept(actor=bob2, jurisdiction=jurisdiction_for(bob2), petition_id=petition.pk)
    petition.refresh_from_db()
    assert petition.owner == bob2 and petition.transfer_to is None
    with pytest.raises(Forbidden):
        decide(alice, petition)
    assert decide(bob2, petition).status == PetitionStatus.ACCEPTED


def test_repeat_detection_same_person_and_similar_text(tree, alice):
    first = receive(alice, tree.county_a)
    same_person = receive(alice, tree.county_a, subject="再次反映", content="还是那件事，没有人处理")
    assert same_person.repeat_of == first
    similar = receive(alice, tree.county_a, petitioner_name="周建民", petitioner_phone="",
                      petitioner_id_number="", content="我家宅基地确权登记面积与实际不符，请求重新测量面积")
    assert similar.repeat_of == first
    different = receive(alice, tree.county_a, petitioner_name="吴芳", petitioner_phone="13900000000",
                        petitioner_id_number="", subject="低保", content="申请城乡居民最低生活保障，迟迟没有审批结果")
    assert different.repeat_of is None


def test_jaccard_on_jieba_tokens():
    a = svc.tokenize("村里道路年久失修，下雨天无法通行")
    b = svc.tokenize("村里的道路年久失修，下雨天无法通行，请求修路")
    assert svc.jaccard(a, b) >= 0.6 and svc.jaccard(a, svc.tokenize("申请低保")) == 0.0


def test_identity_masked_and_full_view_logged(tree, alice, bob):
    petition = receive(alice, tree.township_a)
    listed = bearer(bob).get("/api/v1/petitions").json()
    assert listed[0]["petitioner"] == {"name": "周**", "phone": "136****1234", "id_number": "6103**********1234",
                                       "address": "", "masked": True}
    assert "610323196501011234" not in str(listed)
    assert bearer(bob).get(f"/api/v1/petitions/{petition.pk}?reveal=true").status_code == 403
    full = bearer(alice).get(f"/api/v1/petitions/{petition.pk}?reveal=true").json()
    assert full["petitioner"]["id_number"] == "610323196501011234" and full["petitioner"]["masked"] is False
    assert AccessEvent.objects.filter(user=alice, object_id=str(petition.pk), field="petitioner").count() == 1
    with pytest.raises(Forbidden):
        svc.petitioner_access_grant(actor=bob, jurisdiction=jurisdiction_for(bob), user=bob, org_unit=tree.township_a)
    svc.petitioner_access_grant(actor=alice, jurisdiction=jurisdiction_for(alice), user=bob, org_unit=tree.township_a)
    assert bearer(bob).get(f"/api/v1/petitions/{petition.pk}?reveal=true").json()["petitioner"]["name"] == "周建国"
    assert AccessEvent.objects.filter(user=bob, field="petitioner").count() == 1


def test_reply_letters_docx_and_pdf(tree, alice):
    j = jurisdiction_for(alice)
    petition = decide(alice, receive(alice, tree.county_a), decided_on=date(2024, 3, 3))
    client = bearer(alice)
    assert client.get(f"/api/v1/petitions/{petition.pk}/reply.docx").status_code == 400
    svc.petition_close(actor=alice, jurisdiction=j, petition_id=petition.pk, reply="经重新测量，面积已更正。",
                       closed_on=date(2024, 4, 1))
    docx = client.get(f"/api/v1/petitions/{petition.pk}/reply.docx")
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "信访事项答复意见书" in text and "周建国：" in text and "经重新测量，面积已更正。" in text
    assert "2024年03月03日" in text and "甲县" in text
    pdf = client.get(f"/api/v1/petitions/{petition.pk}/reply.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content
    assert AccessEvent.objects.filter(user=alice, field="petitioner").count() == 2


def test_stats_sentence_and_endpoint(tree, alice, carol):
    j = jurisdiction_for(alice)
    for i in range(3):
        p = receive(alice, tree.county_a, visitors=2, petitioner_name=f"甲{i}", petitioner_id_number="",
                    petitioner_phone="", content=f"第{i}件：事项内容各不相同{i}" * (i + 1), subject=f"事由{i}")
        decide(alice, p, decided_on=date(2024, 3, 2))
        if i < 2:
            svc.petition_close(actor=alice, jurisdiction=j, petition_id=p.pk, reply="已办", closed_on=date(2024, 3, 9))
    receive(alice, tree.county_a, channel="letter", petitioner_id_number="", petitioner_phone="",
            content="来信反映的另一件完全不同的事情", subject="来信")
    body = bearer(alice).get(f"/api/v1/petitions/stats?org={tree.county_a.pk}&from=2024-01-01&to=2024-12-31").json()
    assert body["received"] == 4 and body["visitors"] == 6 and body["accepted"] == 3 and body["closed"] == 2
    assert body["closure_rate"] == 66.7
    assert body["sentence"] == "共接待来访群众 6 人次，受理 3 起，办结 2 起，办结率 66.7%"
    empty = bearer(alice).get(f"/api/v1/petitions/stats?org={tree.county_a.pk}&from=2025-01-01").json()
    assert empty["received"] == 0 and empty["closure_rate"] == 0.0
    assert bearer(carol).get(f"/api/v1/petitions/stats?org={tree.county_a.pk}").status_code == 404
    assert bearer(carol).get("/api/v1/petitions/stats").json()["received"] == 0


@pytest.mark.parametrize(("who", "visible"), [("alice", True), ("bob", False), ("carol", False)])
def test_permission_matrix_county_petition(tree, people, alice, who, visible):
    petition = receive(alice, tree.county_a)
    client = bearer(people[who])
    for url in (f"/api/v1/petitions/{petition.pk}", f"/api/v1/petitions/{petition.pk}/reply.pdf"):
        status = client.get(url).status_code
        assert (status != 404) is visible, (who, url, status)
    posted = client.post(f"/api/v1/petitions/{petition.pk}/decide", {"accept": True}, content_type="application/json")
    assert (posted.status_code == 200) is visible and (posted.status_code == 404) is not visible
    assert (petition.pk in [r["id"] for r in client.get("/api/v1/petitions").json()]) is visible


def test_petition_api_intake_and_flow(tree, alice):
    client = bearer(alice)
    created = client.post("/api/v1/petitions", {
        "org_id": tree.county_a.pk, "channel": "online", "petitioner_name": "郑华", "subject": "医保报销",
        "content": "异地就医报销流程不清楚"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["petitioner"]["masked"] is True
    pk = created.json()["id"]
    assert client.post(f"/api/v1/petitions/{pk}/decide", {"accept": True},
                       content_type="application/json").json()["status"] == "accepted"
    closed = client.post(f"/api/v1/petitions/{pk}/close", {"reply": "已告知流程"}, content_type="application/json")
    assert closed.json()["status"] == "closed"
    again = client.post(f"/api/v1/petitions/{pk}/close", {"reply": "再次"}, content_type="application/json")
    assert again.status_code == 409 and "不能执行该操作" in again.json()["error"]["message"]
    other_county = client.post("/api/v1/petitions", {
        "org_id": tree.county_b.pk, "channel": "online", "petitioner_name": "郑华", "subject": "x",
        "content": "y"}, content_type="application/json")
    assert other_county.status_code == 404


def test_reception_day_scheduled_then_recorded(tree, alice):
    j = jurisdiction_for(alice)
    day = svc.reception_day_schedule(actor=alice, jurisdiction=j, org_unit=tree.county_a, day=date(2024, 3, 15),
                                     leader_name="李春全", leader_title="县委常委、组织部长")
    petition = receive(alice, tree.county_a, reception_day=day)
    recorded = svc.reception_day_record(actor=alice, jurisdiction=j, reception_day=day, record="接待来访群众 3 人次")
    assert recorded.held and list(recorded.petitions.all()) == [petition]
    future = svc.reception_day_schedule(actor=alice, jurisdiction=j, org_unit=tree.county_a,
                                        day=date(2099, 1, 1), leader_name="李春全")
    with pytest.raises(IllegalTransition):
        svc.reception_day_record(actor=alice, jurisdiction=j, reception_day=future, record="x")
