"""R14: the rating cap that admonition interviews put on the annual assessment (咸阳 办法).

Team interviewed [2] times in a year: neither the unit nor its head may be rated 优秀; [3+] times:
the unit is rated 一般 or 较差. Cadre interviewed [1+] times: not 优秀; [2+]: 基本称职 or 不称职.
Only interviews that took place count (held, follow-up, assessed); a rejected proposal does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zugong.cadres.models import Cadre
from zugong.core.models import OrgUnit
from zugong.talks.models import HELD_STATES, Interview, InterviewTarget
from zugong.talks.params import talk_param

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
    if own >= forced:
        return Cap("基本称职", CADRE_SCALE[2:], f"约谈 {own} 次：直接评为“基本称职”或“不称职”等次", own)
    if own >= no_top:
        return Cap("称职", CADRE_SCALE[1:], f"约谈 {own} 次：不得评为“优秀”等次", own)
    headed = headed_team_interview_count(cadre, year)
    team_no_top = int(talk_param("R14", "team_no_excellent", org_unit=cadre.org_unit, on=on))
    if headed >= team_no_top:
        return Cap("称职", CADRE_SCALE[1:],
                   f"所在领导班子当年被约谈 {headed} 次：单位主要负责人不得评为“优秀”等次", headed)
    return Cap(None, CADRE_SCALE, "", 0)


def rating_cap(*, cadre: Cadre | None = None, team: OrgUnit | None = None, year: int) -> Cap:
    """The R14 cap for a cadre or a team (leadership team of a unit) in an assessment year."""
    if (cadre is None) == (team is None):
        raise ValueError("rating_cap needs exactly one of cadre= or team=")
    return _cadre_cap(cadre, year) if cadre is not None else _team_cap(team, year)  # type: ignore[arg-type]
