"""R14: the rating cap that admonition interviews put on the annual assessment (咸阳 办法).

Team interviewed [2] times in a year: neither the unit nor its head may be rated 优秀; [3+] times:
the unit is rated 一般 or 较差. Cadre interviewed [1+] times: not 优秀; [2+]: 基本称职 or 不称职.
Only interviews that took place count (held, follow-up, assessed); a rejected proposal does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit
from zugong.talks.models import HELD_STATES, Interview, InterviewTarget
from zugong.talks.params import DEFAULTS, talk_param

CADRE_SCALE = ("优秀", "称职", "基本称职", "不称职")
UNIT_SCALE = ("优秀", "较好", "一般", "较差")


@dataclass(frozen=True)
class Cap:
    """The best rating allowed (None: no cap), the ratings allowed, and why."""

    max_rating: str | None
    allowed: tuple[str, ...]
    reason: str
    count: int = 0


def _held_in(year: int) -> dict[str, object]:
    return {"status__in": HELD_STATES, "held_on__year": year}


def team_interview_count(team: OrgUnit, year: int) -> int:
    return Interview.objects.filter(target_kind=InterviewTarget.TEAM, team=team, **_held_in(year)).count()


def cadre_interview_count(cadre: Cadre, year: int) -> int:
    return Interview.objects.filter(cadre=cadre, **_held_in(year)).count()


def headed_team_interview_count(cadre: Cadre, year: int) -> int:
    return Interview.objects.filter(target_kind=InterviewTarget.TEAM, team_head=cadre, **_held_in(year)).count()


def _team_cap(team: OrgUnit, year: int) -> Cap:
    on = date(year, 12, 31)
    count = team_interview_count(team, year)
    forced = int(talk_param("R14", "team_poor", org_unit=team, on=on))
    no_top = int(talk_param("R14", "team_no_excellent", org_unit=team, on=on))
    return _team_cap_of(count, forced, no_top)


def _team_cap_of(count: int, forced: int, no_top: int) -> Cap:
    if count >= forced:
        return Cap("一般", ("一般", "较差"), f"领导班子当年被约谈 {count} 次：单位直接评为“一般”或“较差”等次", count)
    if count >= no_top:
        return Cap("较好", UNIT_SCALE[1:], f"领导班子当年被约谈 {count} 次：单位不得评为“优秀”等次", count)
    return Cap(None, UNIT_SCALE, "", count)


def _cadre_cap(cadre: Cadre, year: int) -> Cap:
    on = date(year, 12, 31)
    own = cadre_interview_count(cadre, year)
    forced = int(talk_param("R14", "cadre_poor", org_unit=cadre.org_unit, on=on))
    no_top = int(talk_param("R14", "cadre_no_excellent", org_unit=cadre.org_unit, on=on))
    cap = _own_cap_of(own, forced, no_top)
    if cap is not None:
        return cap
    headed = headed_team_interview_count(cadre, year)
    team_no_top = int(talk_param("R14", "team_no_excellent", org_unit=cadre.org_unit, on=on))
    return _headed_cap_of(headed, team_no_top)


def _own_cap_of(own: int, forced: int, no_top: int) -> Cap | None:
    if own >= forced:
        return Cap("基本称职", CADRE_SCALE[2:], f"约谈 {own} 次：直接评为“基本称职”或“不称职”等次", own)
    if own >= no_top:
        return Cap("称职", CADRE_SCALE[1:], f"约谈 {own} 次：不得评为“优秀”等次", own)
    return None


def _headed_cap_of(headed: int, team_no_top: int) -> Cap:
    if headed >= team_no_top:
        return Cap("称职", CADRE_SCALE[1:],
                   f"所在领导班子当年被约谈 {headed} 次：单位主要负责人不得评为“优秀”等次", headed)
    return Cap(None, CADRE_SCALE, "", 0)


def rating_cap(*, cadre: Cadre | None = None, team: OrgUnit | None = None, year: int) -> Cap:
    """The R14 cap for a cadre or a team (leadership team of a unit) in an assessment year."""
    if (cadre is None) == (team is None):
        raise ValueError("rating_cap needs exactly one of cadre= or team=")
    return _cadre_cap(cadre, year) if cadre is not None else _team_cap(team, year)  # type: ignore[arg-type]


R14_NAMES = ("team_no_excellent", "team_poor", "cadre_no_excellent", "cadre_poor")


def _r14_many(units: list[OrgUnit], on: date) -> dict[int, dict[str, int]]:
    """R14's parameters in force at each unit (one query), each falling back to its default as `talk_param` does."""
    try:
        from zugong.rules.versions import params_in_force_many

        found: dict[int, Any] = {k: v.params for k, v in params_in_force_many("R14", org_units=units, on=on).items()}
    except (KeyError, LookupError, ObjectDoesNotExist, ImportError):
        found = {}
    return {u.pk: {n: int(DEFAULTS[("R14", n)] if found.get(u.pk, {}).get(n) is None else found[u.pk][n])
                   for n in R14_NAMES} for u in units}


def _counts(field: str, ids: list[int], year: int, **where: Any) -> dict[int, int]:
    rows = (Interview.objects.filter(**{f"{field}__in": ids}, **where, **_held_in(year)).order_by()
            .values(field).annotate(n=Count("id")))
    return {int(r[field]): int(r["n"]) for r in rows}


def rating_caps(*, cadres: Sequence[Cadre] = (), teams: Sequence[OrgUnit] = (),
                year: int) -> tuple[dict[int, Cap], dict[int, Cap]]:
    """`rating_cap` for many cadres and teams at once (cadre id → cap, team id → cap) in a fixed handful of
    queries, whatever their number: the interviews grouped three ways and R14's parameters for every unit."""
    cadre_ids, team_ids = [c.pk for c in cadres], [t.pk for t in teams]
    own = _counts("cadre_id", cadre_ids, year) if cadre_ids else {}
    headed = _counts("team_head_id", cadre_ids, year, target_kind=InterviewTarget.TEAM) if cadre_ids else {}
    held = _counts("team_id", team_ids, year, target_kind=InterviewTarget.TEAM) if team_ids else {}
    units = {**OrgUnit.objects.in_bulk({c.org_unit_id for c in cadres}), **{t.pk: t for t in teams}}
    p = _r14_many(list(units.values()), date(year, 12, 31)) if units else {}
    by_cadre = {}
    for c in cadres:
        q = p[c.org_unit_id]
        by_cadre[c.pk] = (_own_cap_of(own.get(c.pk, 0), q["cadre_poor"], q["cadre_no_excellent"])
                          or _headed_cap_of(headed.get(c.pk, 0), q["team_no_excellent"]))
    by_team = {t.pk: _team_cap_of(held.get(t.pk, 0), p[t.pk]["team_poor"], p[t.pk]["team_no_excellent"])
               for t in teams}
    return by_cadre, by_team
