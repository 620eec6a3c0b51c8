"""Row locks of the cadres app: one place, ordered by pk, locking only the cadre rows.

A service changes the row these functions return, never an instance it read before the lock: two
clerks editing different fields of the same cadre then both keep their change (the second waits, and
reads the first one's values). `of=("self",)` keeps PostgreSQL from locking the joined org unit too.
"""

from __future__ import annotations

from collections.abc import Iterable

from zugong.cadres.models import Cadre
from zugong.core.errors import NotFound


def lock_cadre(pk: int) -> Cadre:
    """The cadre's row, locked until the transaction ends, with its org unit loaded (not locked)."""
    cadre = Cadre.objects.select_related("org_unit").select_for_update(of=("self",)).filter(pk=pk).first()
    if cadre is None:
        raise NotFound("未找到该干部")
    return cadre


def lock_cadres(pks: Iterable[int]) -> list[Cadre]:
    return list(Cadre.objects.select_for_update(of=("self",)).filter(pk__in=sorted(set(pks))).order_by("pk"))
