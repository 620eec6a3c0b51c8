"""The talks forms: ISO dates in Chinese, nothing pre-selected, one form per 约谈 step with its own fields
and ids, and a step form with a mistake shown again with its message."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone, translation

from zugong.conftest import logged_in
from zugong.core.jurisdiction import jurisdiction_for
from zugong.talks.forms import STEP_FORMS, TalkForm
from zugong.talks.models import Interview, InterviewSituation, InterviewStatus, InterviewTarget
from zugong.talks.services.interviews import interview_approve, interview_propose


def approved(alice, roster) -> Interview:
    j = jurisdiction_for(alice)
    interview = interview_propose(actor=alice, jurisdiction=j, target_kind=InterviewTarget.CADRE, cadre=roster.head_a,
                                  situations=[InterviewSituation.objects.get(code="C01")], proposed_on=date(2025, 3, 1))
    return interview_approve(actor=alice, jurisdiction=j, interview_id=interview.pk, on=date(2025, 3, 2))


def test_the_talk_date_is_iso_in_chinese(tree, alice, roster) -> None:
    with translation.override("zh-hans"):
        html = str(TalkForm(jurisdiction=jurisdiction_for(alice))["held_on"])
    assert f'value="{timezone.localdate().isoformat()}"' in html and 'type="date"' in html


def test_the_talk_form_preselects_no_kind(tree, alice, roster) -> None:
    html = logged_in(alice).get("/talks/new/").content.decode()
    kind = html.split('name="kind"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', kind) == [""]


def test_each_step_form_asks_only_its_own_fields() -> None:
    fields = {step: sorted(form.base_fields) for step, form in STEP_FORMS.items()}
    assert fields == {
        "approve": ["on"], "reject": ["on", "reason"], "notice": ["on", "scheduled_for"],
        "hold": ["interviewers", "on", "place", "record"], "follow-up": ["note", "on"], "report": ["on", "text"],
        "assess": ["note", "on", "outcome"]}


def test_the_notice_form_has_its_own_ids_and_no_other_steps_fields(tree, alice, roster) -> None:
    interview = approved(alice, roster)
    html = logged_in(alice).get(f"/talks/interviews/{interview.pk}/").content.decode()
    ids = re.findall(r' id="(id_[^"]+)"', html)
    assert ids == ["id_notice_on", "id_notice_scheduled_for"]
    assert "书面报告（保密）" not in html and "评估结论" not in html


def test_a_step_form_with_a_mistake_is_shown_again(tree, alice, roster) -> None:
    interview = approved(alice, roster)
    response = logged_in(alice).post(f"/talks/interviews/{interview.pk}/notice/", {"on": "2025-03-05"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<details data-step="notice" open>' in html and "这个字段是必填项" in html
    assert 'value="2025-03-05"' in html  # what was typed stays, in ISO form
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.APPROVED


def test_a_service_refusal_is_shown_in_the_step_form(tree, alice, roster) -> None:
    interview = approved(alice, roster)
    response = logged_in(alice).post(f"/talks/interviews/{interview.pk}/notice/",
                                     {"on": "2025-03-05", "scheduled_for": "2025-03-04"})
    assert response.status_code == 400 and "约定约谈日期不能早于预告日期" in response.content.decode()


def test_a_step_the_state_machine_refuses_is_the_409_page(tree, alice, roster) -> None:
    interview = approved(alice, roster)
    response = logged_in(alice).post(f"/talks/interviews/{interview.pk}/assess/", {"on": "2025-03-05"})
    assert response.status_code == 409
    assert "约谈当前为“已批准”，不能改为“已评估”（可进行：已预告）" in response.content.decode()
    assert logged_in(alice).post(f"/talks/interviews/{interview.pk}/dance/", {}).status_code == 404


def test_the_record_link_of_a_trigger_prefills_the_talkee_and_kind(tree, alice, roster) -> None:
    html = logged_in(alice).get(f"/talks/new/?cadre={roster.head_a.pk}&kind=flagged").content.decode()
    talkees = html.split('name="talkees"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\d+)" selected>([^<]*)</option>', talkees) == [
        (str(roster.head_a.pk), "陈镇长（甲镇 · 甲镇镇长）")]
    kind = html.split('name="kind"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', kind) == ["flagged"]
