"""Where a wall stands: its coordinates (WGS84) and how far around it residents are served.

Open311 places a request given by lat/long at the nearest active wall whose coverage circle contains
the point (`open311.wall_at`), so a wall without coordinates is reached only by address_string or
address_id.
"""

from __future__ import annotations

import math

from django.db import transaction

from zugong.core.audit import audit_record
from zugong.core.errors import ValidationFailed
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.permissions import Actor, require
from zugong.masswork.locks import lock_wall
from zugong.masswork.models import Wall

MIN_COVERAGE_M = 50
# No wall serves further than this: the Open311 lat/long search looks only at walls inside this box.
MAX_COVERAGE_M = 10_000


def _coordinate(value: float | None, *, field: str, label: str, bound: float) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise ValidationFailed(f"{label}应在 -{bound:g} 到 {bound:g} 度之间（WGS84，十进制度）", field=field)
    return round(value, 6)  # about 0.1 m: finer digits are noise from a phone's map


def _coverage(value: int) -> int:
    if not MIN_COVERAGE_M <= value <= MAX_COVERAGE_M:
        raise ValidationFailed(f"服务半径应在 {MIN_COVERAGE_M} 到 {MAX_COVERAGE_M} 米之间", field="coverage_m")
    return value


@transaction.atomic
def wall_locate(*, actor: Actor, jurisdiction: Jurisdiction, wall_id: int, lat: float | None,
                long: float | None, coverage_m: int) -> Wall:
    """Set (or, with neither lat nor long, clear) a wall's place and its coverage radius."""
    wall = lock_wall(wall_id)
    require(jurisdiction, "masswork.wall_locate", wall.org_unit)
    if (lat is None) != (long is None):
        raise ValidationFailed("纬度和经度必须同时填写（或同时留空以取消定位）",
                               field="long" if long is None else "lat")
    before = {"lat": wall.lat, "long": wall.long, "coverage_m": wall.coverage_m}
    wall.lat = _coordinate(lat, field="lat", label="纬度", bound=90)
    wall.long = _coordinate(long, field="long", label="经度", bound=180)
    wall.coverage_m = _coverage(coverage_m)
    wall.save(update_fields=["lat", "long", "coverage_m"])
    audit_record(actor=actor, action="masswork.wall_locate", obj=wall, org_unit=wall.org_unit,
                 summary={"before": before, "after": {"lat": wall.lat, "long": wall.long,
                                                     "coverage_m": wall.coverage_m}})
    return wall
