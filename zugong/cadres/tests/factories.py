"""Helpers to build valid records in tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from zugong.cadres.idcard import check_digit
from zugong.cadres.models import Cadre
from zugong.cadres.records import CadreRecord, EducationData, FamilyData, ResumeData, ReviewData, RewardData
from zugong.cadres.services import cadre_create
from zugong.core.models import OrgUnit
from zugong.core.permissions import SYSTEM


def id_number(birth: date, order: int = 1, area: str = "110105") -> str:
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    return body + check_digit(body)


def record(name: str = "张三", birth: date = date(1980, 5, 17), order: int = 1, **extra: Any) -> CadreRecord:
    base: dict[str, Any] = {
        "name": name, "id_number": id_number(birth, order), "birth_date": birth, "ethnicity": "01",
        "native_place": "示范省示范市", "birthplace": "示范市", "political_status": "01",
        "party_join_date": date(2003, 6, 1), "work_start_date": date(2002, 7, 1), "health": "健康",
        "current_post": "甲县甲镇党委副书记",
        "education": [EducationData("full_time", "大学", "法学学士", "示范大学法律系法学专业")],
        "resume": [ResumeData(date(1998, 9, 1), date(2002, 7, 1), "示范大学法律系法学专业学习"),
                   ResumeData(date(2002, 7, 1), None, "甲县甲镇党委副书记")],
        "family": [FamilyData("妻子", "李四", date(1982, 3, 1), "中共党员", "甲县第一中学教师")],
        "rewards": [RewardData("2019年被评为县优秀共产党员")],
        "reviews": [ReviewData(2022, "competent"), ReviewData(2023, "excellent")],
    }
    base.update(extra)
    return CadreRecord(**base)


def make_cadre(unit: OrgUnit, name: str = "张三", birth: date = date(1980, 5, 17), order: int = 1,
               **extra: Any) -> Cadre:
    options = {k: extra.pop(k) for k in ("rank_level", "township_recruit_on", "managing_unit") if k in extra}
    return cadre_create(actor=None, jurisdiction=SYSTEM, org_unit=unit, record=record(name, birth, order, **extra), **options)
