"""Which cadre on the roster a 民心墙 party member (`masswork.Member`) is, for the points card's 办结工单.

A wall member is a serving party member registered at a community's wall (在职党员进社区); masswork keeps a
name, a free-text work unit and optionally the member's own user account, never a cadre. A cadre has no user
account of their own in the registry. So the link is read, in this order, from what zugong already records:

1. **The member's account**: the member's `user` is an account that zugong records as the cadre's own — a
   talks `Talker` profile naming both the account and the cadre, or a duty shift (`DutyShift`) whose check-in
   account is the cadre's (masswork: "a shift of `cadre`, whose own account `user` checks in"). An account
   recorded for more than one cadre links none.
2. **Name and unit**: otherwise, the member's name equals the cadre's name, the member's work unit equals the
   name or the short name of the cadre's unit, and the member's wall is in the same county as the cadre's
   unit (above county level: the same city or province unit). A member matching more than one cadre this way
   links none (two 王伟 in one 县教育局 are not guessed apart).

A member linked to no cadre is not counted; nothing is written to masswork.

办结工单 = the orders a member completed (an order's history step to 已办结待评, `OrderEvent.to_status =
done`, with the member who held it) on a day of the period (local time); an order completed twice in the
period (re-dispatched after an unsatisfied rating) counts once. Five queries (two for the accounts, the
grouped completions, the named cadres, the counties), whatever the number of cadres."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zugong.cadres.models import Cadre
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.orgtree import ancestor_paths


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), zone),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone))


def _account_links(cadres: QuerySet[Cadre]) -> dict[int, int]:
    """user id → cadre id, for accounts recorded as exactly one cadre's own."""
    from zugong.masswork.models import DutyShift
    from zugong.talks.models import Talker

    pairs = set(Talker.objects.filter(cadre__in=cadres, user__isnull=False).values_list("user_id", "cadre_id"))
    pairs |= set(DutyShift.objects.filter(cadre__in=cadres, user__isnull=False).order_by()
                 .values_list("user_id", "cadre_id").distinct())
    seen: dict[int, set[int]] = defaultdict(set)
    for user_id, cadre_id in pairs:
        seen[user_id].add(cadre_id)
    return {u: next(iter(c)) for u, c in seen.items() if len(c) == 1}


def _area_of(path: str, counties: set[str]) -> str:
    """The county a unit lies in (its path); a unit above county level is its own area."""
    return next((p for p in ancestor_paths(path) if p in counties), path)


def orders_completed(cadres: QuerySet[Cadre], start: date, end: date) -> dict[int, int]:
    """cadre id → orders completed in [start, end] by the wall members linked to the cadre (see the module)."""
    from zugong.masswork.models import OrderEvent, OrderStatus

    accounts = _account_links(cadres)
    low, high = _day_bounds(start, end)
    done = (OrderEvent.objects.filter(to_status=OrderStatus.DONE, member__isnull=False, occurred_at__gte=low,
                                      occurred_at__lt=high)
            .filter(Q(member__user_id__in=list(accounts)) | Q(member__name__in=cadres.values("name")))
            .order_by()
            .values_list("member_id", "member__user_id", "member__name", "member__work_unit",
                         "member__wall__org_unit__path")
            .annotate(n=Count("order_id", distinct=True)))
    rows = list(done)
    if not rows:
        return {}
    named = (cadres.filter(name__in={r[2] for r in rows})
             .values_list("pk", "name", "org_unit__name", "org_unit__short_name", "org_unit__path"))
    paths = {r[4] for r in rows} | {c[4] for c in named}
    counties = set(OrgUnit.objects.filter(kind=OrgKind.COUNTY, path__in={a for p in paths for a in ancestor_paths(p)})
                   .values_list("path", flat=True))
    by_key: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for pk, name, unit_name, short_name, path in named:
        for label in {unit_name, short_name} - {""}:
            by_key[(name, label, _area_of(path, counties))].add(pk)
    out: dict[int, int] = defaultdict(int)
    for _member, user_id, name, work_unit, wall_path, n in rows:
        cadre_id = accounts.get(user_id) if user_id is not None else None
        if cadre_id is None:
            match = by_key.get((name, work_unit.strip(), _area_of(wall_path, counties)), set())
            cadre_id = next(iter(match)) if len(match) == 1 else None
        if cadre_id is not None:
            out[cadre_id] += n
    return dict(out)
