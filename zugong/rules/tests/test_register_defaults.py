"""The register's default parameters, pinned as literals from ../shared/RULES.md (the values in brackets
there) and the engine's own defaults (warn and grace days). Moving a default — in `params.py` or in the
seed — must fail here: a province's rule changes through an override (`rule_override_set`), never by
editing the register."""

from datetime import date
from typing import Any

import pytest

from zugong.rules.models import RuleVersion
from zugong.rules.params import REGISTER, param_fields
from zugong.rules.registry import param

ON = date(2026, 12, 1)

CADENCE = {"max_count": None, "warn_days": 7, "grace_days": 5}
THRESHOLD = {"min_total": None, "min_share_of_days": None, "warn_days": 7, "grace_days": 5}
DEADLINE = {"workdays": False, "warn_days": 3, "period": "month"}

PINNED: dict[str, dict[str, Any]] = {
    # R01: [1–2] categories or themes a year, [10] key teams
    "R01": {"classified": {**CADENCE, "period": "year", "min_count": 1, "max_count": 2},
            "key": {**CADENCE, "period": "year", "min_count": 10}},
    # R02: side evidence from 纪检监察, 巡视, 审计, 法检, 综治, 环保
    "R02": {**DEADLINE, "bodies": ["纪检监察", "巡视", "审计", "法检", "综治", "环保"], "days": 15},
    "R03": {**DEADLINE, "days": 30},  # a timely talk [within 30 days of the flag]
    "R04": {**CADENCE, "period": "year", "min_count": 1},  # every cadre every year
    "R05": {**DEADLINE, "days": 30},  # 五必谈 [within 30 days]
    # R06: [2–3] batches a year, each stay [about a month], suggestions answered [within 30 days]
    "R06": {**CADENCE, "period": "year", "min_count": 2, "max_count": 3,
            "stay": {**CADENCE, "period": "year", "min_count": 30},
            "suggestions": {**DEADLINE, "days": 30, "period": "year"}},
    "R07": {**CADENCE, "period": "month", "min_count": 1},  # 民情分析会 [monthly]
    "R08": {**CADENCE, "period": "year", "min_count": 2, "linked_villages": 1},  # one village, [2] households
    "R09": {**THRESHOLD, "period": "month", "min_total": 10.0},  # at least [10] households a month
    "R10": {**THRESHOLD, "period": "year", "min_share_of_days": 0.6667},  # [2/3] of the year in the village
    "R11": {**THRESHOLD, "period": "month", "min_share_of_days": 1.0, "min_on_duty": 1},  # [1] on duty every day
    "R12": {  # [1–2] 务虚会 a year, a 座谈会 every quarter
        "retreat": {**CADENCE, "period": "year", "min_count": 1, "max_count": 2, "warn_days": 30},
        "symposium": {**CADENCE, "period": "quarter", "min_count": 1, "warn_days": 14},
    },
    "R13": {**DEADLINE, "days": 3, "publicity_min_workdays": 5,  # announced within [3] days; 公示 ≥ [5] workdays
            # by [the body the post's level names]
            "announcers": {"正县级": "市委", "副县级": "市委", "正科级": "县委", "副科级": "县委"},
            "default_announcer": "本级党委"},
    # R14: team [2] → not 优秀, [3+] → 一般/较差; cadre [1+] → not 优秀, [2+] → 基本称职/不称职
    "R14": {"team_no_excellent": 2, "team_poor": 3, "cadre_no_excellent": 1, "cadre_poor": 2},
    "R15": {**DEADLINE, "days": 30},  # written report within [1 month]
    "R16": {**DEADLINE, "days": 3},  # dispatched within [3] days
    "R17": {"min_vote_share": None, "max_rank": None},
    "R18": {},
    "R19": {"require_personal_report": True, "draw_share": 0.1},
    "R20": {},
    "R21": {"vote_required_level": "正县级", "quorum": "2/3"},  # 票决 for every 正县级 post
    "R22": {"county_years": 2, "department_years": 3,  # county every [2] years, department every [3]
            "days": 0, "workdays": False, "warn_days": 60, "period": "year"},  # a deadline rule (selection)
    "R23": {"min_years_in_township": 3, "min_years_before_transfer": 2},  # [3] years; less than [2]: no transfer
    "R24": {**CADENCE, "period": "quarter", "min_count": 1,  # checked every [quarter]
            "plan": {**DEADLINE, "days": 0, "warn_days": 7},  # a plan's dates: notice [7] days before
            "due": {**DEADLINE, "days": 0, "warn_days": 7}},  # a problem's own deadline: notice [7] days before
    "R25": {**CADENCE, "period": "year", "min_count": 2, "occasions": ["七一", "春节"]},  # 七一 and 春节
    # R26: at least [3 months] a year of grassroots research, leading [1–2] topics
    "R26": {**THRESHOLD, "period": "year", "min_total": 90.0,
            "topics": {**THRESHOLD, "period": "year", "min_total": 1.0, "max_topics": 2}},
    # R27: [5] warning levels, every [quarter]; each quarter's report due [10 days] after it ends
    "R27": {**DEADLINE, "levels": 5, "period": "quarter", "days": 10},
    "R28": {**DEADLINE, "days": 60},  # closure within [60 days]
    "R29": {**CADENCE, "period": "quarter", "min_count": 1, "max_count": 2, "warn_days": 14},  # [1–2] a quarter
    # R30: [3 months] every [5] years, at least [1] course a year, [2] advanced classes and [2] seminars
    "R30": {**THRESHOLD, "period": "year", "min_total": 1.0,
            "advanced_classes": {**THRESHOLD, "period": "year", "min_total": 2.0},
            "seminars": {**THRESHOLD, "period": "year", "min_total": 2.0},
            "cycle": {**THRESHOLD, "period": "year", "min_total": 90.0, "years": 5}},
    "R31": {**DEADLINE, "days": 30, "areas": 4, "indicators": 19, "lowest_cities": 3,  # [4] areas, [19] ...
            "lowest_counties": 10},
    "R32": {"period": "quarter"},
    "R33": {**DEADLINE, "days": 0, "report_period": "month", "report_day": 25},  # key tasks reported [monthly], by the [25th]
}


# parameters whose value is a mapping (one parameter, set whole), not a section of parameters
MAPPINGS = {"R13.announcers"}


def _leaves(params: dict[str, Any], prefix: str = "", code: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dict) and f"{code}.{prefix}{key}" not in MAPPINGS:
            found.update(_leaves(value, f"{prefix}{key}.", code))
        else:
            found[f"{prefix}{key}"] = value
    return found


def test_every_rule_of_the_register_is_pinned():
    assert sorted(PINNED) == [spec.code for spec in REGISTER] == [f"R{n:02d}" for n in range(1, 34)]


@pytest.mark.parametrize("code", sorted(PINNED))
def test_default_parameters_are_those_of_the_register(db, code):
    pinned = _leaves(PINNED[code], code=code)
    # every parameter the module reads through the registry, by its dotted name
    assert {f.name for f in param_fields(code)} == set(pinned)
    for name, value in pinned.items():
        assert param(code, name, org_unit=None, on=ON) == value, f"{code}.{name}"
    # and the seeded root version holds exactly these values
    assert RuleVersion.objects.get(rule__code=code, scope__isnull=True).params == PINNED[code]
