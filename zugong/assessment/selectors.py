"""Reads of the assessment app, each scoped to the jurisdiction (a campaign by its organising unit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from zugong.assessment.models import (
    GRADE_POINTS,
    USE_RATINGS,
    BallotMark,
    Campaign,
    Focus,
    Indicator,
    IndicatorScore,
    NegativeEntry,
    RaterRole,
    RaterScore,
    ResultUse,
    ScoringMethod,
    SideEvidenceRequest,
    Subject,
    UseKind,
    VoterClass,
    VoterClassWeight,
)
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope

NOT_FOUND = "未找到该考核，或不在您的管辖范围内"


def campaigns_visible(jurisdiction: Jurisdiction) -> QuerySet[Campaign]:
    return scope(Campaign.objects.select_related("org_unit"), jurisdiction)


def campaign_list(jurisdiction: Jurisdiction, *, year: int | None = None, status: str = "") -> QuerySet[Campaign]:
    campaigns = campaigns_visible(jurisdiction).annotate(
        subject_count=Count("subjects"), rated_count=Count("subjects", filter=~Q(subjects__rating="")))
    if year is not None:
        campaigns = campaigns.filter(year=year)
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-year", "-pk")


def campaign_get(jurisdiction: Jurisdiction, pk: int) -> Campaign:
    campaign = campaigns_visible(jurisdiction).filter(pk=pk).first()
    if campaign is None:
        raise NotFound(NOT_FOUND)
    return campaign


def subjects_of(campaign: Campaign) -> QuerySet[Subject]:
    return (Subject.objects.filter(campaign=campaign).select_related("org_unit", "cadre")
            .prefetch_related(Prefetch("negative_entries", queryset=NegativeEntry.objects.order_by("pk")))
            .order_by("kind", "org_unit__path", "pk"))


def indicators_of(campaign: Campaign) -> list[Indicator]:
    return list(Indicator.objects.filter(campaign=campaign).order_by("sort_order", "pk"))


# --- democratic evaluation: turnout and results ---------------------------------------------------------

@dataclass(frozen=True)
class ClassTurnout:
    voter_class_id: int
    name: str
    weight: Decimal
    version: int
    issued: int
    voted: int

    @property
    def rate(self) -> Decimal:
        return (Decimal(self.voted * 100) / self.issued).quantize(Decimal("0.1")) if self.issued else Decimal("0")


@dataclass(frozen=True)
class SubjectResult:
    """One subject's evaluation: per class the grade counts and mean points; the weighted score.

    mean_c = Σ points(grade) / ballots of class c (优秀/好 100, 称职/较好 80, 基本称职/一般 60, 不称职/较差 0);
    score = Σ weight_c × mean_c / Σ weight_c over the classes that cast a ballot (newest weight version)."""

    subject_id: int
    name: str
    counts: dict[str, dict[str, int]]  # class name → grade → ballots
    means: dict[str, Decimal]
    score: Decimal
    rank: int = 0


def turnout(campaign: Campaign) -> list[ClassTurnout]:
    classes = (VoterClass.objects.filter(campaign=campaign).order_by("sort_order", "pk")
               .annotate(issued=Count("codes", distinct=True),
                         voted=Count("codes", filter=Q(codes__used=True), distinct=True)))
    weights = _newest_weights(campaign)
    return [ClassTurnout(c.pk, c.name, *weights.get(c.pk, (Decimal("0"), 0)), c.issued, c.voted)  # type: ignore[attr-defined]
            for c in classes]


def _newest_weights(campaign: Campaign) -> dict[int, tuple[Decimal, int]]:
    rows = (VoterClassWeight.objects.filter(voter_class__campaign=campaign)
            .order_by("voter_class_id", "-version").values_list("voter_class_id", "weight", "version"))
    newest: dict[int, tuple[Decimal, int]] = {}
    for class_id, weight, version in rows:
        newest.setdefault(class_id, (weight, version))
    return newest


def evaluation_results(campaign: Campaign) -> list[SubjectResult]:
    """The tally: one grouped query over the marks, then the weighted score per subject, ranked."""
    weights = {pk: w for pk, (w, _v) in _newest_weights(campaign).items()}
    names = dict(VoterClass.objects.filter(campaign=campaign).values_list("pk", "name"))
    grouped = (BallotMark.objects.filter(ballot__campaign=campaign)
               .values_list("subject_id", "ballot__voter_class_id", "grade").annotate(n=Count("id")))
    per: dict[int, dict[int, dict[str, int]]] = {}
    for subject_id, class_id, grade, n in grouped:
        per.setdefault(subject_id, {}).setdefault(class_id, {})[grade] = n
    results = [_result(s, per.get(s.pk, {}), weights, names) for s in subjects_of(campaign)]
    ranked = sorted(results, key=lambda r: (-r.score, r.subject_id))
    return [SubjectResult(**{**r.__dict__, "rank": i}) for i, r in enumerate(ranked, start=1)]


def _result(subject: Subject, by_class: dict[int, dict[str, int]], weights: dict[int, Decimal],
            names: dict[int, str]) -> SubjectResult:
    means: dict[str, Decimal] = {}
    total = weighted = Decimal("0")
    for class_id, counts in sorted(by_class.items()):
        ballots = sum(counts.values())
        mean = Decimal(sum(GRADE_POINTS[g] * n for g, n in counts.items())) / ballots
        means[names[class_id]] = mean.quantize(Decimal("0.01"))
        weighted += weights.get(class_id, Decimal("0")) * mean
        total += weights.get(class_id, Decimal("0"))
    score = (weighted / total).quantize(Decimal("0.01")) if total else Decimal("0")
    return SubjectResult(subject.pk, subject.name, {names[c]: v for c, v in sorted(by_class.items())}, means, score)


def side_evidence_of(campaign: Campaign) -> QuerySet[SideEvidenceRequest]:
    return (SideEvidenceRequest.objects.filter(assessed__campaign=campaign).select_related("assessed__org_unit", "assessed__cadre")
            .order_by("assessed__org_unit__path", "agency", "pk"))


@dataclass(frozen=True)
class ReviewRanking:
    """The top and the bottom of a campaign's 民主测评 / 群众评议 results: a reference for selection."""

    campaign_id: int
    top: list[SubjectResult]
    bottom: list[SubjectResult]


def public_review_ranking(jurisdiction: Jurisdiction, campaign_id: int, *, size: int = 3) -> ReviewRanking:
    """For the selection module (one owner of this read): the best and worst `size` subjects by score,
    among those with at least one ballot; bottom is listed worst first."""
    campaign = campaign_get(jurisdiction, campaign_id)
    voted = [r for r in evaluation_results(campaign) if r.counts]
    return ReviewRanking(campaign.pk, voted[:size], list(reversed(voted[-size:])) if voted else [])


# --- R01: 分类考核 and 重点考核 counts per year ----------------------------------------------------------------

@dataclass(frozen=True)
class R01Status:
    org_unit_id: int
    org_unit: str
    year: int
    classified: int
    key_teams: int
    problems: list[str]


def r01_status(jurisdiction: Jurisdiction, year: int) -> list[R01Status]:
    """Per organising unit with campaigns that year: 分类考核 campaigns within R01's `classified` [min_count,
    max_count] (default 1–2) and at least `key.min_count` (default 10) teams or units under 重点考核 (the engine
    evaluates the same counts for every county-and-above unit: `rule_sources.py`)."""
    from zugong.rules.registry import param

    campaigns = campaigns_visible(jurisdiction).filter(year=year)
    units = {c.org_unit_id: c.org_unit for c in campaigns}
    classified = dict(campaigns.filter(focus=Focus.CLASSIFIED).values_list("org_unit_id").annotate(n=Count("id")))
    key = dict(campaigns.filter(focus=Focus.KEY).values_list("org_unit_id")
               .annotate(n=Count("subjects", filter=~Q(subjects__kind="cadre"))))
    out = []
    for pk, unit in sorted(units.items(), key=lambda kv: kv[1].path):
        on = date(year, 12, 31)
        low = param("R01", "classified.min_count", org_unit=unit, on=on)
        high = param("R01", "classified.max_count", org_unit=unit, on=on)
        teams = int(param("R01", "key.min_count", org_unit=unit, on=on))
        n, k = classified.get(pk, 0), key.get(pk, 0)
        problems = []
        if n < low or (high is not None and n > high):
            problems.append(f"{year}年分类考核 {n} 项，应为 {low}–{high} 项" if high is not None
                            else f"{year}年分类考核 {n} 项，应不少于 {low} 项")
        if k < teams:
            problems.append(f"{year}年重点考核领导班子 {k} 个，应约 {teams} 个")
        out.append(R01Status(pk, unit.name, year, n, k, problems))
    return out


# --- indicator scores and the weighted total -------------------------------------------------------------

@dataclass(frozen=True)
class SubjectScores:
    """One subject's score sheet. A leaf's score is the stored score (0–100; none counts 0 and is listed
    as missing); an indicator with children scores Σ child weight × child score ÷ 100; the total is
    Σ first-level weight × score ÷ 100 — the same formula at every level, because each level totals 100."""

    subject_id: int
    name: str
    leaf_scores: dict[int, IndicatorScore]  # indicator id → the stored score
    node_scores: dict[int, Decimal]  # every indicator id → its computed score
    total: Decimal
    missing: int
    evaluation: Decimal = Decimal("0")  # the 民主测评 score (0 when no ballot)
    final: Decimal = Decimal("0")  # total × (1 − evaluation_share) + evaluation × evaluation_share
    rank: int = 0
    # leaf id → its score once the rater scores are blended in (the stored score under the default weights)
    blended: dict[int, Decimal] = field(default_factory=dict)
    raters: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # leaf id → role → mean score


def _node_score(indicator_id: int, children: dict[int | None, list[Indicator]], stored: dict[int, Decimal],
                out: dict[int, Decimal]) -> Decimal:
    kids = children.get(indicator_id, [])
    if not kids:
        score = stored.get(indicator_id, Decimal("0"))
    else:
        score = sum((k.weight * _node_score(k.pk, children, stored, out) for k in kids), Decimal("0")) / 100
    out[indicator_id] = score.quantize(Decimal("0.01"))
    return score


def rater_means(campaign: Campaign) -> dict[int, dict[int, dict[str, Decimal]]]:
    """subject id → leaf id → rater role → mean score (peers averaged; 自评 and 上级评 are one each). One query."""
    out: dict[int, dict[int, dict[str, Decimal]]] = {}
    rows = (RaterScore.objects.filter(subject__campaign=campaign).order_by()
            .values("subject_id", "indicator_id", "role").annotate(mean=Avg("score")))
    for r in rows:
        out.setdefault(r["subject_id"], {}).setdefault(r["indicator_id"], {})[r["role"]] = (
            Decimal(str(r["mean"])).quantize(Decimal("0.01")))
    return out


def leaf_blend(campaign: Campaign, leaf: Indicator, org: IndicatorScore | None, raters: dict[str, Decimal]) -> Decimal:
    """A leaf's score: (org weight × 组织评分 + self × 自评 + manager × 上级评 + peer × 同级评平均) ÷ 100, a score
    not given counting 0; an indicator read from data (按数据计数) is not rated, its data score stands alone."""
    own = org.score if org is not None else Decimal("0")
    if leaf.scoring == ScoringMethod.COUNT:
        return own
    parts = [(campaign.org_weight, own), *((getattr(campaign, f"{role}_weight"), raters.get(role, Decimal("0")))
                                           for role in RaterRole.values)]
    return (sum((Decimal(w) * v for w, v in parts), Decimal("0")) / 100).quantize(Decimal("0.01"))


def score_sheet(campaign: Campaign) -> tuple[list[Indicator], list[SubjectScores]]:
    """The leaf indicators and every subject's scores, ranked by the final score (ties by subject id): the
    indicator total, or with the campaign's `evaluation_share` the 民主测评 score blended in."""
    indicators = indicators_of(campaign)
    children: dict[int | None, list[Indicator]] = {}
    for i in indicators:
        children.setdefault(i.parent_id, []).append(i)
    leaves = [i for i in indicators if i.pk not in children]
    stored: dict[int, dict[int, IndicatorScore]] = {}
    for row in IndicatorScore.objects.filter(subject__campaign=campaign):
        stored.setdefault(row.subject_id, {})[row.indicator_id] = row
    share = campaign.evaluation_share
    evaluation = {r.subject_id: r.score for r in evaluation_results(campaign)} if share else {}
    raters = rater_means(campaign)
    sheets = []
    for subject in subjects_of(campaign):
        mine = stored.get(subject.pk, {})
        theirs = raters.get(subject.pk, {})
        blended = {leaf.pk: leaf_blend(campaign, leaf, mine.get(leaf.pk), theirs.get(leaf.pk, {})) for leaf in leaves}
        nodes: dict[int, Decimal] = {}
        total = (sum((r.weight * _node_score(r.pk, children, blended, nodes) for r in children.get(None, [])),
                     Decimal("0")) / 100).quantize(Decimal("0.01"))
        voted = evaluation.get(subject.pk, Decimal("0"))
        final = (total * (1 - share) + voted * share).quantize(Decimal("0.01"))
        sheets.append(SubjectScores(subject.pk, subject.name, mine, nodes, total,
                                    sum(1 for leaf in leaves if leaf.pk not in mine), voted, final,
                                    blended=blended, raters=theirs))
    ranked = sorted(sheets, key=lambda s: (-s.final, s.subject_id))
    return leaves, [SubjectScores(**{**s.__dict__, "rank": n}) for n, s in enumerate(ranked, start=1)]


# --- uses of published results ------------------------------------------------------------------------------

def uses_of(campaign: Campaign) -> dict[int, list[ResultUse]]:
    out: dict[int, list[ResultUse]] = {}
    for use in ResultUse.objects.filter(subject__campaign=campaign).order_by("pk"):
        out.setdefault(use.subject_id, []).append(use)
    return out


def result_uses_of(campaign: Campaign) -> QuerySet[ResultUse]:
    return (ResultUse.objects.filter(subject__campaign=campaign).select_related("subject__cadre", "subject__org_unit")
            .order_by("subject__kind", "subject__org_unit__path", "subject_id", "pk"))


def uses_open_to(subject: Subject, made: list[ResultUse]) -> list[tuple[str, str]]:
    """The uses the subject's published rating allows that are not made yet (the page's choices)."""
    done = {u.kind for u in made}
    cadre_only = {UseKind.PRIORITY_USE, UseKind.ADMONISHMENT}
    return [(k.value, str(k.label)) for k in UseKind if subject.rating in USE_RATINGS[k] and k.value not in done
            and (k not in cadre_only or subject.kind == "cadre")]
