"""Row locks of the cadres app: one place, ordered by pk."""

from __future__ import annotations

from collections.abc import Iterable

from zugong.cadres.models import Cadre


def lock_cadre(pk: int) -> Cadre:
    return Cadre.objects.select_for_update().get(pk=pk)


def lock_cadres(pks: Iterable[int]) -> list[Cadre]:
    return list(Cadre.objects.select_for_update().filter(pk__in=sorted(set(pks))).order_by("pk"))
