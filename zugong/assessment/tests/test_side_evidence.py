"""R02 side evidence: R02's agency list and response days, due date, overdue on the day after, reply."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.utils import timezone

from zugong.assessment.models import CampaignStatus, SideEvidenceRequest
from zugong.assessment.rule_sources import side_evidence_items
from zugong.assessment.services.side_evidence import side_evidence_reply, side_evidence_request
from zugong.conftest import bearer, logged_in
from zugong.core.errors import Conflict, ValidationFailed
from zugong.rules.registry import SourceContext

from .conftest import campaign_at

DEFAULT_BODIES = ["纪检监察", "巡视", "审计", "法检", "综治", "环保"]


def team_campaign(world):
    campaign = campaign_at(world, CampaignStatus.OPEN, cadres=[], teams=(world.tree.township_a,))
    return campaign, campaign.subjects.get()


def ask(world, campaign, subject, on: date, agencies=None) -> list[SideEvidenceRequest]:
    return side_evidence_request(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                                 subject_id=subject.pk, requested_on=on, agencies=agencies)


def test_a_team_is_asked_of_every_agency_of_r02_due_after_the_response_days(world) -> None:
    campaign, subject = team_campaign(world)
    rows = ask(world, campaign, subject, date(2026, 11, 2))
    assert [r.agency for r in rows] == DEFAULT_BODIES
    assert {r.due_on for r in rows} == {date(2026, 11, 17)}  # 15 calendar days


@pytest.mark.parametrize(("today", "overdue"), [(date(2026, 11, 16), False), (date(2026, 11, 17), False),
                                                (date(2026, 11, 18), True)])
def test_overdue_on_the_day_after_the_due_day(world, today: date, overdue: bool) -> None:
    campaign, subject = team_campaign(world)
    [row] = ask(world, campaign, subject, date(2026, 11, 2), agencies=["审计"])
    assert row.is_overdue(today) is overdue


def test_a_reply_closes_the_request_and_a_late_one_stays_overdue(world) -> None:
    campaign, subject = team_campaign(world)
    on_time, late = ask(world, campaign, subject, date(2026, 11, 2), agencies=["审计", "巡视"])
    side_evidence_reply(actor=world.alice, jurisdiction=world.ja, request_id=on_time.pk,
                        replied_on=date(2026, 11, 17), reply="未发现问题")
    side_evidence_reply(actor=world.alice, jurisdiction=world.ja, request_id=late.pk,
                        replied_on=date(2026, 11, 20), reply="巡察反馈问题已整改")
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert not on_time.is_overdue(date(2026, 12, 31)) and late.is_overdue(date(2026, 12, 31))
    with pytest.raises(Conflict, match="已于 2026-11-17 回复"):
        side_evidence_reply(actor=world.alice, jurisdiction=world.ja, request_id=on_time.pk,
                            replied_on=date(2026, 11, 18), reply="再次回复")


def test_an_agency_outside_r02s_list_and_a_cadre_subject_are_refused(world) -> None:
    campaign, subject = team_campaign(world)
    with pytest.raises(ValidationFailed, match="旁证单位须为纪检监察、巡视、审计、法检、综治、环保中的单位"):
        ask(world, campaign, subject, date(2026, 11, 2), agencies=["统计局"])
    cadre_campaign = campaign_at(world, CampaignStatus.OPEN, cadres=world.cadres[:1])
    with pytest.raises(ValidationFailed, match="领导班子或单位"):
        ask(world, cadre_campaign, cadre_campaign.subjects.get(), date(2026, 11, 2))


def test_the_rule_source_gives_the_engine_each_request_as_a_deadline_item(world) -> None:
    campaign, subject = team_campaign(world)
    [row] = ask(world, campaign, subject, date(2026, 11, 2), agencies=["审计"])
    ctx = SourceContext(root_path=world.tree.county_a.path, period_start=date(2026, 11, 1),
                        period_end=date(2026, 11, 30), as_of=date(2026, 11, 30))
    [item] = list(side_evidence_items(ctx))
    assert item == {"org_unit_id": world.tree.township_a.pk, "subject_id": row.pk,
                    "subject_label": f"{world.tree.township_a.name} · 审计旁证", "start_date": date(2026, 11, 2),
                    "due_date": date(2026, 11, 17), "done_date": None}


def test_api_and_page_show_overdue_side_evidence_to_the_staff(world, carol) -> None:
    campaign, subject = team_campaign(world)
    old = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year - 1)
    created = bearer(world.alice).post(f"/api/v1/assessments/{campaign.pk}/side-evidence",
                                       json.dumps({"subject_id": subject.pk, "requested_on": old.isoformat(),
                                                   "agencies": ["环保"]}), content_type="application/json")
    assert created.status_code == 201 and created.json()[0]["overdue"] is True
    assert bearer(carol).get(f"/api/v1/assessments/{campaign.pk}/side-evidence").status_code == 404
    page = logged_in(world.alice).get(f"/assessment/{campaign.pk}/").content.decode()
    assert "环保" in page.split('id="zg-side-evidence"')[1] and "逾期" in page
    replied = bearer(world.alice).post(
        f"/api/v1/assessments/{campaign.pk}/side-evidence/{created.json()[0]['id']}/reply",
        json.dumps({"replied_on": old.isoformat(), "reply": "无环保问题"}), content_type="application/json")
    assert replied.status_code == 200 and replied.json()["overdue"] is False


def test_the_page_asks_the_ticked_agencies_and_records_a_reply(world, carol) -> None:
    campaign, subject = team_campaign(world)
    client = logged_in(world.alice)
    page = client.get(f"/assessment/{campaign.pk}/").content.decode()
    assert 'id="zg-evidence-form"' in page and all(f'value="{a}"' in page for a in DEFAULT_BODIES)
    sent = client.post(f"/assessment/{campaign.pk}/side-evidence/",
                       {"subject": subject.pk, "requested_on": "2026-11-02", "agencies": ["审计", "巡视"]}, follow=True)
    assert "已向 2 个单位征求旁证，回复期限 2026-11-17" in sent.content.decode()
    row = SideEvidenceRequest.objects.get(agency="审计")
    replied = client.post(f"/assessment/{campaign.pk}/side-evidence/{row.pk}/reply/",
                          {"replied_on": "2026-11-10", "reply": "未发现问题"}, follow=True)
    assert "旁证回复已登记" in replied.content.decode()
    row.refresh_from_db()
    assert (row.replied_on, row.reply) == (date(2026, 11, 10), "未发现问题")
    again = client.post(f"/assessment/{campaign.pk}/side-evidence/{row.pk}/reply/",
                        {"replied_on": "2026-11-11", "reply": "再次回复"}, follow=True)
    assert "审计的旁证已于 2026-11-10 回复" in again.content.decode()
    assert logged_in(carol).post(f"/assessment/{campaign.pk}/side-evidence/",
                                 {"subject": subject.pk, "requested_on": "2026-11-02"}).status_code == 404
