"""The roster the talk plan covers (R04): serving cadres holding a 副科级以上 leading post on a day.

Set-based on purpose: coverage over a province is two COUNT queries, never a loop over cadres.
"""

from __future__ import annotations

from datetime import date

from django.db.models import CharField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from zugong.cadres.models import Cadre, CadreStatus, PostHolding
from zugong.core.models import OrgUnit
from zugong.core.orgtree import subtree_q
from zugong.talks.models import Talk
from zugong.talks.params import talk_param


def current_holdings_q(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def rank_levels(org_unit: OrgUnit | None, on: date) -> list[str]:
    return list(talk_param("R04", "rank_levels", org_unit=org_unit, on=on))


def leading_holdings(org_unit: OrgUnit, on: date) -> QuerySet[PostHolding]:
    """The current leading posts of rank 副科 or above held by serving cadres of the subtree."""
    levels = rank_levels(org_unit, on)
    return (PostHolding.objects
            .filter(current_holdings_q(on), subtree_q(org_unit.path, "cadre__org_unit__"), is_leading=True,
                    cadre__status=CadreStatus.SERVING)
            .filter(Q(rank_level__in=levels) | Q(rank_level="", cadre__rank_level__in=levels))
            .select_related("cadre", "org_unit", "cadre__org_unit")
            .order_by("cadre_id", "-valid_from", "pk"))


def roster_cadres(org_unit: OrgUnit, on: date) -> QuerySet[Cadre]:
    levels = rank_levels(org_unit, on)
    # The post's rank, or the cadre's when the post has none; the outer row's rank avoids a second join.
    holding = (PostHolding.objects.filter(current_holdings_q(on), cadre_id=OuterRef("pk"), is_leading=True)
               .annotate(cadre_rank=ExpressionWrapper(OuterRef("rank_level"), output_field=CharField()))
               .filter(Q(rank_level__in=levels) | Q(rank_level="", cadre_rank__in=levels)))
    return Cadre.objects.filter(
        Exists(holding), subtree_q(org_unit.path, "org_unit__"), status=CadreStatus.SERVING)


def talked_with(start: date, end: date) -> Exists:
    """Exists(a talk with the outer cadre held in [start, end])."""
    through = Talk.talkees.through
    return Exists(through.objects.filter(cadre_id=OuterRef("pk"), talk__held_on__gte=start,
                                         talk__held_on__lte=end))


def coverage_counts(org_unit: OrgUnit, start: date, end: date) -> tuple[int, int]:
    """(cadres on the roster on `end`, of whom talked with in [start, end]), in one statement: the roster is
    read once and the talked-with ones counted by a filtered COUNT."""
    totals = roster_cadres(org_unit, end).aggregate(roster=Count("pk"), covered=Count("pk", filter=talked_with(start, end)))
    return int(totals["roster"]), int(totals["covered"])
