"""群众评议 as a reference at 确定考察对象 (not a gate): where each recommended cadre and each candidate stood in the
latest published assessment campaign of the selection's jurisdiction, read through the assessment module's public
`selectors.public_review_ranking` (its top and bottom `REFERENCE_SIZE`).

The campaign: the latest published one (year, then the newest) that the reader sees, organised by the selection's
unit or a unit above it (the county that assessed its townships' cadres), with cadre subjects. A fixed number of
queries whatever the number of cadres: the campaign, the ranking (the assessment module's tally), and the subjects'
cadres — never one per cadre."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zugong.core.jurisdiction import Jurisdiction
from zugong.core.orgtree import ancestor_paths
from zugong.selection.models import Selection

REFERENCE_SIZE = 3  # 前 3 名 / 后 3 名, the assessment selector's own default


@dataclass(frozen=True)
class ReviewStanding:
    side: str  # "top" 前列 or "bottom" 后列
    rank: int  # the rank among everyone the campaign's ballots graded
    of: int  # how many were graded
    score: Decimal

    @property
    def text(self) -> str:
        where = f"前 {REFERENCE_SIZE} 名" if self.side == "top" else f"后 {REFERENCE_SIZE} 名"
        return f"{where}（第 {self.rank} 名，共 {self.of} 人，得分 {self.score}）"


@dataclass(frozen=True)
class ReviewReference:
    campaign_id: int
    title: str
    year: int
    standing: dict[int, ReviewStanding]  # cadre id → where the cadre stood (only those in the top or bottom)


def review_reference(jurisdiction: Jurisdiction, selection: Selection) -> ReviewReference | None:
    """The latest published campaign's top and bottom, by cadre; None when there is no such campaign."""
    from zugong.assessment.models import CampaignStatus, SubjectKind
    from zugong.assessment.selectors import campaigns_visible, public_review_ranking

    campaign = (campaigns_visible(jurisdiction)
                .filter(status=CampaignStatus.PUBLISHED, org_unit__path__in=ancestor_paths(selection.org_unit.path),
                        subjects__kind=SubjectKind.CADRE)
                .order_by("-year", "-pk").first())
    if campaign is None:
        return None
    ranking = public_review_ranking(jurisdiction, campaign.pk, size=REFERENCE_SIZE)
    ids = {r.subject_id for r in [*ranking.top, *ranking.bottom]}
    cadre_of = dict(campaign.subjects.filter(pk__in=ids, cadre__isnull=False).values_list("pk", "cadre_id"))
    graded = max((r.rank for r in ranking.bottom), default=0)
    standing: dict[int, ReviewStanding] = {}
    for side, rows in (("top", ranking.top), ("bottom", ranking.bottom)):
        for r in rows:  # a small campaign may list one cadre on both sides: the top is kept
            if r.subject_id in cadre_of:
                standing.setdefault(cadre_of[r.subject_id], ReviewStanding(side, r.rank, graded, r.score))
    return ReviewReference(campaign.pk, campaign.title, campaign.year, standing)
