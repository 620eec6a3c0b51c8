"""Published results for the other modules and the org side: the team (领导班子) and unit ratings of every
published campaign, the 岗位调整建议 recorded on published results (for the selection module to read), and a
campaign's published results. Scoped by the *assessed* unit (a township sees its own team's rating whoever
organised the campaign); nothing before publication, no score, no rater — the published rating only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from zugong.assessment.models import Campaign, CampaignStatus, ResultUse, Subject, SubjectKind, UseKind
from zugong.assessment.selectors import campaign_get
from zugong.core.errors import IllegalTransition
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import OrgUnit
from zugong.core.orgtree import subtree_q

PUBLISHED = (CampaignStatus.PUBLISHED, CampaignStatus.ARCHIVED)


@dataclass(frozen=True)
class TeamRating:
    org_unit_id: int
    org_unit: str
    kind: str  # team 领导班子, unit 单位
    rating: str  # 好 / 较好 / 一般 / 较差
    campaign_id: int
    campaign: str
    campaign_kind: str
    year: int
    period: str


def team_ratings(jurisdiction: Jurisdiction, *, under: OrgUnit | None = None,
                 year: int | None = None) -> list[TeamRating]:
    """Published ratings of teams and units whose unit lies in the jurisdiction (and under `under`, itself
    included), newest year first. One query."""
    rows: QuerySet[Subject] = scope(Subject.objects.filter(kind__in=(SubjectKind.TEAM, SubjectKind.UNIT),
                                                           campaign__status__in=PUBLISHED).exclude(rating=""),
                                    jurisdiction)
    if under is not None:
        rows = rows.filter(subtree_q(under.path, "org_unit__"))
    if year is not None:
        rows = rows.filter(campaign__year=year)
    rows = rows.select_related("org_unit", "campaign").order_by("-campaign__year", "org_unit__path", "-campaign_id")
    return [TeamRating(s.org_unit_id, s.org_unit.name, s.kind, s.rating, s.campaign_id, s.campaign.title,
                       str(s.campaign.get_kind_display()), s.campaign.year, s.campaign.period) for s in rows]


@dataclass(frozen=True)
class PostAdjustment:
    """A 岗位调整建议 recorded on a published result: a proposal for the selection module, not a decision."""

    use_id: int
    cadre_id: int
    cadre: str
    org_unit_id: int
    org_unit: str
    rating: str
    decided_on: date
    note: str
    campaign_id: int
    campaign: str
    year: int


def post_adjustment_proposals(jurisdiction: Jurisdiction, *, year: int | None = None) -> list[PostAdjustment]:
    """Every 岗位调整建议 of a published campaign for a cadre whose unit lies in the jurisdiction, oldest first
    (the selection module's reference list). One query."""
    rows = scope(ResultUse.objects.filter(kind=UseKind.POST_ADJUSTMENT, subject__campaign__status__in=PUBLISHED,
                                          subject__cadre__isnull=False), jurisdiction, org_field="subject__org_unit")
    if year is not None:
        rows = rows.filter(subject__campaign__year=year)
    rows = rows.select_related("subject__cadre", "subject__org_unit", "subject__campaign").order_by("decided_on", "pk")
    out = []
    for u in rows:
        s = u.subject
        assert s.cadre is not None
        out.append(PostAdjustment(u.pk, s.cadre.pk, s.cadre.name, s.org_unit_id, s.org_unit.name, s.rating,
                                  u.decided_on, u.note, s.campaign_id, s.campaign.title, s.campaign.year))
    return out


def published_results(jurisdiction: Jurisdiction, campaign_id: int) -> tuple[Campaign, list[Subject]]:
    """A campaign's published ratings (cadres, then teams and units, in tree order); 409 before publication."""
    campaign = campaign_get(jurisdiction, campaign_id)
    if campaign.status not in PUBLISHED:
        raise IllegalTransition(f"考核当前为“{CampaignStatus(campaign.status).label}”，结果尚未公布")
    subjects = list(Subject.objects.filter(campaign=campaign).select_related("org_unit", "cadre")
                    .order_by("kind", "org_unit__path", "pk"))
    return campaign, subjects
