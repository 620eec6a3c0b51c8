"""Reads of the masswork app. Staff reads are scoped to a jurisdiction; the public reads (a wall's
board, an order by its tracking code) return only what the public page may show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from zugong.core.api_queries import CompiledRead
from zugong.core.errors import NotFound
from zugong.core.jurisdiction import Jurisdiction, scope
from zugong.core.models import PATH_SEGMENT_WIDTH, OrgKind, OrgUnit
from zugong.core.pickers import users_visible
from zugong.masswork.models import (
    LOAD_STATUSES,
    DutyShift,
    HouseholdVisit,
    InVillageDay,
    LedgerEntry,
    LedgerStatus,
    Member,
    OrderStatus,
    Pairing,
    Petition,
    Rating,
    ReceptionDay,
    ServiceCategory,
    ServiceOrder,
    Wall,
)

PUBLIC_BOARD_ROWS = 50


def walls_visible(jurisdiction: Jurisdiction) -> QuerySet[Wall]:
    return scope(Wall.objects.select_related("org_unit", "community"), jurisdiction)


def wall_get(jurisdiction: Jurisdiction, pk: int) -> Wall:
    wall = walls_visible(jurisdiction).filter(pk=pk).first()
    if wall is None:
        raise NotFound("未找到该民心墙，或不在您的管辖范围内")
    return wall


def orders_visible(jurisdiction: Jurisdiction) -> QuerySet[ServiceOrder]:
    return scope(ServiceOrder.objects.select_related("wall", "member", "org_unit"), jurisdiction)


def order_list(
    jurisdiction: Jurisdiction, *, status: str = "", wall_id: int | None = None, overdue_on: date | None = None,
    limit: int = 50, offset: int = 0,
) -> QuerySet[ServiceOrder]:
    orders = orders_visible(jurisdiction)
    if status:
        orders = orders.filter(status=status)
    if wall_id is not None:
        orders = orders.filter(wall_id=wall_id)
    if overdue_on is not None:
        orders = orders.filter(status=OrderStatus.ORDERED, dispatch_due__lt=overdue_on)
    # Orders waiting for dispatch come by urgency (轻重缓急), then by their deadline.
    ordering = ("urgency", "dispatch_due", "pk") if status == OrderStatus.ORDERED else ("-ordered_at", "-pk")
    # Two steps: the page's ids from the (org_unit, -ordered_at, -id) index alone, then those rows.
    # One statement would carry every order of a county through the sort to keep fifty.
    ids = list(orders.order_by(*ordering).values_list("pk", flat=True)[offset:offset + limit])
    return orders_visible(jurisdiction).filter(pk__in=ids).order_by(*ordering)


def order_get(jurisdiction: Jurisdiction, pk: int) -> ServiceOrder:
    order = orders_visible(jurisdiction).filter(pk=pk).first()
    if order is None:
        raise NotFound("未找到该点单，或不在您的管辖范围内")
    return order


def normalise_tracking_code(code: str) -> str:
    """As a resident types it: spaces, dashes and lower case do not matter ("abcd efgh-jkmn")."""
    return "".join(ch for ch in code if not ch.isspace() and ch not in "-－").upper()[:32]


def order_by_tracking_code(code: str) -> ServiceOrder:
    order = (ServiceOrder.objects.select_related("wall", "wall__community", "member")
             .filter(tracking_code=normalise_tracking_code(code)).first())
    if order is None:
        raise NotFound("查询码不存在，请核对后重新输入")
    return order


def public_walls() -> QuerySet[Wall]:
    return Wall.objects.filter(is_active=True).select_related("community", "org_unit").order_by("community__path",
                                                                                                 "pk")


def public_counties() -> list[OrgUnit]:
    """The counties that have an active wall (the first step of the residents' choice), in tree order."""
    step = PATH_SEGMENT_WIDTH + 1
    paths = set(Wall.objects.filter(is_active=True).values_list("community__path", flat=True).distinct())
    prefixes = {p[:end] for p in paths for end in range(step, len(p) + 1, step)}
    return list(OrgUnit.objects.filter(kind=OrgKind.COUNTY, path__in=prefixes).order_by("path"))


def public_communities(county_id: int) -> list[OrgUnit]:
    """The communities (and villages) of one county that have an active wall (the second step)."""
    county = OrgUnit.objects.filter(pk=county_id, kind=OrgKind.COUNTY).first()
    if county is None:
        return []
    ids = public_walls().filter(community__path__startswith=county.path).values("community_id")
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("path"))


def public_wall(pk: int) -> Wall:
    wall = public_walls().filter(pk=pk).first()
    if wall is None:
        raise NotFound("未找到该民心墙")
    return wall


# What the public board prints of an order, with the wall's and its community's names (the same on every row).
# The two moments come as the local calendar day (`TruncDate` in the default time zone): the board prints days.
BOARD_FIELDS = ("ordered_on", "resident_name", "description", "member__name", "dispatched_on", "report", "status",
                "rating", "wall__name", "wall__community__name")


@dataclass(frozen=True)
class Board:
    wall: str
    community: str
    rows: list[tuple[Any, ...]]  # BOARD_FIELDS, newest first


def _board_rows(wall_id: int) -> QuerySet[Any]:
    zone = timezone.get_default_timezone()
    return (ServiceOrder.objects.filter(wall_id=wall_id, wall__is_active=True)
            .annotate(ordered_on=TruncDate("ordered_at", tzinfo=zone),
                      dispatched_on=TruncDate("dispatched_at", tzinfo=zone))
            .order_by("-ordered_at", "-pk").values_list(*BOARD_FIELDS)[:PUBLIC_BOARD_ROWS])


# The board's statement compiled once per process (issue 17, item 7: compiling it cost a tenth of the page).
BOARD_READ = CompiledRead(_board_rows, wall_id=-424242)


def public_board_of(wall_id: int) -> Board:
    """A wall's 公示 in one query when it has orders (the wall's names come with its rows; values, not model
    instances): the rows of `public_board`, for the page. An unknown or closed wall is NotFound."""
    rows = [tuple(row) for row in BOARD_READ.rows(wall_id=wall_id)]
    if rows:
        return Board(wall=rows[0][-2], community=rows[0][-1], rows=rows)
    wall = public_wall(wall_id)
    return Board(wall=wall.name, community=wall.community.name, rows=[])


def public_board(wall: Wall, *, limit: int = PUBLIC_BOARD_ROWS) -> QuerySet[ServiceOrder]:
    """The wall's 公示: the latest orders with who was dispatched, when, and what was done."""
    return (ServiceOrder.objects.filter(wall_id=wall.pk).select_related("member")
            .only("pk", "wall_id", "category", "urgency", "resident_name", "description", "status", "ordered_at",
                  "dispatched_at", "done_at", "report", "rating", "member__name")
            .order_by("-ordered_at", "-pk")[:limit])


@dataclass(frozen=True)
class Suggestion:
    member: Member
    score: int
    specialty_hits: int
    claims_post: bool
    load: int


_SPLIT = re.compile(r"[、，,；;\s/]+")


def _specialty_hits(member: Member, order: ServiceOrder) -> int:
    words = [w for w in _SPLIT.split(member.specialties) if w]
    category_label = str(ServiceCategory(order.category).label)
    return sum(1 for w in words if w in order.description or w in category_label)


def member_suggestions(order: ServiceOrder) -> list[Suggestion]:
    """Members of the order's wall ranked by specialty match, claimed service post and current load."""
    members = (Member.objects.filter(wall_id=order.wall_id, is_active=True)
               .annotate(load=Count("orders", filter=Q(orders__status__in=LOAD_STATUSES))).order_by("pk"))
    ranked = []
    for member in members:
        hits = _specialty_hits(member, order)
        claims = order.category in member.claimed_posts.split(",")
        load = int(member.load)
        ranked.append(Suggestion(member, hits * 3 + (2 if claims else 0) - load, hits, claims, load))
    return sorted(ranked, key=lambda s: (-s.score, s.load, s.member.pk))


@dataclass(frozen=True)
class OrderStats:
    total: int
    dispatched: int
    done: int
    satisfied: int
    basic: int
    unsatisfied: int
    overdue: int

    @property
    def satisfaction_rate(self) -> float:
        rated = self.satisfied + self.basic + self.unsatisfied
        return round(100 * (self.satisfied + self.basic) / rated, 1) if rated else 0.0

    @property
    def satisfaction_label(self) -> str:
        """For the page: "—" while nothing is rated (a rate of nothing is not 0%), else "93.3%"."""
        if not self.satisfied + self.basic + self.unsatisfied:
            return "—"
        return f"{self.satisfaction_rate:g}%"


def order_stats(orders: QuerySet[ServiceOrder], *, today: date) -> OrderStats:
    row = orders.aggregate(
        total=Count("pk"),
        dispatched=Count("pk", filter=~Q(status=OrderStatus.ORDERED)),
        done=Count("pk", filter=Q(done_at__isnull=False)),
        satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
        basic=Count("pk", filter=Q(rating=Rating.BASIC)),
        unsatisfied=Count("pk", filter=Q(rating=Rating.UNSATISFIED)),
        overdue=Count("pk", filter=Q(status=OrderStatus.ORDERED, dispatch_due__lt=today)),
    )
    return OrderStats(**{k: int(v or 0) for k, v in row.items()})


def petitions_visible(jurisdiction: Jurisdiction) -> QuerySet[Petition]:
    return scope(Petition.objects.select_related("org_unit", "owner", "transfer_to", "repeat_of"), jurisdiction)


def petition_get(jurisdiction: Jurisdiction, pk: int) -> Petition:
    petition = petitions_visible(jurisdiction).filter(pk=pk).first()
    if petition is None:
        raise NotFound("未找到该信访事项，或不在您的管辖范围内")
    return petition


def reception_days_visible(jurisdiction: Jurisdiction) -> QuerySet[ReceptionDay]:
    return scope(ReceptionDay.objects.select_related("org_unit"), jurisdiction)


@dataclass(frozen=True)
class MemberStats:
    member_id: int
    name: str
    dispatched: int
    done: int
    satisfied: int
    basic: int
    unsatisfied: int
    in_hand: int


def member_stats(wall: Wall) -> list[MemberStats]:
    """Per member of a wall: orders received, handled, and the residents' ratings, in one query."""
    rows = (Member.objects.filter(wall_id=wall.pk).order_by("name", "pk").annotate(
        n_dispatched=Count("orders"),
        n_done=Count("orders", filter=Q(orders__done_at__isnull=False)),
        n_satisfied=Count("orders", filter=Q(orders__rating=Rating.SATISFIED)),
        n_basic=Count("orders", filter=Q(orders__rating=Rating.BASIC)),
        n_unsatisfied=Count("orders", filter=Q(orders__rating=Rating.UNSATISFIED)),
        n_in_hand=Count("orders", filter=Q(orders__status__in=LOAD_STATUSES)),
    ).values_list("pk", "name", "n_dispatched", "n_done", "n_satisfied", "n_basic", "n_unsatisfied", "n_in_hand"))
    return [MemberStats(*row) for row in rows]


def ledger_visible(jurisdiction: Jurisdiction) -> QuerySet[LedgerEntry]:
    """The ledgers of the townships in the jurisdiction, and the entries raised in it (a village's staff
    read what their village raised; the township's ledger lies above them)."""
    return LedgerEntry.objects.select_related("org_unit", "meeting").filter(
        jurisdiction.org_q("org_unit__") | jurisdiction.org_q("raised_at__"))


def ledger_entry_get(jurisdiction: Jurisdiction, pk: int) -> LedgerEntry:
    entry = ledger_visible(jurisdiction).filter(pk=pk).first()
    if entry is None:
        raise NotFound("未找到该民情事项，或不在您的管辖范围内")
    return entry


def in_village_days_visible(jurisdiction: Jurisdiction) -> QuerySet[InVillageDay]:
    return scope(InVillageDay.objects.select_related("village", "cadre"), jurisdiction, org_field="village")


def reception_day_get(jurisdiction: Jurisdiction, pk: int) -> ReceptionDay:
    row = reception_days_visible(jurisdiction).filter(pk=pk).first()
    if row is None:
        raise NotFound("未找到该接访日，或不在您的管辖范围内")
    return row


def user_get(jurisdiction: Jurisdiction, pk: int) -> User:
    """An active user holding a membership in the jurisdiction (whom a shift may be given to)."""
    user = User.objects.filter(users_visible(jurisdiction), pk=pk, is_active=True).first()
    if user is None:
        raise NotFound("未找到该用户，或不在您的管辖范围内")
    return user


def duty_visible(jurisdiction: Jurisdiction) -> QuerySet[DutyShift]:
    return scope(DutyShift.objects.select_related("village", "cadre", "user"), jurisdiction, org_field="village")


def pairings_visible(jurisdiction: Jurisdiction) -> QuerySet[Pairing]:
    return scope(Pairing.objects.select_related("cadre", "village"), jurisdiction, org_field="village")


def pairing_get(jurisdiction: Jurisdiction, pk: int) -> Pairing:
    pairing = pairings_visible(jurisdiction).filter(pk=pk).first()
    if pairing is None:
        raise NotFound("未找到该结对记录，或不在您的管辖范围内")
    return pairing


def duty_shift_get(jurisdiction: Jurisdiction, pk: int) -> DutyShift:
    shift = duty_visible(jurisdiction).filter(pk=pk).first()
    if shift is None:
        raise NotFound("未找到该值班，或不在您的管辖范围内")
    return shift


# ---------------------------------------------------------------- the home page's due items (core.views.home)
# Each returns at most `limit` rows and costs one or two queries however much data there is.

@dataclass(frozen=True)
class VillageVisits:
    villages: int  # villages and communities in the jurisdiction
    without: int  # of which none had a household visit in the period
    visits: int
    least: list[tuple[int, str, int]]  # (unit id, name, visits): the least visited first


def village_visit_counts(jurisdiction: Jurisdiction, *, start: date, end: date, limit: int = 10) -> VillageVisits:
    """Household visits from `start` to `end` (inclusive) per village of the jurisdiction (two queries)."""
    visits = (HouseholdVisit.objects.filter(org_unit_id=OuterRef("pk"), visited_on__range=(start, end))
              .order_by().values("org_unit_id").annotate(n=Count("pk")).values("n"))
    villages = (scope(OrgUnit.objects.filter(kind__in=(OrgKind.VILLAGE, OrgKind.COMMUNITY)), jurisdiction,
                      org_field="").annotate(n=Coalesce(Subquery(visits, output_field=IntegerField()), 0)))
    totals = villages.aggregate(villages=Count("pk"), without=Count("pk", filter=Q(n=0)), visits=Sum("n"))
    least = list(villages.order_by("n", "path").values_list("pk", "name", "n")[:limit])
    return VillageVisits(totals["villages"], totals["without"], totals["visits"] or 0, least)


def duty_shifts_between(jurisdiction: Jurisdiction, *, start: date, end: date, user_id: int | None = None,
                        limit: int = 10) -> QuerySet[DutyShift]:
    """The duty shifts of the jurisdiction's villages from `start` to `end`: the user's own shifts (those they
    check in to) first, then by day."""
    shifts = duty_visible(jurisdiction).filter(day__range=(start, end))
    if user_id is None:
        return shifts.order_by("day", "village__path", "pk")[:limit]
    own_first = Case(When(user_id=user_id, then=Value(0)), default=Value(1), output_field=IntegerField())
    return shifts.order_by(own_first, "day", "village__path", "pk")[:limit]


def duty_shifts_missed(jurisdiction: Jurisdiction, *, start: date, before: date) -> int:
    """Shifts from `start` up to the day before `before` without a check-in."""
    return duty_visible(jurisdiction).filter(day__gte=start, day__lt=before, checked_in_at__isnull=True).count()


def ledger_open(jurisdiction: Jurisdiction) -> QuerySet[LedgerEntry]:
    """The 民情台账 entries not yet resolved, the oldest first."""
    return (ledger_visible(jurisdiction).filter(status__in=(LedgerStatus.OPEN, LedgerStatus.IN_PROGRESS))
            .order_by("recorded_on", "pk"))


def orders_awaiting_dispatch(jurisdiction: Jurisdiction) -> QuerySet[ServiceOrder]:
    """Orders the staff must dispatch (new, or back after an unsatisfied rating), by their dispatch deadline."""
    return (orders_visible(jurisdiction).filter(status__in=(OrderStatus.ORDERED, OrderStatus.FOLLOW_UP))
            .order_by("dispatch_due", "urgency", "pk"))


def orders_held_by_user(jurisdiction: Jurisdiction, user_id: int) -> QuerySet[ServiceOrder]:
    """Orders dispatched to the party member who is this user, waiting for them to accept or complete."""
    return (orders_visible(jurisdiction).filter(member__user_id=user_id, status__in=LOAD_STATUSES)
            .order_by("handle_due", "dispatched_at", "pk"))
