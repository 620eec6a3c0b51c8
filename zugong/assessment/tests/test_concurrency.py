"""Two clerks giving the last 优秀 place to two different cadres at once: the campaign row lock lets exactly
one through (PostgreSQL); the locks take only their own rows."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from zugong.assessment.locks import lock_campaign
from zugong.assessment.models import CampaignStatus, Subject
from zugong.assessment.services.ratings import rating_set
from zugong.core.errors import Conflict

from .conftest import campaign_at


def test_the_campaign_lock_takes_only_its_own_row(world) -> None:
    campaign = campaign_at(world, CampaignStatus.DRAFT, cadres=world.cadres[:1])
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        lock_campaign(campaign.pk)
    sql = captured.captured_queries[-1]["sql"]
    if connection.features.has_select_for_update_of:
        assert re.search(r'FOR UPDATE OF "?assessment_campaign"?$', sql), sql
    else:
        assert "FOR UPDATE" not in sql


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
def test_two_clerks_taking_the_last_excellent_place_at_once_exactly_one_wins(world) -> None:
    # given: 10 cadres at 10 % → one 优秀 place, two clerks in two threads
    campaign = campaign_at(world, CampaignStatus.RATING, share=Decimal("0.1"))
    first, second = (Subject.objects.get(campaign=campaign, cadre=p).pk for p in world.cadres[:2])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def rate(subject_id: int) -> None:
        try:
            barrier.wait()
            rating_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, subject_id=subject_id,
                       rating="优秀")
            outcomes.append("won")
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=rate, args=(pk,)) for pk in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert sorted(outcomes) == ["won", "“优秀”等次名额已满：共 10 个考核对象，比例 10%，最多 1 个，已评定 1 个"]
    assert Subject.objects.filter(campaign=campaign, rating="优秀").count() == 1
