"""Uses of published results: 表彰 / 优先使用 after 优秀, 诫勉谈话 after 基本称职 or 不称职 (recorded in talks
as a supervision action), 岗位调整建议 after 不称职; refused with the reason otherwise; only once published."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zugong.assessment.models import CampaignStatus, ResultUse
from zugong.assessment.services import campaigns as svc
from zugong.assessment.services.ratings import rating_set
from zugong.assessment.services.uses import result_use_record
from zugong.conftest import logged_in
from zugong.core.errors import Conflict, IllegalTransition
from zugong.talks.models import SupervisionAction

from .conftest import campaign_at

DAY = date(2026, 12, 20)


def _published(world):
    people = world.cadres[:4]
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=people, share=Decimal("0.25"))
    subjects = {s.cadre_id: s for s in campaign.subjects.all()}
    for person, rating in zip(people, ("优秀", "称职", "基本称职", "不称职"), strict=True):
        rating_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                   subject_id=subjects[person.pk].pk, rating=rating)
    svc.campaign_transition(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, to="published")
    return campaign, [subjects[p.pk] for p in people]


def _use(world, campaign, subject, kind: str):
    return result_use_record(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject.pk,
                             kind=kind, decided_on=DAY, note="年度考核结果运用")


def test_uses_follow_the_published_rating(world) -> None:
    campaign, (excellent, competent, basic, incompetent) = _published(world)
    _use(world, campaign, excellent, "commendation")
    _use(world, campaign, excellent, "priority_use")
    admonished = _use(world, campaign, basic, "admonishment")
    _use(world, campaign, incompetent, "post_adjustment")
    action = SupervisionAction.objects.get()
    assert admonished.supervision_action == action
    assert (action.cadre_id, action.kind, action.issued_on) == (basic.cadre_id, "admonishment", DAY)
    assert action.matter == "2026年度考核评定为“基本称职”，进行诫勉谈话。年度考核结果运用"
    with pytest.raises(Conflict) as refused:
        _use(world, campaign, competent, "commendation")
    assert refused.value.message == f"“表彰”只适用于评为“好”或“优秀”的考核对象（{competent.name}为“称职”）"
    with pytest.raises(Conflict) as twice:
        _use(world, campaign, excellent, "commendation")
    assert twice.value.message == f"{excellent.name}已有“表彰”的结果运用"
    assert ResultUse.objects.count() == 4


def test_uses_wait_for_publication(world) -> None:
    campaign = campaign_at(world, CampaignStatus.RATING, cadres=world.cadres[:1])
    with pytest.raises(IllegalTransition) as caught:
        _use(world, campaign, campaign.subjects.get(), "commendation")
    assert caught.value.message == "考核结果公布后才能运用"


def test_the_page_offers_only_the_uses_a_rating_allows_and_records_one(world, carol) -> None:
    campaign, (excellent, _competent, basic, _incompetent) = _published(world)
    client = logged_in(world.alice)
    page = client.get(f"/assessment/{campaign.pk}/").content.decode()
    row = page.split(f'id="zg-subject-{basic.pk}"')[1].split("</tr>")[0]
    assert "诫勉谈话" in row and "表彰" not in row
    done = client.post(f"/assessment/{campaign.pk}/uses/", {"subject": excellent.pk, "kind": "commendation",
                                                            "decided_on": "2026-12-20"}, follow=True)
    assert "已登记结果运用：表彰" in done.content.decode()
    assert ResultUse.objects.get().subject == excellent
    assert logged_in(carol).post(f"/assessment/{campaign.pk}/uses/", {"subject": excellent.pk}).status_code == 404
