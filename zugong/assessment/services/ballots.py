"""Democratic evaluation (民主测评 / 群众评议): voter classes with versioned weights, one-time codes, and the
anonymous ballot cast from a phone without an account.

A code is stored as its SHA-256 with a `used` flag and no time; the ballot names its campaign and voter
class only; the audit event of a cast ballot names the campaign and class, never the code. The transaction
that spends a code writes a pending ballot; another transaction moves pending ballots into `Ballot` rows
in shuffled batches (`ballots_flush`), so neither a ballot's id nor its row's transaction follows the
order or the transaction in which codes were spent. So once a ballot is counted, nothing in the database or
the audit chain says which code cast it (see docs/assessment.md for what remains).
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max

from zugong.assessment.locks import lock_campaign
from zugong.assessment.models import (
    Ballot,
    BallotMark,
    Campaign,
    CampaignStatus,
    PendingBallot,
    Subject,
    VoterClass,
    VoterClassWeight,
    VotingCode,
)
from zugong.core.audit import audit_record
from zugong.core.errors import Conflict, IllegalTransition, ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require

# No 0/O, 1/I/L: a code is read off a printed slip and typed on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_CODES = 5000
VOTING = (CampaignStatus.OPEN, CampaignStatus.SCORING)
INVALID_CODE = "测评码无效或已使用"
# Cast ballots are counted in shuffled batches of at least this many (and all that remain when voting
# closes): a ballot's row, id and transaction are those of its batch, not of the code that cast it.
BATCH = 10


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").encode("ascii", "ignore")).hexdigest()


def _before_results(jurisdiction: Jurisdiction, campaign_id: int) -> Campaign:
    campaign = lock_campaign(campaign_id)
    require(jurisdiction, "assessment.campaign_create", campaign.org_unit)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise IllegalTransition(f"考核已{CampaignStatus(campaign.status).label}，不能再设置投票人类别或发放测评码")
    return campaign


@transaction.atomic
def voter_class_weight_set(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, name: str,
                           weight: Decimal) -> VoterClassWeight:
    """Create the class if new, and add a new version of its weight (earlier versions are kept)."""
    campaign = _before_results(jurisdiction, campaign_id)
    if not name.strip():
        raise ValidationFailed("请填写投票人类别", field="name")
    if not Decimal("0") < weight <= Decimal("100"):
        raise ValidationFailed("类别权重须大于 0 且不超过 100", field="weight")
    voter_class, _created = VoterClass.objects.get_or_create(
        campaign=campaign, name=name.strip(), defaults={"sort_order": campaign.voter_classes.count()})
    last = voter_class.weights.aggregate(v=Max("version"))["v"] or 0
    row = VoterClassWeight.objects.create(voter_class=voter_class, version=last + 1, weight=weight,
                                          set_by_id=actor.pk if actor is not None else None)
    audit_record(actor=actor, action="assessment.voter_class_weight_set", obj=campaign, org_unit=campaign.org_unit,
                 summary={"class": voter_class.name, "version": row.version, "weight": str(weight)})
    return row


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def codes_issue(*, actor: Actor, jurisdiction: Jurisdiction, campaign_id: int, voter_class_id: int,
                count: int) -> list[str]:
    """Issue `count` one-time codes for a class. The codes are returned once, for printing; only hashes stay."""
    campaign = _before_results(jurisdiction, campaign_id)
    voter_class = VoterClass.objects.filter(campaign=campaign, pk=voter_class_id).first()
    if voter_class is None:
        raise ValidationFailed("投票人类别不属于本次考核", field="voter_class")
    if not 1 <= count <= MAX_CODES:
        raise ValidationFailed(f"一次发放 1 至 {MAX_CODES} 个测评码", field="count")
    codes = sorted({_new_code() for _ in range(count)})
    while len(codes) < count:  # a collision among 31^10 codes is vanishingly rare; draw again if it happens
        codes = sorted({*codes, _new_code()})
    try:
        with transaction.atomic():
            VotingCode.objects.bulk_create([VotingCode(campaign=campaign, voter_class=voter_class,
                                                       code_hash=code_hash(c)) for c in codes])
    except IntegrityError as exc:
        raise Conflict("测评码生成冲突，请重试") from exc
    audit_record(actor=actor, action="assessment.codes_issue", obj=campaign, org_unit=campaign.org_unit,
                 summary={"class": voter_class.name, "count": count})
    return codes


def ballot_of(code: str) -> tuple[Campaign, VoterClass, list[Subject]]:
    """What a valid, unused code may vote on (the phone page's ballot); refused otherwise."""
    found = (VotingCode.objects.select_related("campaign", "voter_class")
             .filter(code_hash=code_hash(code), used=False).first())
    if found is None or found.campaign.status not in VOTING:
        raise Conflict(INVALID_CODE)
    subjects = list(Subject.objects.filter(campaign=found.campaign).select_related("cadre", "org_unit")
                    .order_by("kind", "org_unit__path", "pk"))
    return found.campaign, found.voter_class, subjects


def _marks(subjects: list[Subject], grades: dict[int, str]) -> list[tuple[Subject, str]]:
    missing = [s.name for s in subjects if s.pk not in grades]
    if missing:
        raise ValidationFailed(f"请对每个测评对象作出评价（尚未评价：{'、'.join(missing)}）", field="grades")
    marks = [(s, grades[s.pk]) for s in subjects]
    wrong = [s.name for s, grade in marks if grade not in s.scale]
    if wrong:
        raise ValidationFailed(f"评价无效：{'、'.join(wrong)}", field="grades")
    return marks


@transaction.atomic
def ballot_cast(*, code: str, grades: dict[int, str]) -> PendingBallot:
    """Cast the ballot of a one-time code: every subject graded once. The code is spent by a conditional
    update (used=False → True), so two phones sending the same code at once cannot both vote. The ballot is
    kept pending; once `BATCH` are pending, another transaction counts them in shuffled order."""
    campaign, voter_class, subjects = ballot_of(code)
    marks = _marks(subjects, grades)
    spent = VotingCode.objects.filter(code_hash=code_hash(code), used=False).update(used=True)
    if spent != 1:
        raise Conflict(INVALID_CODE)
    pending = PendingBallot.objects.create(campaign=campaign, voter_class=voter_class,
                                           grades={str(s.pk): g for s, g in marks})
    audit_record(actor=None, action="assessment.ballot_cast", obj=campaign, org_unit=campaign.org_unit,
                 summary={"class": voter_class.name})
    campaign_id = campaign.pk
    transaction.on_commit(lambda: ballots_flush(campaign_id=campaign_id, minimum=BATCH))
    return pending


@transaction.atomic
def ballots_flush(*, campaign_id: int, minimum: int = 1) -> int:
    """Count the campaign's pending ballots — at least `minimum` of them, else none — as `Ballot` rows in an
    order drawn from the system's CSPRNG, in this transaction (never the one that spent a code), and delete
    them from the pending table. Returns how many were counted."""
    campaign = lock_campaign(campaign_id)  # one flush of a campaign at a time
    pending = list(PendingBallot.objects.filter(campaign=campaign).order_by())
    if not pending or len(pending) < minimum:
        return 0
    secrets.SystemRandom().shuffle(pending)
    ballots = Ballot.objects.bulk_create([Ballot(campaign=campaign, voter_class_id=p.voter_class_id)
                                          for p in pending])
    BallotMark.objects.bulk_create([BallotMark(ballot=ballot, subject_id=int(subject_id), grade=grade)
                                    for ballot, p in zip(ballots, pending, strict=True)
                                    for subject_id, grade in sorted(p.grades.items())])
    PendingBallot.objects.filter(pk__in=[p.pk for p in pending]).delete()
    audit_record(actor=None, action="assessment.ballots_flush", obj=campaign, org_unit=campaign.org_unit,
                 summary={"ballots": len(pending)})
    return len(pending)
