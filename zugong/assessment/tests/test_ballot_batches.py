"""Ballots are counted in shuffled batches: the transaction that spends a code writes a pending ballot only;
another transaction moves at least `BATCH` pending ballots into `Ballot` rows in an order drawn from the
CSPRNG, and closing the vote counts the rest. So no id, no table order, no row's transaction and no log
follows the order in which codes were spent."""

from __future__ import annotations

import itertools
import json

import pytest
from django.db import connection

from zugong.assessment.models import Ballot, BallotMark, CampaignStatus, PendingBallot, VotingCode
from zugong.assessment.selectors import evaluation_results, turnout
from zugong.assessment.services.ballots import BATCH, ballot_cast, ballots_flush, code_hash
from zugong.assessment.services.campaigns import campaign_transition
from zugong.core.models import AuditEvent

from .test_ballots import issue, setup_vote

GRADES = ("优秀", "称职", "基本称职", "不称职")


def _patterns(n: int, people: int) -> list[tuple[str, ...]]:
    """n different ballots: each voter grades the subjects in a way no other voter does."""
    return list(itertools.islice(itertools.product(GRADES, repeat=people), n))


def _vote(world, n: int, people: int = 3):
    campaign, classes, subjects = setup_vote(world, people=people)
    codes = issue(world, campaign, classes["群众代表"], n)
    patterns = _patterns(n, people)
    return campaign, subjects, codes, patterns


def _counted_patterns(subjects) -> list[tuple[str, ...]]:
    """The ballots as counted, in id order (also the order of insertion)."""
    marks = {(m.ballot_id, m.subject_id): m.grade for m in BallotMark.objects.all()}
    return [tuple(marks[(b, s.pk)] for s in subjects)
            for b in Ballot.objects.order_by("pk").values_list("pk", flat=True)]


def test_a_ballot_below_a_batch_stays_pending_and_is_not_yet_in_the_results(world,
                                                                           django_capture_on_commit_callbacks) -> None:
    campaign, subjects, codes, patterns = _vote(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        for code, pattern in zip(codes, patterns, strict=True):
            ballot_cast(code=code, grades=dict(zip((s.pk for s in subjects), pattern, strict=True)))
    assert PendingBallot.objects.count() == 3 and not Ballot.objects.exists()
    assert [(t.name, t.voted) for t in turnout(campaign)] == [("班子成员", 0), ("群众代表", 3)]  # codes spent
    assert all(not r.counts for r in evaluation_results(campaign))  # nothing counted yet


def test_the_batchth_ballot_counts_the_whole_batch_in_another_transaction(world,
                                                                          django_capture_on_commit_callbacks) -> None:
    campaign, subjects, codes, patterns = _vote(world, BATCH)
    for code, pattern in zip(codes[:-1], patterns, strict=False):
        with django_capture_on_commit_callbacks(execute=True):
            ballot_cast(code=code, grades=dict(zip((s.pk for s in subjects), pattern, strict=True)))
    assert PendingBallot.objects.count() == BATCH - 1 and not Ballot.objects.exists()
    # the last of the batch: its cast schedules the flush to run after its own commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ballot_cast(code=codes[-1], grades=dict(zip((s.pk for s in subjects), patterns[-1], strict=True)))
    assert not Ballot.objects.exists() and len(callbacks) == 1
    callbacks[0]()
    assert not PendingBallot.objects.exists() and Ballot.objects.count() == BATCH
    assert sorted(_counted_patterns(subjects)) == sorted(patterns)
    flushed = AuditEvent.objects.filter(action="assessment.ballots_flush").get()
    assert flushed.summary == {"ballots": BATCH}


def test_ballots_are_counted_in_the_order_the_csprng_draws(world, monkeypatch) -> None:
    # given: a stand-in for the system's random source that reverses
    class Reversing:
        def shuffle(self, rows: list) -> None:
            rows.reverse()

    monkeypatch.setattr("zugong.assessment.services.ballots.secrets.SystemRandom", Reversing)
    campaign, subjects, codes, patterns = _vote(world, 5)
    for code, pattern in zip(codes, patterns, strict=True):
        ballot_cast(code=code, grades=dict(zip((s.pk for s in subjects), pattern, strict=True)))
    # when
    assert ballots_flush(campaign_id=campaign.pk) == 5
    # then: the rows follow the draw, not the casting
    assert _counted_patterns(subjects) == list(reversed(patterns))


def test_two_batches_in_cast_order_are_not_counted_in_cast_order(world, django_capture_on_commit_callbacks) -> None:
    # given: 2 × BATCH voters, each grading in a way of their own, casting one after the other
    campaign, subjects, codes, patterns = _vote(world, 2 * BATCH)
    for code, pattern in zip(codes, patterns, strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            ballot_cast(code=code, grades=dict(zip((s.pk for s in subjects), pattern, strict=True)))
    # then: every ballot counted, each batch holds its own voters but in an order of its own
    counted = _counted_patterns(subjects)
    assert sorted(counted) == sorted(patterns) and not PendingBallot.objects.exists()
    assert sorted(counted[:BATCH]) == sorted(patterns[:BATCH])
    # a batch keeping the cast order has a chance of 1 in 10! (3,628,800); both doing it, 1 in 1.3 × 10^13
    assert counted != patterns


def test_closing_the_vote_counts_the_last_smaller_batch(world) -> None:
    campaign, subjects, codes, patterns = _vote(world, 3)
    for code, pattern in zip(codes, patterns, strict=True):
        ballot_cast(code=code, grades=dict(zip((s.pk for s in subjects), pattern, strict=True)))
    common = {"actor": world.alice, "jurisdiction": world.ja, "campaign_id": campaign.pk}
    campaign_transition(**common, to=CampaignStatus.SCORING)
    assert PendingBallot.objects.count() == 3  # ballots are still cast while scoring
    campaign_transition(**common, to=CampaignStatus.RATING)
    assert not PendingBallot.objects.exists() and Ballot.objects.count() == 3
    assert {r.name: sum(r.counts["群众代表"].values()) for r in evaluation_results(campaign)} == {
        s.name: 3 for s in subjects}


def test_no_log_names_a_code_or_the_order_of_ballots(world, django_capture_on_commit_callbacks) -> None:
    campaign, subjects, codes, patterns = _vote(world, BATCH)
    for code, pattern in zip(codes, patterns, strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            ballot_cast(code=code, grades=dict(zip((s.pk for s in subjects), pattern, strict=True)))
    logged = " ".join(json.dumps(e.summary, ensure_ascii=False) + e.object_id for e in AuditEvent.objects.all())
    assert not [c for c in [*codes, *(code_hash(c) for c in codes)] if c in logged]
    ballot_ids = [str(pk) for pk in Ballot.objects.values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(action__in=("assessment.ballot_cast", "assessment.ballots_flush"))
    assert not [e for e in events if set(map(str, e.summary.values())) & set(ballot_ids) - {str(BATCH)}]
    assert [e.summary for e in events.filter(action="assessment.ballot_cast")] == [{"class": "群众代表"}] * BATCH


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="transaction ids (xmin) are PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_ballot_row_carries_the_transaction_of_a_code_spent(world) -> None:
    # given: each cast commits on its own, as on the phone page; the BATCH-th schedules the flush after its commit
    campaign, subjects, codes, patterns = _vote(world, BATCH)
    for code, pattern in zip(codes, patterns, strict=True):
        ballot_cast(code=code, grades=dict(zip((s.pk for s in subjects), pattern, strict=True)))
    assert Ballot.objects.count() == BATCH and not PendingBallot.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_votingcode WHERE used AND campaign_id = %s",
                       [campaign.pk])
        spent = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_ballot WHERE campaign_id = %s", [campaign.pk])
        counted = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT m.xmin::text FROM assessment_ballotmark m JOIN assessment_ballot b "
                       "ON b.id = m.ballot_id WHERE b.campaign_id = %s", [campaign.pk])
        marks = {row[0] for row in cursor.fetchall()}
    # then: every code was spent in its own transaction; all ballots and marks share the one flush's
    assert len(spent) == BATCH
    assert len(counted) == 1 and counted == marks and not counted & spent
    assert VotingCode.objects.filter(campaign=campaign, used=True).count() == BATCH
