"""Signatures of committee members who are not users (a leader who signed the paper record): the signing user
records the name and role and attests it; the signature carries the record's digest, is audited, and shows on
the page, in the trace and in the 纪实表 as attested."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from zugong.conftest import bearer, logged_in, make_user
from zugong.core.errors import Conflict, Forbidden, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import AuditEvent, Role
from zugong.selection.documents import trace_pdf
from zugong.selection.flow import selection_trace, stage_flow
from zugong.selection.models import Selection, Stage, StageSignature
from zugong.selection.selectors import selection_get
from zugong.selection.services import selections as svc
from zugong.selection.tests.conftest import World, open_selection, walk


def _c(w: World, s: Selection) -> dict[str, Any]:
    return {"actor": w.alice, "jurisdiction": w.ja, "selection_id": s.pk}


def _attest(w: World, s: Selection, name: str = "王书记", role: str = "县委书记") -> StageSignature:
    return svc.stage_sign_attested(**_c(w, s), stage=Stage.DECISION, signer_name=name, capacity=role)


def test_a_member_who_is_not_a_user_signs_attested_by_the_signing_user(world: World) -> None:
    # given: the decision is recorded
    s = walk(world, open_selection(world), "publicity")
    # when: the clerk records the county secretary's paper signature
    sig = _attest(world, s)
    # then: no user, the name and role, the user who attests, the record's current digest
    flow = {f.stage: f for f in stage_flow(selection_get(world.ja, s.pk))}[Stage.DECISION]
    assert (sig.user_id, sig.signer_name, sig.capacity, sig.attested_by_id) == (None, "王书记", "县委书记", world.alice.pk)
    assert sig.digest == flow.digest
    assert [(v.signer, v.capacity, v.attested_by, v.valid) for v in flow.signatures] == [
        ("王书记", "县委书记", "alice", True)]
    event = AuditEvent.objects.get(action="selection.stage_sign_attested")
    assert event.actor_id == world.alice.pk and event.sequence == sig.audit_sequence
    assert event.summary == {"stage": "decision", "digest": sig.digest, "signer": "王书记", "capacity": "县委书记"}
    # and: the trace and the 纪实表 say who attested it
    trace = {r["stage"]: r for r in selection_trace(selection_get(world.ja, s.pk))}[Stage.DECISION]
    assert trace["signatures"][0]["attested_by"] == "alice" and not trace["unsigned"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(trace_pdf(selection_get(world.ja, s.pk)))).pages)
    assert "王书记" in text and "非系统用户，由alice见证登记" in text.replace("\n", "")


def test_an_attested_signature_shows_a_later_edit_and_is_not_given_twice(world: World) -> None:
    s = walk(world, open_selection(world), "publicity")
    _attest(world, s)
    with pytest.raises(Conflict, match="王书记已对该环节当前的记录签字确认"):
        _attest(world, s)
    svc.stage_record_correct(**_c(world, s), stage=Stage.MOTION, field="reason", value="新理由", why="笔误")
    svc.stage_sign_attested(**_c(world, s), stage=Stage.MOTION, signer_name="王书记", capacity="县委书记")
    svc.stage_record_correct(**_c(world, s), stage=Stage.MOTION, field="reason", value="再改", why="笔误")
    motion = stage_flow(selection_get(world.ja, s.pk))[0]
    assert [v.valid for v in motion.signatures] == [False] and motion.mismatch


def test_an_attested_signature_needs_name_role_and_the_signing_role(world: World) -> None:
    s = walk(world, open_selection(world), "publicity")
    with pytest.raises(ValidationFailed, match="请填写签字人姓名"):
        _attest(world, s, name=" ")
    with pytest.raises(ValidationFailed, match="请填写签字人身份"):
        _attest(world, s, role="")
    leader = make_user("leader", world.tree.county_a, Role.LEADER)
    with pytest.raises(Forbidden):
        svc.stage_sign_attested(actor=leader, jurisdiction=jurisdiction_for(leader), selection_id=s.pk,
                                stage=Stage.DECISION, signer_name="王书记", capacity="县委书记")
    assert not StageSignature.objects.exists()


def test_page_and_api_record_an_attested_signature(world: World) -> None:
    s = walk(world, open_selection(world), "publicity")
    url = f"/selection/{s.pk}/sign/decision/attested/"
    carol = make_user("carol2", world.tree.county_b, Role.ORG_ADMIN)
    assert logged_in(carol).post(url, {"signer_name": "王书记", "capacity": "县委书记"}).status_code == 404
    leader = make_user("leader", world.tree.county_a, Role.LEADER)
    assert logged_in(leader).post(url, {"signer_name": "王书记", "capacity": "县委书记"}).status_code == 403
    client = logged_in(world.alice)
    assert client.post(url, {"signer_name": "王书记", "capacity": "县委书记"}).status_code == 302
    page = client.get(f"/selection/{s.pk}/").content.decode()
    assert "王书记（县委书记）" in page and "非系统用户，由alice见证登记" in page
    assert "非系统用户，由alice见证登记" in client.get(f"/selection/{s.pk}/trace/").content.decode()
    api = bearer(world.alice)
    answer = api.post(f"/api/v1/selections/{s.pk}/attested-signatures",
                      {"stage": "investigation", "signer_name": "周委员", "capacity": "县委常委"},
                      content_type="application/json")
    assert answer.status_code == 201
    stages = {st["stage"]: st for st in answer.json()["stages"]}
    assert [(g["signer"], g["attested_by"]) for g in stages["investigation"]["signatures"]] == [("周委员", "alice")]
    assert bearer(carol).post(f"/api/v1/selections/{s.pk}/attested-signatures",
                              {"stage": "investigation", "signer_name": "周委员", "capacity": "县委常委"},
                              content_type="application/json").status_code == 404
