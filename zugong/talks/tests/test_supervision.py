from __future__ import annotations

from datetime import date

import pytest

from zugong.conftest import logged_in
from zugong.core.errors import IllegalTransition, NotFound, ValidationFailed
from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks.models import SupervisionAction, TalkTrigger, TriggerKind
from zugong.talks.services.supervision import supervision_conclude, supervision_record, supervision_respond


def test_inquiry_needs_an_answer_before_it_is_concluded(tree, alice, roster) -> None:
    inquiry = supervision_record(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.head_a, kind="inquiry", issued_on=date(2025, 3, 1),
                                 matter="来信反映问题，请书面说明", response_due_on=date(2025, 3, 16))
    with pytest.raises(IllegalTransition, match="尚未收到本人答复"):
        supervision_conclude(actor=alice, jurisdiction=jurisdiction_for(alice), action_id=inquiry.pk, outcome="了结")
    supervision_respond(actor=alice, jurisdiction=jurisdiction_for(alice), action_id=inquiry.pk, responded_on=date(2025, 3, 10), response="情况说明……")
    with pytest.raises(IllegalTransition):
        supervision_respond(actor=alice, jurisdiction=jurisdiction_for(alice), action_id=inquiry.pk, responded_on=date(2025, 3, 11), response="再次说明")
    done = supervision_conclude(actor=alice, jurisdiction=jurisdiction_for(alice), action_id=inquiry.pk, outcome="反映问题不属实，予以了结")
    assert (done.responded_on, done.outcome) == (date(2025, 3, 10), "反映问题不属实，予以了结")


def test_supervision_validation_and_jurisdiction(tree, alice, carol, roster) -> None:
    with pytest.raises(ValidationFailed):
        supervision_record(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.head_a, kind="warning", issued_on=date(2025, 3, 1), matter="x")
    with pytest.raises(ValidationFailed):
        supervision_record(actor=alice, jurisdiction=jurisdiction_for(alice), cadre=roster.head_a, kind="reminder", issued_on=date(2025, 3, 1),
                           matter="x", response_due_on=date(2025, 2, 1))
    with pytest.raises(NotFound):
        supervision_record(actor=carol, jurisdiction=jurisdiction_for(carol), cadre=roster.head_a, kind="reminder", issued_on=date(2025, 3, 1), matter="x")


def test_supervision_page_records_and_masks_the_matter(tree, alice, bob, roster) -> None:
    response = logged_in(alice).post("/talks/supervision/", {
        "cadre": roster.head_a.pk, "kind": "reminder", "issued_on": "2025-03-01", "matter": "提醒改进工作作风"})
    assert response.status_code == 302 and SupervisionAction.objects.count() == 1
    assert "提醒改进工作作风" in logged_in(alice).get("/talks/supervision/").content.decode()
    page = logged_in(bob).get("/talks/supervision/").content.decode()
    assert "陈镇长" in page and "提醒改进工作作风" not in page


def test_flag_form_on_the_trigger_page(tree, alice, roster) -> None:
    response = logged_in(alice).post("/talks/flags/", {"cadre": roster.head_a.pk, "kind": "has_reports",
                                                        "note": "群众反映"})
    assert response.status_code == 302
    trigger = TalkTrigger.objects.get()
    assert (trigger.cadre, trigger.kind, trigger.rule_code) == (roster.head_a, TriggerKind.FLAGGED, "R03")
