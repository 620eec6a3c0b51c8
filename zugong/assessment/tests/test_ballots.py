"""民主测评: one-time codes, one vote each (also concurrently on PostgreSQL), anonymity, weighted tally."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, models
from django.test import Client, override_settings

from zugong.assessment.models import (
    Ballot,
    BallotMark,
    CampaignStatus,
    PendingBallot,
    VoterClass,
    VoterClassWeight,
    VotingCode,
)
from zugong.assessment.selectors import evaluation_results, turnout
from zugong.assessment.services.ballots import (
    ballot_cast,
    ballots_flush,
    code_hash,
    codes_issue,
    voter_class_weight_set,
)
from zugong.conftest import bearer
from zugong.core.errors import Conflict, ValidationFailed
from zugong.core.models import AccessEvent, AuditEvent

from .conftest import campaign_at


def cast(*, code: str, grades: dict[int, str]) -> None:
    """Cast a ballot and count it at once, as closing the vote counts the last batch however small (the
    batches themselves: test_ballot_batches.py)."""
    pending = ballot_cast(code=code, grades=grades)
    ballots_flush(campaign_id=pending.campaign_id)


def setup_vote(world, *, people: int = 2) -> tuple:
    campaign = campaign_at(world, CampaignStatus.OPEN, cadres=world.cadres[:people])
    voter_class_weight_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, name="班子成员",
                           weight=Decimal("40"))
    voter_class_weight_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, name="群众代表",
                           weight=Decimal("60"))
    classes = {c.name: c for c in VoterClass.objects.filter(campaign=campaign)}
    subjects = list(campaign.subjects.order_by("pk"))
    return campaign, classes, subjects


def issue(world, campaign, voter_class, n: int) -> list[str]:
    return codes_issue(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk,
                       voter_class_id=voter_class.pk, count=n)


def test_codes_are_kept_only_as_hashes(world) -> None:
    campaign, classes, _ = setup_vote(world)
    codes = issue(world, campaign, classes["班子成员"], 5)
    assert len(set(codes)) == 5 and all(len(c) == 10 for c in codes)
    stored = set(VotingCode.objects.values_list("code_hash", flat=True))
    assert stored == {code_hash(c) for c in codes}
    assert not any(c in str(e.summary) for e in AuditEvent.objects.all() for c in codes)


def test_each_code_votes_once(world) -> None:
    campaign, classes, subjects = setup_vote(world)
    [code] = issue(world, campaign, classes["群众代表"], 1)
    grades = {s.pk: "称职" for s in subjects}
    cast(code=code.lower(), grades=grades)  # typed in lower case on a phone: still the code
    with pytest.raises(Conflict, match="测评码无效或已使用"):
        cast(code=code, grades=grades)
    assert Ballot.objects.count() == 1 and BallotMark.objects.count() == 2


def test_a_ballot_must_grade_every_subject_on_its_scale_and_keeps_the_code_unspent_otherwise(world) -> None:
    campaign, classes, subjects = setup_vote(world)
    [code] = issue(world, campaign, classes["群众代表"], 1)
    with pytest.raises(ValidationFailed, match=f"尚未评价：{subjects[1].name}"):
        cast(code=code, grades={subjects[0].pk: "优秀"})
    with pytest.raises(ValidationFailed, match="评价无效"):
        cast(code=code, grades={subjects[0].pk: "优秀", subjects[1].pk: "好"})
    assert not VotingCode.objects.get().used
    cast(code=code, grades={subjects[0].pk: "优秀", subjects[1].pk: "称职"})


def test_codes_do_not_vote_before_the_campaign_opens_or_after_scoring(world) -> None:
    campaign, classes, subjects = setup_vote(world)
    [code] = issue(world, campaign, classes["群众代表"], 1)
    type(campaign).objects.filter(pk=campaign.pk).update(status=CampaignStatus.RATING)
    with pytest.raises(Conflict, match="测评码无效或已使用"):
        cast(code=code, grades={s.pk: "称职" for s in subjects})


def test_nothing_links_a_cast_ballot_to_its_code(world) -> None:
    # given: three codes of one class, two of them voted
    campaign, classes, subjects = setup_vote(world)
    codes = issue(world, campaign, classes["群众代表"], 3)
    for code, grade in zip(codes[:2], ("优秀", "不称职"), strict=True):
        cast(code=code, grades={s.pk: grade for s in subjects})
    # then: no column of a ballot or a mark points at a code, and neither ballots nor codes carry a time
    for model in (Ballot, BallotMark):
        related = {f.related_model for f in model._meta.get_fields() if f.is_relation}
        assert VotingCode not in related
    for timeless in (Ballot, BallotMark, VotingCode):
        assert not [f.name for f in timeless._meta.get_fields()
                    if isinstance(f, models.DateTimeField | models.DateField)], timeless
    assert not [f.name for f in VotingCode._meta.get_fields() if f.is_relation and f.related_model is Ballot]
    # and no audit event or access log line names a code or its hash
    secrets = [*codes, *(code_hash(c) for c in codes)]
    logged = " ".join(json.dumps(e.summary, ensure_ascii=False) + e.object_id for e in AuditEvent.objects.all())
    logged += " ".join(str(a.__dict__) for a in AccessEvent.objects.all())
    assert not [s for s in secrets if s in logged]
    cast_events = AuditEvent.objects.filter(action="assessment.ballot_cast")
    assert [e.summary for e in cast_events] == [{"class": "群众代表"}, {"class": "群众代表"}]


def test_turnout_and_the_weighted_score_per_subject(world) -> None:
    # given: 班子成员 weight 40 (2 of 4 codes vote), 群众代表 weight 60 (1 of 2 votes)
    campaign, classes, subjects = setup_vote(world)
    a, b = subjects
    team_codes = issue(world, campaign, classes["班子成员"], 4)
    public_codes = issue(world, campaign, classes["群众代表"], 2)
    cast(code=team_codes[0], grades={a.pk: "优秀", b.pk: "称职"})
    cast(code=team_codes[1], grades={a.pk: "称职", b.pk: "称职"})
    cast(code=public_codes[0], grades={a.pk: "基本称职", b.pk: "优秀"})
    # then: turnout per class
    assert [(t.name, t.issued, t.voted, t.rate) for t in turnout(campaign)] == [
        ("班子成员", 4, 2, Decimal("50.0")), ("群众代表", 2, 1, Decimal("50.0"))]
    # a: 班子成员 mean (100+80)/2 = 90, 群众代表 60 → (40×90 + 60×60)/100 = 72
    # b: 班子成员 80, 群众代表 100 → (40×80 + 60×100)/100 = 92
    results = {r.name: r for r in evaluation_results(campaign)}
    assert results[a.name].score == Decimal("72.00") and results[a.name].rank == 2
    assert results[b.name].score == Decimal("92.00") and results[b.name].rank == 1
    assert results[a.name].counts == {"班子成员": {"优秀": 1, "称职": 1}, "群众代表": {"基本称职": 1}}
    assert results[a.name].means == {"班子成员": Decimal("90.00"), "群众代表": Decimal("60.00")}


def test_a_new_weight_is_a_new_version_and_the_tally_uses_the_newest(world) -> None:
    campaign, classes, subjects = setup_vote(world, people=1)
    [team_code] = issue(world, campaign, classes["班子成员"], 1)
    [public_code] = issue(world, campaign, classes["群众代表"], 1)
    cast(code=team_code, grades={subjects[0].pk: "优秀"})
    cast(code=public_code, grades={subjects[0].pk: "基本称职"})
    assert evaluation_results(campaign)[0].score == Decimal("76.00")  # (40×100 + 60×60) / 100
    voter_class_weight_set(actor=world.alice, jurisdiction=world.ja, campaign_id=campaign.pk, name="班子成员",
                           weight=Decimal("60"))
    assert list(VoterClassWeight.objects.filter(voter_class=classes["班子成员"]).order_by("version")
                .values_list("version", "weight")) == [(1, Decimal("40.00")), (2, Decimal("60.00"))]
    assert evaluation_results(campaign)[0].score == Decimal("80.00")  # (60×100 + 60×60) / 120


def test_the_phone_page_casts_a_ballot_without_an_account(world) -> None:
    campaign, classes, subjects = setup_vote(world)
    [code] = issue(world, campaign, classes["群众代表"], 1)
    phone = Client(enforce_csrf_checks=False)
    assert "请输入测评票上的测评码" in phone.get("/m/vote/").content.decode()
    ballot = phone.post("/m/vote/", {"code": code}).content.decode()
    assert campaign.title in ballot and all(s.name in ballot for s in subjects) and code in ballot
    missing = phone.post("/m/vote/", {"code": code, "cast": "1", f"grade-{subjects[0].pk}": "优秀"})
    assert missing.status_code == 400 and "尚未评价" in missing.content.decode()
    done = phone.post("/m/vote/", {"code": code, "cast": "1", **{f"grade-{s.pk}": "称职" for s in subjects}})
    assert done.status_code == 200 and "测评票已提交" in done.content.decode()
    again = phone.post("/m/vote/", {"code": code})
    assert again.status_code == 409 and "测评码无效或已使用" in again.content.decode()


@override_settings(ZUGONG_VOTE_PER_ADDRESS_HOUR=2)
def test_the_phone_page_throttles_refused_codes_per_address(world) -> None:
    from django.core.cache import cache

    cache.clear()
    campaign, classes, subjects = setup_vote(world)
    codes = issue(world, campaign, classes["群众代表"], 3)
    phone = Client()
    # three voters behind one address, each with a valid code: none is held up (2 POSTs each)
    for code in codes:
        assert phone.post("/m/vote/", {"code": code}).status_code == 200
        cast = phone.post("/m/vote/", {"code": code, "cast": "1", **{f"grade-{s.pk}": "称职" for s in subjects}})
        assert cast.status_code == 200
    # guessing: two refusals, then the address waits
    assert [phone.post("/m/vote/", {"code": "WRONGCODE"}).status_code for _ in range(3)] == [409, 409, 429]
    assert "尝试次数过多" in phone.post("/m/vote/", {"code": codes[0]}).content.decode()


def test_results_and_codes_api_are_for_the_campaign_staff(world, carol, tree) -> None:
    from zugong.conftest import make_user
    from zugong.core.models import Role

    campaign, classes, subjects = setup_vote(world)
    issued = bearer(world.alice).post(f"/api/v1/assessments/{campaign.pk}/codes",
                                      json.dumps({"voter_class_id": classes["群众代表"].pk, "count": 3}),
                                      content_type="application/json")
    assert issued.status_code == 201 and len(issued.json()["codes"]) == 3
    cast(code=issued.json()["codes"][0], grades={s.pk: "优秀" for s in subjects})
    results = bearer(world.alice).get(f"/api/v1/assessments/{campaign.pk}/evaluation").json()
    assert [(r["name"], Decimal(r["score"]), r["rank"]) for r in results] == [
        (subjects[0].name, Decimal("100"), 1), (subjects[1].name, Decimal("100"), 2)]
    classes_out = bearer(world.alice).get(f"/api/v1/assessments/{campaign.pk}/voter-classes").json()
    assert [(c["name"], c["issued"], c["voted"]) for c in classes_out] == [("班子成员", 0, 0), ("群众代表", 3, 1)]
    leader = make_user("leader", tree.county_a, Role.LEADER)
    assert bearer(leader).get(f"/api/v1/assessments/{campaign.pk}/evaluation").status_code == 403
    assert bearer(carol).get(f"/api/v1/assessments/{campaign.pk}/evaluation").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
def test_the_same_code_sent_from_two_phones_at_once_votes_once(world) -> None:
    campaign, classes, subjects = setup_vote(world)
    [code] = issue(world, campaign, classes["群众代表"], 1)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def cast() -> None:
        try:
            barrier.wait()
            ballot_cast(code=code, grades={s.pk: "称职" for s in subjects})
            outcomes.append("cast")
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["cast", *["测评码无效或已使用"] * 3]
    assert PendingBallot.objects.count() == 1 and not Ballot.objects.exists()  # one pending, below a batch
    ballots_flush(campaign_id=campaign.pk)
    assert Ballot.objects.count() == 1 and BallotMark.objects.count() == len(subjects)


def test_the_campaign_page_shows_turnout_and_results_to_staff_only(world, tree) -> None:
    from zugong.conftest import logged_in, make_user
    from zugong.core.models import Role

    campaign, classes, subjects = setup_vote(world, people=1)
    [code, _unused] = issue(world, campaign, classes["群众代表"], 2)
    cast(code=code, grades={subjects[0].pk: "基本称职"})
    page = logged_in(world.alice).get(f"/assessment/{campaign.pk}/").content.decode()
    turnout_table = page.split('id="zg-turnout"')[1].split("</table>")[0]
    assert "<td>群众代表</td><td>60</td><td>1</td><td>2</td><td>1</td><td>50.0%</td>" in turnout_table
    assert "<td>1</td><td>" + subjects[0].name + "</td><td>60.00</td>" in page
    leader = make_user("leader", tree.county_a, Role.LEADER)
    assert 'id="zg-results"' not in logged_in(leader).get(f"/assessment/{campaign.pk}/").content.decode()


def test_the_review_ranking_for_selection_lists_top_and_bottom_of_those_voted_on(world, carol) -> None:
    from zugong.assessment.selectors import public_review_ranking
    from zugong.core.errors import NotFound
    from zugong.core.jurisdiction import jurisdiction_for

    campaign, classes, subjects = setup_vote(world, people=4)
    grades = dict(zip((s.pk for s in subjects), ("优秀", "称职", "基本称职", "不称职"), strict=True))
    [code] = issue(world, campaign, classes["群众代表"], 1)
    cast(code=code, grades=grades)
    ranking = public_review_ranking(world.ja, campaign.pk, size=2)
    assert [r.name for r in ranking.top] == [subjects[0].name, subjects[1].name]
    assert [r.name for r in ranking.bottom] == [subjects[3].name, subjects[2].name]
    with pytest.raises(NotFound):
        public_review_ranking(jurisdiction_for(carol), campaign.pk)
